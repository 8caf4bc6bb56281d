"""Configuration errors an operator can act on, and what `python -m bot` does with them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "DATABASE_", "SHARD_", "DEV_GUILD", "LOG_LEVEL")):
            monkeypatch.delenv(name)


def test_missing_token_says_what_to_set_and_where() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert "DISCORD_TOKEN" in str(error.value)
    assert "discord.com/developers/applications" in str(error.value)


def test_defaults_to_a_sqlite_file_in_the_working_directory() -> None:
    settings = load_settings(_env_file=None, discord_token="t")
    assert settings.database_url == "sqlite+aiosqlite:///bonnes_places.db"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///data/bp.db", "sqlite+aiosqlite:///data/bp.db"),
        ("postgresql://bp:secret@db.internal/bp", "postgresql+asyncpg://bp:secret@db.internal/bp"),
        ("postgres://bp@localhost:5433/bp", "postgresql+asyncpg://bp@localhost:5433/bp"),
    ],
)
def test_common_database_urls_get_the_async_driver(raw: str, expected: str) -> None:
    settings = load_settings(_env_file=None, discord_token="t", database_url=raw)
    assert settings.database_url == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("mysql://root@localhost/bp", "unsupported database 'mysql'"),
        ("not a url", "cannot parse"),
        ("sqlite+aiosqlite://", "needs a file name"),
        ("postgresql+asyncpg:///bp", "needs a host"),
    ],
)
def test_malformed_database_url_is_one_clear_line(raw: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, discord_token="t", database_url=raw)
    assert str(error.value).startswith("DATABASE_URL: ")
    assert fragment in str(error.value)


def test_shard_ids_need_a_count_in_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_IDS", "0, 2")
    monkeypatch.setenv("SHARD_COUNT", "4")
    assert load_settings(_env_file=None, discord_token="t").shard_ids == [0, 2]
    monkeypatch.setenv("SHARD_COUNT", "2")
    with pytest.raises(SettingsError, match=r"outside 0\.\.1"):
        load_settings(_env_file=None, discord_token="t")


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-file\nDEV_GUILD_ID=42\n")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.discord_token.get_secret_value() == "from-file"
    assert settings.dev_guild_id == 42


def _run_bot(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_python_m_bot_without_token_exits_with_one_line(tmp_path: Path) -> None:
    result = _run_bot({}, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0]
    assert not list(tmp_path.iterdir()), "nothing is created before the settings are valid"


def test_python_m_bot_with_malformed_database_url_exits_with_one_line(tmp_path: Path) -> None:
    result = _run_bot({"DISCORD_TOKEN": "t", "DATABASE_URL": "mysql://x/y"}, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bonnes-places: DATABASE_URL:"), result.stderr
