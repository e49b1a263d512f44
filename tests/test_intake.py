"""Intake: which student file is graded for which exercise, and normalising it onto the release.
Fast: no kernels, no grading."""

from __future__ import annotations

import builtins
import copy
import json
import os
from pathlib import Path

import nbformat
import pytest

from taller import intake, masters, submissions

ROOT = Path(__file__).resolve().parents[1]
RELEASES = {slug: ROOT / "release" / slug / f"{slug}.ipynb" for slug in sorted(masters.find_masters(ROOT))}
SLUGS = sorted(RELEASES)
SLUG = "01-descenso-gradiente"


def release(slug: str = SLUG):
    return masters.read(RELEASES[slug])


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb, version=4), encoding="utf-8")
    return path


def answers(nb) -> dict[str, str]:
    return {masters.nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if intake.is_answer(c)}


def strip(nb):
    """A copy without nbgrader/otter metadata and with other cell ids (a pasted notebook)."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("otter", None)
        cell.id = f"pegada-{i}"
    return nb


def normalised(student, slug: str = SLUG):
    out = intake.normalise(student, release(slug))
    nbformat.validate(out)
    ids = [c.id for c in out.cells]
    assert len(ids) == len(set(ids))
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code")
    return out


def index_of(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if masters.nbgrader_meta(c).get("grade_id") == grade_id)


# --- collection -----------------------------------------------------------------------------


def refusals_by_name(refusals) -> dict[str, intake.Refusal]:
    return {r.path.name: r for r in refusals}


@pytest.mark.parametrize("name", [
    f"{SLUG}.ipynb", f"Copia de {SLUG}.ipynb", f"copia de {SLUG}.ipynb", f"Copy of {SLUG}.ipynb",
    f"COPY OF {SLUG}.ipynb", f"{SLUG} (1).ipynb", f"{SLUG} (12).ipynb", f"Copia de {SLUG} (2).ipynb",
])
def test_accepted_names_map_to_the_exercise(tmp_path, name):
    write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / name)
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert refusals == []
    assert [(t.student, t.slug, t.path.name, t.source_name) for t in tasks] == [("ana", SLUG, name, name)]


@pytest.mark.parametrize("name", [f"{SLUG}-final.ipynb", f"Copia de Copia de {SLUG}.ipynb",
                                  f"{SLUG.upper()}.ipynb", "tarea.ipynb", f"x{SLUG}.ipynb"])
def test_other_notebook_names_are_unknown_files(tmp_path, name):
    write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / name)
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert tasks == []
    [r] = refusals
    assert (r.student, r.slug, r.reason) == ("ana", "", "unknown_file")
    assert all(f"«{slug}.ipynb»" in r.message_es for slug in SLUGS)


def test_other_files_and_hidden_entries_are_ignored(tmp_path):
    write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"{SLUG}.ipynb")
    (tmp_path / "ana" / "notas.py").write_text("x = 1\n")
    (tmp_path / "ana" / "informe.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "ana" / "datos").mkdir()
    write(release(), tmp_path / "ana" / ".ipynb_checkpoints" / f"{SLUG}-checkpoint.ipynb")
    write(release(), tmp_path / "ana" / f".{SLUG}.ipynb")
    write(release(), tmp_path / ".oculta" / f"{SLUG}.ipynb")
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert refusals == [] and [t.path.name for t in tasks] == [f"{SLUG}.ipynb"]


def test_a_symlink_is_refused_without_being_read(tmp_path, monkeypatch):
    outside = write(submissions.solved(ROOT, SLUG), tmp_path / "fuera" / "secreto.ipynb")
    folder = tmp_path / "entregas"
    (folder / "ana").mkdir(parents=True)
    (folder / "ana" / f"{SLUG}.ipynb").symlink_to(outside)
    (folder / "luis").symlink_to(outside.parent, target_is_directory=True)
    opened = []
    real_os_open, real_open = os.open, builtins.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(str(p)) or real_os_open(p, *a, **k))
    monkeypatch.setattr(builtins, "open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: pytest.fail(f"read {self}"))
    tasks, refusals = intake.collect(folder, RELEASES)
    assert tasks == []
    by_name = refusals_by_name(refusals)
    assert by_name[f"{SLUG}.ipynb"].reason == "symlink" and by_name[f"{SLUG}.ipynb"].slug == SLUG
    assert (by_name["luis"].student, by_name["luis"].reason) == ("luis", "symlink")
    assert not [p for p in opened if "fuera" in p or "entregas" in p]


def test_an_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"{SLUG}.ipynb")
    monkeypatch.setattr(intake, "load", lambda *a, **k: pytest.fail("oversized file read"))
    tasks, [r] = intake.collect(tmp_path, RELEASES, max_bytes=path.stat().st_size - 1)
    assert tasks == [] and (r.slug, r.reason) == (SLUG, "too_large")


def test_the_default_limit_is_20_mib(tmp_path):
    path = write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"{SLUG}.ipynb")
    with open(path, "ab") as f:  # trailing blanks keep the JSON valid
        f.truncate(20 * 2**20 + 1)
    assert [r.reason for r in intake.collect(tmp_path, RELEASES)[1]] == ["too_large"]
    with open(path, "ab") as f:
        f.truncate(20 * 2**20)
    assert [r.reason for r in intake.collect(tmp_path, RELEASES)[1]] != ["too_large"]


def test_two_candidates_are_ambiguous_and_neither_is_graded(tmp_path):
    first = write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"{SLUG}.ipynb")
    second = write(release(), tmp_path / "ana" / f"Copia de {SLUG}.ipynb")
    write(submissions.solved(ROOT, "00-conceptos"), tmp_path / "ana" / "00-conceptos.ipynb")
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert [t.slug for t in tasks] == ["00-conceptos"]
    assert sorted(r.path for r in refusals) == sorted([first, second])
    for r in refusals:
        assert (r.student, r.slug, r.reason) == ("ana", SLUG, "ambiguous")
        assert first.name in r.message_es and second.name in r.message_es


def test_a_refused_copy_does_not_make_the_other_ambiguous(tmp_path):
    write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"Copia de {SLUG}.ipynb")
    (tmp_path / "ana" / f"{SLUG}.ipynb").write_bytes(b"")
    tasks, [r] = intake.collect(tmp_path, RELEASES)
    assert [t.source_name for t in tasks] == [f"Copia de {SLUG}.ipynb"]
    assert (r.path.name, r.reason) == (f"{SLUG}.ipynb", "not_a_notebook")


V3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}
BAD_CELL = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "bogus", "id": "a", "metadata": {}, "source": "x"}]}


NBGRADER_NOT_A_DICT = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {"nbgrader": 3}, "source": "x", "outputs": [], "execution_count": None}]}
GRADE_ID_NOT_A_STRING = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": ["a"]}}, "source": "x", "outputs": [],
     "execution_count": None}]}


@pytest.mark.parametrize("content", [
    b"", b"  \n", b"no soy un cuaderno", b'{"nbformat": 4, "cells": [', b"\xff\xfe\x00\x01", b"[]", b"42",
    b'{"nbformat": 4}', b'{"nbformat": "4", "nbformat_minor": 5, "cells": [], "metadata": {}}',
    json.dumps(V3).encode(), json.dumps(BAD_CELL).encode(),
    b'{"nbformat": 4, "nbformat_minor": 5, "cells": "x", "metadata": {}}',
    b'{"nbformat": 4, "nbformat_minor": 5, "cells": [1], "metadata": []}',
    b'{"nbformat": 4, "nbformat_minor": "a", "cells": [], "metadata": {}}',
    json.dumps(NBGRADER_NOT_A_DICT).encode(), json.dumps(GRADE_ID_NOT_A_STRING).encode(),
], ids=lambda c: repr(c[:24]))
def test_what_is_not_a_notebook_is_refused(tmp_path, content):
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / f"{SLUG}.ipynb").write_bytes(content)
    tasks, [r] = intake.collect(tmp_path, RELEASES)
    assert tasks == [] and (r.slug, r.reason) == (SLUG, "not_a_notebook")


def test_another_exercise_under_this_name_is_refused(tmp_path):
    write(submissions.solved(ROOT, "00-conceptos"), tmp_path / "ana" / f"{SLUG}.ipynb")
    tasks, [r] = intake.collect(tmp_path, RELEASES)
    assert tasks == [] and (r.slug, r.reason) == (SLUG, "wrong_exercise")
    assert "00-conceptos" in r.message_es and "00-conceptos" in r.console


def test_a_notebook_without_grade_ids_is_not_refused(tmp_path):
    write(strip(submissions.solved(ROOT, "00-conceptos")), tmp_path / "ana" / f"{SLUG}.ipynb")
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert refusals == [] and [t.slug for t in tasks] == [SLUG]


def test_a_file_outside_any_student_folder_is_refused(tmp_path):
    write(submissions.solved(ROOT, SLUG), tmp_path / f"{SLUG}.ipynb")
    tasks, [r] = intake.collect(tmp_path, RELEASES)
    assert tasks == [] and (r.student, r.reason) == (SLUG, "misplaced")


def test_order_and_messages(tmp_path):
    """Students sorted then slugs sorted; every refusal speaks Spanish to the student and names the
    file on the console."""
    for student in ("zoe", "ana", "Bea"):
        for slug in reversed(SLUGS):
            write(submissions.solved(ROOT, slug), tmp_path / student / f"{slug}.ipynb")
    folder = tmp_path / "mal"
    (folder / f"{SLUG}.ipynb").parent.mkdir()
    (folder / f"{SLUG}.ipynb").write_bytes(b"{")
    write(release("00-conceptos"), folder / "00-conceptos.ipynb")
    write(release("00-conceptos"), folder / "00-conceptos (1).ipynb")
    write(release("00-conceptos"), folder / "02-preprocesamiento.ipynb")
    write(release(), folder / "tarea.ipynb")
    (folder / "03-redes-densas.ipynb").symlink_to(tmp_path / "ana" / "03-redes-densas.ipynb")
    write(release(), tmp_path / "suelto.ipynb")
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert [(t.student, t.slug) for t in tasks] == [(s, slug) for s in sorted(["zoe", "ana", "Bea"]) for slug in SLUGS]
    assert {r.reason for r in refusals} == {"not_a_notebook", "ambiguous", "wrong_exercise", "unknown_file",
                                            "symlink", "misplaced"}
    for r in refusals:
        assert r.path.name in r.console and "\n" not in r.console
        assert r.message_es.strip() and f"«{r.path.name}»" in r.message_es
        assert r.message_es.endswith(".")
        assert r.reason not in r.message_es


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_stripped_metadata_and_new_ids_keep_the_answers(slug):
    solved = submissions.solved(ROOT, slug)
    out = normalised(strip(solved), slug)
    assert answers(out) == answers(solved)
    assert [c.source for c in out.cells] == [c.source for c in solved.cells]
    assert [c.metadata for c in out.cells] == [c.metadata for c in release(slug).cells]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_untouched_release_normalises_to_itself(slug):
    rel = release(slug)
    out = normalised(rel, slug)
    assert out == rel and out is not rel


def test_a_deleted_test_cell_comes_back():
    rel, solved = release(), submissions.solved(ROOT, SLUG)
    first = masters.questions(rel)[0].grade_id
    del solved.cells[index_of(solved, first)]
    out = normalised(solved)
    assert out.cells[index_of(out, first)] == rel.cells[index_of(rel, first)]
    assert answers(out) == answers(submissions.solved(ROOT, SLUG))


@pytest.mark.parametrize("stripped", [False, True])
def test_an_edited_test_or_setup_cell_is_replaced_by_the_release(stripped):
    rel, solved = release(), submissions.solved(ROOT, SLUG)
    first = masters.questions(rel)[0].grade_id
    solved.cells[index_of(solved, first)].source = "assert True"
    solved.cells[index_of(solved, first)].metadata.nbgrader["grade"] = False
    solved.cells[2].source = "import numpy as np  # cambiada"
    out = normalised(strip(solved) if stripped else solved)
    assert "assert True" not in [c.source for c in out.cells]
    assert [c.source for c in out.cells if not intake.is_answer(c)] == [c.source for c in rel.cells if not intake.is_answer(c)]
    assert answers(out) == answers(submissions.solved(ROOT, SLUG))


def test_the_release_metadata_and_kernelspec_win():
    solved = submissions.solved(ROOT, SLUG)
    solved.metadata.kernelspec = {"name": "ir", "display_name": "R", "language": "R"}
    solved.metadata["colab"] = {"provenance": []}
    solved.nbformat_minor = 4
    for cell in solved.cells:
        cell.metadata.pop("nbgrader", None)  # ids are kept: answers are found by id
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text="hola\n")]
            cell.execution_count = 3
    out = normalised(solved)
    assert out.metadata == release().metadata and out.nbformat_minor == release().nbformat_minor
    assert answers(out) == answers(submissions.solved(ROOT, SLUG))


def test_duplicated_grade_ids_take_the_first():
    solved = submissions.solved(ROOT, SLUG)
    first = masters.questions(release())[0].solution_ids[0]
    at = index_of(solved, first)
    duplicate = copy.deepcopy(solved.cells[at])
    duplicate.source, duplicate.id = "segunda = 2", "otra"
    solved.cells.insert(at + 1, duplicate)
    out = normalised(solved)
    assert answers(out) == answers(submissions.solved(ROOT, SLUG))
    # The second copy is kept as a cell the student added, right after the first.
    extra = out.cells[index_of(out, first) + 1]
    assert extra.source == "segunda = 2" and "nbgrader" not in extra.metadata


@pytest.mark.parametrize("stripped", [False, True])
def test_an_added_cell_stays_after_the_answer_it_followed(stripped):
    rel, solved = release(), submissions.solved(ROOT, SLUG)
    qs = masters.questions(rel)
    cell = copy.deepcopy(solved.cells[index_of(solved, qs[0].solution_ids[0])])
    cell.source, cell.id = "print(predecir(X, 1.0, 0.0)[:3])", "mia"
    cell.metadata["otter"] = {"tests": ["x"]}
    cell.outputs = [nbformat.v4.new_output("stream", text="[1 2 3]\n")]
    solved.cells.insert(index_of(solved, qs[0].solution_ids[0]) + 1, cell)
    solved.cells.append(nbformat.v4.new_markdown_cell("Mis notas finales"))
    solved.cells.append(nbformat.v4.new_code_cell(""))  # Colab's trailing empty cell
    student = strip(solved) if stripped else solved
    before = copy.deepcopy(student)
    out = normalised(student)
    assert student == before
    at = index_of(out, qs[0].solution_ids[0])
    added = out.cells[at + 1]
    assert added.source == "print(predecir(X, 1.0, 0.0)[:3])" and added.id.startswith("extra-")
    assert "nbgrader" not in added.metadata and "otter" not in added.metadata and added.outputs == []
    assert out.cells[at + 2] == rel.cells[index_of(rel, qs[0].grade_id)]
    assert out.cells[-1].source == "Mis notas finales" and out.cells[-2] == rel.cells[-1]
    assert len(out.cells) == len(rel.cells) + 2
    assert answers(out) == answers(submissions.solved(ROOT, SLUG))


def test_an_unanswered_question_keeps_the_stub():
    rel, solved = release(), submissions.solved(ROOT, SLUG)
    first = masters.questions(rel)[0].solution_ids[0]
    del solved.cells[index_of(solved, first)]
    out = normalised(solved)
    assert out.cells[index_of(out, first)].source == rel.cells[index_of(rel, first)].source
    assert masters.is_stub(out.cells[index_of(out, first)].source)


def test_the_inputs_are_not_mutated():
    rel, student = release(), strip(submissions.solved(ROOT, SLUG))
    student.cells.insert(3, nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output("stream", text="1")]))
    copies = copy.deepcopy(rel), copy.deepcopy(student)
    out = intake.normalise(student, rel)
    assert (rel, student) == copies
    out.cells[0].source = "cambiada"
    assert (rel, student) == copies


def test_markdown_answer_cells_keep_their_type():
    def meta(grade_id, solution, grade=False):
        return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution,
                             "schema_version": 3}}
    rel = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Explica", id="enunciado"),
        nbformat.v4.new_markdown_cell("ESCRIBE TU RESPUESTA AQUÍ", id="texto", metadata=meta("texto", True)),
        nbformat.v4.new_code_cell("raise NotImplementedError()", id="codigo", metadata=meta("codigo", True)),
        nbformat.v4.new_code_cell("assert x == 1", id="prueba", metadata=meta("prueba", False, True)),
    ])
    student = strip(rel)
    student.cells[1].source, student.cells[2].source = "Porque sí.", "x = 1"
    student.cells[1].cell_type = "markdown"
    out = intake.normalise(student, rel)
    nbformat.validate(out)
    assert [(c.cell_type, c.source) for c in out.cells] == [
        ("markdown", "## Explica"), ("markdown", "Porque sí."), ("code", "x = 1"), ("code", "assert x == 1")]
    assert [c.metadata for c in out.cells] == [c.metadata for c in rel.cells]


# --- hostile files: each one is refused with its reason, never stops the others ------------------


def raw_release(slug: str = "00-conceptos") -> dict:
    return json.loads(RELEASES[slug].read_text(encoding="utf-8"))


def first_answer(raw: dict) -> dict:
    return next(c for c in raw["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))


def with_raw(raw: dict, where, text: str) -> bytes:
    """The notebook `raw` with the JSON text `text` put where `where(raw, "@@")` puts a marker: deep
    nesting and long numbers cannot go through json.dumps."""
    where(raw, "@@RAW@@")
    return json.dumps(raw).replace('"@@RAW@@"', text).encode("utf-8")


def deep(depth: int, kind: str = "list") -> str:
    return "[" * depth + "]" * depth if kind == "list" else '{"a": ' * depth + "0" + "}" * depth


DEEP_2KB = (b'{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"x": '
            + deep(1000).encode() + b"}}")
HOSTILE = {  # name -> (file content, refusal reason, key of NOT_A_NOTEBOOK or TROUBLE)
    "deep-metadata-1000": (DEEP_2KB, "not_a_notebook", "too deep"),
    "deep-metadata-dicts": (with_raw(raw_release(), lambda r, m: r["metadata"].update(x=m), deep(200, "dict")),
                            "not_a_notebook", "too deep"),
    "deep-outputs": (with_raw(raw_release(), lambda r, m: r["cells"][-1].update(outputs=[m]), deep(500)),
                     "not_a_notebook", "too deep"),
    "deep-source": (with_raw(raw_release(), lambda r, m: first_answer(r).update(source=m), deep(5000)),
                    "not_a_notebook", "too deep"),
    "deep-100000": (deep(100000).encode(), "not_a_notebook", "too deep"),
    "source-list-of-lists": (with_raw(raw_release(), lambda r, m: first_answer(r).update(source=m), '[["x"]]'),
                             "not_a_notebook", "not nbformat 4"),
    "int-100000-digits": (with_raw(raw_release(), lambda r, m: r["metadata"].update(x=m), "7" * 100000),
                          "not_a_notebook", "number too long"),
    "int-in-execution-count": (with_raw(raw_release(), lambda r, m: r["cells"][2].update(execution_count=m),
                                        "-" + "9" * 5000), "not_a_notebook", "number too long"),
    "invalid-utf8": (json.dumps(raw_release()).encode().replace(b"Pregunta", b"Pre\xffgunta", 1),
                     "not_a_notebook", "not UTF-8"),
    "json-list": (b"[1, 2, 3]", "not_a_notebook", "not nbformat 4"),
    "json-null": (b"null", "not_a_notebook", "not nbformat 4"),
    "json-string": (b'"nbformat 4"', "not_a_notebook", "not nbformat 4"),
    "cells-not-dicts": (with_raw(raw_release(), lambda r, m: r.update(cells=m), '[1, "x", null, []]'),
                        "not_a_notebook", "not nbformat 4"),
    "one-cell-not-a-dict": (with_raw(raw_release(), lambda r, m: r["cells"].insert(3, m), '"celda"'),
                            "not_a_notebook", "not nbformat 4"),
    "cells-missing": (json.dumps({k: v for k, v in raw_release().items() if k != "cells"}).encode(),
                      "not_a_notebook", "not nbformat 4"),
    "nbformat-missing": (json.dumps({k: v for k, v in raw_release().items() if k != "nbformat"}).encode(),
                         "not_a_notebook", "not nbformat 4"),
    "nbformat-float": (json.dumps({**raw_release(), "nbformat": 4.0}).encode(), "not_a_notebook", "not nbformat 4"),
    "nbformat-true": (json.dumps({**raw_release(), "nbformat": True}).encode(), "not_a_notebook", "not nbformat 4"),
    "nbformat-5": (json.dumps({**raw_release(), "nbformat": 5}).encode(), "not_a_notebook", "not nbformat 4"),
    "minor-missing": (json.dumps({k: v for k, v in raw_release().items() if k != "nbformat_minor"}).encode(),
                      "not_a_notebook", "not nbformat 4"),
    "minor-true": (json.dumps({**raw_release(), "nbformat_minor": True}).encode(), "not_a_notebook", "not nbformat 4"),
    "minor-negative": (json.dumps({**raw_release(), "nbformat_minor": -1}).encode(), "not_a_notebook",
                       "not nbformat 4"),
    "metadata-a-list": (json.dumps({**raw_release(), "metadata": []}).encode(), "not_a_notebook", "not nbformat 4"),
    "cell-metadata-null": (with_raw(raw_release(), lambda r, m: r["cells"][3].update(metadata=m), "null"),
                           "not_a_notebook", "not nbformat 4"),
    "lone-surrogate-in-answer": (with_raw(raw_release(), lambda r, m: first_answer(r).update(source=m),
                                          '"x = \\ud800"'), "unprocessable", "bad text"),
    "future-cell-type": (json.dumps({**raw_release(), "nbformat_minor": 99, "cells": [
        *raw_release()["cells"], {"cell_type": "nuevo", "metadata": {}, "source": "x"}]}).encode(),
        "unprocessable", "bad cells"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_its_reason_and_the_classmate_is_graded(tmp_path, name):
    content, reason, why = HOSTILE[name]
    (tmp_path / "hostil").mkdir()
    (tmp_path / "hostil" / "00-conceptos.ipynb").write_bytes(content)
    write(submissions.solved(ROOT, "00-conceptos"), tmp_path / "honesta" / "00-conceptos.ipynb")
    tasks, [r] = intake.collect(tmp_path, RELEASES)
    assert [(t.student, t.slug) for t in tasks] == [("honesta", "00-conceptos")]
    assert (r.student, r.slug, r.reason) == ("hostil", "00-conceptos", reason)
    assert {**intake.NOT_A_NOTEBOOK, **intake.TROUBLE}[why] in r.message_es
    assert why in r.console and "\n" not in r.console and len(r.console) < 600
    assert r.message_es.startswith("«00-conceptos.ipynb»") and r.message_es.endswith(".")


def test_the_normalised_notebook_rides_on_the_task():
    """What is graded is normalised at intake, so a failure there refuses that file alone."""
    tasks, _ = intake.collect(ROOT / "examples" / "submissions", RELEASES)
    assert tasks
    for t in tasks:
        expected = intake.normalise(intake.load(t.path)[0], release(t.slug))
        assert t.notebook == expected


def test_nesting_up_to_the_limit_and_the_longest_integer_are_accepted(tmp_path):
    raw = raw_release(SLUG)
    # root, cells, the cell, metadata: 4 levels; the value under "k" makes up the rest of the limit
    raw["cells"].append({"cell_type": "markdown", "metadata": {"k": "@@RAW@@", "n": "@@NUM@@"}, "source": "Mis notas"})
    template = json.dumps(raw).replace('"@@NUM@@"', "-" + "9" * intake.MAX_DIGITS)
    text = template.replace('"@@RAW@@"', deep(intake.MAX_DEPTH - 4))
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / f"{SLUG}.ipynb").write_text(text, encoding="utf-8")
    [task], refusals = intake.collect(tmp_path, RELEASES)
    assert refusals == []
    added = task.notebook.cells[-1]
    assert added.source == "Mis notas" and "k" in added.metadata and added.metadata["n"] == -(10**intake.MAX_DIGITS - 1)
    nbformat.validate(task.notebook)
    nbformat.writes(task.notebook).encode("utf-8")
    (tmp_path / "ana" / f"{SLUG}.ipynb").write_text(template.replace('"@@RAW@@"', deep(intake.MAX_DEPTH - 3)),
                                                     encoding="utf-8")
    assert [r.console for r in intake.collect(tmp_path, RELEASES)[1]] == [
        f"[intake] refused {str(tmp_path / 'ana' / f'{SLUG}.ipynb')!r}: not a notebook (too deep)"]


def two_students(tmp_path) -> Path:
    write(submissions.solved(ROOT, SLUG), tmp_path / "ana" / f"{SLUG}.ipynb")
    write(submissions.solved(ROOT, SLUG), tmp_path / "bea" / f"{SLUG}.ipynb")
    return tmp_path


def test_memory_exhausted_while_reading_refuses_that_file_only(tmp_path, monkeypatch):
    real = json.loads
    nb = submissions.solved(ROOT, SLUG)
    nb.metadata["bea"] = True
    write(nb, two_students(tmp_path) / "bea" / f"{SLUG}.ipynb")

    def loads(text, *args, **kwargs):
        if '"bea": true' in text:
            raise MemoryError()
        return real(text, *args, **kwargs)

    monkeypatch.setattr(intake.json, "loads", loads)
    [task], [r] = intake.collect(tmp_path, RELEASES)
    assert task.student == "ana" and (r.student, r.reason) == ("bea", "not_a_notebook")
    assert intake.NOT_A_NOTEBOOK["out of memory"] in r.message_es and "out of memory" in r.console


@pytest.mark.parametrize("error, key", [(RecursionError("maximum recursion depth exceeded"), "too deep"),
                                        (MemoryError(), "out of memory"),
                                        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates"), "bad text"),
                                        (ZeroDivisionError("division by zero"), "unexpected"),
                                        (KeyError("grade_id"), "unexpected")])
def test_a_failure_while_normalising_refuses_that_file_only(tmp_path, monkeypatch, error, key):
    real = intake.normalise
    monkeypatch.setattr(intake, "normalise", lambda nb, rel: (_ for _ in ()).throw(error)
                        if nb.metadata.get("bea") else real(nb, rel))
    nb = submissions.solved(ROOT, SLUG)
    nb.metadata["bea"] = True
    write(nb, two_students(tmp_path) / "bea" / f"{SLUG}.ipynb")
    [task], [r] = intake.collect(tmp_path, RELEASES)
    assert task.student == "ana" and task.notebook is not None
    assert (r.student, r.slug, r.reason) == ("bea", SLUG, "unprocessable")
    assert intake.TROUBLE[key] in r.message_es and type(error).__name__ in r.console and key in r.console
    assert "\n" not in r.console


def test_anything_unexpected_while_reading_refuses_that_file_with_the_cause_on_the_console(tmp_path, monkeypatch):
    real = intake.load
    monkeypatch.setattr(intake, "load", lambda path, *a: 1 / 0 if path.parent.name == "bea" else real(path, *a))
    [task], [r] = intake.collect(two_students(tmp_path), RELEASES)
    assert task.student == "ana"
    assert (r.student, r.reason) == ("bea", "unprocessable") and intake.TROUBLE["unexpected"] in r.message_es
    assert r.console.endswith("intake failed (unexpected): ZeroDivisionError: division by zero")


def test_an_interrupt_is_not_swallowed(tmp_path, monkeypatch):
    def load(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(intake, "load", load)
    with pytest.raises(KeyboardInterrupt):
        intake.collect(two_students(tmp_path), RELEASES)


def test_a_student_folder_that_cannot_be_read_is_refused(tmp_path, monkeypatch):
    real = Path.iterdir

    def iterdir(self):
        if self.name == "bea":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    [task], [r] = intake.collect(two_students(tmp_path), RELEASES)
    assert task.student == "ana" and (r.student, r.slug, r.reason) == ("bea", "", "unreadable_folder")
    assert "«bea»" in r.message_es and "PermissionError" in r.console


def test_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    folder = os.fsencode(tmp_path) + b"/est\xffudiante"
    os.mkdir(folder)
    content = RELEASES[SLUG].read_bytes()
    for name in (f"{SLUG}.ipynb".encode(), b"tarea\x07\xfe.ipynb"):
        with open(folder + b"/" + name, "wb") as f:
            f.write(content)
    [task], [r] = intake.collect(tmp_path, RELEASES)
    for text in (task.student, r.student, r.message_es):
        text.encode("utf-8")
        assert "\x07" not in text
    assert task.student == r.student == "est\\udcffudiante" and r.reason == "unknown_file"
    assert "«tarea\\x07\\udcfe.ipynb»" in r.message_es
