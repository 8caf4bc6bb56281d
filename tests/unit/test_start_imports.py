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
