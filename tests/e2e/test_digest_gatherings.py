"""The digest's "this week": the occurrences by number going, each with a Going button that
answers as the routine's card does, after a restart too; a long week cut with "and N more"."""

from __future__ import annotations

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, venue_id_of
from tests.e2e.test_routine_events import FAST, TUESDAY, card_value
from tests.fakediscord import Message
from tests.fakediscord.validation.components import custom_ids

COMPONENTS_V2 = 1 << 15


def routine_of(card: Message) -> str:
    return str(card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0])


async def test_busy_week_lists_occurrences_by_going_with_working_going_buttons(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    venue = venue_id_of(await propose(h, name="Café des Devs"))
    cards: dict[str, Message] = {}
    for hour in range(8, 17):  # nine routines on Thursday, by two members (a week's cap)
        before = len(h.fake.channel_messages(h.general))
        creator = h.alice if hour % 2 else h.bob
        await run(
            h, "routine create", creator, venue=venue, weekday=3, time=f"{hour:02}:00", title=None
        )
        card = (await h.fake.wait_for_message(h.general, before + 1))[-1]
        cards[f"{hour:02}:00"] = card
    popular = routine_of(cards["15:00"])
    click = await h.fake.click(cards["15:00"], f"bp:routine:going:{popular}", user=h.bob)
    await click.reply()

    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    assert digest.flags & COMPONENTS_V2
    text = h.fake.render(digest)
    lines = [line for line in text.splitlines() if "**Café des Devs** ·" in line]
    assert len(lines) == 5
    assert "1 going" in lines[0] and "[+Going]" in lines[0]
    assert "… and 4 more" in text
    buttons = {i for i in custom_ids(digest.components) if i.startswith("bp:routine:going:")}
    assert f"bp:routine:going:{popular}" in buttons and len(buttons) == 5

    # Going from the digest is the card's answer: the card follows.
    click = await h.fake.click(digest, f"bp:routine:going:{popular}", user=h.alice)
    assert (await click.reply()).content.endswith("2 going so far.")

    async def card_going(count: str) -> bool:
        card = next(m for m in h.fake.channel_messages(h.general) if m.id == cards["15:00"].id)
        return card_value(card, "Going this week") == count

    await eventually(lambda: card_going("2 going"))
    await h.restart(**FAST)
    carol = h.fake.add_member(h.guild, "carol").user
    click = await h.fake.click(digest, f"bp:routine:going:{popular}", user=carol, locale="fr")
    assert (await click.reply()).content.endswith("Pour l'instant : 3 personnes.")
    await eventually(lambda: card_going("3 going"))
