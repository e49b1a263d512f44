"""Every student in every export, in the layouts other programs read: a class with refused, missing
and graded notebooks goes through the whole driver with a stand-in engine (no kernel), and
grades.csv, notas-por-estudiante.csv, index.html, resumen.html, the Excel copies, moodle.csv and
canvas.csv are read back."""

from __future__ import annotations

import csv
import json
import re

import pytest

from conftest import ROOT, plain_text, questions_of
import taller
from taller import cli, engines, grade, report
from taller.verdicts import RunResult, Verdict

SLUGS = ("00-conceptos", "01-descenso-gradiente")


def fake_engine(monkeypatch, tmp_path, wrong=("bruno",)):
    """The nbgrader engine replaced by one that gives full marks, and 0 on the first question of the
    students in `wrong` (told apart by a comment in their notebook)."""
    def fake_grade(prepared, slug, notebook, *args, **kwargs):
        qs = questions_of(slug)
        text = "".join(c.source for c in notebook.cells)
        verdicts = {q.grade_id: Verdict(q.points, q.points) for q in qs}
        if any(f"# {w}" in text for w in wrong):
            verdicts[qs[0].grade_id] = Verdict(0, qs[0].points, "AssertionError: no")
        return RunResult(verdicts=verdicts, seconds=0.01)

    monkeypatch.setitem(engines.ENGINES, "nbgrader", engines.Engine(lambda *a: tmp_path, fake_grade))


def hand_in(folder, student, slug, name=None, text=None):
    target = folder / student / (name or f"{slug}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        target.write_text(text, encoding="utf-8")
        return target
    source = (ROOT / "release" / slug / f"{slug}.ipynb").read_text(encoding="utf-8")
    target.write_text(source.replace('"cells": [', f'"cells": [{{"cell_type": "code", "execution_count": null, '
                                     f'"metadata": {{}}, "outputs": [], "source": "# {student}"}},', 1),
                      encoding="utf-8")
    return target


def a_class(folder):
    """ana: both notebooks; bruno: both, one question wrong; carla: 00 only; dora: two files refused
    for 00 (two candidates) and one not a notebook for 01; eva: one file that is not a notebook."""
    for slug in SLUGS:
        hand_in(folder, "ana", slug)
        hand_in(folder, "bruno", slug)
    hand_in(folder, "carla", SLUGS[0])
    hand_in(folder, "dora", SLUGS[0])
    hand_in(folder, "dora", SLUGS[0], name=f"Copia de {SLUGS[0]}.ipynb")
    hand_in(folder, "dora", SLUGS[1], text="no soy un cuaderno")
    hand_in(folder, "eva", SLUGS[0], text="{}")
    hand_in(folder, "eva", "tarea", name="tarea.ipynb", text="{}")  # names no exercise
    return folder


def read(path, **kw):
    with open(path, newline="", encoding=kw.pop("encoding", "utf-8")) as f:
        return list(csv.reader(f, **kw))


def points(slug):
    return sum(q.points for q in questions_of(slug))


@pytest.fixture
def graded_class(tmp_path, monkeypatch):
    fake_engine(monkeypatch, tmp_path)
    folder = a_class(tmp_path / "entregas")
    out = tmp_path / "notas"
    lines = []
    table = grade.grade(ROOT, folder, "nbgrader", out, jobs=1, isolate=False, log=lines.append, seed=1)
    return {"out": out, "table": table, "lines": lines, "folder": folder}


def test_every_student_is_in_every_export_once_with_their_status(graded_class):
    out = graded_class["out"]
    students = ["ana", "bruno", "carla", "dora", "eva"]
    grades = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    assert sorted({r["student"] for r in grades}) == students
    status_rows = {(r["student"], r["notebook"]): r["status"] for r in grades if not r["question"]}
    assert status_rows == {("eva", "tarea"): "rechazada", ("carla", SLUGS[1]): "sin_entregar", ("dora", SLUGS[0]): "rechazada",
                           ("dora", SLUGS[1]): "rechazada", ("eva", SLUGS[0]): "rechazada",
                           ("eva", SLUGS[1]): "sin_entregar"}
    assert all(r["score"] == "" for r in grades if not r["question"])
    bruno = [r for r in grades if r["student"] == "bruno" and r["notebook"] == SLUGS[0]]
    assert sum(float(r["score"]) for r in bruno) == points(SLUGS[0]) - questions_of(SLUGS[0])[0].points

    table = list(csv.DictReader(open(out / "notas-por-estudiante.csv", encoding="utf-8")))
    assert [r["student"] for r in table] == students
    by = {r["student"]: r for r in table}
    assert by["ana"][SLUGS[0]] == f"{points(SLUGS[0]):g}" and by["ana"]["status"] == "completa"
    assert by["carla"][SLUGS[1]] == "sin_entregar" and by["carla"]["total"] == f"{points(SLUGS[0]):g}"
    assert by["dora"][SLUGS[0]] == "rechazada" and by["dora"]["total"] == "rechazada"
    assert by["eva"]["total"] == "rechazada/sin_entregar"

    index = plain_text((out / "index.html").read_text(encoding="utf-8"))
    assert "Sin nota: rechazada" in index and "Sin entregar" in index
    assert "5 archivos rechazados de 2 estudiantes" in index  # dora: two for 00, one for 01; eva: two
    links = re.findall(r"href='([^']+)'", (out / "index.html").read_text(encoding="utf-8"))
    pages = {str(p.relative_to(out)) for p in (out / "feedback").rglob("*.html")}
    assert "feedback/eva/tarea.html" in pages and pages <= set(links)
    summary = (out / "resumen.html").read_text(encoding="utf-8")
    unsolved = summary.split("Entregas sin corregir")[1].split("<h2>")[0]
    for student in ("carla", "dora", "eva"):
        assert unsolved.count(f"<td>{student}</td>") == 1, student
    assert "<td>ana</td>" not in unsolved


def test_the_class_pages_say_how_they_were_graded_and_what_needs_the_instructor_first(graded_class):
    out = graded_class["out"]
    index = plain_text((out / "index.html").read_text(encoding="utf-8"))
    summary = plain_text((out / "resumen.html").read_text(encoding="utf-8"))
    line = f"Corregido con el motor «nbgrader» el {report.run_date(out)} · taller {taller.__version__}"
    assert line in index and line in summary
    assert "semilla" not in line  # the seed only changes the taller engine's hidden inputs
    assert summary.index("Entregas sin corregir") < summary.index(SLUGS[0])


def test_the_run_line_of_the_taller_engine_names_its_seed(tmp_path):
    (tmp_path / "corrida.json").write_text(json.dumps({"engine": "taller", "seed": 77, "date": "2026-12-05 08:30",
                                                       "version": "0.1.0"}), encoding="utf-8")
    assert report.run_line(tmp_path) == ("Corregido con el motor «taller» el 05/12/2026 08:30 · "
                                         "semilla de las entradas ocultas 77 · taller 0.1.0")
    assert report.run_line(tmp_path / "nada") == ""


def test_the_console_counts_files_and_students(graded_class):
    last = graded_class["lines"][-1]
    table = graded_class["table"]
    assert last.startswith(f"[grade] 5 graded, {table.refused} refused, 0 failed")
    assert f"{table.refused} files refused, of 2 students" in last
    assert table.refused_students == 2 and "2 notebooks not handed in, of 2 students" in last


def test_the_excel_copy_has_a_bom_semicolons_and_decimal_commas(graded_class, tmp_path):
    out = graded_class["out"]
    raw = (out / "notas-por-estudiante-excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    plain = read(out / "notas-por-estudiante.csv")
    excel = read(out / "notas-por-estudiante-excel.csv", delimiter=";", encoding="utf-8-sig")
    assert [row[0] for row in excel] == [row[0] for row in plain] and len(excel[0]) == len(plain[0])
    half = tmp_path / "medio.csv"
    half.write_text("a,b\n1.5,x.y\n", encoding="utf-8")
    from taller import exports
    exports.excel_copy(half, tmp_path / "medio-excel.csv")
    assert (tmp_path / "medio-excel.csv").read_bytes().decode("utf-8-sig") == "a;b\r\n1,5;x.y\r\n"


def test_moodle_csv_follows_moodles_grade_export_layout(graded_class):
    out = graded_class["out"]
    rows = read(out / "moodle.csv")
    assert rows[0] == ["Username", *SLUGS]  # no roster: the folder name, mapped to username on import
    by = {r[0]: r[1:] for r in rows[1:]}
    assert set(by) == {"ana", "bruno", "carla", "dora", "eva"}
    assert by["ana"] == [f"{points(s):g}" for s in SLUGS]
    assert by["dora"] == ["", ""] and by["carla"][1] == ""  # no grade: left empty, not 0


def test_a_roster_gives_moodle_ids_and_the_canvas_gradebook_layout(tmp_path, monkeypatch):
    fake_engine(monkeypatch, tmp_path)
    folder = tmp_path / "entregas"
    hand_in(folder, "perezana", SLUGS[0])  # Canvas's archive names: lastfirst
    hand_in(folder, "López Bruno_777", SLUGS[0])  # Moodle's archive: the name, then an id
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Email address,00-conceptos (5501)\n"
        "    Points Possible,,,,,,10\n"
        '"Pérez, Ana",101,A1,ana@uni.es,Grupo 1,ana@uni.es,\n'
        '"López, Bruno",102,B2,bruno@uni.es,Grupo 2,bruno@uni.es,\n'
        '"Ruiz, Carla",103,C3,carla@uni.es,Grupo 1,carla@uni.es,\n', encoding="utf-8")
    out = tmp_path / "notas"
    grade.grade(ROOT, folder, "nbgrader", out, jobs=1, isolate=False, log=lambda *_: None, seed=1, roster=roster)
    canvas = read(out / "canvas.csv")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "00-conceptos (5501)"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5] == f"{points(SLUGS[0]):g}"
    body = {r[0]: r for r in canvas[2:]}
    assert set(body) == {"Pérez, Ana", "López, Bruno", "Ruiz, Carla"}
    assert body["Pérez, Ana"][1:5] == ["101", "A1", "ana@uni.es", "Grupo 1"]
    assert body["Pérez, Ana"][5] == f"{points(SLUGS[0]):g}" and body["Ruiz, Carla"][5] == ""
    moodle = read(out / "moodle.csv")
    assert moodle[0] == ["Email address", SLUGS[0]]
    assert {r[0] for r in moodle[1:]} == {"ana@uni.es", "bruno@uni.es", "carla@uni.es"}
    table = list(csv.DictReader(open(out / "notas-por-estudiante.csv", encoding="utf-8")))
    assert {r["student"]: r[SLUGS[0]] for r in table}["carla@uni.es"] == "sin_entregar"


def test_taller_report_rebuilds_everything_without_grading(graded_class, monkeypatch, capsys):
    out = graded_class["out"]
    before = (out / "notas-por-estudiante.csv").read_text(encoding="utf-8")
    for name in ("index.html", "resumen.html", "moodle.csv", "grades-excel.csv"):
        (out / name).unlink()
    monkeypatch.setitem(engines.ENGINES, "nbgrader", None)  # any grading would fail
    monkeypatch.chdir(ROOT)
    cli.main(["report", str(out)])
    assert (out / "notas-por-estudiante.csv").read_text(encoding="utf-8") == before
    assert all((out / name).is_file() for name in ("index.html", "resumen.html", "moodle.csv", "grades-excel.csv"))
    assert "[report] 5 students" in capsys.readouterr().out


def test_the_demo_ends_with_its_time_and_the_index_of_the_taller_engine(tmp_path, monkeypatch, capsys):
    calls = []

    def fake(root, subs, engine, out, **kw):
        calls.append(engine)
        return grade.Table()

    monkeypatch.setattr(grade, "grade", fake)
    monkeypatch.chdir(ROOT)
    cli.main(["demo", "--no-build", "--no-sandbox", "--out", str(tmp_path / "demo")])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("[demo] done in ") and " s; open " in last
    assert str(tmp_path / "demo" / "taller" / "index.html") in last and calls
