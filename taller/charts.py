"""The class summary's charts, as SVG files drawn with matplotlib (no pyplot, no display, no kernel):
a notebook's questions ranked by their share of right answers, and the histogram of its totals.

The same numbers give the same bytes: the SVG ids come from a fixed hash salt and the file carries no
date, so `taller report` run twice leaves the folder unchanged.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

STYLE = {"svg.hashsalt": "taller", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 11,
         "text.parse_math": False, "axes.spines.top": False, "axes.spines.right": False}
WIDTH = 4.2  # inches: narrow enough that on a phone, shrunk to the screen, its text stays legible


def save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})


def ranking(path: Path, labels: list[str], shares: list[float], colors: list[str]) -> None:
    """One horizontal bar per question, top to bottom in the order given, its length the share of right
    answers (0 to 1) written at its end, its label above it (so the bars keep the chart's width)."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH, 0.7 + 0.5 * len(labels)))
        axes = figure.add_subplot()
        rows = range(len(labels))
        axes.barh(rows, [100 * s for s in shares], color=colors, height=0.4)
        for row, label, share in zip(rows, labels, shares):
            axes.text(0, row - 0.25, label, va="bottom")
            axes.text(100 * share + 1.5, row, f"{100 * share:.0f} %", va="center")
        axes.set_ylim(len(labels) - 0.5, -1)  # the first question on top, room for its label
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        axes.set_xlim(0, 115)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.set_xlabel("Respuestas correctas")
        save(figure, path)


def histogram(path: Path, counts: list[int], labels: list[str], colors: list[str]) -> None:
    """One vertical bar per range of totals, its height the number of students, written above it."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH, 3.2))
        axes = figure.add_subplot()
        columns = range(len(counts))
        axes.bar(columns, counts, color=colors, width=0.8)
        for column, count in zip(columns, counts):
            if count:
                axes.text(column, count, str(count), ha="center", va="bottom")
        axes.set_xticks(list(columns), labels, rotation=45, ha="right", rotation_mode="anchor")
        axes.set_ylim(0, max(counts, default=0) * 1.15 or 1)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("Nota (% del máximo)")
        axes.set_ylabel("Estudiantes")
        save(figure, path)
