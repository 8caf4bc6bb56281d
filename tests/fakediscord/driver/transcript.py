"""Messages rendered as plain text, the way a member reads them: what tests assert on and
what a reviewer reads in a recorded transcript. Components V2 layouts are drawn with
their structure (containers boxed, sections with their accessory, separators as rules)."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.state import Channel, Message, World
from tests.fakediscord.state.messages import EPHEMERAL, IS_COMPONENTS_V2

BUTTON_STYLES = {1: "", 2: "", 3: "+", 4: "!", 5: "↗", 6: "$"}


def render_message(message: Message, *, users: dict[int, Any] | None = None) -> str:
    """One message: author, text, embeds, components, attachments, reactions."""
    only_you = " (only you can see this)" if message.flags & EPHEMERAL else ""
    lines = [f"{message.author.username}{only_you}:"]
    if message.content:
        lines += [f"  {line}" for line in message.content.splitlines()]
    for embed in message.embeds:
        lines += _embed(embed)
    v2 = bool(message.flags & IS_COMPONENTS_V2)
    for component in message.components:
        lines += _component(component, "  ", v2)
    for attachment in message.attachments:
        lines.append(f"  📎 {attachment['filename']} ({attachment['size']} bytes)")
    reactions = [f"{emoji} {len(ids)}" for emoji, ids in message.reactions.items() if ids]
    if reactions:
        lines.append("  " + "  ".join(reactions))
    return "\n".join(lines)


def _embed(embed: dict[str, Any]) -> list[str]:
    lines = ["  ┃ " + embed["title"]] if embed.get("title") else []
    lines += [f"  ┃ {line}" for line in (embed.get("description") or "").splitlines()]
    for field in embed.get("fields") or []:
        lines.append(f"  ┃ {field.get('name', '')}: {field.get('value', '')}")
    if (embed.get("footer") or {}).get("text"):
        lines.append(f"  ┃ — {embed['footer']['text']}")
    return lines


def _button(button: dict[str, Any]) -> str:
    label = button.get("label") or (button.get("emoji") or {}).get("name") or "?"
    mark = BUTTON_STYLES.get(button.get("style", 1), "")
    disabled = " (disabled)" if button.get("disabled") else ""
    return f"[{mark}{label}{disabled}]"


def _select(select: dict[str, Any]) -> str:
    options = ", ".join(o.get("label", "") for o in select.get("options") or [])
    placeholder = select.get("placeholder") or "choose"
    return f"[▾ {placeholder}{': ' + options if options else ''}]"


def _media(media: dict[str, Any] | None) -> str:
    url = (media or {}).get("url", "")
    return url.removeprefix("attachment://") if url.startswith("attachment://") else url


def _component(component: dict[str, Any], indent: str, v2: bool) -> list[str]:
    kind = component.get("type")
    if kind == 1:
        parts = [
            _button(c) if c.get("type") == 2 else _select(c)
            for c in component.get("components", [])
        ]
        return [indent + " ".join(parts)]
    if kind == 10:
        return [indent + line for line in component.get("content", "").splitlines()]
    if kind == 9:
        lines = []
        for child in component.get("components", []):
            lines += _component(child, indent, v2)
        accessory = component.get("accessory") or {}
        side = (
            _button(accessory)
            if accessory.get("type") == 2
            else f"[thumbnail {_media(accessory.get('media'))}]"
        )
        if lines:
            lines[0] = f"{lines[0]}  {side}"
        return lines
    if kind == 11:
        return [f"{indent}[thumbnail {_media(component.get('media'))}]"]
    if kind == 12:
        return [
            f"{indent}[image {_media(item.get('media'))}]" for item in component.get("items", [])
        ]
    if kind == 13:
        return [f"{indent}[file {_media(component.get('file'))}]"]
    if kind == 14:
        return [indent + ("────────" if component.get("divider", True) else "")]
    if kind == 17:
        inner: list[str] = []
        for child in component.get("components", []):
            inner += _component(child, "", v2)
        width = max([len(line) for line in inner] + [8])
        return (
            [indent + "╭" + "─" * (width + 2) + "╮"]
            + [f"{indent}│ {line.ljust(width)} │" for line in inner]
            + [indent + "╰" + "─" * (width + 2) + "╯"]
        )
    return [f"{indent}[component type {kind}]"]


class Transcripts(World):
    def render(self, message: Message) -> str:
        return render_message(message)

    def transcript(self, channel: Channel | int, *, include_replies: bool = True) -> str:
        """Every message of a channel or thread, oldest first, rendered for reading:
        messages posted there and (with `include_replies`) interaction replies, the
        ephemeral ones marked."""
        channel_id = channel if isinstance(channel, int) else channel.id
        messages = sorted(
            (
                m
                for m in self.messages.values()
                if m.channel_id == channel_id
                and not m.deleted
                and (include_replies or m.interaction_id is None)
            ),
            key=lambda m: m.id,
        )
        return "\n\n".join(render_message(m) for m in messages)
