"""My IRL this week: the digest's commitment button opens a select of the coming week's
gatherings (after a restart too); the choice is stored for the member's week, counts as
going (the routine's card counts them at once), and becomes a kept week of the streak, on
/profile and in the next digest (public profiles only), once the member answers "I went" to
the check-back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.engine import Database
from db.models import Commitment
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, propose, run, venue_id_of
from tests.e2e.test_routine_events import card_value
from tests.fakediscord import Message

TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
MONDAY_NIGHT = dt.datetime(2027, 3, 22, 21, 0, tzinfo=dt.UTC)
NEXT_TUESDAY = dt.datetime(2027, 3, 23, 10, 0, tzinfo=dt.UTC)
FAST = {"ROUTINE_CHECK_SECONDS": "0.1", "ROUTINE_RETRY_SECONDS": "0.1"}


async def commitments(url: str) -> list[tuple[int, int, int, int]]:
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.scalars(select(Commitment))
            return [(c.member_id, c.iso_year, c.iso_week, c.occurrence_id) for c in rows]
    finally:
        await db.dispose()


def asks(h: Harness) -> list[Message]:
    return [m for m in h.fake.channel_messages(h.general) if "were you there?" in m.content]


async def asked(h: Harness) -> bool:
    return len(asks(h)) == 1


async def test_commitment_from_the_digest_becomes_the_kept_streak(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    venue = venue_id_of(await propose(h, name="Café des Devs"))
    before = len(h.fake.channel_messages(h.general))
    await run(h, "routine create", h.alice, venue=venue, weekday=0, time="18:30", title=None)
    await h.fake.wait_for_message(h.general, before + 1)
    carol = h.fake.add_member(h.guild, "carol").user
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    assert "### My IRL this week" in h.fake.render(digest)

    # After a restart, the button opens the select of the week's gatherings.
    await h.restart(**FAST)
    click = await h.fake.click(digest, "bp:commit", user=h.bob)
    pick = await click.reply()
    assert pick.flags & EPHEMERAL
    (select_menu,) = [c for row in pick.components for c in row["components"]]
    assert select_menu["custom_id"] == "bp:commit:pick"
    (option,) = select_menu["options"]
    assert option["label"] == "Monday 18:30 · Café des Devs"
    chosen = await h.fake.click(
        pick, "bp:commit:pick", user=h.bob, component_type=3, values=[option["value"]]
    )
    done = await chosen.reply()
    assert done.content.startswith("Noted: you're going to **Café des Devs**")
    # Committing is going: the reply asks, optionally, what bob hopes to get from it.
    (hopes,) = [c for row in done.components for c in row["components"]]
    assert hopes["custom_id"] == f"bp:hopes:{option['value']}"
    hoped = await h.fake.click(
        done, hopes["custom_id"], user=h.bob, component_type=3, values=["experience"]
    )
    assert (await hoped.reply()).content.startswith("Noted: you hope for real experience.")
    assert await commitments(h.database_url) == [(h.bob.id, 2027, 12, int(option["value"]))]
    # A gathering that is not the week's any more is refused, and nothing changes.
    late = await h.fake.click(pick, "bp:commit:pick", user=carol, component_type=3, values=["999"])
    assert "no longer one of the coming week's" in (await late.reply()).content
    assert len(await commitments(h.database_url)) == 1

    # Committing is going: the check-back asks bob, and "I went" keeps the commitment.
    h.fake.set_clock(MONDAY_NIGHT)
    await eventually(lambda: asked(h), timeout=10)
    (ask,) = asks(h)
    assert f"<@{h.bob.id}>" in ask.content
    went = await h.fake.click(ask, f"bp:checkback:went:{option['value']}", user=h.bob)
    await went.response()
    values = {"worth": "4", "hours": "2.0", "got": ["substance"], "wrong": []}
    await (await h.fake.submit_modal(went, values, validate=True)).reply()

    _, profile = await run(h, "profile", h.bob)
    assert "1 week now · best 1" in profile.embed_text()

    # The next digest names bob's streak only once his profile is public.
    h.fake.set_clock(NEXT_TUESDAY)
    _, preview = await run(h, "digest preview", h.fake.owner)
    assert f"<@{h.bob.id}>" not in h.fake.render(preview)
    await run(h, "profile", h.bob, visibility="public")
    _, preview = await run(h, "digest preview", h.fake.owner)
    assert f"🔥 <@{h.bob.id}> — 1 week" in h.fake.render(preview)


async def test_committing_counts_the_member_on_the_routine_card_at_once(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    venue = venue_id_of(await propose(h, name="Café des Devs"))
    before = len(h.fake.channel_messages(h.general))
    await run(h, "routine create", h.alice, venue=venue, weekday=0, time="18:30", title=None)
    card = (await h.fake.wait_for_message(h.general, before + 1))[-1]
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)

    def going() -> str:
        latest = next(m for m in h.fake.channel_messages(h.general) if m.id == card.id)
        return card_value(latest, "Going this week")

    assert going() == "0 going"
    pick = await (await h.fake.click(digest, "bp:commit", user=h.bob)).reply()
    (select_menu,) = [c for row in pick.components for c in row["components"]]
    (option,) = select_menu["options"]
    chosen = await h.fake.click(
        pick, "bp:commit:pick", user=h.bob, component_type=3, values=[option["value"]]
    )
    await chosen.reply()

    async def counted(text: str) -> bool:
        return going() == text

    # The card counts bob at once, as its own Going button would.
    await eventually(lambda: counted("1 going"), timeout=5)
    click = await h.fake.click(digest, "bp:commit", user=h.alice)
    pick = await click.reply()
    chosen = await h.fake.click(
        pick, "bp:commit:pick", user=h.alice, component_type=3, values=[option["value"]]
    )
    await chosen.reply()
    await eventually(lambda: counted("2 going"), timeout=5)


async def test_switching_commitment_withdraws_only_the_going_it_made(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    cards = []
    for name, weekday in (("Café des Devs", 2), ("Rust Paris", 3)):
        venue = venue_id_of(await propose(h, name=name))
        before = len(h.fake.channel_messages(h.general))
        await run(
            h, "routine create", h.alice, venue=venue, weekday=weekday, time="18:30", title=None
        )
        cards.append((await h.fake.wait_for_message(h.general, before + 1))[-1])
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)

    def going(card: Message) -> str:
        latest = next(m for m in h.fake.channel_messages(h.general) if m.id == card.id)
        return card_value(latest, "Going this week")

    async def counts(first: str, second: str) -> bool:
        return (going(cards[0]), going(cards[1])) == (first, second)

    async def commit(member: object, label_end: str) -> None:
        pick = await (await h.fake.click(digest, "bp:commit", user=member)).reply()
        (select_menu,) = [c for row in pick.components for c in row["components"]]
        (option,) = [o for o in select_menu["options"] if o["label"].endswith(label_end)]
        chosen = await h.fake.click(
            pick, "bp:commit:pick", user=member, component_type=3, values=[option["value"]]
        )
        await chosen.reply()

    # Bob commits to Wednesday's gathering, then changes his mind for Thursday's (the same
    # week): Wednesday's card no longer counts him, since only his commitment had him going.
    await commit(h.bob, "Café des Devs")
    await eventually(lambda: counts("1 going", "0 going"), timeout=5)
    await commit(h.bob, "Rust Paris")
    await eventually(lambda: counts("0 going", "1 going"), timeout=5)

    # Alice said "Going" on Wednesday's card herself: switching her commitment keeps it.
    routine_id = cards[0].components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    click = await h.fake.click(cards[0], f"bp:routine:going:{routine_id}", user=h.alice)
    await click.reply()
    await commit(h.alice, "Café des Devs")
    await commit(h.alice, "Rust Paris")
    await eventually(lambda: counts("1 going", "2 going"), timeout=5)
    # One commitment each for the week, to Thursday's gathering.
    stored = {
        (member, occurrence) for member, _, _, occurrence in await commitments(h.database_url)
    }
    assert len(stored) == 2 and len({occurrence for _, occurrence in stored}) == 1
