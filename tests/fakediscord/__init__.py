"""A local fake Discord: REST and gateway over loopback, for end-to-end tests.

The bot under test is real discord.py pointed at this server through DISCORD_API_BASE and
DISCORD_GATEWAY_URL. Tests drive it the way Discord would (slash commands, autocomplete,
button clicks, modal submits, reactions) and read back every request the bot made.
"""

from tests.fakediscord.model import (
    Channel,
    Guild,
    Member,
    Message,
    Permissions,
    Role,
    User,
)
from tests.fakediscord.server import FakeDiscord, FakeInteraction, RecordedRequest

__all__ = [
    "Channel",
    "FakeDiscord",
    "FakeInteraction",
    "Guild",
    "Member",
    "Message",
    "Permissions",
    "RecordedRequest",
    "Role",
    "User",
]
