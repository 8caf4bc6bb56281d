"""Modals with Label components (text input, select, radio group, checkbox group,
checkbox): what discord.py sends is accepted, submitted values reach discord.py as
Discord sends them, malformed modals are refused."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.fake.conftest import Raw, World, form_error
from tests.fakediscord import ModalInputError


class CheckBack(discord.ui.Modal, title="Vous y étiez ?"):
    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__(custom_id="checkback")
        self.answers = answers
        self.worth = discord.ui.RadioGroup(
            custom_id="worth",
            options=[discord.RadioGroupOption(label=f"{n}/5", value=str(n)) for n in range(1, 6)],
        )
        self.got = discord.ui.CheckboxGroup(
            custom_id="got",
            required=False,
            options=[
                discord.CheckboxGroupOption(label="Du fond", value="substance"),
                discord.CheckboxGroupOption(label="Du vécu", value="experience"),
                discord.CheckboxGroupOption(label="Un contact", value="contact"),
            ],
        )
        self.again = discord.ui.Checkbox(custom_id="again", default=True)
        self.hours = discord.ui.TextInput(
            custom_id="hours", style=discord.TextStyle.short, max_length=5
        )
        self.kind = discord.ui.Select(
            custom_id="kind",
            options=[
                discord.SelectOption(label="Meetup", value="meetup"),
                discord.SelectOption(label="Atelier", value="workshop"),
            ],
        )
        for text, item in (
            ("Ça valait", self.worth),
            ("Ce que j'ai eu", self.got),
            ("J'y retourne", self.again),
            ("Heures", self.hours),
            ("Genre", self.kind),
        ):
            self.add_item(discord.ui.Label(text=text, component=item))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.answers.update(
            worth=self.worth.value,
            got=self.got.values,
            again=self.again.value,
            hours=self.hours.value,
            kind=self.kind.values,
        )
        await interaction.response.send_message("merci", ephemeral=True)


class Opener(discord.ui.View):
    def __init__(self, answers: dict[str, Any]) -> None:
        super().__init__(timeout=None)
        self.answers = answers

    @discord.ui.button(label="J'y étais", custom_id="went")
    async def went(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(CheckBack(self.answers))


async def test_label_components_round_trip_through_discord_py(
    world: World, client: discord.Client
) -> None:
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    answers: dict[str, Any] = {}
    sent = await channel.send("Jeudi ?", view=Opener(answers))
    click = await world.fake.click(world.fake.messages[sent.id], "went", user=world.alice)
    await click.response()
    modal = click.modal
    assert modal is not None and [c["type"] for c in modal["components"]] == [18] * 5

    submit = await world.fake.submit_modal(
        click,
        {"worth": "4", "got": ["substance", "contact"], "hours": "2,5", "kind": ["workshop"]},
        validate=True,
    )
    assert (await submit.reply()).content == "merci"
    assert answers == {
        "worth": "4",
        "got": ["substance", "contact"],
        "again": True,
        "hours": "2,5",
        "kind": ["workshop"],
    }
    labels = submit.payload["data"]["components"]
    assert [c["type"] for c in labels] == [18] * 5
    assert labels[0]["component"] == {
        "type": 21,
        "custom_id": "worth",
        "id": labels[0]["component"]["id"],
        "value": "4",
    }

    with pytest.raises(ModalInputError):
        await world.fake.submit_modal(click, {"worth": "9"}, validate=True)
    with pytest.raises(ModalInputError):
        await world.fake.submit_modal(click, {"hours": "123456"}, validate=True)
    with pytest.raises(LookupError):
        await world.fake.submit_modal(click, {"nope": "1"})


def label(child: dict[str, Any] | None, text: str = "Q") -> dict[str, Any]:
    item: dict[str, Any] = {"type": 18, "label": text}
    if child is not None:
        item["component"] = child
    return item


def radio(custom_id: str, count: int) -> dict[str, Any]:
    return {
        "type": 21,
        "custom_id": custom_id,
        "options": [{"label": str(i), "value": str(i)} for i in range(count)],
    }


async def test_malformed_modals_are_refused(world: World, raw: Raw) -> None:
    message = world.fake.add_message(world.general, content="x")
    message.components = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "open"}]}
    ]
    cases: list[tuple[dict[str, Any], tuple[str | int, ...]]] = [
        (
            {
                "title": "T",
                "custom_id": "m",
                "components": [label(radio(f"r{i}", 2)) for i in range(6)],
            },
            ("data", "components"),
        ),
        (
            {"title": "T", "custom_id": "m", "components": [label(None)]},
            ("data", "components", 0, "component"),
        ),
        (
            {"title": "T", "custom_id": "m", "components": [label(radio("r", 1))]},
            ("data", "components", 0, "component", "options"),
        ),
        (
            {"title": "T", "custom_id": "m", "components": [label(radio("r", 11))]},
            ("data", "components", 0, "component", "options"),
        ),
        (
            {"title": "T" * 46, "custom_id": "m", "components": [label(radio("r", 2))]},
            ("data", "title"),
        ),
        (
            {"title": "T", "custom_id": "m", "components": [label(radio("r", 2), "L" * 46)]},
            ("data", "components", 0, "label"),
        ),
        (
            {
                "title": "T",
                "custom_id": "m",
                "components": [label({"type": 2, "style": 1, "custom_id": "b"})],
            },
            ("data", "components", 0, "component", "type"),
        ),
        (
            {
                "title": "T",
                "custom_id": "m",
                "components": [label(radio("r", 2)), label(radio("r", 2))],
            },
            ("data", "components", 1, "component", "custom_id"),
        ),
        (
            {
                "title": "T",
                "custom_id": "m",
                "components": [
                    label(
                        {
                            "type": 22,
                            "custom_id": "c",
                            "options": [{"label": "a", "value": "a"}],
                            "max_values": 11,
                        }
                    )
                ],
            },
            ("data", "components", 0, "component", "max_values"),
        ),
        (
            {"title": "T", "custom_id": "m", "components": [{"type": 17, "components": []}]},
            ("data", "components", 0, "type"),
        ),
    ]
    for data, where in cases:
        click = await world.fake.click(message, "open", user=world.alice)
        status, body, _ = await raw(
            "POST", f"/interactions/{click.id}/{click.token}/callback", {"type": 9, "data": data}
        )
        assert status == 400, data
        assert form_error(body, *where), (data, body)
        assert click.modal is None


async def test_interaction_tokens_expire_after_15_minutes(world: World, raw: Raw) -> None:
    message = world.fake.add_message(world.general, content="x")
    message.components = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "open"}]}
    ]
    click = await world.fake.click(message, "open", user=world.alice)
    callback = f"/interactions/{click.id}/{click.token}/callback"
    status, _, _ = await raw("POST", callback, {"type": 5})
    assert status == 200
    followup = f"/webhooks/{world.fake.application_id}/{click.token}"
    world.fake.advance_clock(minutes=14)
    status, _, _ = await raw("POST", followup, {"content": "still here"})
    assert status == 200
    world.fake.advance_clock(minutes=2)
    status, body, _ = await raw("PATCH", f"{followup}/messages/@original", {"content": "too late"})
    assert (status, body["code"]) == (401, 50027)
