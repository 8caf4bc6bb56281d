"""Guild scheduled events: what discord.py can do with them through the fake, and what
the fake refuses as Discord does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
import pytest

from tests.fake.conftest import Raw, World, connected, form_error, wait_until
from tests.fakediscord import Permissions

HOUR = dt.timedelta(hours=1)


def external(world: World, **overrides: Any) -> dict[str, Any]:
    start = world.fake.now() + HOUR
    body = {
        "name": "Apéro du jeudi",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + 2 * HOUR).isoformat(),
        "entity_metadata": {"location": "Le Café, 12 rue de la Paix"},
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def create(client: discord.Client, world: World, **kwargs: Any) -> discord.ScheduledEvent:
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    start = world.fake.now() + HOUR
    return await guild.create_scheduled_event(
        name=kwargs.pop("name", "Apéro du jeudi"),
        start_time=start,
        end_time=start + 2 * HOUR,
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="Le Café",
        **kwargs,
    )


async def test_create_get_list_edit_delete_through_discord_py(
    world: World, client: discord.Client
) -> None:
    event = await create(client, world, description="On parle de Rust")
    stored = world.fake.scheduled_event(world.guild, event.id)
    assert stored.entity_metadata == {"location": "Le Café"} and stored.creator.id == client.user.id  # type: ignore[union-attr]
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    await wait_until(lambda: guild.get_scheduled_event(event.id) is not None)

    fetched = await guild.fetch_scheduled_event(event.id)
    assert fetched.name == "Apéro du jeudi" and fetched.location == "Le Café"
    assert [e.id for e in await guild.fetch_scheduled_events()] == [event.id]

    edited = await event.edit(name="Apéro du vendredi", description="Et du Go")
    assert edited.name == "Apéro du vendredi"
    await wait_until(lambda: guild.get_scheduled_event(event.id).name == "Apéro du vendredi")  # type: ignore[union-attr]

    await event.delete()
    assert world.fake.scheduled_events(world.guild) == []
    await wait_until(lambda: guild.get_scheduled_event(event.id) is None)


async def test_status_moves_only_as_discord_allows(
    world: World, client: discord.Client, raw: Raw
) -> None:
    event = await create(client, world)
    path = f"/guilds/{world.guild.id}/scheduled-events/{event.id}"
    status, body, _ = await raw("PATCH", path, {"status": 3})
    assert status == 400 and form_error(body, "status")
    started = await event.start()
    assert started.status is discord.EventStatus.active
    status, body, _ = await raw("PATCH", path, {"status": 4})
    assert status == 400 and form_error(body, "status")
    ended = await started.end()
    assert ended.status is discord.EventStatus.completed
    with pytest.raises(discord.HTTPException) as refused:
        await ended.edit(name="Encore")
    assert refused.value.code == 180000


async def test_refusals_with_discord_error_shapes(world: World, raw: Raw) -> None:
    path = f"/guilds/{world.guild.id}/scheduled-events"
    now = world.fake.now()
    cases: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        (external(world, name=""), ("name",)),
        (external(world, name="x" * 101), ("name",)),
        (external(world, description="x" * 1001), ("description",)),
        (external(world, entity_metadata={}), ("entity_metadata", "location")),
        (external(world, scheduled_end_time=None), ("scheduled_end_time",)),
        (external(world, scheduled_start_time=(now - HOUR).isoformat()), ("scheduled_start_time",)),
        (external(world, scheduled_end_time=now.isoformat()), ("scheduled_end_time",)),
        (external(world, channel_id=str(world.general.id)), ("channel_id",)),
        (external(world, privacy_level=1), ("privacy_level",)),
    ]
    for body, where in cases:
        status, answer, _ = await raw("POST", path, body)
        assert status == 400, body
        assert form_error(answer, *where), answer
    assert world.fake.scheduled_events(world.guild) == []


async def test_at_most_100_uncompleted_events(world: World, raw: Raw) -> None:
    path = f"/guilds/{world.guild.id}/scheduled-events"
    for _ in range(100):
        status, _, _ = await raw("POST", path, external(world))
        assert status == 200
    status, body, _ = await raw("POST", path, external(world))
    assert status == 400 and body["code"] == 30038, body
    first = world.fake.scheduled_events(world.guild)[0]
    await world.fake.cancel_event(first)
    status, _, _ = await raw("POST", path, external(world))
    assert status == 200


async def test_permissions_create_events_and_manage_events(world: World, raw: Raw) -> None:
    path = f"/guilds/{world.guild.id}/scheduled-events"
    bot_role = world.fake.bot_role(world.guild)
    everyone = world.guild.everyone
    everyone.permissions &= ~Permissions.CREATE_EVENTS
    bot_role.permissions &= ~Permissions.CREATE_EVENTS
    status, body, _ = await raw("POST", path, external(world))
    assert (status, body["code"]) == (403, 50013)

    bot_role.permissions |= Permissions.CREATE_EVENTS
    status, own, _ = await raw("POST", path, external(world))
    assert status == 200
    status, _, _ = await raw("PATCH", f"{path}/{own['id']}", {"name": "Mine"})
    assert status == 200
    start = world.fake.now() + HOUR
    theirs = await world.fake.create_event_as(
        world.alice, world.guild, "Alice's", start, start + HOUR
    )
    status, body, _ = await raw("PATCH", f"{path}/{theirs.id}", {"name": "Taken"})
    assert (status, body["code"]) == (403, 50013)
    status, body, _ = await raw("DELETE", f"{path}/{theirs.id}")
    assert (status, body["code"]) == (403, 50013)

    bot_role.permissions |= Permissions.MANAGE_EVENTS
    status, _, _ = await raw("PATCH", f"{path}/{theirs.id}", {"name": "Managed"})
    assert status == 200 and theirs.name == "Managed"
    status, _, _ = await raw("DELETE", f"{path}/{theirs.id}")
    assert status == 204


async def test_recurrence_rule_shape(world: World, raw: Raw) -> None:
    path = f"/guilds/{world.guild.id}/scheduled-events"
    start = world.fake.now() + HOUR
    weekly = {
        "start": start.isoformat(),
        "frequency": 2,
        "interval": 1,
        "by_weekday": [start.weekday()],
    }
    status, created, _ = await raw(
        "POST",
        path,
        external(
            world,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=(start + HOUR).isoformat(),
            recurrence_rule=weekly,
        ),
    )
    assert status == 200 and created["recurrence_rule"] == weekly
    refused = [
        ({**weekly, "by_weekday": [0, 2]}, "by_weekday"),
        ({**weekly, "interval": 3}, "interval"),
        ({**weekly, "count": 4}, "count"),
        ({**weekly, "frequency": 9}, "frequency"),
        ({**weekly, "start": (start + HOUR).isoformat()}, "start"),
        (
            {"start": start.isoformat(), "frequency": 1, "interval": 1, "by_n_weekday": []},
            "by_n_weekday",
        ),
    ]
    for rule, field in refused:
        body = external(
            world,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=(start + HOUR).isoformat(),
            recurrence_rule=rule,
        )
        status, answer, _ = await raw("POST", path, body)
        assert status == 400 and form_error(answer, "recurrence_rule", field), (rule, answer)


async def test_interested_users_are_paged_in_id_order(
    world: World, client: discord.Client, raw: Raw
) -> None:
    event = await create(client, world)
    stored = world.fake.scheduled_event(world.guild, event.id)
    members = [world.fake.add_member(world.guild, f"m{i}").user for i in range(150)]
    for user in reversed(members):
        await world.fake.mark_interested(stored, user)
    ids = sorted(u.id for u in members)

    first_page = [u.id async for u in event.users(limit=100)]
    assert first_page == ids[:100]
    # Discord returns users in ascending id order whatever the cursor, so all of them are
    # read by moving `after` to the last id of each page.
    seen: list[int] = []
    while True:
        page = await client.http.get_scheduled_event_users(
            world.guild.id, event.id, limit=100, with_member=False, after=seen[-1] if seen else None
        )
        seen += [int(p["user"]["id"]) for p in page]
        if len(page) < 100:
            break
    assert seen == ids

    path = f"/guilds/{world.guild.id}/scheduled-events/{event.id}/users"
    status, page, _ = await raw("GET", path)
    assert status == 200 and [int(p["user"]["id"]) for p in page] == ids[:100]
    status, page, _ = await raw("GET", path, after=ids[99], limit=30, with_member="true")
    assert [int(p["user"]["id"]) for p in page] == ids[100:130]
    assert all("member" in p and "user" not in p["member"] for p in page)
    status, page, _ = await raw("GET", path, before=ids[10], after=ids[0])
    assert [int(p["user"]["id"]) for p in page] == ids[:10]
    status, body, _ = await raw("GET", path, limit=101)
    assert status == 400 and form_error(body, "limit")

    await world.fake.unmark_interested(stored, members[0])
    status, page, _ = await raw(
        "GET", f"/guilds/{world.guild.id}/scheduled-events/{event.id}", with_user_count=1
    )
    assert page["user_count"] == 149


async def test_gateway_events_reach_only_sessions_with_the_intent(
    world: World, client: discord.Client
) -> None:
    event = await create(client, world)
    stored = world.fake.scheduled_event(world.guild, event.id)
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    without = discord.Intents.default()
    without.guild_scheduled_events = False
    async with connected(world.fake, without):
        await world.fake.mark_interested(stored, world.alice)
        await world.fake.unmark_interested(stored, world.alice)
        await world.fake.cancel_event(stored)
        await wait_until(
            lambda: guild.get_scheduled_event(event.id).status is discord.EventStatus.cancelled  # type: ignore[union-attr]
        )
        await world.fake.delete_event(stored)
        await wait_until(lambda: guild.get_scheduled_event(event.id) is None)
        sessions = list(world.fake.sessions.values())
        heard = [
            [f["t"] for f in s.buffer if f["t"].startswith("GUILD_SCHEDULED_EVENT")]
            for s in sessions
        ]
    listening = sessions[0].intents & (1 << 16)
    assert heard[0 if listening else 1] == [
        "GUILD_SCHEDULED_EVENT_CREATE",
        "GUILD_SCHEDULED_EVENT_USER_ADD",
        "GUILD_SCHEDULED_EVENT_USER_REMOVE",
        "GUILD_SCHEDULED_EVENT_UPDATE",
        "GUILD_SCHEDULED_EVENT_DELETE",
    ]
    assert heard[1 if listening else 0] == []


async def test_a_moved_clock_makes_a_start_time_past(world: World, raw: Raw) -> None:
    body = external(world)
    world.fake.advance_clock(hours=2)
    status, answer, _ = await raw("POST", f"/guilds/{world.guild.id}/scheduled-events", body)
    assert status == 400 and form_error(answer, "scheduled_start_time")


async def test_recurrence_rule_through_discord_py_http_route(
    world: World, client: discord.Client
) -> None:
    """discord.py 2.7 drops `recurrence_rule` from its scheduled-event calls; a bot sends
    it with a Route of its own, which the fake accepts and echoes as Discord does."""
    start = world.fake.now() + HOUR
    rule = {
        "start": start.isoformat(),
        "frequency": 2,
        "interval": 1,
        "by_weekday": [start.weekday()],
    }
    route = discord.http.Route(
        "POST", "/guilds/{guild_id}/scheduled-events", guild_id=world.guild.id
    )
    created = await client.http.request(
        route,
        json=external(
            world,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=(start + HOUR).isoformat(),
            recurrence_rule=rule,
        ),
    )
    assert created["recurrence_rule"] == rule
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    await wait_until(lambda: guild.get_scheduled_event(int(created["id"])) is not None)
    moved = start + 2 * HOUR
    edit = discord.http.Route(
        "PATCH",
        "/guilds/{guild_id}/scheduled-events/{event_id}",
        guild_id=world.guild.id,
        event_id=created["id"],
    )
    changed = await client.http.request(
        edit,
        json={
            "scheduled_start_time": moved.isoformat(),
            "scheduled_end_time": (moved + HOUR).isoformat(),
        },
    )
    assert changed["recurrence_rule"]["start"] == moved.isoformat()
