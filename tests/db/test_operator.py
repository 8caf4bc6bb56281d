"""Operator commands: online SQLite backup and a server's CSV export."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database

ROOT = Path(__file__).resolve().parents[2]
GUILD, OTHER = 111_111_111_111_111_111, 222_222_222_222_222_222


def cli(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


async def _seed(url: str) -> None:
    db = Database(url)
    try:
        venues = VenueService(db)
        for guild, name in ((GUILD, 'Café, "des" Devs'), (GUILD, "Rust"), (OTHER, "Ailleurs")):
            draft = validate_proposal(name=name, kind="meetup", city="Paris", tags="a,b")
            await venues.propose(guild, 42, draft)
    finally:
        await db.dispose()


async def test_export_writes_the_guilds_rows_only(database_url: str, tmp_path: Path) -> None:
    await _seed(database_url)
    result = cli(
        "export",
        "--guild",
        str(GUILD),
        "--out",
        str(tmp_path / "out"),
        url=database_url,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with (tmp_path / "out" / "venues.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["name"] for r in rows) == ['Café, "des" Devs', "Rust"]
    assert len(list(csv.reader((tmp_path / "out" / "venue_tags.csv").open()))) == 5
    assert (tmp_path / "out" / "ratings.csv").read_text().startswith("venue_id,member_id")


async def test_backup_is_a_consistent_copy(database_url: str, tmp_path: Path) -> None:
    await _seed(database_url)
    result = cli("backup", str(tmp_path / "copy" / "bp.db"), url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    if not database_url.startswith("sqlite"):
        assert "pg_dump" in result.stdout
        return
    assert "integrity: ok" in result.stdout
    with sqlite3.connect(tmp_path / "copy" / "bp.db") as copy:
        assert copy.execute("SELECT count(*) FROM venue").fetchone()[0] == 3


def test_backup_of_a_missing_database_fails_clearly(tmp_path: Path) -> None:
    result = cli(
        "backup",
        str(tmp_path / "x.db"),
        url=f"sqlite+aiosqlite:///{tmp_path / 'none.db'}",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("bonnes-places: backup failed: no database at")


@pytest.mark.parametrize("args", [["export"], ["frobnicate"]])
def test_bad_operator_command_says_how(tmp_path: Path, args: list[str]) -> None:
    result = cli(*args, url="sqlite+aiosqlite:///x.db", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: python -m bot" in result.stderr
