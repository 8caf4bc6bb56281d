"""Figures read from the bot's own Prometheus endpoint, the one an operator scrapes."""

from __future__ import annotations

import math
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

Samples = list[tuple[str, dict[str, str], float]]


async def scrape(port: int) -> Samples:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        text = await response.text()
    return [
        (sample.name, dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        value
        for n, ls, value in samples
        if n == name and all(ls.get(k) == v for k, v in labels.items())
    )


def quantile(samples: Samples, name: str, q: float, **labels: str) -> float:
    """The upper bound of the histogram bucket holding the q-quantile (ms): what
    Prometheus' histogram_quantile would say, without its interpolation."""
    buckets: dict[float, float] = {}
    for n, ls, value in samples:
        if n == f"{name}_bucket" and all(ls.get(k) == v for k, v in labels.items()):
            bound = math.inf if ls["le"] == "+Inf" else float(ls["le"])
            buckets[bound] = buckets.get(bound, 0.0) + value
    if not buckets:
        return float("nan")
    count = buckets[math.inf]
    for bound in sorted(buckets):
        if count and buckets[bound] >= q * count:
            return bound * 1000
    return math.inf


def summary(samples: Samples) -> dict[str, Any]:
    """What the report shows from the metrics."""
    commands = sorted(
        {ls["command"] for n, ls, _ in samples if n == "bonnes_places_command_seconds_count"}
    )
    return {
        "commands": {
            command: {
                "count": total(samples, "bonnes_places_command_seconds_count", command=command),
                "p50_ms": quantile(samples, "bonnes_places_command_seconds", 0.5, command=command),
                "p99_ms": quantile(samples, "bonnes_places_command_seconds", 0.99, command=command),
            }
            for command in commands
        },
        "vote_events": total(samples, "bonnes_places_vote_events_applied_total"),
        "vote_commit_p50_ms": quantile(samples, "bonnes_places_vote_commit_seconds", 0.5),
        "vote_commit_p99_ms": quantile(samples, "bonnes_places_vote_commit_seconds", 0.99),
        "digests_posted": total(samples, "bonnes_places_digests_total", outcome="posted"),
        "digests_failed": total(samples, "bonnes_places_digests_total", outcome="failed"),
        "database_errors": total(samples, "bonnes_places_database_errors_total"),
    }
