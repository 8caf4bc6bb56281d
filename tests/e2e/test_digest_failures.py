"""Why a digest was not posted, as /digest preview tells each admin in their language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestFailure, DigestService
from bot.domain.errors import DomainError
from bot.domain.schedule import week_of
from db.engine import Database
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import run


async def test_a_failure_stored_for_this_week_reads_in_the_admins_language(
    running: Harness,
) -> None:
    h = running
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    now = dt.datetime.now(dt.UTC)
    db = Database(h.database_url)
    try:
        service = DigestService(db)
        claimed = await service.claim(h.guild.id, week_of(now, ZoneInfo("UTC")), now)
        assert claimed is not None
        failure = DigestFailure.refused(DomainError("error.digest_not_set_up"))
        await service.record(claimed, failure, now)
    finally:
        await db.dispose()
    _, english = await run(h, "digest preview", h.fake.owner)
    assert "Last error: the digest was turned off" in english.text()
    _, french = await run(h, "digest preview", h.fake.owner, locale="fr")
    assert "Dernière erreur : le récapitulatif a été désactivé" in french.text()


async def test_discords_refusal_reads_in_french_for_a_french_admin(harness: Harness) -> None:
    h = harness
    channel = h.fake.add_channel(h.guild, "digest")
    now = dt.datetime.now(dt.UTC)
    db = Database(h.database_url)
    try:
        await DigestService(db).configure(
            h.guild.id,
            channel_id=channel.id,
            weekday=now.weekday(),
            hour=0,
            timezone="UTC",
            now=now - dt.timedelta(days=8),
        )
    finally:
        await db.dispose()
    h.fake.fail(
        "POST",
        rf"^/channels/{channel.id}/messages$",
        403,
        code=50013,
        message="Missing Permissions",
    )
    await h.start(DIGEST_CHECK_SECONDS="0.1", DIGEST_RETRY_SECONDS="60")

    async def failed_once() -> bool:
        db = Database(h.database_url)
        try:
            status = await DigestService(db).status(h.guild.id)
        finally:
            await db.dispose()
        return status.latest is not None and status.latest.failure_key is not None

    await eventually(failed_once, timeout=10)
    _, french = await run(h, "digest preview", h.fake.owner, locale="fr")
    assert "Dernière erreur : 403 : il manque des permissions au bot" in french.text()
    assert "Missing Permissions" not in french.text()
    _, english = await run(h, "digest preview", h.fake.owner)
    assert "Last error: 403 Missing Permissions" in english.text()
