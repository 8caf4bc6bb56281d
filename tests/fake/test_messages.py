"""Message nonces, paged history and reaction users, and the rate-limit headers every
answer carries."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.fake.conftest import Raw, World, form_error


def text_channel(client: discord.Client, world: World) -> discord.TextChannel:
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_enforced_nonce_returns_the_first_message(
    world: World, client: discord.Client
) -> None:
    channel = text_channel(client, world)
    first = await channel.send("Digest 2026-W48", nonce="digest-2026-48")
    again = await channel.send("Digest 2026-W48 (retry)", nonce="digest-2026-48")
    assert again.id == first.id and again.content == "Digest 2026-W48"
    assert len(world.fake.channel_messages(world.general)) == 1
    other = await channel.send("Another", nonce="digest-2026-49")
    assert other.id != first.id

    world.fake.advance_clock(minutes=6)
    later = await channel.send("Digest 2026-W48", nonce="digest-2026-48")
    assert later.id != first.id
    assert len(world.fake.channel_messages(world.general)) == 3


async def test_nonces_without_enforcement_and_too_long(world: World, raw: Raw) -> None:
    path = f"/channels/{world.general.id}/messages"
    for _ in range(2):
        status, _, _ = await raw("POST", path, {"content": "x", "nonce": "n1"})
        assert status == 200
    assert len(world.fake.channel_messages(world.general)) == 2
    status, body, _ = await raw(
        "POST", path, {"content": "x", "nonce": "n" * 26, "enforce_nonce": True}
    )
    assert status == 400 and form_error(body, "nonce")
    status, body, _ = await raw("POST", path, {"content": ""})
    assert (status, body["code"]) == (400, 50006)


async def test_history_is_paged_newest_first(
    world: World, client: discord.Client, raw: Raw
) -> None:
    channel = text_channel(client, world)
    sent = [world.fake.add_message(world.general, content=str(i)) for i in range(130)]
    ids = [m.id for m in sent]

    assert [m.id async for m in channel.history(limit=None)] == ids[::-1]
    assert [
        m.id
        async for m in channel.history(limit=None, after=discord.Object(ids[9]), oldest_first=True)
    ] == ids[10:]
    assert [m.id async for m in channel.history(limit=40, before=discord.Object(ids[100]))] == ids[
        60:100
    ][::-1]
    around = [m.id async for m in channel.history(limit=10, around=discord.Object(ids[50]))]
    assert sorted(around) == ids[45:55]

    path = f"/channels/{world.general.id}/messages"
    status, page, _ = await raw("GET", path, after=ids[0], limit=3)
    assert [int(m["id"]) for m in page] == ids[1:4][::-1]
    status, body, _ = await raw("GET", path, limit=101)
    assert status == 400 and form_error(body, "limit")
    status, body, _ = await raw("GET", path, limit=0)
    assert status == 400 and form_error(body, "limit")
    status, page, _ = await raw("GET", path)
    assert len(page) == 50


async def test_reaction_users_are_paged_by_id(
    world: World, client: discord.Client, raw: Raw
) -> None:
    message = world.fake.add_message(world.general, content="vote")
    members = [world.fake.add_member(world.guild, f"v{i}").user for i in range(130)]
    for user in reversed(members):
        await world.fake.react(message, "👍", user)
    ids = sorted(u.id for u in members)

    fetched = await text_channel(client, world).fetch_message(message.id)
    [reaction] = fetched.reactions
    # discord.py walks pages forward with `after` and yields each page reversed.
    assert [u.id async for u in reaction.users(limit=None)] == ids[:100][::-1] + ids[100:][::-1]

    path = f"/channels/{world.general.id}/messages/{message.id}/reactions/%F0%9F%91%8D"
    status, page, _ = await raw("GET", path)
    assert [int(u["id"]) for u in page] == ids[:25]
    status, page, _ = await raw("GET", path, after=ids[99], limit=100)
    assert [int(u["id"]) for u in page] == ids[100:]
    status, page, _ = await raw("GET", path, type=1)
    assert page == []
    status, body, _ = await raw("GET", path, limit=101)
    assert status == 400 and form_error(body, "limit")
    status, page, _ = await raw(
        "GET", f"/channels/{world.general.id}/messages/{message.id}/reactions/%F0%9F%91%8E"
    )
    assert (status, page) == (200, [])


async def test_every_answer_carries_rate_limit_headers(world: World, raw: Raw) -> None:
    for method, path in (
        ("GET", "/users/@me"),
        ("GET", f"/channels/{world.general.id}/messages"),
        ("GET", f"/channels/{world.general.id}/messages/1"),
    ):
        _, _, headers = await raw(method, path)
        for name in (
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset-After",
            "X-RateLimit-Bucket",
        ):
            assert name in headers, (path, headers)
    _, _, first = await raw("GET", f"/channels/{world.general.id}/messages")
    _, _, second = await raw("GET", f"/channels/{world.general.id}/messages")
    assert int(second["X-RateLimit-Remaining"]) < int(first["X-RateLimit-Remaining"])


async def test_discord_py_waits_when_a_bucket_is_spent(
    world: World, client: discord.Client
) -> None:
    world.fake.rate_limit = 2
    channel = text_channel(client, world)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for i in range(3):
        await channel.send(str(i))
    assert loop.time() - started >= 0.5
    assert len(world.fake.channel_messages(world.general)) == 3


@pytest.mark.parametrize("emoji", ["👍", "1️⃣"])
async def test_bot_reactions_reach_the_message(
    world: World, client: discord.Client, emoji: str
) -> None:
    sent = await text_channel(client, world).send("x")
    await sent.add_reaction(emoji)
    assert world.fake.messages[sent.id].reactions[emoji] == [client.user.id]  # type: ignore[union-attr]


async def test_transcript_reads_as_a_member_would(world: World, client: discord.Client) -> None:
    channel = text_channel(client, world)
    embed = discord.Embed(title="Nouveau lieu", description="Café des Devs")
    embed.add_field(name="Ville", value="Paris")
    embed.set_footer(text="#12")
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Noter", custom_id="bp:rate:12"))
    sent = await channel.send(embed=embed, view=view)
    await world.fake.react(world.fake.messages[sent.id], "👍", world.alice)
    world.fake.add_message(world.general, author=world.alice, content="Merci !")
    assert world.fake.transcript(world.general) == (
        "Bonnes Places:\n"
        "  ┃ Nouveau lieu\n"
        "  ┃ Café des Devs\n"
        "  ┃ Ville: Paris\n"
        "  ┃ — #12\n"
        "  [Noter]\n"
        "  👍 1\n"
        "\n"
        "alice:\n"
        "  Merci !"
    )


async def test_allowed_mentions_decide_who_is_pinged(world: World, raw: Raw) -> None:
    path = f"/channels/{world.general.id}/messages"
    content = "<@1> <@!2> <@3> @everyone"
    for mentions, pinged in [
        (None, {1, 2, 3}),
        ({"parse": []}, set()),
        ({"parse": [], "users": ["2", "4"]}, {2}),
        ({"parse": ["users"]}, {1, 2, 3}),
    ]:
        body = (
            {"content": content}
            if mentions is None
            else {
                "content": content,
                "allowed_mentions": mentions,
            }
        )
        status, _, _ = await raw("POST", path, body)
        assert status == 200
        assert world.fake.channel_messages(world.general)[-1].pinged_users() == pinged
    too_many = {"parse": [], "users": [str(i) for i in range(101)]}
    status, body, _ = await raw("POST", path, {"content": "x", "allowed_mentions": too_many})
    assert status == 400 and form_error(body, "allowed_mentions", "users")
    both = {"parse": ["users"], "users": ["1"]}
    status, body, _ = await raw("POST", path, {"content": "x", "allowed_mentions": both})
    assert status == 400 and form_error(body, "allowed_mentions", "parse")
