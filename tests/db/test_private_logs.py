"""An unexpected database error names the statement, never the values it carried
(names, comments, member ids), so logging it leaks nothing."""

from __future__ import annotations

import datetime as dt
import logging
import traceback

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from bot.private_logs import HIDDEN, hide_database_values, redact
from db.engine import Database
from db.models import Rating
from db.repositories import VenueRepository


async def test_a_database_error_is_logged_without_its_parameters(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "comment that names 123456789012345678"
    with pytest.raises(DBAPIError) as raised:  # no such venue: a foreign key violation
        async with db.write() as session:
            await session.execute(
                insert(Rating).values(
                    guild_id=1,
                    venue_id=987654,
                    member_id=123456789012345678,
                    worth=3,
                    hours=2.0,
                    weight=0.2,
                    value=3.0,
                    log_hours=0.69,
                    comment=secret,
                )
            )
    logging.getLogger("bot").error("unexpected error", exc_info=raised.value)
    assert "INSERT INTO rating" in caplog.text
    assert secret not in caplog.text and "123456789012345678" not in caplog.text
    assert "hide_parameters" in caplog.text


def _venue(name: str, *, kind: str = "meetup") -> dict[str, object]:
    return {
        "guild_id": 1,
        "name": name,
        "normalized_name": name.lower(),
        "kind": kind,
        "city": "Lyon",
        "city_key": "lyon",
        "address": None,
        "url": None,
        "description": "notes that name 123456789012345678",
        "proposer_id": 123456789012345678,
    }


@pytest.mark.parametrize("violation", ["unique", "check"])
async def test_a_constraint_violation_is_logged_without_the_refused_row(
    db: Database, caplog: pytest.LogCaptureFixture, violation: str
) -> None:
    """PostgreSQL quotes the refused row or key ("Failing row contains (...)", "Key
    (...)=(...) already exists"): the records the bot and discord.py log hide them."""
    hide_database_values()  # as `serve` does at start
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    secret = "Chez Secretname"
    if violation == "unique":  # the guard against two live venues of one name and city
        async with db.write() as session:
            await VenueRepository(session).create(tags=[], now=now, **_venue(secret))
    with pytest.raises(DBAPIError) as raised:
        async with db.write() as session:
            kind = "nightclub" if violation == "check" else "meetup"
            await VenueRepository(session).create(tags=[], now=now, **_venue(secret, kind=kind))
    if db.url.get_backend_name() == "postgresql":
        unredacted = "".join(traceback.format_exception(raised.value))  # asyncpg's cause
        assert "DETAIL" in unredacted and secret.lower() in unredacted.lower()
    caplog.clear()
    # How the bot reports an unexpected error, and how discord.py logs a failed command.
    logging.getLogger("bot").error("unexpected error %s: %s", "E1", raised.value)
    logging.getLogger("discord.app_commands.tree").error(
        "Ignoring exception in command %r", "venue", exc_info=raised.value
    )
    assert "INSERT INTO venue" in caplog.text
    assert len(caplog.records) == 2
    for hidden in (secret, secret.lower(), "123456789012345678"):
        assert hidden not in caplog.text
        for record in caplog.records:
            assert hidden not in record.getMessage() and hidden not in (record.exc_text or "")
    if db.url.get_backend_name() == "postgresql":
        assert f"DETAIL:  {HIDDEN}" in caplog.text


def test_redact_keeps_what_is_not_a_quoted_row() -> None:
    text = (
        'duplicate key value violates unique constraint "uq_venue_live_name_city"\n'
        "DETAIL:  Key (guild_id, city_key, normalized_name)=(1, lyon, a\n\nb) already exists.\n"
        "[SQL: INSERT INTO venue (name) VALUES ($1::VARCHAR)]"
    )
    assert redact(text) == (
        'duplicate key value violates unique constraint "uq_venue_live_name_city"\n'
        f"DETAIL:  {HIDDEN}\n"
        "[SQL: INSERT INTO venue (name) VALUES ($1::VARCHAR)]"
    )
    assert redact("Failing row contains (1, secret).") == f"Failing row contains {HIDDEN}"
    assert redact("nothing to hide") == "nothing to hide"
