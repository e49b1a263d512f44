"""Grading proves the kit: full marks for the reference, zero for the untouched release, exactly
the expected points for every known-wrong and known-right answer, and the same verdict from both
engines, question by question."""

from __future__ import annotations

import pytest

from conftest import ENGINES, SLUGS, questions_of, variant_cases


def scores(graded, engine, student, slug):
    rows = graded[engine]["rows"]
    return {q.grade_id: float(rows[(student, slug, q.grade_id)]["score"]) for q in questions_of(slug)}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug", SLUGS)
def test_reference_scores_full_marks(graded, engine, slug):
    got = scores(graded, engine, "solucion-publicada", slug)
    expected = {q.grade_id: q.points for q in questions_of(slug)}
    assert got == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug", SLUGS)
def test_untouched_release_scores_zero_and_is_not_attempted(graded, engine, slug):
    rows = graded[engine]["rows"]
    for q in questions_of(slug):
        row = rows[("sin-empezar", slug, q.grade_id)]
        assert float(row["score"]) == 0, f"{q.grade_id} gives points to the untouched notebook"
        assert row["status"] == "sin_intentar", f"{q.grade_id}: {row['status']}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug,student,group", variant_cases(),
                         ids=[f"{s}-{n}" for s, n, _ in variant_cases()])
def test_variants_lose_exactly_their_questions(graded, engine, slug, student, group):
    lost = {q for v in group for q in v["lost"]}
    got = scores(graded, engine, student, slug)
    expected = {q.grade_id: (0.0 if q.grade_id in lost else q.points) for q in questions_of(slug)}
    names = ", ".join(v["name"] for v in group)
    wrong = {q: (got[q], expected[q]) for q in got if got[q] != expected[q]}
    assert not wrong, f"variants [{names}]: question -> (got, expected): {wrong}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("slug,student,group", variant_cases(),
                         ids=[f"{s}-{n}" for s, n, _ in variant_cases()])
def test_variants_get_the_message_they_deserve(graded, engine, slug, student, group):
    """Every failing row says something; a variant's `says` pins (part of) the message its question
    gets, and `never_says` what a wrong guess would name."""
    rows = graded[engine]["rows"]
    for q in questions_of(slug):
        row = rows[(student, slug, q.grade_id)]
        if float(row["score"]) < q.points:
            assert row["message"].strip() or row["status"] == "sin_intentar", (q.grade_id, row)
    for v in group:
        for question, text in v.get("says", {}).items():
            message = rows[(student, slug, question)]["message"]
            assert text in message, f"{v['name']} / {question}: {message!r} does not say {text!r}"
        for question, text in v.get("never_says", {}).items():
            message = rows[(student, slug, question)]["message"]
            assert text not in message, f"{v['name']} / {question}: {message!r} says {text!r}"


def test_engines_agree_on_every_question(graded):
    nb, ot = graded["nbgrader"]["rows"], graded["otter"]["rows"]
    assert nb.keys() == ot.keys()
    differ = {k: (nb[k]["score"], ot[k]["score"]) for k in nb if nb[k]["score"] != ot[k]["score"]}
    assert not differ, f"nbgrader vs otter: {differ}"
    status = {k: (nb[k]["status"], ot[k]["status"]) for k in nb if nb[k]["status"] != ot[k]["status"]}
    assert not status, f"nbgrader vs otter status: {status}"


def test_grading_never_modifies_submissions(graded):
    assert graded["submissions_unchanged"]
