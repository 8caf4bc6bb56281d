"""Fixtures that run the real bot against the fake Discord (see harness.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import Harness, assert_nobody_pinged
from tests.fakediscord import FakeDiscord


def _connection_cut_elsewhere(record: logging.LogRecord) -> bool:
    """asyncpg's own future for a connection that an outage test cut on purpose: it is
    reported by whichever later test's garbage collection finds it, not by the bot."""
    message = record.getMessage()
    return (
        record.name == "asyncio"
        and message.startswith("Future exception was never retrieved")
        and "unexpected connection_lost() call" in message
    )


@pytest.fixture
async def harness(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Harness]:
    caplog.set_level(logging.INFO)
    fake = await FakeDiscord().start()
    guild = fake.add_guild("Les Bonnes Places")
    harness = Harness(
        fake=fake,
        database_url=database_url,
        monkeypatch=monkeypatch,
        guild=guild,
        general=next(iter(guild.channels.values())),
        alice=fake.add_member(guild, "alice").user,
        bob=fake.add_member(guild, "bob").user,
    )
    try:
        yield harness
    finally:
        with contextlib.suppress(Exception):
            await harness.stop()
        await fake.stop()
    assert_nobody_pinged(fake, harness.pings_on_purpose)
    unimplemented = fake.unimplemented()
    assert not unimplemented, f"requests to unimplemented routes: {unimplemented}"
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    errors = [
        r
        for r in records
        if r.levelno >= logging.ERROR
        and not any(expected in r.getMessage() for expected in harness.expected_errors)
        and not _connection_cut_elsewhere(r)
    ]
    assert not errors, "errors logged: " + "; ".join(r.getMessage() for r in errors)


@pytest.fixture
async def running(harness: Harness) -> Harness:
    await harness.start()
    return harness
