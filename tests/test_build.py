"""The generated views: reproducible, complete, and the student's copy gives nothing away."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SLUGS, digest, secret_lines
from taller import build, cli, masters

GENERATED = ("release", "solutions", "autograder", "examples")
CHECKS_PASSED = "✔ Comprobaciones visibles superadas. La nota final la deciden también pruebas ocultas."


def release_texts() -> dict[str, str]:
    return {str(p): p.read_text(encoding="utf-8", errors="replace")
            for p in (ROOT / "release").rglob("*") if p.is_file()}


def release_lines() -> dict[str, set[str]]:
    """Every stripped line a student gets: the cells of release notebooks, other files as they are."""
    lines = {}
    for path in (p for p in (ROOT / "release").rglob("*") if p.is_file()):
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        lines[str(path)] = {line.strip() for line in text.splitlines()}
    return lines


def test_there_are_exercises():
    assert "01-descenso-gradiente" in SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_every_view_exists(slug):
    assert (ROOT / "release" / slug / f"{slug}.ipynb").is_file()
    assert (ROOT / "solutions" / slug / f"{slug}.ipynb").is_file()
    assert (ROOT / "autograder" / f"{slug}.zip").is_file()


def test_release_has_no_markers_outputs_or_caches():
    for path, text in release_texts().items():
        for marker in (masters.BEGIN_SOLUTION, masters.END_SOLUTION, masters.BEGIN_HIDDEN, masters.END_HIDDEN):
            assert marker not in text, f"{marker} in {path}"
    for nb_path in (ROOT / "release").rglob("*.ipynb"):
        nb = nbformat.read(str(nb_path), as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"outputs in {nb_path}"
    junk = [p for p in (ROOT / "release").rglob("*") if p.name in (".ipynb_checkpoints", "__pycache__", "gradebook.db")]
    assert not junk


@pytest.mark.parametrize("slug", SLUGS)
def test_no_hidden_test_or_solution_line_reaches_the_release(slug):
    secret = secret_lines(slug)
    assert secret, "the master has hidden tests and reference answers"
    # Its own release, and any file in release/ that is not another exercise's notebook (another
    # master's visible checks may share a generic line such as `assert isinstance(_sal, (tuple, list))`).
    own = [(path, lines) for path, lines in release_lines().items()
           if not path.endswith(".ipynb") or Path(path).stem == slug]
    leaks = [(line, path) for path, lines in own for line in secret & lines]
    assert not leaks, f"secret lines in release/: {leaks[:5]}"


@pytest.mark.parametrize("slug", SLUGS)
def test_master_is_well_formed(slug):
    nb = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    ids = [masters.nbgrader_meta(c).get("grade_id") for c in nb.cells if masters.nbgrader_meta(c).get("grade_id")]
    assert len(ids) == len(set(ids)), "grade_id values must be unique"
    questions = masters.questions(nb)
    assert questions, "a master needs graded test cells"
    for q in questions:
        assert q.points > 0, f"{q.grade_id} has no points"
        assert q.solution_ids, f"{q.grade_id} grades no solution cell"
        assert any(hidden for hidden, _ in masters.split_hidden(q.source)), f"{q.grade_id} has no hidden tests"
        assert all(ord(ch) < 128 for ch in q.grade_id)
    for cell in nb.cells:
        if masters.is_solution_cell(cell):
            assert masters.BEGIN_SOLUTION in cell.source, f"{masters.nbgrader_meta(cell)['grade_id']} has no solution markers"


@pytest.mark.parametrize("slug", SLUGS)
def test_release_stubs_raise_not_implemented(slug):
    nb = masters.read(ROOT / "release" / slug / f"{slug}.ipynb")
    stubs = [c for c in nb.cells if masters.is_solution_cell(c)]
    assert stubs and all('raise NotImplementedError("Pregunta sin responder: escribe tu código' in c.source
                         for c in stubs)
    tests = [c for c in nb.cells if masters.is_test_cell(c)]
    assert all(c.metadata["otter"]["tests"] == [masters.nbgrader_meta(c)["grade_id"]] for c in tests)


@pytest.mark.parametrize("slug", SLUGS)
def test_autograder_zip_has_one_test_per_question(slug):
    master = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    with zipfile.ZipFile(ROOT / "autograder" / f"{slug}.zip") as z:
        names = set(z.namelist())
        assert {"run_autograder", "setup.sh", "otter_config.json", "environment.yml"} <= names
        for q in masters.questions(master):
            text = z.read(f"tests/{q.grade_id}.py").decode()
            assert f"points = {q.points!r}" in text and "all_or_nothing = True" in text
        assert {n for n in names if n.startswith("tests/")} == {f"tests/{q.grade_id}.py" for q in masters.questions(master)}


@pytest.mark.parametrize("slug", SLUGS)
def test_the_autograder_installs_the_locked_stack(slug):
    """The otter zip's environment pins every notebook library to its version in constraints.txt."""
    locked = dict(line.split("==", 1) for line in (ROOT / "constraints.txt").read_text().splitlines()
                  if "==" in line and not line.startswith("#"))
    with zipfile.ZipFile(ROOT / "autograder" / f"{slug}.zip") as z:
        environment = z.read("environment.yml").decode()
    pins = dict(re.findall(r"^\s*- ([A-Za-z][\w.-]*)==(\S+)$", environment, re.M))
    for package in build.AUTOGRADER_PACKAGES:
        assert pins.get(package) == locked[package], f"{package} in the otter zip: {pins.get(package)}"
    assert not re.search(r"^\s*- [A-Za-z][\w.-]*\s*[<>]", environment, re.M), "a version range in the otter zip"


def test_build_is_reproducible(tmp_path, capsys):
    """A fresh build from source/ (and the lock) alone gives the committed files byte for byte (and, with no
    repository set for the Colab badge, says how to get one)."""
    copy = tmp_path / "kit"
    copy.mkdir()
    for name in ("source", "tests", "nbgrader_config.py", "constraints.txt"):
        src = ROOT / name
        shutil.copytree(src, copy / name) if src.is_dir() else shutil.copy(src, copy / name)
    cwd = Path.cwd()
    os.chdir(copy)  # taller works on the course directory it is run in
    try:
        cli.main(["build"])
    finally:
        os.chdir(cwd)
    assert build.NO_BADGE in capsys.readouterr().out
    for name in GENERATED:
        assert digest(copy / name) == digest(ROOT / name), f"{name}/ differs from a fresh build: run `taller build`"


@pytest.mark.parametrize("slug", SLUGS)
def test_solution_shows_every_check_passing_and_keeps_its_figures(slug):
    """The executed solution shows the ✔ a student aims for under each test cell (and nothing the
    hidden part printed), and every figure the reference draws, as an inline PNG."""
    nb = nbformat.read(str(ROOT / "solutions" / slug / f"{slug}.ipynb"), as_version=4)
    for cell in nb.cells:
        if masters.is_test_cell(cell):
            kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
            assert kinds == [("stream", "stdout")], (masters.nbgrader_meta(cell)["grade_id"], kinds)
            assert cell.outputs[0].text.rstrip("\n").endswith(CHECKS_PASSED), cell.outputs[0].text
    draws = sum("plt.show()" in c.source for c in nb.cells if c.cell_type == "code")
    figures = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert figures >= draws, f"{draws} cells draw a figure, {figures} figures kept"


MENUS = {"Entorno de ejecución → Reiniciar sesión y ejecutar todo", "Kernel → Restart Kernel and Run All Cells…",
         "Archivo → Descargar → Descargar .ipynb", "File → Download"}


@pytest.mark.parametrize("slug", SLUGS)
def test_master_follows_the_kit_conventions(slug):
    """Question headings the feedback can quote, the same menu names everywhere, how to hand in, and
    TensorFlow told to be quiet before it is imported."""
    nb = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    for number, q in enumerate(masters.questions(nb), 1):
        m = masters.QUESTION_HEADING.match(q.heading)
        assert m, f"{q.grade_id}: heading {q.heading!r} is not '## Pregunta N · Título (P puntos)'"
        points = f"{q.points:g} punto" + ("" if q.points == 1 else "s")
        assert int(m[1]) == number and q.heading.endswith(f"({points})"), (q.grade_id, q.heading, number, points)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    menus = set(re.findall(r"\*([^*]*→[^*]*)\*", markdown))
    assert menus <= MENUS, f"menu names that differ from the other notebooks: {menus - MENUS}"
    hand_in = next((c.source for c in nb.cells if c.get("id") == "como-entregar"), "")
    assert all(menu in hand_in for menu in MENUS) and f"`{slug}.ipynb`" in hand_in
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(r"^(import|from) (keras|tensorflow)\b", cell.source, re.M):
            quiet = cell.source.find('os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")')
            first = re.search(r"^(import|from) (keras|tensorflow)\b", cell.source, re.M).start()
            assert 0 <= quiet < first, f"{cell.get('id')}: set TF_CPP_MIN_LOG_LEVEL before importing TensorFlow"
            break
