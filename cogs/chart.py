"""The digest's chart: the guild's IRL hours per week, as a PNG.

matplotlib (with numpy) adds about 55 MB to a process, more than the rest of the bot needs
at rest, so charts are drawn in a short-lived worker process: off the event loop, and the
memory is returned when the digests of a round are posted.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType

BAR_COLOUR = "#2e8b57"


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
    """`async with ChartRenderer() as charts: png = await charts.hours(...)`: one worker
    process for as many charts as the block draws."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def __aenter__(self) -> ChartRenderer:
        return self

    async def hours(
        self, title: str, labels: Sequence[str], values: Sequence[float], decimal: str = "."
    ) -> bytes:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, render_hours_chart, title, list(labels), list(values), decimal
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            # Don't block the event loop joining the worker: it exits once idle.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
