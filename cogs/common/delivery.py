"""Posting a guild message once, even when Discord's answer is lost.

Every post that must not be doubled (a venue's announcement, a digest) carries a nonce
derived from what it is; discord.py sends `enforce_nonce` with it, so Discord answers a
repeat within a few minutes with the message it already created. When a send ends
without a clear answer (the connection dropped, a timeout, a 5xx once discord.py's own
retries are spent), the channel's recent messages are searched for the bot's own before
the send is tried again; a later attempt (after a restart, beyond the nonce's minutes)
searches first."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

log = logging.getLogger(__name__)

#: Discord's limit on a nonce's length.
NONCE_MAX = 25
#: How many of a channel's latest messages are searched for the bot's own post.
LOOK_BACK = 50
#: Sends in all, the first included, when the answer is lost.
ATTEMPTS = 2

#: What a send raises when its answer did not arrive (besides a 5xx `HTTPException`).
UNKNOWN_OUTCOME = (aiohttp.ClientError, TimeoutError, OSError)

Channel = discord.TextChannel | discord.Thread | discord.VoiceChannel
Marker = Callable[[discord.Message], bool]


def nonce_of(*parts: object) -> str:
    """A nonce that names one post, the same on every attempt and in every process."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()[:NONCE_MAX]


def outcome_unknown(error: BaseException) -> bool:
    """The request may or may not have created the message."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500
    return isinstance(error, UNKNOWN_OUTCOME)


async def find_own(
    channel: Channel, is_it: Marker, limit: int = LOOK_BACK
) -> discord.Message | None:
    """The bot's latest message among the channel's `limit` latest for which `is_it`;
    None when there is none or the history cannot be read."""
    me = channel.guild.me.id
    try:
        async for message in channel.history(limit=limit):
            if message.author.id == me and is_it(message):
                return message
    except (discord.HTTPException, *UNKNOWN_OUTCOME) as exc:
        log.warning("could not read the history of channel %s: %s", channel.id, exc)
    return None


async def send_once(
    channel: Channel, nonce: str, is_it: Marker, make: Callable[[], dict[str, Any]]
) -> discord.Message:
    """Send the message `make()` describes (fresh for each attempt: files are consumed)
    with `nonce`; when the answer is lost, find it in the channel or send again."""
    error: BaseException | None = None
    for _ in range(ATTEMPTS):
        try:
            return await channel.send(nonce=nonce, **make())
        except (discord.HTTPException, *UNKNOWN_OUTCOME) as exc:
            if not outcome_unknown(exc):
                raise
            error = exc
        log.warning(
            "no clear answer to a post in channel %s (%s): looking for it", channel.id, error
        )
        found = await find_own(channel, is_it)
        if found is not None:
            return found
    assert error is not None
    raise error


def has_attachment(name: str) -> Marker:
    return lambda message: any(a.filename == name for a in message.attachments)


def has_component(custom_id: str) -> Marker:
    """A message with a button or select of this `custom_id`, at any depth."""

    def walk(components: Any) -> bool:
        for component in components:
            if getattr(component, "custom_id", None) == custom_id:
                return True
            if walk(getattr(component, "children", ())):
                return True
        return False

    return lambda message: walk(message.components)
