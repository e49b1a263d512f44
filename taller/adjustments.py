"""The instructor's overrides: ajustes.csv, applied whenever the reports are written.

    student,notebook,question,score,comment
    bruno-parcial,01-descenso-gradiente,3,1.5,"Idea correcta, falla solo el signo"

`question` is the question's number on the student's page (1, 2...) or its id in grades.csv; `score`
replaces the automatic score of that question (from 0 to its points; a decimal comma is fine). The
file may be saved by Excel (a BOM, `;` as separator). By default it is read from OUT/ajustes.csv.
Every row is checked against the master and the graded rows: a wrong one stops with one line that
names the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("student", "notebook", "question", "score", "comment")
FILE_NAME = "ajustes.csv"


class AdjustmentError(SystemExit):
    """A wrong row of ajustes.csv: one line, no traceback."""


@dataclass(frozen=True)
class Adjustment:
    student: str
    notebook: str
    question: str  # the question's id (grade_id)
    score: float
    comment: str


def default_path(out: Path) -> Path | None:
    path = Path(out) / FILE_NAME
    return path if path.is_file() else None


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV written by hand or by Excel: UTF-8 with or without BOM, `,` or `;`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AdjustmentError(f"taller: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise AdjustmentError(f"taller: {path} is not UTF-8 text (save it as CSV UTF-8)") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise AdjustmentError(f"taller: {path} is not a CSV file: {exc}") from None


def load(path: Path, graded: set[tuple[str, str]], questions: dict[str, list[tuple[str, float]]]
         ) -> dict[tuple[str, str, str], Adjustment]:
    """(student, notebook, question id) -> Adjustment, for every row of `path`.

    graded: the (student, notebook) pairs that were graded; questions: notebook -> [(id, points)] in
    the master's order."""
    rows = read_rows(path)
    if not rows and not Path(path).read_text(encoding="utf-8-sig").strip():
        return {}
    header = [h.strip() for h in (rows[0].keys() if rows else [])]
    missing = [c for c in COLUMNS if c not in header]
    if rows and missing:
        raise AdjustmentError(f"taller: {path}: missing column(s) {', '.join(missing)} "
                              f"(expected {','.join(COLUMNS)})")
    found: dict[tuple[str, str, str], Adjustment] = {}
    students = {s for s, _ in graded}
    for line, raw in enumerate(rows, 2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        where = f"taller: {path}, line {line}:"
        student, notebook, question = row.get("student", ""), row.get("notebook", ""), row.get("question", "")
        if not any(row.values()):
            continue
        if notebook not in questions:
            raise AdjustmentError(f"{where} unknown notebook {notebook!r} (one of: {', '.join(sorted(questions))})")
        if student not in students:
            raise AdjustmentError(f"{where} unknown student {student!r}: no graded notebook of theirs in grades.csv")
        if (student, notebook) not in graded:
            raise AdjustmentError(f"{where} {student} has no graded {notebook} (refused, missing or not handed in)")
        ids = questions[notebook]
        if question.isdigit() and 1 <= int(question) <= len(ids):
            gid, points = ids[int(question) - 1]
        elif question in dict(ids):
            gid, points = question, dict(ids)[question]
        else:
            raise AdjustmentError(f"{where} unknown question {question!r} of {notebook} "
                                  f"(its number, 1 to {len(ids)}, or its id in grades.csv)")
        try:
            score = float(row.get("score", "").replace(",", "."))
        except ValueError:
            raise AdjustmentError(f"{where} score {row.get('score', '')!r} is not a number") from None
        if not 0 <= score <= points:
            raise AdjustmentError(f"{where} score {score:g} is outside 0 to {points:g}, the points of question "
                                  f"{question} of {notebook}")
        key = (student, notebook, gid)
        if key in found:
            raise AdjustmentError(f"{where} a second adjustment of question {question} of {notebook} for {student}")
        found[key] = Adjustment(student, notebook, gid, score, row.get("comment", ""))
    return found
