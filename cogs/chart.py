"""The digest's chart: the guild's IRL hours per week, as a PNG (matplotlib, no screen)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BAR_COLOUR = "#2e8b57"


def render_hours_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> bytes:
    """A small bar chart; the object API (no pyplot) is safe to use off the main thread."""
    figure = Figure(figsize=(6, 2.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(range(len(values)), values, color=BAR_COLOUR)
    axes.set_xticks(range(len(labels)), labels, fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(bottom=0, top=max([*values, 1.0]) * 1.15)
    for index, value in enumerate(values):
        if value:
            axes.annotate(f"{value:g}", (index, value), ha="center", va="bottom", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def hours_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> bytes:
    """Render in a worker thread so the event loop keeps serving the gateway."""
    return await asyncio.to_thread(render_hours_chart, title, list(labels), list(values))
