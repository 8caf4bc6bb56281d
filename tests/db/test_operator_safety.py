"""Operator commands fail safe: one clear line and a non-zero exit, nothing overwritten,
no database created, no formula reaching a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from tests.db.test_operator import GUILD, cli

UNREACHABLE_POSTGRESQL = "postgresql+asyncpg://postgres@127.0.0.1:1/test"


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("bonnes-places: "), result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


async def _seed(url: str) -> None:
    db = Database(url)
    try:
        draft = validate_proposal(
            name='=HYPERLINK("https://evil.example", "Click")',
            kind="meetup",
            city="+Paris",
            description="@SUM(1+1) and -2+3",
        )
        await VenueService(db).propose(GUILD, 42, draft)
    finally:
        await db.dispose()


def test_export_quotes_cells_a_spreadsheet_would_run(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_seed(database_url))
    out = tmp_path / "out"
    result = cli("export", "--guild", str(GUILD), "--out", str(out), url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with (out / "venues.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["name"] == '\'=HYPERLINK("https://evil.example", "Click")'
    assert row["city"] == "'+Paris"
    assert row["description"] == "'@SUM(1+1) and -2+3"
    assert row["net_votes"] == "0"


def test_export_refuses_an_existing_folder_and_an_unknown_guild(
    database_url: str, tmp_path: Path
) -> None:
    asyncio.run(_seed(database_url))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = cli("export", "--guild", str(GUILD), "--out", str(out), url=database_url, cwd=tmp_path)
    assert_one_line_failure(result, "already exists")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]

    other = tmp_path / "other"
    result = cli("export", "--guild", "12345", "--out", str(other), url=database_url, cwd=tmp_path)
    assert_one_line_failure(result, "nothing is stored for server 12345")
    assert not other.exists()


@pytest.mark.parametrize("guild", ["99999999999999999999999999", "-5", "0"])
def test_export_refuses_an_impossible_guild_id(guild: str, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bp.db'}"
    result = cli("export", "--guild", guild, url=url, cwd=tmp_path)
    assert_one_line_failure(result, "is not a Discord server id")


def test_export_of_a_database_that_is_down_fails_in_one_line(tmp_path: Path) -> None:
    result = cli("export", "--guild", str(GUILD), url=UNREACHABLE_POSTGRESQL, cwd=tmp_path)
    assert_one_line_failure(result, "cannot read the database")
    assert not (tmp_path / f"export-{GUILD}").exists()


def test_operator_commands_never_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "bonnes_places.db"
    url = f"sqlite+aiosqlite:///{missing}"
    assert_one_line_failure(
        cli("export", "--guild", str(GUILD), url=url, cwd=tmp_path), "no database at"
    )
    assert_one_line_failure(cli("backup", str(tmp_path / "copy.db"), url=url, cwd=tmp_path))
    assert not missing.exists() and not missing.parent.exists()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = cli("export", "--guild", str(GUILD), url=f"sqlite+aiosqlite:///{empty}", cwd=tmp_path)
    assert_one_line_failure(result, "has no")
    with sqlite3.connect(empty) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_backup_refuses_an_existing_file_and_the_database_itself(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite file copies")
    asyncio.run(_seed(database_url))
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"an older backup")
    result = cli("backup", str(existing), url=database_url, cwd=tmp_path)
    assert_one_line_failure(result, "already exists")
    assert existing.read_bytes() == b"an older backup"

    live = Path(database_url.split("///", 1)[1])
    before = live.read_bytes()
    result = cli("backup", str(live), url=database_url, cwd=tmp_path)
    assert_one_line_failure(result, "is the database itself")
    assert live.read_bytes() == before


def test_backup_that_fails_its_integrity_check_exits_non_zero(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    with sqlite3.connect(damaged) as connection:
        connection.execute("CREATE TABLE t (x, y)")
        connection.execute("CREATE INDEX i ON t (x)")
        connection.executemany("INSERT INTO t VALUES (?, ?)", [(i, -i) for i in range(100)])
        connection.execute("PRAGMA writable_schema = ON")  # the index no longer matches
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX i ON t (y)' WHERE name = 'i'"
        )
    connection.close()
    result = cli("backup", str(tmp_path / "copy.db"), url=f"sqlite:///{damaged}", cwd=tmp_path)
    assert_one_line_failure(result, "failed its integrity check")


def test_pg_dump_advice_keeps_port_and_sslmode(tmp_path: Path) -> None:
    url = "postgresql://bp:secret@db.example:6543/bonnes?sslmode=require"
    result = cli("backup", str(tmp_path / "bp.dump"), url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'postgresql://bp@db.example:6543/bonnes?sslmode=require'" in result.stdout
    assert "secret" not in result.stdout
