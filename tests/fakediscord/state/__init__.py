"""What the fake Discord knows: the world tests build and the bot changes through REST."""

from tests.fakediscord.state.clock import Clock, Snowflakes
from tests.fakediscord.state.events import ScheduledEvent
from tests.fakediscord.state.guilds import Channel, Guild, Member, Overwrite, Role, User
from tests.fakediscord.state.messages import Message
from tests.fakediscord.state.permissions import Permissions
from tests.fakediscord.state.world import World

__all__ = [
    "Channel",
    "Clock",
    "Guild",
    "Member",
    "Message",
    "Overwrite",
    "Permissions",
    "Role",
    "ScheduledEvent",
    "Snowflakes",
    "User",
    "World",
]
