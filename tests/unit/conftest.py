"""A bot with every extension loaded and never logged in: its command tree, offline."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import EXTENSIONS, BonnesPlaces
from bot.i18n.translator import CommandTranslator
from bot.services import Services
from bot.settings import load_settings
from db.engine import Database


@pytest.fixture
async def bot(tmp_path) -> AsyncIterator[BonnesPlaces]:
    settings = load_settings(_env_file=None, discord_token="t")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'i18n.db'}")
    client = BonnesPlaces(settings, Services.build(db))
    await client.tree.set_translator(CommandTranslator())
    for extension in EXTENSIONS:
        await client.load_extension(extension)
    try:
        yield client
    finally:
        for extension in list(client.extensions):  # the client never logged in: no close()
            await client.unload_extension(extension)
        await db.dispose()
