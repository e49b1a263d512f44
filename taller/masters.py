"""Reading master notebooks: where they are and which cells grade which question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
STUB_MARK = "raise NotImplementedError"


@dataclass
class Question:
    """A graded test cell and the solution cells it grades (those since the previous test cell)."""

    grade_id: str
    points: float
    source: str
    solution_ids: list[str] = field(default_factory=list)
    title: str = ""  # from the prompt's heading, e.g. "Propagación hacia delante: `predecir`"
    heading: str = ""  # that heading as written: "## Pregunta 1 · Propagación hacia delante: `predecir` (1 punto)"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def find_masters(root: Path) -> dict[str, Path]:
    """Slug -> master path, for every source/<slug>/<slug>.ipynb."""
    return {p.parent.name: p for p in sorted(root.glob("source/*/*.ipynb")) if p.stem == p.parent.name}


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def headings(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.lstrip().startswith("#")]


QUESTION_HEADING = re.compile(r"^#{2,3} Pregunta (\d+) · (.+) \((\d+) puntos?\)$")


def clean_title(heading: str) -> str:
    """'## Pregunta 4 · Retropropagación: `gradientes` (2 puntos)' -> 'Retropropagación: `gradientes`'."""
    text = heading.lstrip("#").strip()
    text = re.sub(r"\s*\(\d+(?:[.,]\d+)?\s+puntos?\)", "", text)
    text = re.sub(r"^(?:Pregunta\s+\d+|\d+\.)\s*[·:.\-–—]?\s*", "", text).strip(" :·")
    return text[:1].upper() + text[1:]


def notebook_title(nb) -> str:
    """The master's first top-level heading, e.g. 'Descenso de gradiente desde cero con NumPy'."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in headings(cell.source):
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def questions(nb) -> list[Question]:
    """The graded questions of a master, in notebook order, each titled by the heading above it."""
    found, pending, heading, title, above = [], [], "", "", ""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and headings(cell.source):
            heading = headings(cell.source)[-1]
        if is_solution_cell(cell):
            if not pending:
                title, above = (clean_title(heading) if heading else ""), heading
            pending.append(nbgrader_meta(cell)["grade_id"])
        elif is_test_cell(cell):
            meta = nbgrader_meta(cell)
            found.append(Question(meta["grade_id"], float(meta.get("points", 0)), cell.source, pending,
                                  title or meta["grade_id"], above))
            pending, title, above = [], "", ""
    return found


def split_hidden(source: str) -> list[tuple[bool, str]]:
    """Split a test cell into (hidden, code) segments, in order, without the markers."""
    segments, current, hidden = [], [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker in (BEGIN_HIDDEN, END_HIDDEN):
            if "\n".join(current).strip():
                segments.append((hidden, "\n".join(current) + "\n"))
            current, hidden = [], marker == BEGIN_HIDDEN
            continue
        current.append(line)
    if "\n".join(current).strip():
        segments.append((hidden, "\n".join(current) + "\n"))
    return segments


def strip_solution_markers(source: str) -> str:
    """The reference code of a solution cell, without the BEGIN/END SOLUTION lines."""
    keep = [l for l in source.splitlines() if l.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
    return "\n".join(keep)


def hidden_lines(source: str) -> list[str]:
    """The non-blank lines inside the hidden regions of a test cell."""
    lines = []
    for hidden, code in split_hidden(source):
        if hidden:
            lines += [l.strip() for l in code.splitlines() if l.strip()]
    return lines


def solution_lines(source: str) -> list[str]:
    """The non-blank lines inside the solution region(s) of a solution cell."""
    inside, lines = False, []
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            inside = True
        elif marker == END_SOLUTION:
            inside = False
        elif inside and marker:
            lines.append(marker)
    return lines


MIN_SECRET_LINE = 20  # shorter lines (")", "else:") are common to any code; longer ones identify a test


def shown_lines(nb) -> set[str]:
    """Lines of a master that its release shows anyway: prompts, given code, visible checks, and the
    parts of solution cells outside the solution markers."""
    shown = set()
    for cell in nb.cells:
        if is_solution_cell(cell):
            text = "\n".join(l for l in cell.source.splitlines() if l.strip() not in solution_lines(cell.source))
        else:
            text = "".join(code for hidden, code in split_hidden(cell.source) if not hidden)
        shown |= {line.strip() for line in text.splitlines()}
    return shown


def secret_lines(nb) -> set[str]:
    """Lines of a master's hidden tests and reference answers that students must never see (a hidden
    line that repeats a visible check, say `_m = keras.Sequential(...)`, gives nothing away)."""
    secret = set()
    for cell in nb.cells:
        if is_test_cell(cell):
            secret |= set(hidden_lines(cell.source))
        if is_solution_cell(cell):
            secret |= set(solution_lines(cell.source))
    return {line for line in secret - shown_lines(nb) if len(line) >= MIN_SECRET_LINE}


def is_stub(source: str) -> bool:
    return STUB_MARK in source


SLUG_RE = re.compile(r"^[0-9]{2}-[a-z0-9-]+$")
