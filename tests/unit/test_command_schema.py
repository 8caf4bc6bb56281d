"""The commands as synced to Discord (names, French localizations, descriptions, option
types, limits, choices, autocomplete flags) match the recorded schema.

A deliberate change of a command regenerates the record:
`.venv/bin/python -m tests.unit.test_command_schema`.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from bot.app import BonnesPlaces

RECORD = Path(__file__).with_name("command_schema.json")


async def synced_schema(bot: BonnesPlaces) -> list[dict[str, Any]]:
    translator = bot.tree.translator
    assert translator is not None
    payload = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands()
    ]
    return json.loads(json.dumps(sorted(payload, key=lambda c: c["name"]), sort_keys=True))


async def test_synced_schema_matches_the_record(bot: BonnesPlaces) -> None:
    assert await synced_schema(bot) == json.loads(RECORD.read_text())


async def _record() -> None:
    from tests.unit.conftest import bot as fixture

    with tempfile.TemporaryDirectory() as folder:
        generator = fixture.__wrapped__(Path(folder))  # type: ignore[attr-defined]
        client = await anext(generator)
        schema = await synced_schema(client)
        await generator.aclose()
    RECORD.write_text(json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    asyncio.run(_record())
