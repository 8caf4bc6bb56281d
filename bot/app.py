"""The Bot: receives its resources, loads the cogs, syncs commands, reports errors."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.domain.errors import DomainError
from bot.i18n import language_of, number, t
from bot.i18n.translator import COMMANDS_FR, CommandTranslator
from bot.identify import IdentifyLimiter
from bot.memory import Collector
from bot.metrics import Metrics
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.venues",
    "cogs.settings",
    "cogs.digest",
    "cogs.routines",
    "cogs.profile",
    "cogs.privacy",
    "cogs.checkback",
    "cogs.followups",
    "cogs.summaries",
)


def intents() -> discord.Intents:
    """Guilds and guild reactions only: no message content, no members."""
    value = discord.Intents.none()
    value.guilds = True
    value.guild_reactions = True
    return value


class InvalidOption(app_commands.CheckFailure):
    """An option value of the wrong type: Discord never sends one, a forged request might."""

    def __init__(self, option: str) -> None:
        super().__init__(option)
        self.option = option


_OPTION_TYPES: dict[discord.AppCommandOptionType, tuple[type, ...]] = {
    discord.AppCommandOptionType.string: (str,),
    discord.AppCommandOptionType.integer: (int,),
    discord.AppCommandOptionType.number: (int, float),
    discord.AppCommandOptionType.boolean: (bool,),
    discord.AppCommandOptionType.user: (str,),
    discord.AppCommandOptionType.channel: (str,),
    discord.AppCommandOptionType.role: (str,),
    discord.AppCommandOptionType.mentionable: (str,),
    discord.AppCommandOptionType.attachment: (str,),
}


def _leaf_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for option in options:
        if option.get("type") in (1, 2):  # subcommand (group): its options are the leaves
            return _leaf_options(option.get("options", []))
    return options


def check_option_types(interaction: discord.Interaction) -> None:
    """Refuse option values whose JSON type does not match the command's schema."""
    command = interaction.command
    data = cast("dict[str, Any]", interaction.data or {})
    if not isinstance(command, app_commands.Command) or "options" not in data:
        return
    parameters = {p.display_name: p for p in command.parameters}
    for option in _leaf_options(data["options"]):
        parameter = parameters.get(option.get("name", ""))
        if parameter is None or option.get("focused"):
            continue
        value = option.get("value")
        expected = _OPTION_TYPES.get(parameter.type, (object,))
        wrong_bool = isinstance(value, bool) and bool not in expected
        if not isinstance(value, expected) or wrong_bool:
            raise InvalidOption(parameter.display_name)


def error_message(language: str, error: DomainError) -> str:
    params = dict(error.params)
    if "field" in params:
        params["field"] = t(language, f"field.{params['field']}")
    if "setting" in params:
        params["setting"] = t(language, f"settings.{params['setting']}")
    if "permissions" in params:
        params["permissions"] = ", ".join(
            t(language, f"permission.{name}") for name in params["permissions"]
        )
    for name, value in params.items():
        if isinstance(value, float):
            params[name] = number(language, value, 2)
    return t(language, error.key, **params)


async def reply(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """Answer ephemerally whether or not the interaction was already acknowledged."""
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Turn any failure of an interaction into one ephemeral, localized message."""
    language = language_of(interaction.locale)
    original = getattr(error, "original", None) or error.__cause__ or error
    if isinstance(error, DomainError):
        original = error
    if isinstance(original, DomainError):
        message = error_message(language, original)
    elif isinstance(error, InvalidOption):
        option = COMMANDS_FR.get(error.option, error.option) if language == "fr" else error.option
        message = t(language, "error.invalid_option", option=option)
    elif isinstance(error, app_commands.TransformerError):
        message = t(language, "error.invalid_value")
    elif isinstance(error, app_commands.MissingPermissions):
        message = error_message(
            language,
            DomainError("error.member_missing_permissions", permissions=error.missing_permissions),
        )
    elif isinstance(error, app_commands.NoPrivateMessage):
        message = t(language, "error.guild_only")
    elif isinstance(error, app_commands.CommandOnCooldown):
        message = t(language, "error.cooldown", seconds=f"{error.retry_after:.0f}")
    elif database_unavailable(original):
        log.warning("database unavailable during %s: %s", _describe(interaction), original)
        message = t(language, "error.database_busy")
    else:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s in %s", error_id, _describe(interaction), exc_info=original)
        message = t(language, "error.unexpected", id=error_id)
    try:
        await reply(interaction, message)
    except discord.HTTPException:
        log.warning("could not deliver an error message for %s", _describe(interaction))


def database_unavailable(error: BaseException) -> bool:
    """A database that is busy, unreachable or not answering in time: worth a "try again",
    not an error id (the engine replaces the connection)."""
    if isinstance(error, OperationalError | PoolTimeoutError | TimeoutError | ConnectionError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _describe(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else "interaction"
    return f"/{command} (guild {interaction.guild_id}, user {interaction.user.id})"


class Tree(app_commands.CommandTree):
    async def _call(self, interaction: discord.Interaction) -> None:
        """Time every slash command and autocomplete for the metrics."""
        started = time.perf_counter()
        failed = True
        try:
            await super()._call(interaction)
            failed = interaction.command_failed
        finally:
            metrics = getattr(self.client, "metrics", None)
            if isinstance(metrics, Metrics):
                command = interaction.command
                kind = (
                    "autocomplete"
                    if interaction.type is discord.InteractionType.autocomplete
                    else "command"
                )
                metrics.observe_command(
                    command.qualified_name if command is not None else "unknown",
                    kind,
                    "error" if failed else "ok",
                    time.perf_counter() - started,
                )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        check_option_types(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


class BonnesPlaces(commands.AutoShardedBot):
    """Runs the shards SHARD_IDS of SHARD_COUNT (default: the one shard of a bot below
    Discord's sharding threshold). The count is always given: discord.py would otherwise
    connect to the gateway URL Discord returns, bypassing DISCORD_GATEWAY_URL."""

    def __init__(
        self, settings: Settings, services: Services, metrics: Metrics | None = None
    ) -> None:
        shard_count = settings.shard_count or 1
        shard_ids = settings.shard_ids
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            guild_ready_timeout=settings.guild_ready_timeout,
            tree_cls=Tree,
            shard_count=shard_count,
            shard_ids=list(range(shard_count)) if shard_ids is None else shard_ids,
        )
        self.settings = settings
        self.services = services
        self.metrics = metrics or Metrics()
        self.identify_limiter = IdentifyLimiter()
        self.collector = Collector()
        #: The shards `launch_shards` connects, while it collects them.
        self._launches: list[tuple[Any, int, bool]] | None = None

    async def setup_hook(self) -> None:
        self.collector.hold()  # until every guild is parsed (bot/memory.py)
        await self._read_identify_concurrency()
        await self.tree.set_translator(CommandTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def _read_identify_concurrency(self) -> None:
        """How many shards may identify at once (`max_concurrency` of /gateway/bot)."""
        try:
            limits = await self.fetch_session_start_limits()
        except discord.HTTPException as exc:
            log.warning("session start limits unknown (%s): shards identify one at a time", exc)
            return
        self.identify_limiter = IdentifyLimiter(limits.max_concurrency)
        log.info(
            "identifying up to %d shards at once (%d session starts left)",
            limits.max_concurrency,
            limits.remaining,
        )

    async def launch_shards(self) -> None:
        """discord.py connects the shards one after another, each once the one before has
        identified, while that one's guilds already arrive; the shards that may identify
        together (`max_concurrency`, one per identify bucket) connect together here."""
        self._launches = []
        await super().launch_shards()  # `launch_shard` only collects them meanwhile
        launches, self._launches = self._launches, None
        wave = self.identify_limiter.max_concurrency
        for start in range(0, len(launches), wave):
            await asyncio.gather(
                *(
                    commands.AutoShardedBot.launch_shard(self, gateway, shard_id, initial=initial)
                    for gateway, shard_id, initial in launches[start : start + wave]
                )
            )

    async def launch_shard(self, gateway: Any, shard_id: int, *, initial: bool = False) -> None:
        if self._launches is None:
            await super().launch_shard(gateway, shard_id, initial=initial)
        else:
            self._launches.append((gateway, shard_id, initial))

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait only as long as the shard's identify bucket requires (see bot/identify.py)."""
        await self.identify_limiter.wait(shard_id)

    async def command_schema_hash(self) -> str:
        translator = self.tree.translator or CommandTranslator()
        payload = [
            await command.get_translated_payload(self.tree, translator)
            for command in self.tree.get_commands()
        ]
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    async def sync_commands(self) -> None:
        """Sync to DEV_GUILD_ID at every start when set; otherwise sync globally, and only
        when the command schema differs from the one last synced by this application."""
        dev_guild_id = self.settings.dev_guild_id
        if dev_guild_id is not None:
            guild = discord.Object(id=dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), dev_guild_id)
            return
        key = f"commands.global.{self.application_id}"
        schema_hash = await self.command_schema_hash()
        if await self.services.state.get(key) == schema_hash:
            log.info("command schema unchanged; global sync skipped")
            return
        synced = await self.tree.sync()
        await self.services.state.put(key, schema_hash)
        log.info("synced %d global commands", len(synced))

    async def close(self) -> None:
        """Unload the cogs first, so background work ends before the connections close."""
        for extension in list(self.extensions):
            try:
                await self.unload_extension(extension)
            except commands.ExtensionError:
                log.exception("could not unload %s", extension)
        await super().close()
        self.collector.close()

    async def on_ready(self) -> None:
        self.collector.settle()
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_shard_ready(self, shard_id: int) -> None:
        if self.is_ready():  # identified again: its former guilds are garbage now
            self.collector.refresh_soon()

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.collector.refresh_soon()
