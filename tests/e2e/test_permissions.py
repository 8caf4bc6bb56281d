"""Who may do what: every command against a member, the proposer, the moderator role,
Manage Server, a bot account, and data from another guild."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.models import Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import count, propose, run, venue_id_of
from tests.fakediscord import Permissions

ALLOWED, REFUSED = True, False
MANAGE = "You need the Manage Server permission for this."
NOT_OWNER = "Only the member who proposed"
OWN_VENUE = "You proposed this venue, so you can't rate it."

# command, options ("{venue}" is the proposer's venue, "{other}" another guild's venue),
# then for member, proposer, moderator role, Manage Server: allowed, or the refusal's start.
MATRIX: list[tuple[str, dict[str, Any], list[bool | str]]] = [
    ("venue show", {"venue": "{venue}"}, [ALLOWED] * 4),
    ("venue search", {"query": "cafe"}, [ALLOWED] * 4),
    ("venue top", {}, [ALLOWED] * 4),
    (
        "venue rate",
        {"venue": "{venue}", "worth": 4, "hours": "1.0"},
        [ALLOWED, OWN_VENUE, ALLOWED, ALLOWED],
    ),
    ("venue visit", {"venue": "{venue}"}, [ALLOWED] * 4),
    (
        "venue edit",
        {"venue": "{venue}", "description": "Mis à jour"},
        [NOT_OWNER, ALLOWED, ALLOWED, ALLOWED],
    ),
    ("routine create", {"venue": "{venue}", "weekday": 2, "time": "{time}"}, [ALLOWED] * 4),
    ("routine list", {}, [ALLOWED] * 4),
    ("profile", {}, [ALLOWED] * 4),
    ("privacy export", {}, [ALLOWED] * 4),
    ("settings", {}, [MANAGE, MANAGE, MANAGE, ALLOWED]),
    ("digest off", {}, [MANAGE, MANAGE, MANAGE, ALLOWED]),
    (
        "digest setup",
        {"channel": "{channel}", "weekday": 0, "hour": 9},
        [MANAGE, MANAGE, MANAGE, ALLOWED],
    ),
    # Removal last: it hides the venue from the rows below it.
    ("venue remove", {"venue": "{venue}"}, [NOT_OWNER, ALLOWED, ALLOWED, ALLOWED]),
]
ACTORS = ["member", "proposer", "moderator", "manager"]


@pytest.fixture
async def cast(running: Harness) -> dict[str, Any]:
    h = running
    mods = await h.fake.create_role(h.guild, "Mods")
    managers = await h.fake.create_role(h.guild, "Managers", Permissions.MANAGE_GUILD)
    await run(h, "settings", h.fake.owner, moderator_role=mods)
    return {
        "member": h.bob,
        "proposer": h.alice,
        "moderator": h.fake.add_member(h.guild, "moderator", roles=[mods]).user,
        "manager": h.fake.add_member(h.guild, "manager", roles=[managers]).user,
    }


@pytest.mark.parametrize(("command", "options", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
async def test_matrix(
    running: Harness,
    cast: dict[str, Any],
    command: str,
    options: dict[str, Any],
    expected: list[bool | str],
) -> None:
    h = running
    for index, (actor, outcome) in enumerate(zip(ACTORS, expected, strict=True)):
        venue = venue_id_of(await propose(h, user=h.alice, name=f"Lieu {actor}"))
        values = {
            key: (
                h.general
                if value == "{channel}"
                else venue
                if value == "{venue}"
                else f"1{index}:00"
                if value == "{time}"
                else value
            )
            for key, value in options.items()
        }
        _, reply = await run(h, command, cast[actor], **values)
        refused = (
            bool(reply.flags & 64)
            and not reply.embeds
            and not reply.attachments
            and (reply.content.startswith(("You need", "Only", "You proposed")))
        )
        if outcome is ALLOWED:
            assert not refused, (command, actor, reply.content)
        else:
            assert refused and reply.content.startswith(outcome), (command, actor, reply.content)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("venue show", {}),
        ("venue rate", {"worth": 4, "hours": "1.0"}),
        ("venue visit", {}),
        ("venue edit", {"name": "Pris"}),
        ("venue remove", {}),
        ("routine create", {"weekday": 1, "time": "12:00"}),
    ],
)
async def test_another_guilds_venue_is_unknown_here(
    running: Harness, command: str, options: dict[str, Any]
) -> None:
    h = running
    other = h.fake.add_guild("Elsewhere")
    db = Database(h.database_url)
    try:
        draft = validate_proposal(name="Ailleurs", kind="meetup", city="Paris")
        venue = await VenueService(db).propose(other.id, h.alice.id, draft)
    finally:
        await db.dispose()
    _, reply = await run(h, command, h.fake.owner, venue=str(venue.id), **options)
    assert reply.flags & 64
    assert reply.content.startswith(f"No venue called “{venue.id}”")


async def test_review_buttons_and_bot_reactions(running: Harness, cast: dict[str, Any]) -> None:
    h = running
    await run(h, "settings", h.fake.owner, moderation=True)
    interaction = await h.fake.slash(
        "venue propose", guild=h.guild, user=h.alice, name="En attente", kind="meetup", city="Paris"
    )
    await interaction.reply()
    (pending,) = await h.fake.wait_for_message(h.general)
    venue = venue_id_of(pending)
    for actor in ("member", "proposer"):
        click = await h.fake.click(pending, f"bp:review:approve:{venue}", user=cast[actor])
        assert (await click.reply()).content.startswith("Only moderators"), actor
    click = await h.fake.click(pending, f"bp:review:approve:{venue}", user=cast["moderator"])
    assert (await click.response())["type"] == 7
    robot = h.fake.add_user("robot", bot=True)
    h.fake.add_member(h.guild, robot)
    await h.fake.react(pending, "👍", robot)
    await h.fake.react(pending, "👍", cast["manager"])

    async def only_the_human() -> bool:
        return await count(h, Vote) == 1

    await eventually(only_the_human)
