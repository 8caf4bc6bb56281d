"""A local fake Discord: REST and gateway over loopback, for end-to-end tests.

The bot under test is real discord.py pointed at this server through DISCORD_API_BASE and
DISCORD_GATEWAY_URL. Tests drive it the way Discord would (slash commands, autocomplete,
button clicks, modal submits, reactions, scheduled-event clicks, the clock) and read back
every request the bot made. README.md in this folder is the guide."""

from tests.fakediscord.driver.interactions import FakeInteraction, ModalInputError, OptionError
from tests.fakediscord.driver.transcript import render_message
from tests.fakediscord.rest.core import RecordedRequest
from tests.fakediscord.rest.errors import FormError, HTTPError
from tests.fakediscord.server import FakeDiscord
from tests.fakediscord.state import (
    Channel,
    Guild,
    Member,
    Message,
    Permissions,
    Role,
    ScheduledEvent,
    User,
)

__all__ = [
    "Channel",
    "FakeDiscord",
    "FakeInteraction",
    "FormError",
    "Guild",
    "HTTPError",
    "Member",
    "Message",
    "ModalInputError",
    "OptionError",
    "Permissions",
    "RecordedRequest",
    "Role",
    "ScheduledEvent",
    "User",
    "render_message",
]
