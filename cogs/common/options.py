"""The venue option, shared by every command that names a venue.

Discord sends what the member chose or typed as a string: an autocomplete choice carries
the venue's id, a typed value is a name. `VenueTransformer` resolves it once, before the
command runs, so commands and services deal in venues and ids, never in typed text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord
from discord import app_commands
from discord.app_commands import Choice, Transform
from discord.app_commands import locale_str as _

from bot.domain.venues import EDITABLE_STATUSES, LISTED_STATUSES, NAME_MAX, parse_venue_ref
from cogs.common import services_of
from cogs.common.render import CHOICE_LABEL_MAX, clip
from db.repositories import VenueRecord

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])


async def resolved(interaction: discord.Interaction, lookup: Awaitable[T]) -> T:
    """Await an option's look-up; its failure is the command's own, reported exactly as
    if the command had raised it (a refusal in the member's language, a busy database as
    busy) rather than as an invalid value."""
    try:
        return await lookup
    except app_commands.AppCommandError:
        raise
    except Exception as exc:
        command = interaction.command
        assert command is not None
        raise app_commands.CommandInvokeError(command, exc) from exc


def venue_label(venue: VenueRecord) -> str:
    """An autocomplete label: 'Name — City', within Discord's 100 characters."""
    return clip(f"{venue.name} — {venue.city}", CHOICE_LABEL_MAX)


class VenueTransformer(app_commands.Transformer):
    """A venue of this guild, by autocomplete id or typed name, in one of `statuses`."""

    def __init__(self, statuses: tuple[str, ...] = LISTED_STATUSES) -> None:
        self.statuses = statuses

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return NAME_MAX

    async def transform(self, interaction: discord.Interaction, value: str, /) -> VenueRecord:
        guild_id = interaction.guild_id
        assert guild_id is not None
        venues = services_of(interaction).venues
        return await resolved(interaction, venues.resolve(guild_id, value, statuses=self.statuses))

    async def autocomplete(
        self, interaction: discord.Interaction, value: int | float | str, /
    ) -> list[Choice[int | float | str]]:
        if interaction.guild_id is None:
            return []
        venues = await services_of(interaction).venues.autocomplete(
            interaction.guild_id, str(value)
        )
        return [Choice(name=venue_label(v), value=str(v.id)) for v in venues]


class VenueIdTransformer(VenueTransformer):
    """A listed venue's id: an autocomplete choice is taken as it is, and the command's
    service reads the venue in its own transaction, refusing it as `resolve` would
    (`bot.domain.venues.named_venue`); a typed name is looked up here."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> int:  # type: ignore[override]
        parsed = parse_venue_ref(value)
        if isinstance(parsed, int):
            return parsed
        return (await super().transform(interaction, value)).id


#: A listed venue: the ones members rate, visit, look up and meet at.
VenueOption = Transform[VenueRecord, VenueTransformer(LISTED_STATUSES)]
#: A listed venue's id, for a command whose service reads the venue itself (show, rate).
VenueIdOption = Transform[int, VenueIdTransformer(LISTED_STATUSES)]
#: A venue its proposer or a moderator may still edit or remove (listed or pending).
EditableVenueOption = Transform[VenueRecord, VenueTransformer(EDITABLE_STATUSES)]


def options(**descriptions: str) -> Callable[[F], F]:
    """A decorator naming each given option of a command after itself and describing it
    (both are translated, like every command string)."""

    def decorate(command: F) -> F:
        command = app_commands.rename(**{name: _(name) for name in descriptions})(command)
        translated = {name: _(text) for name, text in descriptions.items()}
        return app_commands.describe(**translated)(command)

    return decorate


def parameter(name: str, description: str) -> Callable[[F], F]:
    """A decorator naming and describing a command's option `name`."""
    return options(**{name: description})


#: Name and describe a command's `venue` option.
venue_parameter = parameter("venue", "The venue (start typing to search)")
