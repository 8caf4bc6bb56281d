"""The digest's chart: the guild's IRL hours per week, as a PNG.

matplotlib (with numpy) adds about 55 MB to a process, more than the rest of the bot needs
at rest, so charts are drawn in a worker process: off the event loop, reused from one chart to the
next, and stopped when no chart was drawn for a while, which returns the memory.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

BAR_COLOUR = "#2e8b57"
#: The worker stops after this long without a chart to draw.
IDLE_SECONDS = 120.0


def number_label(value: float, decimal: str) -> str:
    """A number on the chart as the guild's language writes it: '11,5' in French."""
    return f"{value:g}".replace(".", decimal)


def render_hours_chart(
    title: str, labels: Sequence[str], values: Sequence[float], decimal: str = "."
) -> bytes:
    """A small bar chart. Runs in the worker; imports matplotlib there only."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(6, 2.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(range(len(values)), values, color=BAR_COLOUR)
    axes.set_xticks(range(len(labels)), labels, fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(bottom=0, top=max([*values, 1.0]) * 1.15)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number_label(y, decimal)))
    for index, value in enumerate(values):
        if value:
            label = number_label(value, decimal)
            axes.annotate(label, (index, value), ha="center", va="bottom", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


class ChartRenderer:
    """One worker process, started with the first chart and reused by every chart after
    it (a spawn costs about 400 ms); it stops after `idle_seconds` without a chart, so the
    memory matplotlib takes is returned between digest rounds."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._idle: asyncio.TimerHandle | None = None
        #: Worker processes started so far (the benchmark and tests read it).
        self.spawned = 0

    async def hours(
        self, title: str, labels: Sequence[str], values: Sequence[float], decimal: str = "."
    ) -> bytes:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
            self.spawned += 1
        loop = asyncio.get_running_loop()
        self._busy += 1
        try:
            return await loop.run_in_executor(
                self._pool, render_hours_chart, title, list(labels), list(values), decimal
            )
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle = loop.call_later(self.idle_seconds, self.close)

    def close(self) -> None:
        """Stop the worker (it exits once idle; the event loop does not wait for it)."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self._pool is not None and self._busy == 0:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
