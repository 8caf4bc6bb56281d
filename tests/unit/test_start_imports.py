"""What the bot holds from its start: libraries that one command needs are imported by
that command, not by `python -m bot` (each costs memory in every process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Imported by the one feature that needs them: the routines' calendar file, the
#: similarity of a proposed venue's name.
LATER = ("icalendar", "rapidfuzz")


def test_one_command_libraries_are_not_imported_at_start() -> None:
    code = (
        "import importlib, sys\n"
        "import bot.__main__\n"
        "from bot.app import EXTENSIONS\n"
        "for name in EXTENSIONS:\n"
        "    importlib.import_module(name)\n"
        f"print(' '.join(m for m in {LATER!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []


def test_the_upgrade_runs_in_a_process_of_its_own(tmp_path: Path) -> None:
    """bot/startup.py: the database reaches the newest revision and the bot's process has
    not imported Alembic."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bp.db'}"
    code = (
        "import asyncio, sqlite3, sys\n"
        "from bot.startup import upgrade_apart\n"
        f"asyncio.run(upgrade_apart({url!r}))\n"
        f"row = sqlite3.connect({str(tmp_path / 'bp.db')!r}).execute(\n"
        "    'SELECT version_num FROM alembic_version').fetchone()\n"
        "print(row[0], 'alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    head = sorted(p.name for p in (ROOT / "db" / "migrations" / "versions").glob("0*.py"))[-1]
    assert result.stdout.split() == [head.split("_")[0], "False"]
