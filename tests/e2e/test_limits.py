"""Caps per member: proposals a day, routines a week, how far back a visit may be and 24 hours
a day at most; each refusal says when the member may try again, and /settings moves them."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import day_text
from db.models import Routine, Venue, Visit
from tests.e2e.harness import Harness
from tests.e2e.helpers import count, propose, refused, run, venue_id_of


def retry_time(message: str) -> dt.datetime:
    """The moment of the Discord timestamp (`<t:UNIX:R>`) in a refusal."""
    found = re.search(r"<t:(\d+):R>", message)
    assert found, message
    return dt.datetime.fromtimestamp(int(found.group(1)), dt.UTC)


async def test_proposals_are_capped_per_day_until_the_oldest_is_a_day_old(
    running: Harness,
) -> None:
    h = running
    first_at = h.fake.now()
    for i in range(10):
        await propose(h, name="Meetup", city=f"Ville {i}")
        h.fake.advance_clock(minutes=10)
    message = await refused(h, "venue propose", name="Meetup", kind="meetup", city="Ville 10")
    assert message.startswith(
        "You have already proposed 10 venues in the last 24 hours, this server's limit."
    ), message
    retry = retry_time(message)
    assert first_at + dt.timedelta(days=1) <= retry <= first_at + dt.timedelta(days=1, seconds=5)
    french = await refused(
        h, "venue propose", locale="fr", name="Meetup", kind="meetup", city="Ville 10"
    )
    assert french.startswith("Vous avez déjà proposé 10 lieux ces dernières 24 heures"), french
    assert "Vous pourrez en proposer un autre <t:" in french
    assert await count(h, Venue) == 10
    # Bob is not held back by Alice.
    await propose(h, h.bob, name="Rust Lyon")
    # Once the oldest proposal is a day old, one more fits.
    h.fake.set_clock(retry + dt.timedelta(seconds=1))
    await propose(h, name="Meetup", city="Ville 10")
    again = await refused(h, "venue propose", name="Meetup", kind="meetup", city="Ville 11")
    assert again.startswith("You have already proposed 10 venues")
    # An admin raises the cap.
    await run(h, "settings", h.fake.owner, proposals_per_day=12)
    await propose(h, name="Meetup", city="Ville 11")
    assert await count(h, Venue) == 13


async def test_routines_are_capped_per_week(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    first_at = h.fake.now()
    for weekday in range(5):
        await run(h, "routine create", h.bob, venue=venue, weekday=weekday, time="18:30")
    message = await refused(h, "routine create", h.bob, venue=venue, weekday=5, time="18:30")
    assert message.startswith(
        "You have already created 5 routines in the last 7 days, this server's limit."
    ), message
    retry = retry_time(message)
    assert first_at + dt.timedelta(days=7) <= retry <= first_at + dt.timedelta(days=7, seconds=5)
    french = await refused(
        h, "routine create", h.bob, locale="fr", venue=venue, weekday=5, time="18:30"
    )
    assert french.startswith("Vous avez déjà créé 5 rendez-vous ces 7 derniers jours"), french
    assert await count(h, Routine) == 5
    await run(h, "settings", h.fake.owner, routines_per_week=6)
    await run(h, "routine create", h.bob, venue=venue, weekday=5, time="18:30")
    assert await count(h, Routine) == 6


async def test_visits_are_bounded_in_the_past_and_to_24_hours_a_day(running: Harness) -> None:
    h = running
    first = venue_id_of(await propose(h, name="Café des Devs"))
    second = venue_id_of(await propose(h, name="Rust Lyon"))
    today = h.fake.now().date()
    too_old = (today - dt.timedelta(days=31)).isoformat()
    message = await refused(h, "venue visit", h.bob, venue=first, date=too_old, hours="2.0")
    earliest_day = today - dt.timedelta(days=30)
    earliest = earliest_day.isoformat()
    assert message == (
        "A visit can be logged up to 30 days back on this server: "
        f"from {day_text('en', earliest_day)}."
    ), message
    french = await refused(
        h, "venue visit", h.bob, locale="fr", venue=first, date="2000-01-01", hours="2.0"
    )
    assert french.startswith("Sur ce serveur, une visite se note jusqu'à 30 jours en arrière")
    await run(h, "venue visit", h.bob, venue=first, date=earliest, hours="20.0")
    message = await refused(h, "venue visit", h.bob, venue=second, date=earliest, hours="4.5")
    assert message == (
        f"That would make more than 24 hours on {day_text('en', earliest_day)}: "
        "you already logged 20 h at "
        "other venues that day, so at most 4 h is left."
    ), message
    french = await refused(
        h, "venue visit", h.bob, locale="fr", venue=second, date=earliest, hours="4.5"
    )
    assert "il reste donc 4 h au plus" in french
    await run(h, "venue visit", h.bob, venue=second, date=earliest, hours="4.0")
    # Logging the same venue and day again replaces its hours: 20 h can become 19.5 h.
    await run(h, "venue visit", h.bob, venue=first, date=earliest, hours="19.5")
    assert await count(h, Visit) == 2
    # An admin allows older visits.
    await run(h, "settings", h.fake.owner, visit_days_back=365)
    await run(h, "venue visit", h.bob, venue=first, date=too_old, hours="2.0")
    assert await count(h, Visit) == 3
    _, shown = await run(h, "settings", h.fake.owner)
    fields = {f["name"]: f["value"] for f in shown.embed["fields"]}
    assert fields["Visits can be logged up to (days back)"] == "365"
    assert fields["Proposals per member a day"] == "10"
