"""The playground's server: one guild with a venue channel, a digest channel and a few
members of every kind, kept in a data folder between runs with the bot's database."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakediscord.server import FakeDiscord
from tests.fakediscord.state import Guild, Permissions

STATE_FILE = "fake.pickle"


@dataclass
class PlayWorld:
    guild: Guild
    #: the members the page can act as, by username
    members: dict[str, int]


def build(fake: FakeDiscord) -> PlayWorld:
    """A fresh server: #general, #venues and #digest; Camille may manage the server,
    Dominique is a moderator, Alex and Sam are members."""
    guild = fake.add_guild("Bonnes Places playground")
    fake.add_channel(guild, "venues")
    fake.add_channel(guild, "digest")
    admins = fake.add_role(guild, "Admins", Permissions.MANAGE_GUILD)
    moderators = fake.add_role(guild, "Moderators")
    members = {
        "camille": fake.add_member(guild, "camille", roles=[admins]),
        "dominique": fake.add_member(guild, "dominique", roles=[moderators]),
        "alex": fake.add_member(guild, "alex"),
        "sam": fake.add_member(guild, "sam"),
    }
    return PlayWorld(guild, {name: m.user.id for name, m in members.items()})


def save(fake: FakeDiscord, world: PlayWorld, folder: Path) -> None:
    """Write what the fake knows (users, the guild, messages, synced commands, the
    clock) next to the bot's database; written whole, then renamed."""
    state: dict[str, Any] = {
        "bot_user": fake.bot_user,
        "owner": fake.owner,
        "users": fake.users,
        "guild": world.guild,
        "members": world.members,
        "messages": fake.messages,
        "global_commands": fake.global_commands,
        "guild_commands": fake.guild_commands,
        "now": fake.now(),
    }
    target = folder / STATE_FILE
    partial = target.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(state))
    partial.replace(target)


def load(fake: FakeDiscord, folder: Path) -> PlayWorld | None:
    """The server saved by an earlier run, or None. The clock resumes where it was if it
    had been moved ahead, since the bot's records never see time go back."""
    path = folder / STATE_FILE
    if not path.exists():
        return None
    state = pickle.loads(path.read_bytes())
    fake.bot_user = state["bot_user"]
    fake.application_id = fake.bot_user.id
    fake.owner = state["owner"]
    fake.users = state["users"]
    fake.messages = state["messages"]
    fake.global_commands = state["global_commands"]
    fake.guild_commands = state["guild_commands"]
    guild: Guild = state["guild"]
    fake.guilds = {guild.id: guild}
    saved_now: dt.datetime = state["now"]
    if saved_now > fake.now():
        fake.set_clock(saved_now)
    highest = max(
        [*fake.users, *fake.messages, *guild.channels, *guild.threads, *guild.roles, guild.id]
    )
    while fake.ids.next() <= highest:
        fake.ids._last = highest
    return PlayWorld(guild, state["members"])
