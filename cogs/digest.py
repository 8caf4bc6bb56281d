"""/digest commands and the scheduler that posts each guild's weekly digest once."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Range
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.domain.digest import NUMBER_EMOJIS, Digest, DigestStatus, compose_digest
from bot.domain.errors import DomainError
from bot.i18n import language_of, t
from cogs.chart import ChartRenderer
from cogs.common.choices import LANGUAGE_CHOICES, WEEKDAY_CHOICES, timezone_choices
from cogs.common.permissions import DIGEST_PERMISSIONS, require_permissions
from cogs.common.render import COLOUR, plain

if TYPE_CHECKING:
    from bot.app import BonnesPlaces
    from db.digests import DigestRunRecord

log = logging.getLogger(__name__)

FAILURE_MESSAGES = {
    "error.bot_missing_permissions": "digest.error.permissions",
    "error.digest_channel_gone": "digest.error.channel",
    "error.digest_not_set_up": "digest.status.off",
}
CHART_FILE = "irl-hours.png"
SHUTDOWN_GRACE_SECONDS = 20.0
#: At most 20 digests per second from one process.
POST_INTERVAL_SECONDS = 0.05


def digest_embed(digest: Digest, *, with_chart: bool) -> discord.Embed:
    embed = discord.Embed(title=digest.title, description=digest.description, colour=COLOUR)
    for section in digest.sections:
        embed.add_field(name=section.name, value=section.value, inline=False)
    embed.set_footer(text=digest.footer)
    if with_chart:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    return embed


class Digests(
    commands.GroupCog,
    group_name=_("digest"),
    group_description=_("The weekly digest of this server"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.service = bot.services.digest
        self.scheduler.change_interval(seconds=bot.settings.digest_check_seconds)
        self._busy = asyncio.Lock()  # held while the scheduler checks and posts
        super().__init__()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Schedule once connected (on_ready also follows a fresh reconnection)."""
        if not self.scheduler.is_running():
            self.scheduler.start()

    async def cog_unload(self) -> None:
        """Let a digest being posted finish (its claim and outcome are recorded), then stop."""
        task = self.scheduler.get_task()
        if not self._busy.locked():
            self.scheduler.cancel()  # between two checks: nothing to finish
            return
        self.scheduler.stop()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                self.scheduler.cancel()

    # -- composing and posting ------------------------------------------------------

    def _language(self, guild: discord.Guild, configured: str | None) -> str:
        return configured or language_of(guild.preferred_locale)

    async def _compose(
        self, guild: discord.Guild, now: dt.datetime, charts: ChartRenderer
    ) -> tuple[Digest, discord.File]:
        config = await self.bot.services.guilds.config(guild.id)
        data = await self.service.gather(guild.id, now)
        digest = compose_digest(data, self._language(guild, config.language), escape=plain)
        png = await charts.hours(digest.chart_title, digest.chart_labels, digest.chart_values)
        return digest, discord.File(fp=io.BytesIO(png), filename=CHART_FILE)

    def _channel(self, guild: discord.Guild, channel_id: int) -> discord.TextChannel:
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise DomainError("error.digest_channel_gone")
        require_permissions(channel, guild.me, DIGEST_PERMISSIONS)
        return channel

    async def post(
        self,
        guild: discord.Guild,
        run: DigestRunRecord,
        now: dt.datetime,
        charts: ChartRenderer,
    ) -> discord.Message:
        """Send the claimed digest; on failure record it and raise."""
        status = await self.service.status(guild.id, now)
        try:
            if status.schedule is None:
                raise DomainError("error.digest_not_set_up")
            channel = self._channel(guild, status.schedule.channel_id)
            digest, chart = await self._compose(guild, now, charts)
            message = await channel.send(embed=digest_embed(digest, with_chart=True), file=chart)
        except (DomainError, discord.HTTPException) as exc:
            reason = exc.key if isinstance(exc, DomainError) else f"{exc.status} {exc.text}"
            exhausted = await self.service.failed(
                run,
                reason,
                now,
                retry_after=dt.timedelta(seconds=self.bot.settings.digest_retry_seconds),
            )
            if exhausted:
                log.error(
                    "digest of guild %s for week %s-W%s failed %d times, giving up: %s",
                    guild.id,
                    run.iso_year,
                    run.iso_week,
                    run.attempts,
                    reason,
                )
            else:
                log.warning(
                    "digest of guild %s for week %s-W%s failed (attempt %d): %s",
                    guild.id,
                    run.iso_year,
                    run.iso_week,
                    run.attempts,
                    reason,
                )
            raise
        await self.service.posted(
            run, channel_id=channel.id, message_id=message.id, venue_ids=digest.venue_ids, now=now
        )
        for emoji in NUMBER_EMOJIS[: len(digest.venue_ids)]:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("could not add %s to digest %s: %s", emoji, message.id, exc)
        log.info(
            "posted the digest of guild %s for week %s-W%s", guild.id, run.iso_year, run.iso_week
        )
        return message

    @tasks.loop(seconds=60)
    async def scheduler(self) -> None:
        """Post every due digest of the guilds this process serves (its shards only)."""
        async with self._busy:
            await self._post_due()

    async def _post_due(self) -> None:
        now = dt.datetime.now(dt.UTC)
        guilds = {guild.id: guild for guild in self.bot.guilds}
        try:
            due = await self.service.due(list(guilds), now)
        except Exception:
            log.exception("could not read the digest schedule")
            return
        if not due:
            return
        async with ChartRenderer() as charts:
            for guild_id, entry in due:
                started = asyncio.get_running_loop().time()
                try:
                    run = await self.service.claim(guild_id, entry.week, now)
                except Exception as exc:  # the next round tries again
                    log.warning("could not claim the digest of guild %s: %s", guild_id, exc)
                    continue
                if run is None:
                    continue  # another process has it, or it is backing off
                try:
                    await self.post(guilds[guild_id], run, now, charts)
                except (DomainError, discord.HTTPException):
                    pass
                except Exception:
                    log.exception("digest of guild %s failed unexpectedly", guild_id)
                # Pace the posts: a thousand servers due at 9:00 must not burst Discord.
                elapsed = asyncio.get_running_loop().time() - started
                await asyncio.sleep(max(0.0, POST_INTERVAL_SECONDS - elapsed))

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(name=_("setup"), description=_("Schedule the weekly digest"))
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.rename(
        channel=_("channel"),
        weekday=_("weekday"),
        hour=_("hour"),
        timezone=_("timezone"),
        language=_("language"),
    )
    @app_commands.describe(
        channel=_("Where the digest is posted"),
        weekday=_("Day of the week it is posted"),
        hour=_("Hour it is posted (0-23, server time zone)"),
        timezone=_("Time zone, e.g. Europe/Paris"),
        language=_("Language of the bot's posts in this server"),
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES, language=LANGUAGE_CHOICES)
    @app_commands.autocomplete(timezone=timezone_choices)
    async def setup(
        self,
        interaction: discord.Interaction[BonnesPlaces],
        channel: discord.TextChannel,
        weekday: int,
        hour: Range[int, 0, 23],
        timezone: Range[str, 1, 64] | None = None,
        language: str | None = None,
    ) -> None:
        assert interaction.guild is not None
        self._channel(interaction.guild, channel.id)
        schedule = await self.service.configure(
            interaction.guild.id,
            channel_id=channel.id,
            weekday=weekday,
            hour=hour,
            timezone=timezone,
            language=language,
        )
        status = await self.service.status(interaction.guild.id)
        member_language = language_of(interaction.locale)
        await interaction.response.send_message(
            t(
                member_language,
                "digest.setup.done",
                channel=channel.mention,
                when=self._when(member_language, status),
                timezone=schedule.timezone,
            ),
            ephemeral=True,
        )

    def _when(self, language: str, status: DigestStatus) -> str:
        if status.next_due is None:
            return t(language, "digest.status.off")
        return f"<t:{int(status.next_due.timestamp())}:F>"

    @app_commands.command(name=_("preview"), description=_("See the digest as it would be posted"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def preview(self, interaction: discord.Interaction[BonnesPlaces]) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = dt.datetime.now(dt.UTC)
        status = await self.service.status(interaction.guild.id, now)
        async with ChartRenderer() as charts:
            digest, chart = await self._compose(interaction.guild, now, charts)
        await interaction.followup.send(
            self._status_text(language_of(interaction.locale), status),
            embed=digest_embed(digest, with_chart=True),
            file=chart,
            ephemeral=True,
        )

    def _status_text(self, language: str, status: DigestStatus) -> str:
        lines = []
        if status.schedule is None:
            lines.append(t(language, "digest.status.off"))
        else:
            lines.append(
                t(
                    language,
                    "digest.status.scheduled",
                    channel=f"<#{status.schedule.channel_id}>",
                    when=self._when(language, status),
                )
            )
        run = status.this_week
        if run is not None and run.posted_at is not None:
            lines.append(t(language, "digest.status.posted", link=run.jump_url or "—"))
        latest = status.latest
        if latest is not None and latest.posted_at is None and latest.last_error:
            lines.append(
                t(
                    language,
                    "digest.status.failed",
                    year=latest.iso_year,
                    week=latest.iso_week,
                    attempts=latest.attempts,
                    error=self._error_text(language, latest.last_error),
                )
            )
        return "\n".join(lines)

    def _error_text(self, language: str, error: str) -> str:
        if error.startswith("error."):
            return (
                t(language, "digest.error.permissions")
                if "permission" in error
                else t(language, "digest.error.channel")
            )
        return error

    @app_commands.command(name=_("send"), description=_("Post this week's digest now"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def send(self, interaction: discord.Interaction[BonnesPlaces]) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        language = language_of(interaction.locale)
        now = dt.datetime.now(dt.UTC)
        status = await self.service.status(guild.id, now)
        if status.schedule is None:
            raise DomainError("error.digest_not_set_up")
        self._channel(guild, status.schedule.channel_id)  # refuse before claiming the week
        week, existing = await self.service.this_week(guild.id, now)
        if existing is not None and existing.posted_at is not None:
            raise DomainError("error.digest_already_posted", link=existing.jump_url or "—")
        await interaction.response.defer(ephemeral=True, thinking=True)
        run = await self.service.claim(guild.id, week, now, manual=True)
        if run is None:
            raise DomainError("error.digest_in_progress")
        async with ChartRenderer() as charts:
            message = await self.post(guild, run, now, charts)
        await interaction.followup.send(
            t(language, "digest.sent", link=message.jump_url), ephemeral=True
        )

    @app_commands.command(name=_("off"), description=_("Stop the weekly digest"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction[BonnesPlaces]) -> None:
        assert interaction.guild is not None
        stopped = await self.service.disable(interaction.guild.id)
        language = language_of(interaction.locale)
        await interaction.response.send_message(
            t(language, "digest.off" if stopped else "digest.status.off"), ephemeral=True
        )


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(Digests(bot))
