"""The verdict of one submission: written as plain JSON inside the engine sandbox, read and checked by
the driver against the master. Nothing else crosses the sandbox's border."""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field

from . import masters

MAX_TEXT = 2000  # characters kept of any message that comes from the sandbox
MAX_TRACEBACK_LINES = 40  # lines kept of an answer cell's traceback (its last ones: where it stopped)


@dataclass
class Verdict:
    """What an engine said of one question."""

    score: float
    max_score: float
    error: str = ""  # "Type: message" of the exception that failed the test cell, if any


@dataclass
class RunResult:
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    answer_errors: dict[str, str] = field(default_factory=dict)  # solution grade_id -> "Type: message"
    # solution grade_id -> the traceback lines of that error: only to name the line of the student's
    # cell on the page (explain.student_line), never read for a score
    answer_tracebacks: dict[str, list[str]] = field(default_factory=dict)
    timed_out: bool = False
    kernel_died: bool = False
    failure: str = ""  # the grader failed (not the student's code): no verdict could be read
    problems: list[str] = field(default_factory=list)  # what the driver refused of the verdict
    seconds: float = 0.0
    attempts: int = 1


MARKERS = ("CellTimeoutError", "KernelDied")  # what the grader itself writes into a cell (execution.py)


def error_of(outputs) -> str:
    """'Type: message' of a cell's error: the grader's own marker first, else the first error."""
    errors = [out for out in outputs if out.get("output_type") == "error"]
    errors.sort(key=lambda out: out.get("ename") not in MARKERS)
    return f"{errors[0].get('ename', '')}: {errors[0].get('evalue', '')}".strip() if errors else ""


def traceback_of(outputs) -> list[str]:
    """The traceback lines of the error error_of names (empty if there is none)."""
    errors = [out for out in outputs if out.get("output_type") == "error"]
    errors.sort(key=lambda out: out.get("ename") not in MARKERS)
    lines = errors[0].get("traceback") if errors else None
    return [str(line) for line in lines][-MAX_TRACEBACK_LINES:] if isinstance(lines, list) else []


def answer_tracebacks(nb) -> dict[str, list[str]]:
    """From an executed notebook: the traceback of each answer cell that ended in an error, by grade_id."""
    found = {}
    for cell in nb.cells:
        grade_id = masters.nbgrader_meta(cell).get("grade_id")
        if grade_id and cell.cell_type == "code" and masters.is_solution_cell(cell):
            lines = traceback_of(cell.get("outputs", []))
            if lines:
                found[grade_id] = lines
    return found


def errors_by_grade_id(nb) -> tuple[dict[str, str], dict[str, str]]:
    """From an executed notebook: (test cell errors, answer cell errors), by grade_id."""
    tests, answers = {}, {}
    for cell in nb.cells:
        grade_id = masters.nbgrader_meta(cell).get("grade_id")
        error = error_of(cell.get("outputs", [])) if cell.cell_type == "code" else ""
        if grade_id and error:
            (answers if masters.is_solution_cell(cell) else tests)[grade_id] = error
    return tests, answers


def write(path: str, verdict: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(verdict, f, ensure_ascii=False, indent=1)


def read_bounded(path, max_bytes: int) -> bytes | None:
    """The bytes of a regular file written in a sandbox: never through a link, never more than max_bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        return os.read(fd, max_bytes + 1)[:max_bytes]
    finally:
        os.close(fd)


def text(value) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def checked(raw: bytes | None, questions: list[masters.Question]) -> RunResult:
    """The verdict as the master allows it: its questions only, each score within [0, points].

    A question the verdict does not give stays ungraded; anything else is reported, never used."""
    result = RunResult()
    if raw is None:
        result.failure = "no verdict was written"
        return result
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.failure = f"the verdict is not JSON: {exc}"
        return result
    if not isinstance(data, dict) or not isinstance(data.get("questions"), dict):
        result.failure = "the verdict has no questions"
        return result
    points = {q.grade_id: q.points for q in questions}
    answers = {sid for q in questions for sid in q.solution_ids}
    for name, entry in data["questions"].items():
        if name not in points:
            result.problems.append(f"unknown question {str(name)[:80]!r} ignored")
            continue
        score = number(entry.get("score")) if isinstance(entry, dict) else None
        if score is None:
            result.problems.append(f"{name}: no valid score")
            continue
        if not 0 <= score <= points[name]:
            result.problems.append(f"{name}: score {score:g} outside [0, {points[name]:g}], counted as 0")
            score = 0.0
        result.verdicts[name] = Verdict(score, points[name], text(entry.get("error")))
    errors = data.get("answer_errors")
    if isinstance(errors, dict):
        result.answer_errors = {k: text(v) for k, v in errors.items() if k in answers}
    tracebacks = data.get("answer_tracebacks")
    if isinstance(tracebacks, dict):
        result.answer_tracebacks = {k: [text(line) for line in v[-MAX_TRACEBACK_LINES:]]
                                    for k, v in tracebacks.items()
                                    if k in result.answer_errors and isinstance(v, list)}
    result.timed_out = data.get("timed_out") is True
    result.kernel_died = data.get("kernel_died") is True
    return result
