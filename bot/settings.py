"""Runtime configuration, read from the environment and an optional `.env` file."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from db.engine import PG_CONNECT_TIMEOUT, PG_STATEMENT_TIMEOUT

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///bonnes_places.db"

#: Synchronous driver names a user may write, mapped to the async driver the bot uses.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class SettingsError(Exception):
    """A configuration problem, phrased as one line an operator can act on."""


def normalize_database_url(raw: str) -> URL:
    """Parse DATABASE_URL and select the async driver the bot needs.

    `sqlite:///x.db` and `postgresql://...` are accepted and mapped to aiosqlite / asyncpg.
    """
    try:
        url = make_url(raw.strip())
    except ArgumentError as exc:
        raise ValueError(f"cannot parse {raw!r}") from exc
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database {url.drivername!r}; use sqlite+aiosqlite:///FILE "
            "or postgresql+asyncpg://USER@HOST/DB"
        )
    if driver.startswith("sqlite") and not url.database:
        raise ValueError(
            "a SQLite URL needs a file name, e.g. sqlite+aiosqlite:///bonnes_places.db"
        )
    if driver.startswith("postgresql") and not (url.host or url.query.get("host")):
        raise ValueError(
            "a PostgreSQL URL needs a host, e.g. postgresql+asyncpg://user@localhost/db"
        )
    return url.set(drivername=driver)


def _endpoint(value: str | None, schemes: tuple[str, ...], example: str) -> str | None:
    """An absolute URL with one of `schemes` and a host, or None when unset."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        raise ValueError(f"cannot parse {text!r}; e.g. {example}") from None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        wanted = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ValueError(f"{text!r} must start with {wanted} and name a host; e.g. {example}")
    return text


class DatabaseSettings(BaseSettings):
    """What the operator commands (backup, export) need: the database only."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        return normalize_database_url(value).render_as_string(hide_password=False)


class Settings(DatabaseSettings):
    discord_token: SecretStr
    dev_guild_id: int | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    log_level: str = "INFO"
    #: Seconds discord.py waits after the last GUILD_CREATE before `on_ready`.
    guild_ready_timeout: float = Field(default=2.0, ge=0)
    #: Seconds before paged lists and confirmation buttons stop answering.
    view_timeout: float = Field(default=300.0, gt=0)
    #: How often the scheduler looks for due digests, and the first retry delay after a
    #: failed one (doubled, then tripled).
    digest_check_seconds: float = Field(default=60.0, gt=0)
    digest_retry_seconds: float = Field(default=300.0, gt=0)
    #: How often the scheduler renews routines' Discord events, and the first retry delay
    #: after a failed creation (doubled, then tripled).
    routine_check_seconds: float = Field(default=60.0, gt=0)
    routine_retry_seconds: float = Field(default=300.0, gt=0)
    #: An HTTP endpoint answering the current instant (ISO 8601 UTC); the system clock if unset.
    clock_url: str | None = None

    @field_validator("clock_url")
    @classmethod
    def _http_clock_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    #: How far back (days) the reactions of announcements and digests are re-read from
    #: Discord after a new session or a resume, to reconcile the votes; 0 turns it off.
    reconcile_days: float = Field(default=14.0, ge=0)
    #: How long start-up keeps retrying a database it cannot reach before giving up.
    database_wait_seconds: float = Field(default=300.0, ge=0)
    #: How long shutdown waits for queued work (votes) to be stored before it stops anyway
    #: (under the 10 s a container manager usually grants before SIGKILL).
    shutdown_timeout: float = Field(default=5.0, gt=0)
    #: PostgreSQL: seconds to open a connection, and for each statement, before "try again"
    #: (kept under Discord's 3-second deadline together).
    database_connect_timeout: float = Field(default=PG_CONNECT_TIMEOUT, gt=0)
    database_statement_timeout: float = Field(default=PG_STATEMENT_TIMEOUT, gt=0)
    #: Serve Prometheus metrics on this port (off when unset), on METRICS_HOST.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"

    @field_validator("discord_api_base")
    @classmethod
    def _valid_api_base(cls, value: str | None) -> str | None:
        return _endpoint(value, ("http", "https"), "http://127.0.0.1:8080/api/v10")

    @field_validator("discord_gateway_url")
    @classmethod
    def _valid_gateway_url(cls, value: str | None) -> str | None:
        return _endpoint(value, ("ws", "wss"), "ws://127.0.0.1:8080/gateway/")

    @field_validator("discord_token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is empty")
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _parse_shard_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(" ", ",").split(",") if p]
            return [int(p) for p in parts] if parts else None
        return value

    @field_validator("log_level")
    @classmethod
    def _valid_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @model_validator(mode="after")
    def _shards_consistent(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT")
            bad = [s for s in self.shard_ids if not 0 <= s < self.shard_count]
            if bad:
                raise ValueError(f"SHARD_IDS {bad} are outside 0..{self.shard_count - 1}")
        return self


_HINTS = {
    "discord_token": (
        "set DISCORD_TOKEN (environment or .env) to your bot token from "
        "https://discord.com/developers/applications -> your app -> Bot -> Reset Token"
    ),
    "database_url": "DATABASE_URL is invalid",
}


_Settings = TypeVar("_Settings", bound=BaseSettings)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation failures into one actionable line."""
    return _load(Settings, overrides)


def load_database_settings(**overrides: object) -> DatabaseSettings:
    return _load(DatabaseSettings, overrides)


def _load(kind: type[_Settings], overrides: dict[str, Any]) -> _Settings:
    try:
        return kind(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        if field == "discord_token":
            raise SettingsError(_HINTS["discord_token"]) from None
        message = str(error["msg"]).removeprefix("Value error, ")
        name = field.upper() or "configuration"
        raise SettingsError(f"{name}: {message}") from None
