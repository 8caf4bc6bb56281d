"""An unexpected database error names the statement, never the values it carried
(names, comments, member ids), so logging it leaks nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from db.engine import Database
from db.models import Rating


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
