"""What students and instructors read: each feedback page names the notebook and every question by
number and title, with points, a percentage and the date, and points to an earlier crash; the class
gets a per-student table, an index of pages and a summary per question."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from conftest import ENGINES, ROOT, SLUGS, plain_text, questions_of
from taller import feedback, grade, masters, submissions
from taller.verdicts import RunResult, Verdict


def plain(page: Path) -> str:
    return plain_text(page.read_text(encoding="utf-8"))


def title_text(title: str) -> str:
    """A question title as the page shows it (code spans without backticks, $\\alpha$ as α)."""
    return html.unescape(re.sub(r"<[^>]+>", "", feedback.inline_code(title)))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug", SLUGS)
def test_the_page_names_the_notebook_and_each_question_with_points_percentage_and_date(graded, engine, slug):
    out = graded[engine]["out"]
    page = plain(out / "feedback" / "solucion-publicada" / f"{slug}.html")
    master = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    assert masters.notebook_title(master) in page
    for number, q in enumerate(questions_of(slug), 1):
        assert f"{number}. {title_text(q.title)}" in page, (number, q.title)
        assert q.grade_id not in page.replace(f"{slug}.ipynb", ""), f"internal id {q.grade_id} shown"
    total = sum(q.points for q in questions_of(slug))
    assert f"Nota: {total:g} / {total:g} (100\u00a0%)" in page
    assert re.search(r"Corregido el \d\d/\d\d/\d{4} \d\d:\d\d", page)
    assert "nbgrader" not in page.lower() and "otter" not in page.lower() and "Corrector" not in page


def test_a_question_after_a_crashed_answer_points_to_it():
    slug = "01-descenso-gradiente"
    master = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    qs = masters.questions(master)
    answered = submissions.solved(ROOT, slug)
    run = RunResult(verdicts={q.grade_id: Verdict(q.points, q.points) for q in qs})
    run.answer_errors[qs[1].solution_ids[0]] = "NameError: name 'x' is not defined"
    run.verdicts[qs[1].grade_id] = Verdict(0, qs[1].points, "NameError: name 'predecir' is not defined")
    run.verdicts[qs[3].grade_id] = Verdict(0, qs[3].points, "NameError: name 'perdida_sse' is not defined")
    run.verdicts[qs[0].grade_id] = Verdict(0, qs[0].points, "AssertionError: no")
    rows = grade.rows_for(answered, qs, run, set())
    assert [r.first_fix for r in rows[:5]] == [0, 0, 0, 2, 0]
    page = feedback.render("ana", slug, "t", rows, "01/01/2027 10:00")
    assert page.count("Corrige primero la pregunta 2") == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_the_student_table_adds_up_grades_csv(graded, engine):
    out = graded[engine]["out"]
    rows = graded[engine]["rows"].values()
    with open(out / "notas-por-estudiante.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert [c for c in table[0]][1:-3] == sorted(SLUGS)
    assert [c for c in table[0]][-3:] == ["total", "max_total", "status"]
    maximum = sum(q.points for slug in SLUGS for q in questions_of(slug))
    assert {r["student"] for r in table} == {r["student"] for r in rows}
    for line in table:
        mine = [r for r in rows if r["student"] == line["student"] and r["question"]]
        for slug in SLUGS:
            got = [float(r["score"]) for r in mine if r["notebook"] == slug]
            assert line[slug] == (f"{sum(got):g}" if got else "sin_entregar"), (line["student"], slug)
            assert (slug in line["status"]) == (not got)
        assert float(line["total"]) == sum(float(r["score"]) for r in mine)
        assert float(line["max_total"]) == maximum
    # a notebook not handed in is a row of grades.csv too, with its status and no score
    handed = {(r["student"], r["notebook"]) for r in rows if r["question"]}
    missing = {(r["student"], r["notebook"]) for r in rows if not r["question"]}
    assert all(r["status"] == "sin_entregar" and r["score"] == "" for r in rows if not r["question"])
    assert missing == {(s, n) for s in {s for s, _ in handed} for n in SLUGS} - handed


@pytest.mark.parametrize("engine", ENGINES)
def test_the_index_links_every_page_and_the_summary_covers_every_question(graded, engine):
    out = graded[engine]["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    pages = {str(p.relative_to(out)) for p in (out / "feedback").rglob("*.html")}
    assert pages <= set(links)
    assert all((out / link).exists() for link in links)
    summary = plain(out / "resumen.html")
    students = len({r["student"] for r in graded[engine]["rows"].values() if r["notebook"] == SLUGS[0] and r["question"]})
    for slug in SLUGS:
        for number, q in enumerate(questions_of(slug), 1):
            assert f"{number}. {title_text(q.title)}" in summary
    assert "Distribución de notas" in summary and "Entregas sin corregir" in summary
    right = sum(1 for r in graded[engine]["rows"].values()
                if r["notebook"] == SLUGS[0] and r["question"] == questions_of(SLUGS[0])[0].grade_id
                and r["status"] == "correcta")
    assert f"{right} / {students} (" in summary
