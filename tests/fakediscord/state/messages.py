"""Messages, with their reactions, as Discord serializes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakediscord.state.clock import iso
from tests.fakediscord.state.guilds import User

EPHEMERAL, LOADING, IS_COMPONENTS_V2 = 1 << 6, 1 << 7, 1 << 15
_USER_MENTION = re.compile(r"<@!?(\d+)>")


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    interaction_id: int | None = None
    webhook_id: int | None = None
    #: emoji -> ordered user ids
    reactions: dict[str, list[int]] = field(default_factory=dict)
    edited_at: str | None = None
    deleted: bool = False
    created_at: str = field(default_factory=iso)
    nonce: str | int | None = None
    #: the thread started from this message, if any
    thread: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def pinged_users(self) -> set[int]:
        """The users this message notifies, as Discord decides it: the user mentions in
        its text that `allowed_mentions` lets through (all of them when it is absent)."""
        mentioned = {int(found) for found in _USER_MENTION.findall(self.content)}
        mentions = self.allowed_mentions
        if mentions is None or "users" in (mentions.get("parse") or []):
            return mentioned
        return mentioned & {int(user) for user in mentions.get("users") or []}

    def to_dict(self, *, me: int | None = None, with_nonce: bool = False) -> dict[str, Any]:
        """The message object; its `nonce` only in the answer to its creation (Discord
        does not return it when the message is read later)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 0 if self.interaction_id is None else 20,
            "author": self.author.to_dict(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": [
                {k: v for k, v in a.items() if k != "content"} for a in self.attachments
            ],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": self.flags,
            "timestamp": self.created_at,
            "edited_timestamp": self.edited_at,
            "reactions": [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "burst_colors": [],
                    "me": me in users,
                    "me_burst": False,
                    "burst_me": False,
                }
                for emoji, users in self.reactions.items()
                if users
            ],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if with_nonce and self.nonce is not None:
            data["nonce"] = self.nonce
        if self.thread is not None:
            data["thread"] = self.thread
        return data

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed (tests read announcements and venue cards this way)."""
        return self.embeds[0] if self.embeds else {}

    def text(self) -> str:
        """The message's text and every Text Display of its layout, in reading order."""
        parts = [self.content] if self.content else []

        def walk(components: list[dict[str, Any]]) -> None:
            for component in components:
                if component.get("type") == 10:
                    parts.append(component.get("content", ""))
                walk(component.get("components") or [])

        walk(self.components)
        return "\n".join(parts)

    def embed_text(self) -> str:
        """Every visible text of the embeds, for assertions."""
        parts: list[str] = []
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for f in embed.get("fields", []):
                parts += [f.get("name", ""), f.get("value", "")]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(p for p in parts if p)
