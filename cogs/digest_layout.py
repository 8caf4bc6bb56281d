"""The digest as a Components V2 layout: one container with the week's gatherings (each
with a Going button, the same answer as the routine's card), the best places, the new
proposals, the streaks, the question and the chart."""

from __future__ import annotations

from typing import Any

import discord
from discord import ui

from bot.domain.digest import COMPONENTS_MAX, Digest
from bot.domain.votes import NUMBER_EMOJIS
from cogs.common.rating import RateButton
from cogs.common.render import COLOUR
from cogs.digest_commit import CommitButton
from cogs.routine_card import RoutineButton

CHART_FILE = "irl-hours.png"


def _text(content: str) -> ui.TextDisplay[Any]:
    return ui.TextDisplay(content)


def _gatherings(digest: Digest) -> list[ui.Item[Any]]:
    items: list[ui.Item[Any]] = [_text(f"### {digest.gatherings_title}")]
    for gathering in digest.gatherings:
        if gathering.routine_id is None:
            items.append(_text(gathering.text))
            continue
        button = RoutineButton("going", gathering.routine_id, digest.going_label)
        items.append(ui.Section(_text(gathering.text), accessory=button))
    if digest.gatherings_more:
        items.append(_text(digest.gatherings_more))
    return items


def _rate_row(digest: Digest) -> ui.ActionRow[Any]:
    """A Rate button per venue of the best places, marked with its number."""
    row: ui.ActionRow[Any] = ui.ActionRow()
    for emoji, venue_id in zip(NUMBER_EMOJIS, digest.venue_ids, strict=False):
        row.add_item(RateButton(venue_id, digest.rate_label, emoji))
    return row


def digest_container(digest: Digest, *, chart: str | None) -> ui.Container[Any]:
    """Everything the digest shows, in one container."""
    items: list[ui.Item[Any]] = [_text(f"## {digest.title}\n{digest.description}")]
    if digest.gatherings:
        items.append(ui.Separator())
        items += _gatherings(digest)
    *blocks, question = digest.sections
    if blocks:
        items.append(ui.Separator())
        for block in blocks:
            items.append(_text(f"### {block.name}\n{block.value}"))
            if block.key == "top" and digest.venue_ids:
                items.append(_rate_row(digest))
            if block.key == "irl":
                items.append(ui.ActionRow(CommitButton(digest.commit_label)))
    items.append(ui.Separator())
    items.append(_text(f"### {question.name}\n{question.value}"))
    if chart is not None:
        items.append(ui.MediaGallery(discord.MediaGalleryItem(f"attachment://{chart}")))
    items.append(_text(f"-# {digest.footer}"))
    return ui.Container(*items, accent_colour=COLOUR)


def digest_view(digest: Digest, *, chart: str | None = CHART_FILE, note: str = "") -> ui.LayoutView:
    """The digest's message; `note` (the preview's status) goes above it. Its buttons are
    dynamic items, so they answer after a restart without this view being kept."""
    view = ui.LayoutView(timeout=None)
    if note:
        view.add_item(_text(note))
    view.add_item(digest_container(digest, chart=chart))
    assert view.total_children_count <= COMPONENTS_MAX, view.total_children_count
    return view
