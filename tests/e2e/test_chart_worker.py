"""The digest's chart worker is one process, reused from one chart to the next."""

from __future__ import annotations

from cogs.digest import Digests
from tests.e2e.harness import Harness
from tests.e2e.helpers import run
from tests.e2e.test_digest import rated_venues


async def test_charts_share_one_worker_process(running: Harness) -> None:
    h = running
    assert h.bot is not None
    cog = h.bot.get_cog("Digests")
    assert cog is not None and type(cog).__name__ == Digests.__name__
    channel = await h.fake.create_channel(h.guild, "digest")
    await rated_venues(h, 1)
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    for _ in range(2):
        _, preview = await run(h, "digest preview", h.fake.owner)
        assert preview.attachments
    _, sent = await run(h, "digest send", h.fake.owner)
    assert sent.content.startswith("This week's digest is posted")
    assert cog.charts.spawned == 1  # type: ignore[attr-defined]
