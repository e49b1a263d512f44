"""Late work: due dates and the penalty policy from the course file, the submission time from the
LMS (Task.submitted) or else the file's modification time, and what reports and pages say."""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest

from conftest import ROOT, plain_text, questions_of
from taller import grade, late
from test_exports import SLUGS, fake_engine, hand_in

SLUG = SLUGS[0]
DUE = dt.datetime(2027, 3, 1, 23, 59, tzinfo=dt.timezone.utc)


def course_file(tmp_path, late_table):
    path = tmp_path / "curso.toml"
    path.write_text(f'[due]\n"{SLUG}" = 2027-03-01T23:59:00Z\n\n[late]\n{late_table}\n', encoding="utf-8")
    return path


def test_days_late_round_up_and_policies():
    assert late.days_late(DUE, DUE) == 0
    assert late.days_late(DUE, DUE + dt.timedelta(seconds=1)) == 1
    assert late.days_late(DUE, DUE + dt.timedelta(days=2, hours=1)) == 3
    assert late.Policy("percent_per_day", 10).penalty(3) == 30
    assert late.Policy("percent_per_day", 40).penalty(3) == 100
    assert late.Policy("zero_after", 0, 2).penalty(2) == 0 and late.Policy("zero_after", 0, 2).penalty(3) == 100
    assert late.Policy().penalty(10) == 0


def test_the_course_file_is_checked(tmp_path):
    course = late.load(course_file(tmp_path, 'policy = "percent_per_day"\npercent_per_day = 10'), {SLUG})
    assert course.lateness(SLUG, "2027-03-03T10:00:00Z") == (2, 20.0)
    assert course.lateness(SLUG, None) == (0, 0.0) and course.lateness("otro", "2030-01-01T00:00:00Z") == (0, 0.0)
    for bad in ('policy = "mucho"', 'policy = "zero_after"', 'percent_per_day = 200'):
        with pytest.raises(late.CourseError):
            late.load(course_file(tmp_path, bad), {SLUG})
    with pytest.raises(late.CourseError, match="unknown exercise"):
        late.load(course_file(tmp_path, ""), {"otro"})


def test_canvas_late_marker_counts_no_days_and_says_why_they_are_unknown(tmp_path):
    """Canvas's LATE never changes the days counted from a due date (0 days: its grace period); it is
    reported, with no penalty, when there is no time or no due date to count days from."""
    course = late.load(course_file(tmp_path, 'policy = "percent_per_day"\npercent_per_day = 10'), {SLUG, "otro"})
    before, after = "2027-03-01T20:00:00Z", "2027-03-02T10:00:00Z"
    assert course.unknown_days(SLUG, before, True) == "" and course.lateness(SLUG, before) == (0, 0.0)
    assert course.unknown_days(SLUG, after, False) == "" and course.lateness(SLUG, after) == (1, 10.0)
    assert course.unknown_days(SLUG, None, True) == "time" and course.lateness(SLUG, None) == (0, 0.0)
    assert course.unknown_days(SLUG, None, False) == ""
    assert course.unknown_days("otro", after, True) == "due" and course.lateness("otro", after) == (0, 0.0)
    assert [late.lms_mark(m) for m in (True, False, None)] == ["1", "0", ""]
    assert "no se conoce la hora de entrega" in late.marked_note("time") and late.marked_note("") == ""


def test_the_submission_time_comes_from_the_lms_else_the_file(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text("{}", encoding="utf-8")
    stamp = DUE.timestamp() + 3600
    os.utime(path, (stamp, stamp))

    class Task:
        pass

    task = Task()
    task.path = path
    assert late.submitted_of(task) == "2027-03-02T00:59:00Z"
    task.submitted = "2027-03-01T10:00:00+00:00"
    assert late.submitted_of(task) == "2027-03-01T10:00:00Z"
    task.submitted = None  # intake could not know it (an archive's download time): never late
    assert late.submitted_of(task) is None


def test_a_late_notebook_loses_its_penalty_and_says_so(tmp_path, monkeypatch):
    fake_engine(monkeypatch, tmp_path, wrong=())
    folder = tmp_path / "entregas"
    on_time, tardy = hand_in(folder, "ana", SLUG), hand_in(folder, "bruno", SLUG)
    os.utime(on_time, (DUE.timestamp() - 60,) * 2)
    os.utime(tardy, (DUE.timestamp() + 2 * 86400 - 60,) * 2)  # two days late
    out = tmp_path / "notas"
    grade.grade(ROOT, folder, "nbgrader", out, jobs=1, isolate=False, log=lambda *_: None, seed=1,
                course=course_file(tmp_path, 'policy = "percent_per_day"\npercent_per_day = 25'))
    total = sum(q.points for q in questions_of(SLUG))
    with open(out / "grades.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["notebook"] == SLUG]
    bruno = [r for r in rows if r["student"] == "bruno"]
    assert all(r["days_late"] == "2" and r["penalty"] == "50" for r in bruno)
    assert sum(float(r["score_before_penalty"]) for r in bruno) == total
    assert sum(float(r["score"]) for r in bruno) == pytest.approx(total / 2)
    assert all(r["days_late"] == "" and r["score"] == r["score_before_penalty"] for r in rows if r["student"] == "ana")
    page = plain_text((out / "feedback" / "bruno" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert "Entregado con 2 días de retraso: penalización del 50\u00a0%" in page
    assert "retraso" not in plain_text((out / "feedback" / "ana" / f"{SLUG}.html").read_text(encoding="utf-8"))
    index = plain_text((out / "index.html").read_text(encoding="utf-8"))
    assert "2 días de retraso, −50\u00a0%" in index
    assert "Entregas con retraso" in (out / "resumen.html").read_text(encoding="utf-8")


def test_canvas_late_marker_reaches_grades_csv_for_refused_files_too(tmp_path, monkeypatch):
    """Canvas's LATE is kept in grades.csv (`lms_late`) whether the file was graded or refused."""
    from test_lms import T, make_zip

    fake_engine(monkeypatch, tmp_path, wrong=())
    release = (ROOT / "release" / SLUG / f"{SLUG}.ipynb").read_bytes()
    archive = make_zip(tmp_path / "entregas.zip", {
        f"garciaana_LATE_12345_901_{SLUG}.ipynb": (release, T[0]),
        f"perezluis_LATE_23456_902_{SLUG}.ipynb": (b"no soy un cuaderno", T[1]),
        f"lopezeva_34567_903_{SLUG}.ipynb": (b"tampoco", T[2])})
    out = tmp_path / "notas"
    grade.grade(ROOT, archive, "nbgrader", out, jobs=1, isolate=False, log=lambda *_: None, seed=1)
    with open(out / "grades.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["notebook"] == SLUG]
    got = {(r["student"], r["status"] == "rechazada", r["lms_late"]) for r in rows}
    assert got == {("garciaana_12345", False, "1"), ("perezluis_23456", True, "1"), ("lopezeva_34567", True, "0")}
