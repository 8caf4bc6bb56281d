"""Threads started from a message or on their own, their messages and permissions."""

from __future__ import annotations

import discord
import pytest

from tests.fake.conftest import Raw, World, form_error, wait_until
from tests.fakediscord import Permissions


def text_channel(client: discord.Client, world: World) -> discord.TextChannel:
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_thread_from_a_message_holds_messages(world: World, client: discord.Client) -> None:
    message = await text_channel(client, world).send("La semaine")
    thread = await message.create_thread(name="Vos meilleurs moments")
    assert thread.id == message.id and thread.parent_id == world.general.id
    await wait_until(lambda: client.get_channel(thread.id) is not None)
    sent = await thread.send("Racontez !")
    stored = world.fake.channel(thread.id)
    assert stored is not None and stored.is_thread
    assert [m.id for m in world.fake.channel_messages(stored)] == [sent.id]
    assert world.fake.messages[message.id].thread["id"] == str(thread.id)  # type: ignore[index]
    await world.fake.post_as(world.alice, stored, "Jeudi au café")
    assert len(world.fake.channel_messages(stored)) == 2

    with pytest.raises(discord.HTTPException) as again:
        await message.create_thread(name="Encore")
    assert again.value.code == 160004


async def test_thread_without_a_message(world: World, client: discord.Client) -> None:
    channel = text_channel(client, world)
    thread = await channel.create_thread(
        name="Organisation", type=discord.ChannelType.public_thread
    )
    assert thread.type is discord.ChannelType.public_thread
    frames = [
        f for s in world.fake.sessions.values() for f in s.buffer if f["t"] == "THREAD_CREATE"
    ]
    assert frames and frames[-1]["d"]["id"] == str(thread.id) and frames[-1]["d"]["newly_created"]
    with pytest.raises(discord.Forbidden) as private:
        await channel.create_thread(name="Entre nous", type=discord.ChannelType.private_thread)
    assert private.value.code == 50013


async def test_thread_permissions(world: World, client: discord.Client) -> None:
    channel = text_channel(client, world)
    bot_role = world.fake.bot_role(world.guild)
    world.general.deny(bot_role.id, Permissions.CREATE_PUBLIC_THREADS)
    message = await channel.send("x")
    with pytest.raises(discord.Forbidden):
        await message.create_thread(name="Refusé")
    world.general.overwrites.clear()
    thread = await message.create_thread(name="Accepté")

    # Threads use Send Messages in Threads, not Send Messages.
    world.general.deny(world.guild.id, Permissions.SEND_MESSAGES)
    world.general.deny(bot_role.id, Permissions.SEND_MESSAGES)
    await thread.send("still allowed")
    world.general.deny(bot_role.id, Permissions.SEND_MESSAGES_IN_THREADS)
    with pytest.raises(discord.Forbidden):
        await thread.send("refused")


async def test_archived_threads_refuse_messages(world: World, client: discord.Client) -> None:
    message = await text_channel(client, world).send("x")
    thread = await message.create_thread(name="Fil")
    stored = world.fake.channel(thread.id)
    assert stored is not None
    await world.fake.archive_thread(stored)
    updates = [
        f for s in world.fake.sessions.values() for f in s.buffer if f["t"] == "THREAD_UPDATE"
    ]
    assert updates[-1]["d"]["thread_metadata"]["archived"] is True
    with pytest.raises(discord.HTTPException) as archived:
        await thread.send("trop tard")
    assert archived.value.code == 50083
    await thread.edit(archived=False)
    assert not stored.archived
    await thread.send("rouvert")


async def test_thread_names_and_parents_are_checked(
    world: World, raw: Raw, client: discord.Client
) -> None:
    message = await text_channel(client, world).send("x")
    path = f"/channels/{world.general.id}/messages/{message.id}/threads"
    status, body, _ = await raw("POST", path, {"name": "x" * 101})
    assert status == 400 and form_error(body, "name")
    status, body, _ = await raw("POST", path, {"name": "ok", "auto_archive_duration": 5})
    assert status == 400 and form_error(body, "auto_archive_duration")
    status, thread, _ = await raw("POST", path, {"name": "ok"})
    assert status == 201
    status, body, _ = await raw(
        "POST", f"/channels/{thread['id']}/threads", {"name": "nested", "type": 11}
    )
    assert (status, body["code"]) == (400, 50024)


async def test_editing_a_channel_is_not_pretended(world: World, raw: Raw) -> None:
    """Only threads are edited by the fake: editing a channel is reported as unimplemented,
    as a request to an unknown route is, so the e2e suite notices."""
    status, _, _ = await raw("PATCH", f"/channels/{world.general.id}", {"name": "renamed"})
    assert status == 404
    assert [r.path for r in world.fake.unimplemented()] == [f"/channels/{world.general.id}"]
    world.fake.requests.clear()
