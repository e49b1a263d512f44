"""Runs that resume and regrade only what changed (issue 18): OUT keeps a ledger of graded
submissions, written whole as each one is graded, so a run killed with SIGKILL goes on where it
stopped, and a second run over an unchanged folder grades nothing."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, questions_of, small_class
from taller import build, submissions

SLUG = "00-conceptos"
STUDENTS = [f"alumno-{i:02d}" for i in range(8)]
TOTAL = sum(q.points for q in questions_of(SLUG))


def grade(folder, out, *extra):
    proc = subprocess.run([sys.executable, "-m", "taller", "grade", str(folder), "--out", str(out), "--jobs", "1",
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def rows(out):
    with open(out / "grades.csv", encoding="utf-8") as f:
        return sorted((r["student"], r["question"], r["score"], r["status"]) for r in csv.DictReader(f))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Eight different notebooks, half of them with one wrong answer."""
    return small_class(tmp_path_factory.mktemp("entregas"), SLUG, STUDENTS)


def test_a_killed_run_resumes_without_regrading_what_was_finished(folder, tmp_path):
    out = tmp_path / "notas"
    proc = subprocess.Popen([sys.executable, "-m", "taller", "grade", str(folder), "--out", str(out), "--jobs", "1",
                             "--seed", "5"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list((out / "ledger").glob("*.json"))) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((out / "ledger").glob("*.json")))
    assert 3 <= finished < len(STUDENTS), "the run was not killed in the middle"
    assert not (out / "grades.csv").exists(), "a killed run left a grades.csv"
    second = grade(folder, out)
    assert f"{len(STUDENTS)} graded, 0 refused, 0 failed ({finished} taken from the ledger" in second
    clean = tmp_path / "limpia"
    grade(folder, clean, "--seed", "5")
    assert rows(out) == rows(clean)
    assert len(rows(out)) == len(STUDENTS) * len(questions_of(SLUG))


def test_a_second_run_grades_only_what_changed(folder, tmp_path):
    folder = shutil.copytree(folder, tmp_path / "entregas")
    out = tmp_path / "notas"
    grade(folder, out)
    start = time.perf_counter()
    again = grade(folder, out)
    seconds = time.perf_counter() - start
    assert f"({len(STUDENTS)} taken from the ledger" in again
    print(f"second run over an unchanged folder of {len(STUDENTS)}: {seconds:.1f} s")  # a figure, not a check
    changed = submissions.solved(ROOT, SLUG, {questions_of(SLUG)[1].solution_ids[0]: "respuesta_relacion = 'x'\n"})
    build.write_notebook(changed, folder / STUDENTS[0] / f"{SLUG}.ipynb")
    third = grade(folder, out)
    assert f"({len(STUDENTS) - 1} taken from the ledger" in third
    by_student = {}
    for student, _, score, _ in rows(out):
        by_student[student] = by_student.get(student, 0) + float(score)
    assert by_student[STUDENTS[0]] < TOTAL and by_student[STUDENTS[2]] == TOTAL
    fresh = grade(folder, out, "--regrade")
    assert "taken from the ledger" not in fresh
