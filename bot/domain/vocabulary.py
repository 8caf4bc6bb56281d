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
#: An occurrence is scheduled, cancelled (skipped, or its event deleted in Discord), or held.
OCCURRENCE_STATUSES = ("scheduled", "cancelled", "held")
#: How a member said they go: the card's buttons, Discord's "Interested", or their commitment
#: of the week (which only that commitment withdraws).
RSVP_SOURCES = ("button", "interested", "commitment")
#: How a rater's presence is known, most trusted first: the check-back of an occurrence they
#: were going to, a visit they logged themselves, nothing.
RATING_TIERS = ("attended", "visit", "none")
