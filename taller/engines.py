"""Engine runners: grade ONE submission with nbgrader or otter-grader, in a work directory.

A runner only runs the engine and reads back its verdict. Collecting submissions, scheduling,
writing grades.csv and feedback belong to the driver (grade.py). Each runner runs its engine in a
child process of its own session, with a per-cell time limit (the cell is interrupted and grading
goes on) and a total time limit (the whole process group is killed; what was not graded scores 0).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import masters


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
    timed_out: bool = False
    failure: str = ""  # the engine itself failed (not the student's code)
    seconds: float = 0.0


def run_limited(cmd: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    """Run cmd in its own process group; kill the whole group (kernel included) after timeout."""
    with subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True, stdin=subprocess.DEVNULL) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            return None, out


def error_of(outputs) -> str:
    for out in outputs:
        if out.get("output_type") == "error":
            return f"{out.get('ename', '')}: {out.get('evalue', '')}".strip()
    return ""


def errors_by_grade_id(nb) -> tuple[dict[str, str], dict[str, str]]:
    """From an executed notebook: (test cell errors, answer cell errors), by grade_id."""
    tests, answers = {}, {}
    for cell in nb.cells:
        grade_id = masters.nbgrader_meta(cell).get("grade_id")
        error = error_of(cell.get("outputs", [])) if cell.cell_type == "code" else ""
        if grade_id and error:
            (answers if masters.is_solution_cell(cell) else tests)[grade_id] = error
    return tests, answers


# --- nbgrader -------------------------------------------------------------------------------

def grade_nbgrader(course_template: Path, slug: str, submission: Path, work: Path,
                   cell_timeout: int, total_timeout: float) -> RunResult:
    """nbgrader autograde in a copy of a prepared course directory (gradebook included)."""
    from nbgrader.api import Gradebook, MissingEntry

    course = work / "course"
    shutil.copytree(course_template, course)
    student = "alumno"
    target = course / "submitted" / student / slug / f"{slug}.ipynb"
    target.parent.mkdir(parents=True)
    shutil.copy(submission, target)
    cmd = [sys.executable, "-m", "nbgrader", "autograde", slug, "--student", student, "--force",
           "--log-level=WARN", f"--Execute.timeout={cell_timeout}"]
    code, log = run_limited(cmd, course, total_timeout)
    # A kernel that ignores the interrupt makes nbgrader give up on the whole notebook.
    result = RunResult(timed_out=code is None or "CellTimeoutError" in log)
    graded = course / "autograded" / student / slug / f"{slug}.ipynb"
    if code not in (0, None) or not graded.exists():
        result.failure = log[-2000:]
        return result
    errors, result.answer_errors = errors_by_grade_id(nbformat.read(str(graded), as_version=4))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            nb = gb.find_submission_notebook(slug, slug, student)
        except MissingEntry:
            result.failure = log[-2000:]
            return result
        for grade in nb.grades:
            if grade.max_score:
                score = grade.score if grade.score is not None else 0.0
                result.verdicts[grade.name] = Verdict(float(score), float(grade.max_score), errors.get(grade.name, ""))
    return result


# --- otter-grader ---------------------------------------------------------------------------

def grade_otter(autograder_zip: Path, submission: Path, work: Path,
                cell_timeout: int, total_timeout: float) -> RunResult:
    """`otter run` (through its Python API, see otter_runner.py) on a copy of the submission."""
    copy = work / submission.name
    shutil.copy(submission, copy)
    out = work / "otter-results.json"
    cmd = [sys.executable, "-m", "taller.otter_runner", str(autograder_zip), str(copy), str(out),
           str(cell_timeout)]
    code, log = run_limited(cmd, work, total_timeout)
    result = RunResult(timed_out=code is None)
    if code != 0 or not out.exists():
        if code is not None:
            result.failure = log[-2000:]
        return result
    verdict = json.loads(out.read_text())
    for name, test in verdict["questions"].items():
        result.verdicts[name] = Verdict(float(test["score"]), float(test["possible"]), test["error"])
    result.answer_errors = verdict["answer_errors"]
    return result
