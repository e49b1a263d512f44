"""The command line: mistakes get one line, a machine without a sandbox stops unless told, and the
driver retries a grader failure once, then reports it as the grader's, never as the student's 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, questions_of
from taller import build, engines, grade, sandbox, submissions
from taller.verdicts import RunResult, Verdict

SLUG = "00-conceptos"


def taller(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "taller", *args], cwd=cwd, capture_output=True, text=True)


def test_a_missing_submissions_folder_is_one_line(tmp_path):
    proc = taller("grade", str(tmp_path / "no-existe"), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "neither a folder of submissions nor a Moodle or Canvas zip" in proc.stderr


def test_an_out_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "entregas").mkdir()
    (tmp_path / "out").write_text("x")
    proc = taller("grade", str(tmp_path / "entregas"), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "is a file" in proc.stderr


def test_without_a_sandbox_grading_stops_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "check", lambda limits=None: "user namespaces are forbidden here")
    (tmp_path / "entregas").mkdir()
    with pytest.raises(grade.GradingError) as err:
        grade.grade(ROOT, tmp_path / "entregas", "otter", tmp_path / "out", log=lambda *_: None)
    assert "no sandbox" in str(err.value) and "--no-sandbox" in str(err.value)


def fake_runner(outcomes: list[str]):
    """An engine runner that fails (grader failure) or succeeds as told, one outcome per call."""
    calls = []

    def run(prepared, slug, notebook, work, slot, limits, questions, cell_timeout, total_timeout, isolate=True):
        calls.append(slot)
        if outcomes[len(calls) - 1] == "fail":
            return RunResult(failure="the engine crashed")
        return RunResult(verdicts={q.grade_id: Verdict(q.points, q.points) for q in questions})

    return run, calls


@pytest.mark.parametrize("outcomes,status,failed", [(["fail", "ok"], "correcta", 0),
                                                    (["fail", "fail"], grade.GRADER_FAILURE, 1)])
def test_a_grader_failure_is_retried_once_then_reported_as_the_graders(tmp_path, monkeypatch, outcomes, status, failed):
    run, calls = fake_runner(outcomes)
    monkeypatch.setitem(engines.ENGINES, "otter", engines.Engine(engines.prepare_otter, run))
    build.write_notebook(submissions.solved(ROOT, SLUG), tmp_path / "entregas" / "ana" / f"{SLUG}.ipynb")
    table = grade.grade(ROOT, tmp_path / "entregas", "otter", tmp_path / "out", jobs=1, log=lambda *_: None)
    assert len(calls) == 2
    assert {r["status"] for r in table} == {status} and table.failed == failed
    if failed:
        page = (tmp_path / "out" / "feedback" / "ana" / f"{SLUG}.html").read_text(encoding="utf-8")
        assert "Fallo del corrector" in page and (tmp_path / "out" / "logs").is_dir()


def test_no_sandbox_grades_and_says_so(tmp_path):
    build.write_notebook(submissions.solved(ROOT, SLUG), tmp_path / "entregas" / "ana" / f"{SLUG}.ipynb")
    table = grade.grade(ROOT, tmp_path / "entregas", "otter", tmp_path / "out", jobs=1, isolate=False,
                        log=lambda *_: None)
    assert {r["status"] for r in table} == {"correcta"}
    assert sum(float(r["score"]) for r in table) == sum(q.points for q in questions_of(SLUG))
    assert not table.isolated
    page = (tmp_path / "out" / "feedback" / "ana" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "sin aislamiento" in page
    assert "without isolation" in (tmp_path / "out" / "SIN-AISLAMIENTO.txt").read_text(encoding="utf-8")


def test_colab_names_are_graded_and_refusals_make_a_non_zero_exit(tmp_path):
    folder = tmp_path / "entregas"
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "ana" / f"Copia de {SLUG}.ipynb")
    (folder / "bea").mkdir(parents=True)
    (folder / "bea" / f"{SLUG}.ipynb").write_text("esto no es un cuaderno")
    proc = taller("grade", str(folder), "--engine", "otter", "--out", str(tmp_path / "out"), "--jobs", "1")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"(from 'Copia de {SLUG}.ipynb')" in proc.stdout
    assert "1 graded, 1 refused, 0 failed" in proc.stdout
    assert "1/1" in proc.stderr, "no progress bar (done / total) on stderr"
    page = (tmp_path / "out" / "feedback" / "bea" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "no es un cuaderno de Jupyter válido" in page


def test_taller_called_by_full_path_needs_no_activated_environment(tmp_path):
    """nbgrader runs `alembic` and kernels by name: called by its full path with a bare PATH, taller
    still finds them beside its own Python."""
    folder = tmp_path / "entregas"
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "ana" / f"{SLUG}.ipynb")
    script = Path(sys.executable).parent / "taller"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run([str(script), "grade", str(folder), "--engine", "nbgrader", "--out", str(tmp_path / "out"),
                           "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    total = sum(q.points for q in questions_of(SLUG))
    assert f"{total:g} / {total:g}" in proc.stdout


def test_submissions_graded_side_by_side_share_the_cores(monkeypatch):
    monkeypatch.setattr(sandbox, "usable_cores", lambda: 8)
    assert sandbox.per_job(sandbox.Limits(), jobs=4).threads == 2
    assert sandbox.per_job(sandbox.Limits(), jobs=16).threads == 1
    assert sandbox.per_job(sandbox.Limits(threads=3), jobs=4).threads == 3
    env = sandbox.environment({}, sandbox.Limits(threads=2))
    assert all(env[name] == "2" for name in sandbox.THREAD_VARIABLES)


def test_taller_grade_uses_the_taller_engine_by_default(tmp_path):
    """The engine whose hidden tests the student's kernel cannot reach is the one used unless told
    otherwise (issue 16)."""
    folder = tmp_path / "entregas"
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "ana" / f"{SLUG}.ipynb")
    proc = taller("grade", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert json.loads((tmp_path / "out" / "corrida.json").read_text(encoding="utf-8"))["engine"] == "taller"
    assert "  taller   ana" in proc.stdout
    help_text = " ".join((taller("--help").stdout + taller("demo", "--help").stdout).split())
    assert "both engines" not in help_text and "all three engines" in help_text
