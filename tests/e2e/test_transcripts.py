"""What members read, in each language: a scripted session (propose, rate, search, top,
visit, routines, digest, profile, privacy) rendered to a transcript kept in
tests/e2e/transcripts/, so a reader can review the bot's words as a member sees them.

The test fails when a reply changes and the transcript was not regenerated. After a
deliberate change, regenerate both transcripts and review the diff:

    REGENERATE_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/e2e/test_transcripts.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.i18n.translator import COMMANDS_FR
from tests.e2e.harness import Harness
from tests.fakediscord import Message, User

TRANSCRIPTS = Path(__file__).with_name("transcripts")
#: A Wednesday morning, so that "yesterday", the week and the next Tuesday are fixed.
START = dt.datetime(2030, 3, 13, 10, 0, tzinfo=dt.UTC)
SNOWFLAKE = re.compile(r"\d{17,20}")

#: What each member types, in each language.
TYPED = {
    "en": {
        "hours": "1.5",
        "hours2": "1h30",
        "visit": "yesterday",
        "visit_hours": "90min",
        "time": "7pm",
        "title": "Tuesday drinks",
        "typed_title": "tuesday drinks",
        "query": "experience",
    },
    "fr": {
        "hours": "1,5",
        "hours2": "1h30",
        "visit": "hier",
        "visit_hours": "90min",
        "time": "19h",
        "title": "Apéro du mardi",
        "typed_title": "apero du mardi",
        "query": "numérique",
    },
}
DESCRIPTION = {
    "en": "Real **experience reports**, no pitch.",
    "fr": "Des **retours d'expérience**, pas de pitch.",
}


class Transcript:
    def __init__(self, h: Harness, language: str) -> None:
        self.h = h
        self.language = language
        self.locale = "fr" if language == "fr" else "en-US"
        self.lines: list[str] = []
        self.ids: dict[str, str] = {}

    def _anonymous(self, text: str) -> str:
        def number(match: re.Match[str]) -> str:
            return self.ids.setdefault(match[0], f"{len(self.ids) + 1}")

        return SNOWFLAKE.sub(lambda m: f"id{number(m)}", text)

    def command(self, user: User, command: str, options: dict[str, Any]) -> None:
        words = command.split()
        if self.language == "fr":
            words = [COMMANDS_FR.get(word, word) for word in words]
        names = {k: COMMANDS_FR.get(k, k) if self.language == "fr" else k for k in options}
        shown = " ".join(f"{names[k]}:{v}" for k, v in options.items())
        line = f"## {user.username}: /{' '.join(words)} {shown}".rstrip()
        self.lines.append(self._anonymous(line))

    def message(self, message: Message, label: str = "") -> None:
        if label:
            self.lines.append(f"*{label}*")
        # The message's text and its layout's text displays (a Components V2 digest), then
        # its embeds.
        for text in (message.text(), message.embed_text()):
            if text:
                self.lines.append(self._anonymous(text))
        for attachment in message.attachments:
            self.lines.append(f"[file: {attachment['filename']}]")
        self.lines.append("")

    async def run(self, user: User, command: str, **options: Any) -> Message:
        self.command(user, command, options)
        interaction = await self.h.fake.slash(
            command, guild=self.h.guild, user=user, locale=self.locale, **options
        )
        reply = await interaction.reply()
        self.message(reply)
        return reply

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


async def session(h: Harness, language: str) -> str:
    typed = TYPED[language]
    out = Transcript(h, language)
    carol = h.fake.add_member(h.guild, "carol").user
    owner = h.fake.owner
    await out.run(owner, "settings", language=language, timezone="Europe/Paris")
    before = len(h.fake.channel_messages(h.general))
    await out.run(
        h.alice,
        "venue propose",
        name="Le Café Numérique",
        kind="meetup",
        city="Lyon",
        tags="numérique responsable, IA",
        description=DESCRIPTION[language],
    )
    announcement = (await h.fake.wait_for_message(h.general, before + 1))[-1]
    out.message(announcement, "announcement")
    venue_id = str(announcement.components[0]["components"][0]["custom_id"]).split(":")[-1]
    question = await out.run(
        h.bob, "venue propose", name="Cafe Numerique", kind="meetup", city="Lyon"
    )
    cancel = question.components[0]["components"][1]["custom_id"]
    click = await h.fake.click(question, cancel, user=h.bob, locale=out.locale)
    await click.response()
    out.message(question, "after Cancel")
    await out.run(h.bob, "venue rate", venue=venue_id, worth=4, hours=typed["hours"], substance=5)
    await out.run(carol, "venue rate", venue=venue_id, worth=5, hours=typed["hours2"])
    await out.run(
        h.bob, "venue visit", venue=venue_id, date=typed["visit"], hours=typed["visit_hours"]
    )
    await out.run(h.bob, "venue search", query=typed["query"])
    await out.run(h.bob, "venue top")
    await out.run(h.bob, "venue top", kind="workshop")
    await out.run(h.bob, "venue show", venue=venue_id)
    await out.run(
        h.alice,
        "routine create",
        venue=venue_id,
        weekday=1,
        time=typed["time"],
        title=typed["title"],
    )
    await out.run(h.bob, "routine join", routine=typed["typed_title"])
    await out.run(h.bob, "routine list")
    await out.run(owner, "digest setup", channel=str(h.general.id), weekday=0, hour=9)
    await out.run(owner, "digest preview")
    await out.run(h.bob, "profile")
    await out.run(h.bob, "privacy export")
    question = await out.run(h.bob, "privacy delete")
    confirm = question.components[0]["components"][0]["custom_id"]
    click = await h.fake.click(question, confirm, user=h.bob, locale=out.locale)
    await click.response()
    out.message(question, "after Erase")
    return out.text()


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_transcript_is_what_members_read(harness: Harness, language: str) -> None:
    harness.fake.set_clock(START)
    await harness.start()
    text = await session(harness, language)
    path = TRANSCRIPTS / f"session.{language}.md"
    if os.environ.get("REGENERATE_TRANSCRIPTS"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert text == expected, (
        f"{path.name} differs from what members now read: review the change, then "
        "regenerate with REGENERATE_TRANSCRIPTS=1 .venv/bin/python -m pytest "
        "tests/e2e/test_transcripts.py"
    )
