"""What Discord refuses in a message body: text and embed limits, then components."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.rest.errors import FormError
from tests.fakediscord.validation.components import check_components


def _too_long(where: tuple[str | int, ...], limit: int) -> FormError:
    return FormError(where, f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH")


def check_message(data: dict[str, Any], flags: int, filenames: set[str]) -> None:
    """Content <= 2,000; <= 10 embeds of <= 6,000 characters in all, each within its field
    limits; components by the rules of the message's flags."""
    if len(data.get("content") or "") > 2000:
        raise _too_long(("content",), 2000)
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        raise _too_long(("embeds",), 10)
    total = 0
    for index, embed in enumerate(embeds):
        where = ("embeds", index)
        for key, limit in (("title", 256), ("description", 4096)):
            if len(embed.get(key) or "") > limit:
                raise _too_long((*where, key), limit)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise _too_long((*where, "fields"), 25)
        for number, f in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                if not f.get(key) or len(f[key]) > limit:
                    raise FormError(
                        (*where, "fields", number, key),
                        f"Must be between 1 and {limit} in length.",
                        "BASE_TYPE_BAD_LENGTH",
                    )
        footer = (embed.get("footer") or {}).get("text") or ""
        if len(footer) > 2048:
            raise _too_long((*where, "footer", "text"), 2048)
        total += sum(len(embed.get(k) or "") for k in ("title", "description"))
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
        total += len(footer) + len((embed.get("author") or {}).get("name") or "")
    if total > 6000:
        raise FormError(
            ("embeds",), "Embed size exceeds maximum size of 6000", "MAX_EMBED_SIZE_EXCEEDED"
        )
    _check_allowed_mentions(data.get("allowed_mentions"))
    check_components(data, flags, filenames)


def _check_allowed_mentions(mentions: dict[str, Any] | None) -> None:
    """At most 100 users (and roles) named; a kind both parsed and listed is refused."""
    if not mentions:
        return
    parse = mentions.get("parse") or []
    for kind in ("users", "roles"):
        listed = mentions.get(kind) or []
        if len(listed) > 100:
            raise _too_long(("allowed_mentions", kind), 100)
        if listed and kind in parse:
            raise FormError(
                ("allowed_mentions", "parse"),
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
            )
