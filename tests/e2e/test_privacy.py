"""/privacy export and delete, through the fake Discord."""

from __future__ import annotations

import json

from db.models import Rating, Visit, Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, count, propose, run, show, venue_id_of


async def _activity(h: Harness) -> tuple[str, str]:
    mine = venue_id_of(await propose(h, user=h.bob, name="Rust Lyon", city="Lyon"))
    announcement = await propose(h, user=h.alice)
    other = venue_id_of(announcement)
    await run(h, "venue rate", h.bob, venue=other, worth=4, hours="1.5", comment="Bien")
    await run(h, "venue visit", h.bob, venue=other)
    await run(h, "routine create", h.bob, venue=other, weekday=1, time="19:00")
    await h.fake.react(announcement, "👍", h.bob)

    async def voted() -> bool:
        return await count(h, Vote) == 1

    await eventually(voted)
    return mine, other


async def test_export_is_a_json_file_of_everything_about_the_member(running: Harness) -> None:
    h = running
    mine, other = await _activity(h)
    _, reply = await run(h, "privacy export", h.bob)
    assert reply.flags & EPHEMERAL
    (attachment,) = reply.attachments
    data = json.loads(attachment["content"])
    assert data["member_id"] == str(h.bob.id)
    assert [p["name"] for p in data["proposals"]] == ["Rust Lyon"]
    assert [(r["venue_id"], r["worth"], r["comment"]) for r in data["ratings"]] == [
        (int(other), 4, "Bien")
    ]
    assert [v["value"] for v in data["votes"]] == [1]
    assert len(data["visits"]) == 1 and len(data["routine_memberships"]) == 1
    assert len(data["routines_created"]) == 1
    _, alice = await run(h, "privacy export", h.alice)
    alice_data = json.loads(alice.attachments[0]["content"])
    assert alice_data["ratings"] == [] and [p["name"] for p in alice_data["proposals"]] == [
        "Café des Devs"
    ]
    assert mine


async def test_delete_asks_then_erases_and_anonymizes(running: Harness) -> None:
    h = running
    mine, other = await _activity(h)
    interaction, question = await run(h, "privacy delete", h.bob, locale="fr")
    assert question.content.startswith("Effacer vos notes, votes, visites")
    confirm, _cancel = (c["custom_id"] for row in question.components for c in row["components"])

    other_member = await h.fake.click(question, confirm, user=h.alice)
    assert (await other_member.reply()).content.startswith("These buttons belong to")
    assert await count(h, Rating) == 1

    click = await h.fake.click(question, confirm, user=h.bob, locale="fr")
    await click.response()
    assert question.content.startswith("C'est fait. Effacé : 1 note, 1 vote, 1 visite,")
    assert (await count(h, Rating), await count(h, Vote), await count(h, Visit)) == (0, 0, 0)
    card = await show(h, other)
    assert "👍 0 · 👎 0" in card.embed_text() and "Not rated yet" in card.embed_text()
    proposal = await show(h, mine)
    assert "<@" not in proposal.embed_text()  # the card names no proposer
    _, export = await run(h, "privacy export", h.bob)
    data = json.loads(export.attachments[0]["content"])
    assert all(
        data[key] == []
        for key in (
            "proposals",
            "ratings",
            "votes",
            "visits",
            "routine_memberships",
            "routines_created",
        )
    )
    assert interaction.messages[0] is question


async def test_delete_cancelled_changes_nothing(running: Harness) -> None:
    h = running
    await _activity(h)
    _, question = await run(h, "privacy delete", h.bob)
    _, cancel = (c["custom_id"] for row in question.components for c in row["components"])
    click = await h.fake.click(question, cancel, user=h.bob)
    await click.response()
    assert question.content == "Cancelled: nothing was changed."
    assert (await count(h, Rating), await count(h, Vote), await count(h, Visit)) == (1, 1, 1)
