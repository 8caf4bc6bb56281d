"""The playground as a person starts it: `python -m tests.fakediscord.play` in a child
process (the fake Discord and its page, and the real bot as its own child), stopped with
Ctrl-C (SIGINT) at the end."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90.0
STOP_SECONDS = 30.0


@dataclass
class Playground:
    url: str
    data: Path
    process: subprocess.Popen[str]

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(STOP_SECONDS)


def start_playground(data: Path, *, fresh: bool = True) -> Playground:
    command = [sys.executable, "-m", "tests.fakediscord.play", "--port", "0", "--data", str(data)]
    process = subprocess.Popen(
        [*command, "--fresh"] if fresh else command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "LOG_LEVEL": "INFO"},
    )
    assert process.stdout is not None
    lines: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=1.0):
                line = process.stdout.readline()
                lines.append(line)
                if line.startswith("http://"):
                    return Playground(line.strip(), data, process)
    process.kill()
    log = (data / "bot.log").read_text() if (data / "bot.log").exists() else ""
    raise AssertionError(f"the playground printed no URL: {lines}\n{log[-3000:]}")


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    running = start_playground(tmp_path / "play-data")
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()
