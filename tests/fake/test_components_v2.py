"""Components V2 messages: what discord.py's LayoutView sends is accepted, rendered and
clickable; what Discord refuses is refused with its error shape."""

from __future__ import annotations

import io
from typing import Any

import discord

from tests.fake.conftest import Raw, World, form_error
from tests.fakediscord.state.messages import IS_COMPONENTS_V2


def text(content: str) -> dict[str, Any]:
    return {"type": 10, "content": content}


def button(custom_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


class Digest(discord.ui.LayoutView):
    """A layout like a weekly digest: a container with a section and its button, a
    separator, a chart, and a select in a row."""

    def __init__(self, clicks: list[str]) -> None:
        super().__init__(timeout=None)
        going = discord.ui.Button(label="J'y vais", custom_id="going:1")
        going.callback = self._record(clicks, "going")  # type: ignore[method-assign]
        pick = discord.ui.Select(
            custom_id="commit",
            options=[
                discord.SelectOption(label="Jeudi", value="1"),
                discord.SelectOption(label="Vendredi", value="2"),
            ],
        )
        pick.callback = self._record(clicks, "commit")  # type: ignore[method-assign]
        self.add_item(
            discord.ui.Container(
                discord.ui.TextDisplay("## Cette semaine"),
                discord.ui.Section(
                    discord.ui.TextDisplay("Apéro Rust — jeudi 19:00"), accessory=going
                ),
                discord.ui.Separator(),
                discord.ui.MediaGallery(discord.MediaGalleryItem("attachment://chart.png")),
                discord.ui.ActionRow(pick),
                accent_colour=discord.Colour(0x2F855A),
            )
        )

    @staticmethod
    def _record(clicks: list[str], name: str) -> Any:
        async def callback(interaction: discord.Interaction) -> None:
            values = (interaction.data or {}).get("values", [])
            clicks.append(f"{name}{values}")
            await interaction.response.send_message("noté", ephemeral=True)

        return callback


async def test_a_layout_view_is_stored_rendered_and_clickable(
    world: World, client: discord.Client
) -> None:
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    clicks: list[str] = []
    sent = await channel.send(
        view=Digest(clicks), file=discord.File(io.BytesIO(b"png"), "chart.png")
    )
    stored = world.fake.messages[sent.id]
    assert stored.flags & IS_COMPONENTS_V2 and stored.content == ""
    rendered = world.fake.render(stored)
    assert "## Cette semaine" in rendered and "[J'y vais]" in rendered
    assert (
        "[image chart.png]" in rendered
        and "╭" in rendered
        and "[▾ choose: Jeudi, Vendredi]" in rendered
    )

    click = await world.fake.click(stored, "going:1", user=world.alice)
    assert (await click.reply()).content == "noté"
    pick = await world.fake.click(stored, "commit", user=world.bob, component_type=3, values=["2"])
    await pick.reply()
    assert clicks == ["going[]", "commit['2']"]
    assert "noté" in world.fake.transcript(world.general)


async def test_v2_refusals(world: World, raw: Raw) -> None:
    path = f"/channels/{world.general.id}/messages"
    v2 = IS_COMPONENTS_V2
    many = [text(f"line {i}") for i in range(41)]
    cases: list[tuple[dict[str, Any], tuple[str | int, ...]]] = [
        ({"flags": v2, "content": "hello", "components": [text("x")]}, ("content",)),
        ({"flags": v2, "embeds": [{"title": "t"}], "components": [text("x")]}, ("embeds",)),
        ({"flags": v2, "components": many}, ("components",)),
        ({"flags": v2, "components": [text("x" * 2000), text("y" * 2001)]}, ("components",)),
        (
            {
                "flags": v2,
                "components": [
                    {"type": 12, "items": [{"media": {"url": "attachment://nope.png"}}]}
                ],
            },
            ("components", 0, "items", 0, "media", "url"),
        ),
        (
            {"flags": v2, "components": [{"type": 11, "media": {"url": "https://x.org/a.png"}}]},
            ("components", 0, "type"),
        ),
        (
            {
                "flags": v2,
                "components": [
                    {"type": 17, "components": [{"type": 17, "components": [text("x")]}]}
                ],
            },
            ("components", 0, "components", 0, "type"),
        ),
        (
            {"flags": v2, "components": [{"type": 9, "components": [text("x")]}]},
            ("components", 0, "accessory"),
        ),
        (
            {
                "flags": v2,
                "components": [
                    {
                        "type": 9,
                        "components": [text("a"), text("b"), text("c"), text("d")],
                        "accessory": button("a"),
                    }
                ],
            },
            ("components", 0, "components"),
        ),
        (
            {"flags": v2, "components": [{"type": 13, "file": {"url": "https://x.org/f.txt"}}]},
            ("components", 0, "file", "url"),
        ),
        (
            {"components": [{"type": 9, "components": [text("x")], "accessory": button("a")}]},
            ("components", 0, "type"),
        ),
        (
            {
                "content": "x",
                "components": [{"type": 1, "components": [button(str(i))]} for i in range(6)],
            },
            ("components",),
        ),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            button("a"),
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": "l", "value": "v"}],
                            },
                        ],
                    }
                ],
            },
            ("components", 0, "components"),
        ),
        (
            {"content": "x", "components": [{"type": 1, "components": [button("a"), button("a")]}]},
            ("components", 0, "components", 1, "custom_id"),
        ),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 5, "label": "l", "custom_id": "c"}],
                    }
                ],
            },
            ("components", 0, "components", 0),
        ),
    ]
    for body, where in cases:
        status, answer, _ = await raw("POST", path, body)
        assert status == 400, body
        assert form_error(answer, *where), (body, answer)
    assert world.fake.channel_messages(world.general) == []


async def test_a_v2_message_stays_v2_and_keeps_its_limits_when_edited(
    world: World, client: discord.Client, raw: Raw
) -> None:
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.TextDisplay("before"))
    sent = await channel.send(view=view)
    path = f"/channels/{channel.id}/messages/{sent.id}"
    status, body, _ = await raw("PATCH", path, {"content": "legacy", "flags": 0})
    assert status == 400 and form_error(body, "flags")
    status, body, _ = await raw("PATCH", path, {"content": "legacy"})
    assert status == 400 and form_error(body, "content")
    after = discord.ui.LayoutView()
    after.add_item(discord.ui.TextDisplay("after"))
    await sent.edit(view=after)
    assert "after" in world.fake.render(world.fake.messages[sent.id])
