"""The choices and option names of the /venue commands."""

from __future__ import annotations

from discord.app_commands import Choice
from discord.app_commands import locale_str as _

KIND_CHOICES = [
    Choice(name=_("Meetup"), value="meetup"),
    Choice(name=_("Conference"), value="conference"),
    Choice(name=_("Seminar"), value="seminar"),
    Choice(name=_("Afterwork"), value="afterwork"),
    Choice(name=_("Coworking space"), value="coworking"),
    Choice(name=_("Association"), value="association"),
    Choice(name=_("Workshop"), value="workshop"),
    Choice(name=_("Other"), value="other"),
]
SORT_CHOICES = [
    Choice(name=_("Best return on time invested"), value="rit"),
    Choice(name=_("Most recent"), value="recent"),
    Choice(name=_("Most votes"), value="votes"),
]
PERIOD_CHOICES = [
    Choice(name=_("This week"), value="week"),
    Choice(name=_("This month"), value="month"),
    Choice(name=_("All time"), value="all"),
]

#: The fields of a venue, as /venue propose and /venue edit name and describe them.
VENUE_OPTIONS = {
    field: _(field) for field in ("name", "kind", "city", "address", "url", "description", "tags")
}
VENUE_DESCRIPTIONS = {
    "name": _("The venue's name"),
    "kind": _("What kind of venue it is"),
    "city": _("The city it is in"),
    "address": _("Street address"),
    "url": _("Web page (http or https)"),
    "description": _("What makes it worth the time"),
    "tags": _("Up to 5 tags, separated by commas"),
}
EDIT_DESCRIPTIONS = {
    **VENUE_DESCRIPTIONS,
    "address": _("Street address (a single space clears it)"),
    "url": _("Web page (a single space clears it)"),
    "description": _("What makes it worth the time (a single space clears it)"),
    "tags": _("Up to 5 tags, separated by commas (a single space clears them)"),
}
