"""What Discord refuses in a guild scheduled event's fields (create and modify)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.fakediscord.rest.errors import FormError
from tests.fakediscord.state.events import EXTERNAL, GUILD_ONLY, STAGE_INSTANCE, VOICE

YEARLY, MONTHLY, WEEKLY, DAILY = 0, 1, 2, 3
#: The weekday sets a daily rule may be limited to (Monday is 0).
DAILY_WEEKDAY_SETS = ([0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [4, 5, 6, 0], [5, 6])
#: Recurrence fields Discord computes itself and applications may not set.
READ_ONLY_RULE_FIELDS = ("end", "count", "by_year_day")


def parse_time(value: Any, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FormError(
            (field,), "Could not interpret the value as a date.", "DATE_TYPE_PARSE"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def check_text(fields: dict[str, Any]) -> None:
    if "name" in fields:
        name = fields["name"]
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise FormError(
                ("name",), "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH"
            )
    description = fields.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 1000):
        raise FormError(
            ("description",), "Must be 1000 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
        )
    if "privacy_level" in fields and fields["privacy_level"] != GUILD_ONLY:
        raise FormError(("privacy_level",), "Value must be one of {2}.", "BASE_TYPE_CHOICES")


def check_entity(
    entity_type: int,
    channel_id: Any,
    metadata: Any,
    end: dt.datetime | None,
) -> None:
    """External events have a location and an end and no channel; stage and voice events
    have a channel and no location."""
    if entity_type not in (STAGE_INSTANCE, VOICE, EXTERNAL):
        raise FormError(("entity_type",), "Value must be one of {1, 2, 3}.", "BASE_TYPE_CHOICES")
    if entity_type == EXTERNAL:
        location = (metadata or {}).get("location")
        if not isinstance(location, str) or not 1 <= len(location) <= 100:
            raise FormError(
                ("entity_metadata", "location"),
                "Must be between 1 and 100 in length." if location else "This field is required",
                "BASE_TYPE_BAD_LENGTH" if location else "BASE_TYPE_REQUIRED",
            )
        if end is None:
            raise FormError(("scheduled_end_time",), "This field is required", "BASE_TYPE_REQUIRED")
        if channel_id is not None:
            raise FormError(
                ("channel_id",),
                "External events have no channel",
                "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
            )
    elif channel_id is None:
        raise FormError(("channel_id",), "This field is required", "BASE_TYPE_REQUIRED")


def check_times(
    start: dt.datetime, end: dt.datetime | None, now: dt.datetime, *, start_changed: bool
) -> None:
    if start_changed and start <= now:
        raise FormError(
            ("scheduled_start_time",),
            "Cannot schedule event in the past.",
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
        )
    if end is not None and end <= start:
        raise FormError(
            ("scheduled_end_time",),
            "Cannot schedule event to end before starting.",
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
        )


def check_recurrence_rule(rule: Any, start: dt.datetime) -> None:
    """The shape Discord accepts from applications (its documented system limitations)."""
    if rule is None:
        return
    where = ("recurrence_rule",)

    def fail(field: str, message: str, code: str = "BASE_TYPE_INVALID") -> FormError:
        return FormError((*where, field), message, code)

    if not isinstance(rule, dict):
        raise FormError(where, "Must be an object", "DICT_TYPE_CONVERT")
    for field in READ_ONLY_RULE_FIELDS:
        if rule.get(field) is not None:
            raise fail(field, "This field cannot be set", "BASE_TYPE_READ_ONLY")
    if "start" not in rule:
        raise fail("start", "This field is required", "BASE_TYPE_REQUIRED")
    if parse_time(rule["start"], "recurrence_rule.start") != start:
        raise fail("start", "Must match the event's scheduled_start_time")
    frequency, interval = rule.get("frequency"), rule.get("interval", 1)
    if frequency not in (YEARLY, MONTHLY, WEEKLY, DAILY):
        raise fail("frequency", "Value must be one of {0, 1, 2, 3}.", "BASE_TYPE_CHOICES")
    if not isinstance(interval, int) or interval < 1:
        raise fail("interval", "Must be a positive integer", "BASE_TYPE_BAD_INT")
    weekdays = rule.get("by_weekday")
    n_weekdays = rule.get("by_n_weekday")
    months, month_days = rule.get("by_month"), rule.get("by_month_day")
    if weekdays is not None and n_weekdays is not None:
        raise fail("by_weekday", "by_weekday and by_n_weekday are mutually exclusive")
    if (months is None) != (month_days is None):
        raise fail("by_month", "by_month and by_month_day go together")
    if weekdays is not None and (
        not isinstance(weekdays, list)
        or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays)
    ):
        raise fail("by_weekday", "Weekdays are 0 (Monday) to 6 (Sunday)")
    if frequency == WEEKLY:
        if interval not in (1, 2):
            raise fail("interval", "A weekly event recurs every week or every other week")
        if weekdays is None or len(weekdays) != 1:
            raise fail("by_weekday", "A weekly event recurs on exactly one weekday")
    elif frequency == DAILY:
        if interval != 1:
            raise fail("interval", "A daily event recurs every day")
        if weekdays is not None and sorted(weekdays) not in [sorted(s) for s in DAILY_WEEKDAY_SETS]:
            raise fail(
                "by_weekday",
                "A daily event recurs on every day or on one of Discord's weekday sets",
            )
    elif frequency == MONTHLY:
        valid = (
            isinstance(n_weekdays, list)
            and len(n_weekdays) == 1
            and isinstance(n_weekdays[0], dict)
            and n_weekdays[0].get("n") in (1, 2, 3, 4, 5)
            and n_weekdays[0].get("day") in range(7)
        )
        if interval != 1 or not valid:
            raise fail(
                "by_n_weekday", "A monthly event recurs on one weekday of one week of the month"
            )
    elif frequency == YEARLY and (
        interval != 1
        or not (
            isinstance(months, list)
            and len(months) == 1
            and months[0] in range(1, 13)
            and isinstance(month_days, list)
            and len(month_days) == 1
            and month_days[0] in range(1, 32)
        )
    ):
        raise fail("by_month", "A yearly event recurs on one day of one month")
