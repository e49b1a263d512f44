"""Student code is untrusted: a loop is interrupted and grading goes on; a kernel that will not
stop is killed; feedback never shows hidden tests and tells 'not attempted' from 'incorrect'."""

from __future__ import annotations

import html
import re

import pytest

from conftest import (CRASH_SLUGS, ENGINES, ROOT, SLUGS, digest, grade_with_both_engines, questions_of,
                      secret_lines, variant_cases)
from taller import build, submissions

SLUG = "01-descenso-gradiente"
LOOP = "while True:\n    pass\n"
STUBBORN = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
DIES = "import os\nos._exit(3)\n"


@pytest.fixture(scope="module")
def hanging(tmp_path_factory):
    folder = tmp_path_factory.mktemp("colgadas")
    first = questions_of(SLUG)[0]
    for student, code in (("bucle", LOOP), ("sin-interrupcion", STUBBORN)):
        nb = submissions.solved(ROOT, SLUG, {first.solution_ids[0]: code})
        build.write_notebook(nb, folder / student / f"{SLUG}.ipynb")
    later = {q.grade_id: q for q in questions_of(SLUG)}
    for student, question, code in (("muere", "gd-paso", DIES), ("sin-interrupcion-tarde", "gd-perdida-mse", STUBBORN),
                                    ("interrumpe", "gd-predecir", "raise KeyboardInterrupt()\n")):
        nb = submissions.solved(ROOT, SLUG, {later[question].solution_ids[0]: code})
        build.write_notebook(nb, folder / student / f"{SLUG}.ipynb")
    before = digest(folder)
    graded = grade_with_both_engines(folder, tmp_path_factory.mktemp("notas-colgadas"),
                                     cell_timeout=5, total_timeout=45)
    out = {engine: graded[engine]["rows"] for engine in ENGINES}
    assert digest(folder) == before
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_a_loop_is_interrupted_and_the_rest_is_graded(hanging, engine):
    qs = questions_of(SLUG)
    rows = hanging[engine]
    assert float(rows[("bucle", SLUG, qs[0].grade_id)]["score"]) == 0
    assert rows[("bucle", SLUG, qs[0].grade_id)]["status"] == "tiempo_agotado"
    assert float(rows[("bucle", SLUG, qs[-1].grade_id)]["score"]) == qs[-1].points


@pytest.mark.parametrize("engine", ENGINES)
def test_a_kernel_that_ignores_interrupts_is_killed(hanging, engine):
    rows = [r for k, r in hanging[engine].items() if k[0] == "sin-interrupcion"]
    assert rows and all(float(r["score"]) == 0 and r["status"] == "tiempo_agotado" for r in rows)


def statuses(rows, student):
    return {k[2]: (float(r["score"]), r["status"]) for k, r in rows.items() if k[0] == student}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("student,stopped_at,status", [("muere", "gd-paso", "detenido"),
                                                       ("sin-interrupcion-tarde", "gd-perdida-mse", "tiempo_agotado")])
def test_a_kernel_that_dies_or_will_not_stop_keeps_the_questions_graded_before(hanging, engine, student,
                                                                               stopped_at, status):
    got = statuses(hanging[engine], student)
    order = [q.grade_id for q in questions_of(SLUG)]
    points = {q.grade_id: q.points for q in questions_of(SLUG)}
    for q in order[:order.index(stopped_at)]:
        assert got[q] == (points[q], "correcta"), (q, got[q])
    for q in order[order.index(stopped_at):]:
        assert got[q] == (0.0, status), (q, got[q])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_keyboard_interrupt_of_the_student_is_an_error_not_a_time_out(hanging, engine):
    got = statuses(hanging[engine], "interrumpe")
    assert got["gd-predecir"] == (0.0, "error")
    assert got["gd-perdida-sse"] == (1.0, "correcta")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug", SLUGS)
def test_feedback_shows_no_hidden_test(graded, engine, slug):
    secret = secret_lines(slug)
    pages = list((graded[engine]["out"] / "feedback").glob(f"*/{slug}.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        plain = html.unescape(text)
        leaked = [l for l in secret if l in plain]
        assert not leaked, f"{page}: {leaked[:3]}"


@pytest.mark.parametrize("engine", ENGINES)
def test_feedback_tells_not_attempted_from_incorrect(graded, engine):
    out = graded[engine]["out"]
    untouched = (out / "feedback" / "sin-empezar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Sin intentar" in untouched and "NotImplementedError" in untouched
    assert "Incorrecta" not in untouched
    wrong = [(student, group) for slug, student, group in variant_cases() if slug == SLUG and any(v["lost"] for v in group)]
    student, group = wrong[0]
    page = (out / "feedback" / student / f"{SLUG}.html").read_text(encoding="utf-8")
    assert re.search(r"Incorrecta|Tu código lanzó un error", page)
    rows = graded[engine]["rows"]
    for v in group:
        for q in v["lost"]:
            row = rows[(student, SLUG, q)]
            assert row["status"] in ("incorrecta", "error"), (v["name"], row)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug", CRASH_SLUGS)
def test_a_crashing_answer_cell_is_named_in_the_feedback(graded, engine, slug):
    first = questions_of(slug)[0]
    row = graded[engine]["rows"][("con-errata", slug, first.grade_id)]
    assert float(row["score"]) == 0 and row["status"] == "error"
    page = (graded[engine]["out"] / "feedback" / "con-errata" / f"{slug}.html").read_text(encoding="utf-8")
    assert "Tu celda de respuesta terminó con un error" in page and "variable_que_no_existe" in page
    assert "terminó con un error en la línea 1 (`resultado = variable_que_no_existe + 1" in row["message"], row["message"]


@pytest.mark.parametrize("slug", CRASH_SLUGS)
def test_the_taller_engine_names_the_line_of_a_crashing_answer_cell(graded_taller, slug):
    first = questions_of(slug)[0]
    row = graded_taller["rows"][("con-errata", slug, first.grade_id)]
    assert float(row["score"]) == 0 and row["status"] == "error"
    assert "terminó con un error en la línea 1 (`resultado = variable_que_no_existe + 1" in row["message"], row["message"]
