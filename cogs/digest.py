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

from bot.domain.digest import (
    NUMBER_EMOJIS,
    Digest,
    DigestFailure,
    DigestPosted,
    DigestStatus,
    PreparedDigest,
    compose_digest,
    failure_text,
)
from bot.domain.errors import DomainError
from bot.i18n import language_of, t
from cogs.chart import ChartRenderer
from cogs.common.choices import LANGUAGE_CHOICES, WEEKDAY_CHOICES, timezone_choices
from cogs.common.delivery import (
    UNKNOWN_OUTCOME,
    find_own,
    has_attachment,
    nonce_of,
    send_once,
)
from cogs.common.permissions import DIGEST_PERMISSIONS, require_permissions
from cogs.common.render import plain
from cogs.digest_commit import CommitButton, CommitSelect
from cogs.digest_layout import CHART_FILE as PREVIEW_CHART
from cogs.digest_layout import digest_view
from cogs.digest_thread import AnswerButton, ConsentButton, open_question_thread

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 20.0
#: At most 20 digests per second from one process.
POST_INTERVAL_SECONDS = 0.05


def chart_file(iso_year: int, iso_week: int) -> str:
    """The chart's file name, which also marks the digest of that week in its channel."""
    return f"irl-hours-{iso_year}-w{iso_week:02d}.png"


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
        self.charts = ChartRenderer()
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
            self.charts.close()
            return
        self.scheduler.stop()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                self.scheduler.cancel()
        self.charts.close()

    # -- composing and posting ------------------------------------------------------

    async def _chart(self, digest: Digest) -> bytes:
        return await self.charts.hours(
            digest.chart_title, digest.chart_labels, digest.chart_values, digest.chart_decimal
        )

    async def _deliver(
        self,
        channel: discord.TextChannel,
        prepared: PreparedDigest,
        digest: Digest,
    ) -> discord.Message:
        """Post the digest once: its chart's file name names the guild's week, so an
        attempt after one whose outcome is unknown finds the digest already posted."""
        run = prepared.run
        name = chart_file(run.iso_year, run.iso_week)
        if run.attempts > 1:
            found = await find_own(channel, has_attachment(name))
            if found is not None:
                log.info("digest of guild %s was already posted: %s", run.guild_id, found.id)
                self.bot.metrics.digests.labels("found").inc()
                return found
        png = await self._chart(digest)
        view = digest_view(digest, chart=name)
        return await send_once(
            channel,
            nonce_of("digest", run.guild_id, run.iso_year, run.iso_week),
            has_attachment(name),
            lambda: {
                "view": view,
                "file": discord.File(fp=io.BytesIO(png), filename=name),
                "allowed_mentions": discord.AllowedMentions.none(),
            },
        )

    def _channel(self, guild: discord.Guild, channel_id: int | None) -> discord.TextChannel:
        if channel_id is None:
            raise DomainError("error.digest_not_set_up")
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise DomainError("error.digest_channel_gone")
        require_permissions(channel, guild.me, DIGEST_PERMISSIONS)
        return channel

    async def post(
        self,
        guild: discord.Guild,
        prepared: PreparedDigest,
        now: dt.datetime,
    ) -> discord.Message:
        """Send the claimed digest and record the outcome; on failure, raise."""
        run = prepared.run
        try:
            channel = self._channel(guild, prepared.config.digest_channel_id)
            language = prepared.config.post_language(guild.preferred_locale)
            digest = compose_digest(prepared.data, language, escape=plain)
            message = await self._deliver(channel, prepared, digest)
        except (DomainError, discord.HTTPException, *UNKNOWN_OUTCOME) as exc:
            if isinstance(exc, DomainError):
                failure = DigestFailure.refused(exc)
            elif isinstance(exc, discord.HTTPException):
                failure = DigestFailure.discord(exc.status, exc.code, exc.text)
            else:
                failure = DigestFailure("digest.error.no_answer", detail=repr(exc))
            self.bot.metrics.digests.labels("failed").inc()
            retry_after = dt.timedelta(seconds=self.bot.settings.digest_retry_seconds)
            await self.service.record(run, failure, now, retry_after=retry_after)
            if isinstance(exc, DomainError | discord.HTTPException):
                raise
            raise DomainError("error.digest_no_answer") from exc
        self.bot.metrics.digests.labels("posted").inc()
        posted = DigestPosted(channel.id, message.id, digest.venue_ids, digest.quoted_ids)
        try:
            await self.service.record(run, posted, now)
        except Exception:
            # The next attempt (after the claim's lease) finds the message and records it.
            log.warning(
                "digest of guild %s posted as message %s but not recorded",
                run.guild_id,
                message.id,
            )
            raise
        for emoji in NUMBER_EMOJIS[: len(digest.venue_ids)]:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("could not add %s to digest %s: %s", emoji, message.id, exc)
        question = digest.sections[-1].value
        await open_question_thread(message, question, prepared.data.week, language)
        return message

    @tasks.loop(seconds=60)
    async def scheduler(self) -> None:
        """Post every due digest of the guilds this process serves (its shards only)."""
        async with self._busy:
            await self._post_due()

    async def _post_due(self) -> None:
        now = await self.bot.services.clock.now()
        guilds = {guild.id: guild for guild in self.bot.guilds}
        try:
            due = await self.service.due(list(guilds), now)
        except Exception:
            log.exception("could not read the digest schedule")
            return
        if not due:
            return
        for guild_id, entry in due:
            started = asyncio.get_running_loop().time()
            try:
                prepared = await self.service.prepare(guild_id, now, week=entry.week)
            except Exception as exc:  # the next round tries again
                log.warning("could not claim the digest of guild %s: %s", guild_id, exc)
                continue
            if prepared is None:
                continue  # another process has it, or it is backing off
            try:
                await self.post(guilds[guild_id], prepared, now)
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
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.choices(language=LANGUAGE_CHOICES)
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
        guild = interaction.guild
        now = await self.bot.services.clock.now()
        preview = await self.service.preview(guild.id, now)
        language = preview.config.post_language(guild.preferred_locale)
        digest = compose_digest(preview.data, language, escape=plain)
        note = self._status_text(language_of(interaction.locale), preview.status)
        png = await self._chart(digest)
        await interaction.followup.send(
            view=digest_view(digest, chart=PREVIEW_CHART, note=note),
            file=discord.File(fp=io.BytesIO(png), filename=PREVIEW_CHART),
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
        if latest is not None and latest.posted_at is None and latest.failure_key:
            lines.append(
                t(
                    language,
                    "digest.status.failed",
                    year=latest.iso_year,
                    week=latest.iso_week,
                    count=latest.attempts,
                    error=failure_text(language, latest),
                )
            )
        return "\n".join(lines)

    @app_commands.command(name=_("send"), description=_("Post this week's digest now"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def send(self, interaction: discord.Interaction[BonnesPlaces]) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        language = language_of(interaction.locale)
        config = await self.service.scheduled(guild.id)
        self._channel(guild, config.digest_channel_id)  # refuse before claiming the week
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = await self.bot.services.clock.now()
        prepared = await self.service.prepare(guild.id, now)
        assert prepared is not None  # a manual claim is granted or refused
        message = await self.post(guild, prepared, now)
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
    bot.add_dynamic_items(AnswerButton, ConsentButton, CommitButton, CommitSelect)
    await bot.add_cog(Digests(bot))
