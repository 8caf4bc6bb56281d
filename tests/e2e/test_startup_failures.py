"""Start-up failures as an operator meets them, through `python -m bot`: each ends in one
clear line and a non-zero exit, or in a retry, never in a traceback; SIGTERM always stops
the bot, even while it cannot reach Discord's gateway or its database."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.settings import normalize_database_url
from tests.e2e.helpers import bot_env
from tests.fakediscord import FakeDiscord
from tests.tcpproxy import TcpProxy

#: A log line (`2026-11-29 19:51:44,434 WARNING bot: ...`), as opposed to a bare message.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


@pytest.fixture
async def fake() -> FakeDiscord:
    server = await FakeDiscord().start()
    server.add_member(server.add_guild("Les Bonnes Places"), "alice")
    yield server
    await server.stop()


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def finish(process: asyncio.subprocess.Process, timeout: float = 30) -> str:
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return output.decode()


def assert_one_clear_line(output: str, *expected: str) -> str:
    assert "Traceback" not in output, output
    messages = [line for line in output.splitlines() if line and not LOG_LINE.match(line)]
    assert len(messages) == 1, output
    (message,) = messages
    assert message.startswith("bonnes-places: "), output
    for text in expected:
        assert text in message, output
    return message


def postgres_base() -> str:
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        pytest.skip("needs the PostgreSQL server of TEST_DATABASE_URL")
    return normalize_database_url(raw).render_as_string(hide_password=False)


def sqlite_cases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 200)
    return {
        "a folder": (str(folder), "unable to open database file"),
        "not a database": (str(garbage), "file is not a database"),
        "inside a file": (str(garbage / "bp.db"), "File exists"),
    }


@pytest.mark.parametrize("case", ["a folder", "not a database", "inside a file"])
async def test_unusable_sqlite_file_ends_in_one_line(
    fake: FakeDiscord, tmp_path: Path, case: str
) -> None:
    path, reason = sqlite_cases(tmp_path)[case]
    process = await start(bot_env(fake, f"sqlite+aiosqlite:///{path}"), tmp_path)
    output = await finish(process)
    assert process.returncode == 1, output
    assert_one_clear_line(output, "cannot use the SQLite database", reason)
    assert not fake.sessions


@pytest.mark.skipif(os.geteuid() == 0, reason="file modes do not bind root")
@pytest.mark.parametrize("mode", [0o000, 0o444])
async def test_unreadable_or_read_only_sqlite_file_ends_in_one_line(
    fake: FakeDiscord, tmp_path: Path, mode: int
) -> None:
    path = tmp_path / "bp.db"
    path.write_bytes(b"")
    path.chmod(mode)
    process = await start(bot_env(fake, f"sqlite+aiosqlite:///{path}"), tmp_path)
    output = await finish(process)
    assert process.returncode == 1, output
    assert_one_clear_line(output, "cannot use the SQLite database")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"database": "bonnes_places_no_such_database"}, "does not exist"),
        ({"username": "bonnes_places_no_such_role"}, "does not exist"),
    ],
)
async def test_missing_postgresql_database_or_role_ends_in_one_line(
    fake: FakeDiscord, tmp_path: Path, change: dict[str, str], reason: str
) -> None:
    url = make_url(postgres_base()).set(**change).render_as_string(hide_password=False)
    process = await start(bot_env(fake, url), tmp_path)
    output = await finish(process)
    assert process.returncode == 1, output
    assert_one_clear_line(output, "cannot use PostgreSQL database", reason)


async def test_unreachable_database_is_retried_then_reported(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/bonnes_places"
    process = await start(bot_env(fake, url, DATABASE_WAIT_SECONDS="4"), tmp_path)
    output = await finish(process)
    assert process.returncode == 1, output
    attempts = [line for line in output.splitlines() if "cannot reach PostgreSQL" in line]
    assert len(attempts) >= 3, output  # one log line per attempt, then the final line
    assert_one_clear_line(output, "cannot reach PostgreSQL database", "attempts")


@pytest.fixture
def own_postgres_url(request: pytest.FixtureRequest) -> str:
    """This run's own PostgreSQL database (at the newest revision), never the server's
    shared one, which other checkouts migrate to their own revisions."""
    postgres_base()  # skips without PostgreSQL
    url: str = request.getfixturevalue("postgres_url")
    return url


async def test_database_down_at_start_is_waited_for(
    fake: FakeDiscord, tmp_path: Path, own_postgres_url: str
) -> None:
    base = make_url(own_postgres_url)
    probe = await TcpProxy(base.host or "127.0.0.1", base.port or 5432).start()
    port = probe.port
    await probe.stop()  # nothing listens there until the proxy comes back
    url = base.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    process = await start(bot_env(fake, url, DATABASE_WAIT_SECONDS="60"), tmp_path)
    proxy = TcpProxy(base.host or "127.0.0.1", base.port or 5432)
    try:
        assert process.stdout is not None
        lines = []
        while len([line for line in lines if "cannot reach" in line]) < 2:
            line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
            assert line, "".join(lines)
            lines.append(line)
        await proxy.start(port=port)
        await fake.wait_until_identified(timeout=90)  # migrations through the proxy, busy CI
        process.send_signal(signal.SIGTERM)
        output = "".join(lines) + await finish(process)
    finally:
        await proxy.stop()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert "attempt 1," in output and "attempt 2," in output


@pytest.mark.parametrize(
    ("env", "code", "expected"),
    [
        ({"DISCORD_API_BASE": "http://127.0.0.1:1/api/v10"}, 1, "cannot reach Discord"),
        ({"DISCORD_API_BASE": "not a url"}, 2, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "http://127.0.0.1:99999/api"}, 2, "DISCORD_API_BASE"),
        ({"DISCORD_GATEWAY_URL": "127.0.0.1/gateway"}, 2, "DISCORD_GATEWAY_URL"),
    ],
)
async def test_unreachable_or_malformed_discord_api_ends_in_one_line(
    fake: FakeDiscord, tmp_path: Path, env: dict[str, str], code: int, expected: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bp.db'}"
    process = await start(bot_env(fake, url, **env), tmp_path)
    output = await finish(process)
    assert process.returncode == code, output
    assert_one_clear_line(output, expected)


async def test_sigterm_stops_a_bot_that_cannot_reach_the_gateway(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bp.db'}"
    env = bot_env(fake, url, DISCORD_GATEWAY_URL="ws://127.0.0.1:1/gateway/")
    process = await start(env, tmp_path)
    assert process.stdout is not None
    lines: list[str] = []
    while len([line for line in lines if "Failed to connect" in line]) < 2:
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        assert line, "".join(lines)
        lines.append(line)
    started = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    output = "".join(lines) + await finish(process, timeout=15)
    elapsed = time.perf_counter() - started
    assert process.returncode == 0, output
    assert elapsed < 10, output
    assert "Traceback" not in output, output
    # A few lines, whatever the number of migrations a fresh database goes through.
    logged = [line for line in output.splitlines() if "alembic.runtime.migration" not in line]
    assert len(logged) < 20, output
