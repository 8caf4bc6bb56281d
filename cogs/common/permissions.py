"""Who may do what: the bot in a channel, a member on a venue."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.errors import DomainError
from bot.domain.guilds import GuildConfig

#: What the bot needs in a channel to announce venues and count their votes.
ANNOUNCE_PERMISSIONS = (
    "view_channel",
    "send_messages",
    "embed_links",
    "add_reactions",
    "read_message_history",
)
#: What the bot needs in a channel to post the digest with its chart and number reactions.
DIGEST_PERMISSIONS = (
    "view_channel",
    "send_messages",
    "embed_links",
    "attach_files",
    "add_reactions",
    "read_message_history",
)


def missing_permissions(
    channel: discord.abc.GuildChannel | discord.Thread,
    member: discord.Member,
    names: Sequence[str],
) -> list[str]:
    permissions = channel.permissions_for(member)
    return [name for name in names if not getattr(permissions, name)]


def require_permissions(
    channel: discord.abc.GuildChannel | discord.Thread,
    member: discord.Member,
    names: Sequence[str],
) -> None:
    """Refuse, naming what is missing, a channel where `member` (the bot) lacks any of
    the permissions `names`."""
    missing = missing_permissions(channel, member, names)
    if missing:
        raise DomainError(
            "error.bot_missing_permissions", channel=channel.mention, permissions=missing
        )


def require_member_can_post(interaction: discord.Interaction) -> None:
    """Refuse when the member who ran the command may not send messages in its channel
    (the interaction carries the member's own permissions there)."""
    permissions = interaction.permissions
    in_thread = isinstance(interaction.channel, discord.Thread)
    can_send = permissions.send_messages_in_threads if in_thread else permissions.send_messages
    if not (permissions.view_channel and can_send):
        raise DomainError("error.member_cannot_post", channel=f"<#{interaction.channel_id}>")


def is_moderator(interaction: discord.Interaction, config: GuildConfig) -> bool:
    """Manage Server, or the guild's moderator role."""
    if interaction.permissions.manage_guild:
        return True
    roles = getattr(interaction.user, "roles", [])
    return config.moderator_role_id is not None and any(
        role.id == config.moderator_role_id for role in roles
    )
