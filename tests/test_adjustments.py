"""ajustes.csv: the instructor's overrides, applied when the reports are written (by taller grade and
by taller report, with no kernel), kept beside the automatic score, told on the student's page, and
checked row by row against the master with one clear line."""

from __future__ import annotations

import csv

import pytest

from conftest import ROOT, plain_text, questions_of
from taller import cli, grade
from test_exports import SLUGS, a_class, fake_engine

SLUG = SLUGS[0]


@pytest.fixture
def out(tmp_path, monkeypatch):
    fake_engine(monkeypatch, tmp_path)
    folder = a_class(tmp_path / "entregas")
    out = tmp_path / "notas"
    grade.grade(ROOT, folder, "nbgrader", out, jobs=1, isolate=False, log=lambda *_: None, seed=1)
    monkeypatch.chdir(ROOT)
    return out


def rows(out):
    with open(out / "grades.csv", encoding="utf-8") as f:
        return {(r["student"], r["notebook"], r["question"]): r for r in csv.DictReader(f)}


def test_an_adjustment_changes_the_score_keeps_the_automatic_one_and_is_told_on_the_page(out):
    first = questions_of(SLUG)[0]
    half = first.points / 2
    (out / "ajustes.csv").write_text("student,notebook,question,score,comment\n"
                                     f"bruno,{SLUG},1,{half:g},Idea correcta; falla el ejemplo\n", encoding="utf-8")
    cli.main(["report", str(out)])
    row = rows(out)[("bruno", SLUG, first.grade_id)]
    assert (row["auto_score"], row["adjusted"], row["score"]) == ("0", f"{half:g}", f"{half:g}")
    assert row["comment"] == "Idea correcta; falla el ejemplo"
    untouched = rows(out)[("ana", SLUG, first.grade_id)]
    assert untouched["adjusted"] == "" and untouched["score"] == untouched["auto_score"]
    table = {r["student"]: r for r in csv.DictReader(open(out / "notas-por-estudiante.csv", encoding="utf-8"))}
    total = sum(q.points for q in questions_of(SLUG))
    assert float(table["bruno"][SLUG]) == total - first.points + half
    page = plain_text((out / "feedback" / "bruno" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert "Ajustado por el profesor" in page and "Idea correcta; falla el ejemplo" in page
    assert f"Nota: {total - first.points + half:g} / {total:g}" in page
    assert "Ajustado por el profesor" not in (out / "feedback" / "ana" / f"{SLUG}.html").read_text(encoding="utf-8")


def test_excel_saved_adjustments_are_read(out):
    first = questions_of(SLUG)[0]
    (out / "ajustes.csv").write_bytes(("\ufeffstudent;notebook;question;score;comment\r\n"
                                       f"bruno;{SLUG};{first.grade_id};0,5;bien\r\n").encode("utf-8"))
    cli.main(["report", str(out)])
    assert rows(out)[("bruno", SLUG, first.grade_id)]["score"] == "0.5"


@pytest.mark.parametrize("line, words", [
    ("nadie,{slug},1,1,x", "unknown student 'nadie'"),
    ("bruno,99-nada,1,1,x", "unknown notebook '99-nada'"),
    ("bruno,{slug},999,1,x", "unknown question '999'"),
    ("bruno,{slug},1,-1,x", "outside 0 to"),
    ("bruno,{slug},1,1000,x", "outside 0 to"),
    ("bruno,{slug},1,mucho,x", "is not a number"),
    ("carla," + SLUGS[1] + ",1,1,x", "carla has no graded"),
])
def test_a_wrong_row_stops_with_one_line(out, capsys, line, words):
    (out / "ajustes.csv").write_text("student,notebook,question,score,comment\n" + line.format(slug=SLUG) + "\n",
                                     encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", str(out)])
    message = str(stop.value.code)
    assert words in message and "line 2" in message and "\n" not in message
    assert "Traceback" not in capsys.readouterr().err


def test_taller_grade_writes_the_grades_then_names_the_wrong_adjustment(tmp_path, monkeypatch):
    fake_engine(monkeypatch, tmp_path)
    folder = a_class(tmp_path / "entregas")
    out = tmp_path / "notas"
    out.mkdir()
    (out / "ajustes.csv").write_text(f"student,notebook,question,score,comment\nnadie,{SLUG},1,1,x\n", encoding="utf-8")
    with pytest.raises(grade.GradingError) as stop:
        grade.grade(ROOT, folder, "nbgrader", out, jobs=1, isolate=False, log=lambda *_: None, seed=1)
    assert "unknown student 'nadie'" in str(stop.value) and f"taller report {out}" in str(stop.value)
    assert ("ana", SLUG, questions_of(SLUG)[0].grade_id) in rows(out)


def test_a_wrong_course_file_stops_before_grading(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(grade, "grade_in", lambda *a, **k: calls.append(a))
    bad = tmp_path / "curso.toml"
    bad.write_text('[late]\npolicy = "a veces"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="policy"):
        grade.grade(ROOT, a_class(tmp_path / "entregas"), "nbgrader", tmp_path / "notas", isolate=False,
                    log=lambda *_: None, course=bad)
    assert not calls
