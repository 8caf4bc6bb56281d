"""The Prometheus endpoint: off unless METRICS_PORT is set, on 127.0.0.1 by default, and
what it counts after a few commands, votes and a digest."""

from __future__ import annotations

import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, venue_id_of
from tests.e2e.test_digest import rated_venues


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


async def test_metrics_are_off_unless_a_port_is_set(running: Harness) -> None:
    assert running.bot is not None
    assert running.bot.metrics._runner is None


async def test_metrics_count_commands_votes_and_digests(harness: Harness) -> None:
    h = harness
    port = free_port()
    await h.start(METRICS_PORT=str(port))
    assert h.bot is not None and h.bot.metrics._runner is not None
    assert {a[0] for a in h.bot.metrics._runner.addresses} == {"127.0.0.1"}
    channel = await h.fake.create_channel(h.guild, "digest")
    (venue,) = await rated_venues(h, 1)
    await run(h, "venue show", h.bob, venue=venue)
    announcement = h.fake.channel_messages(h.general)[0]
    assert venue_id_of(announcement) == venue
    await h.fake.react(announcement, "👍", h.bob)
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    await propose(h, name="Rust Lyon", city="Lyon")

    async def votes_counted() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        samples = await scrape(port)
        return samples if total(samples, "bonnes_places_vote_events_applied_total") >= 1 else {}

    samples = await eventually(votes_counted)
    show = total(samples, "bonnes_places_command_seconds_count", command="venue show", outcome="ok")
    assert show == 1
    assert total(samples, "bonnes_places_command_seconds_count", command="venue propose") == 2
    assert total(samples, "bonnes_places_vote_commit_seconds_count") >= 1
    assert total(samples, "bonnes_places_digests_total", outcome="posted") == 1
    assert total(samples, "bonnes_places_database_errors_total") == 0
    assert ("bonnes_places_vote_queue_depth", ()) in samples
