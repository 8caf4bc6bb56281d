"""The words the rules are written in, shared by the domain and the schema."""

from __future__ import annotations

VENUE_KINDS = (
    "meetup",
    "conference",
    "seminar",
    "afterwork",
    "coworking",
    "association",
    "workshop",
    "other",
)
VENUE_STATUSES = ("active", "pending", "removed")
LANGUAGES = ("fr", "en")
