"""One file, or one user, never stops or blocks a grading run.

- Hypothesis mutates the real notebooks (release/ and solutions/): keys deleted, values replaced by
  random JSON, deep nesting, long numbers or lone surrogates, types changed, cells added or swapped,
  bytes truncated or flipped. `intake.collect` (which also normalises) never raises, and the file
  ends either as a Task whose notebook validates, writes as UTF-8 and keeps the release's own cells,
  or as a Refusal with a named reason in Spanish.
- A class with hostile files goes through the whole driver with a stand-in engine (no kernel), and
  once through `taller grade --engine nbgrader`: the run completes and the honest classmate gets the
  grade it gets alone.
- Slots: lock folders are per user, so a root run leaves nothing that stops another user's run,
  and two slots held at once by one user never share a number.

Bounded and deterministic: derandomised Hypothesis, no example database, about a minute in all.
"""

from __future__ import annotations

import atexit
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ROOT, plain_text, questions_of, read_grades
from taller import build, engines, grade, intake, masters, sandbox, submissions
from taller.verdicts import RunResult, Verdict

SLUGS = sorted(masters.find_masters(ROOT))
# The releases as they are now, copied: intake and the checks see the same ones even if release/ is
# rebuilt while the tests run.
FROZEN = Path(tempfile.mkdtemp(prefix="taller-fuzz-releases-"))
atexit.register(shutil.rmtree, FROZEN, True)
RELEASES = {slug: Path(shutil.copy(ROOT / "release" / slug / f"{slug}.ipynb", FROZEN / f"{slug}.ipynb"))
            for slug in SLUGS}
RELEASE_NBS = {slug: masters.read(path) for slug, path in RELEASES.items()}
SEEDS = [(slug, path.read_text(encoding="utf-8")) for slug in SLUGS
         for path in (RELEASES[slug], ROOT / "solutions" / slug / f"{slug}.ipynb")]
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SPANISH_WHY = {"not_a_notebook": intake.NOT_A_NOTEBOOK, "unprocessable": intake.TROUBLE}


def deep(depth: int, kind: str = "list") -> str:
    return "[" * depth + "]" * depth if kind == "list" else '{"a": ' * depth + "0" + "}" * depth


# JSON text that json.dumps cannot make (too deep, too long) or that is hostile as it is.
RAW = st.one_of(
    st.builds(deep, st.sampled_from([intake.MAX_DEPTH - 6, intake.MAX_DEPTH - 3, intake.MAX_DEPTH,
                                     intake.MAX_DEPTH + 1, 300, 1000, 5000, 100000]),
              st.sampled_from(["list", "dict"])),
    st.sampled_from(["9" * intake.MAX_DIGITS, "9" * (intake.MAX_DIGITS + 1), "-" + "1" * 100000,
                     "1" * 100000 + ".5", "1e999", "-1e999", "NaN", "Infinity", '"\\ud800"', '"x = \\udfff"',
                     '"\\u0000"', "[" + ", ".join(['"x"'] * 2000) + "]", '["raise NotImplementedError()"]',
                     '["a", ["b"]]', "[1, 2]", "{}", "[]", '""', "true", "0", "-1"]),
)
LEAVES = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats()
          | st.text(max_size=20) | st.sampled_from(["code", "markdown", "raw", "### BEGIN SOLUTION", "cc-forward"]))
JSON = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
# Values a real notebook could hold in a cell's fields: the notebook often stays valid, and normalise
# has to cope with what the student did (ids swapped, answers moved, stubs, grade_ids of other cells).
PLAUSIBLE = (st.text(max_size=30) | st.lists(st.text(max_size=10), max_size=3)
             | st.sampled_from(["code", "markdown", "raw", "cc-forward", "cc-tasa", "raise NotImplementedError()",
                                "# ESCRIBE TU CÓDIGO AQUÍ", True, False, 1, 0, None])
             | st.builds(dict) | st.builds(list))  # fresh ones: a mutation must not change a shared {}
STUBS = st.sampled_from(["raise NotImplementedError()", "# ESCRIBE TU CÓDIGO AQUÍ", "", "### BEGIN SOLUTION"])
NBGRADER_FIELDS = ["grade_id", "solution", "grade", "points", "locked", "schema_version", "task"]
CELL_FIELDS = ["id", "cell_type", "source", "metadata", "outputs", "execution_count", "attachments"]


class Mutator:
    """Mutations of one parsed notebook, drawn from Hypothesis' `data`; raw JSON text goes in as
    placeholders that `text()` replaces."""

    def __init__(self, data, tree):
        self.data, self.tree, self.raws = data, tree, []

    def draw(self, strategy):
        return self.data.draw(strategy)

    def value(self):
        kind = self.draw(st.sampled_from(["plausible", "plausible", "json", "raw"]))
        if kind != "raw":
            return self.draw(PLAUSIBLE if kind == "plausible" else JSON)
        self.raws.append(self.draw(RAW))
        return f"@@RAW-{len(self.raws) - 1}@@"

    def pick(self):
        """(container, key) reached by a random walk from the root, or None."""
        parent, key, node = None, None, self.tree
        while isinstance(node, (dict, list)) and node:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, self.draw(st.sampled_from(keys))
            node = node[key]
            if self.draw(st.integers(0, 4)) == 0:
                break
        return None if parent is None else (parent, key)

    def cell(self):
        cells = self.tree.get("cells") if isinstance(self.tree, dict) else None
        if isinstance(cells, list) and cells:
            cell = cells[self.draw(st.integers(0, len(cells) - 1))]
            return cell if isinstance(cell, dict) else None
        return None

    def retyped(self, value):
        how = self.draw(st.sampled_from(["list", "str", "int", "dict", "null", "join", "float"]))
        if how == "join" and isinstance(value, list):
            return "".join(map(str, value))
        return {"list": [value], "str": json.dumps(value), "int": 1, "dict": {"v": value}, "null": None,
                "join": value, "float": 1.5}[how]

    def mutate(self) -> str:
        # Weighted towards the cells, where a notebook can stay valid and still be hostile to normalise.
        op = self.draw(st.sampled_from(["delete", "replace", "retype", "insert", "nbgrader", "nbgrader", "nbgrader",
                                        "cell", "cell", "cell", "swap", "swap"]))
        if op in ("nbgrader", "cell"):
            cell = self.cell()
            if cell is None:
                return op
            if op == "nbgrader":
                meta = cell.setdefault("metadata", {}) if isinstance(cell.get("metadata", {}), dict) else {}
                target = meta.setdefault("nbgrader", {}) if isinstance(meta.get("nbgrader", {}), dict) else {}
                fields = NBGRADER_FIELDS
            else:
                target, fields = cell, CELL_FIELDS
            name = self.draw(st.sampled_from(fields))
            if self.draw(st.integers(0, 3)) == 0:
                target.pop(name, None)
            else:
                target[name] = self.value()
            return op
        if op == "swap":
            cells = self.tree.get("cells") if isinstance(self.tree, dict) else None
            if isinstance(cells, list) and cells:
                i, j = (self.draw(st.integers(0, len(cells) - 1)) for _ in range(2))
                if self.draw(st.booleans()):
                    cells[i], cells[j] = cells[j], cells[i]
                else:
                    cells.insert(j, json.loads(json.dumps(cells[i])))  # a duplicated cell
            return op
        picked = self.pick()
        if picked is None:
            return op
        parent, key = picked
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = self.value()
        elif op == "retype":
            parent[key] = self.retyped(parent[key])
        elif isinstance(parent, list):
            parent.insert(key, self.value())
        else:
            parent[self.draw(st.text(max_size=8))] = self.value()
        return op

    def text(self) -> bytes:
        text = json.dumps(self.tree, ensure_ascii=self.draw(st.booleans()), allow_nan=True)
        for i, raw in enumerate(self.raws):
            text = text.replace(f'"@@RAW-{i}@@"', raw)
        return text.encode("utf-8", "surrogatepass")


def mangle_bytes(data, content: bytes) -> bytes:
    how = data.draw(st.sampled_from(["none"] * 5 + ["truncate", "flip", "insert"]))
    if how == "truncate":
        return content[:data.draw(st.integers(0, len(content)))]
    if how == "flip":
        content = bytearray(content)
        for _ in range(data.draw(st.integers(1, 3))):
            content[data.draw(st.integers(0, len(content) - 1))] ^= data.draw(st.integers(1, 255))
        return bytes(content)
    if how == "insert":
        at = data.draw(st.integers(0, len(content)))
        return content[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf"])) \
            + content[at:]
    return content


def check_outcome(folder: Path, path: Path, slug: str) -> str:
    """collect must give exactly one Task or one Refusal for the one file, each sound; returns which."""
    tasks, refusals = intake.collect(folder, RELEASES)
    assert len(tasks) + len(refusals) == 1
    if tasks:
        [task] = tasks
        assert (task.student, task.slug, task.path) == ("ana", slug, path)
        nb, release = task.notebook, RELEASE_NBS[slug]
        nbformat.validate(nb)
        nbformat.writes(nb).encode("utf-8")  # what the engines write
        assert nb.metadata == release.metadata and nb.nbformat_minor == release.nbformat_minor
        kept = [c for c in nb.cells if not c.id.startswith("extra-")]
        assert [(c.id, c.cell_type, c.metadata) for c in kept] == [(c.id, c.cell_type, c.metadata)
                                                                   for c in release.cells]
        assert [c.source for c in kept if not intake.is_answer(c)] == [c.source for c in release.cells
                                                                       if not intake.is_answer(c)]
        return "accepted"
    [r] = refusals
    assert (r.student, r.path) == ("ana", path) and r.reason in intake.MESSAGES
    assert_spanish(r)
    assert "(unexpected)" not in r.console, f"an unnamed failure reached the last guard: {r.console}"
    return f"refused {r.reason}: {r.console.rsplit(': ', 1)[-1]}"


def assert_spanish(r: intake.Refusal) -> None:
    assert r.message_es.strip() and f"«{r.path.name}»" in r.message_es and r.message_es.endswith(".")
    assert "{" not in r.message_es and r.reason not in r.message_es
    if r.reason in SPANISH_WHY:
        assert any(why in r.message_es for why in SPANISH_WHY[r.reason].values())
    assert "\n" not in r.console and str(r.path) in r.console


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="taller-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def fresh_folder(scratch: Path) -> Path:
    shutil.rmtree(scratch / "entregas", ignore_errors=True)
    (scratch / "entregas" / "ana").mkdir(parents=True)
    return scratch / "entregas"


@FUZZ
@given(data=st.data())
def test_a_mutated_notebook_is_graded_or_refused_never_raises(scratch, data):
    slug, seed = data.draw(st.sampled_from(SEEDS))
    mutator = Mutator(data, json.loads(seed))
    for _ in range(data.draw(st.integers(1, 3))):
        event(f"mutation {mutator.mutate()}")
    content = mangle_bytes(data, mutator.text())
    folder = fresh_folder(scratch)
    path = folder / "ana" / f"{slug}.ipynb"
    path.write_bytes(content)
    event(check_outcome(folder, path, slug))


VALID_ID = st.from_regex(r"[a-zA-Z0-9_-]{1,20}", fullmatch=True)


def student_edit(data, nb: dict) -> str:
    """One edit a student (or Colab, or a copy and paste) could make that keeps the notebook valid
    JSON of nbformat 4, mostly valid nbformat too: what normalise has to cope with."""
    cells = nb["cells"]
    op = data.draw(st.sampled_from(["source", "id", "grade_id", "flags", "swap", "duplicate", "delete", "add",
                                    "type", "strip", "kernel"]))
    if not cells and op not in ("add", "strip", "kernel"):
        return "none"
    cell = cells[data.draw(st.integers(0, len(cells) - 1))] if cells else None
    others = [c.get("id") for c in cells if c.get("id")] + [
        c["metadata"]["nbgrader"]["grade_id"] for c in cells if "grade_id" in c["metadata"].get("nbgrader", {})]
    if op == "source":
        cell["source"] = data.draw(st.text(max_size=30) | st.lists(st.text(max_size=10)) | STUBS
                                   | st.just("x = '\ud800'"))  # a lone surrogate, as a JSON escape gives
    elif op == "id":
        if data.draw(st.booleans()) or not others:
            cell["id"] = data.draw(VALID_ID)
        else:
            cell["id"] = data.draw(st.sampled_from(others))
    elif op == "grade_id":
        meta = cell["metadata"].setdefault("nbgrader", {})
        meta["grade_id"] = data.draw(st.sampled_from(others) if others and data.draw(st.booleans()) else VALID_ID)
    elif op == "flags":
        meta = cell["metadata"].setdefault("nbgrader", {})
        meta[data.draw(st.sampled_from(["solution", "grade", "locked"]))] = data.draw(st.booleans())
    elif op == "swap":
        i, j = (data.draw(st.integers(0, len(cells) - 1)) for _ in range(2))
        cells[i], cells[j] = cells[j], cells[i]
    elif op == "duplicate":
        cells.insert(data.draw(st.integers(0, len(cells))), json.loads(json.dumps(cell)))
    elif op == "delete":
        cells.remove(cell)
    elif op == "add":
        kind = data.draw(st.sampled_from(["code", "markdown"]))
        new = {"cell_type": kind, "metadata": {}, "source": data.draw(st.text(max_size=20))}
        if kind == "code":
            new.update(outputs=[], execution_count=None)
        if nb.get("nbformat_minor", 0) >= 5:
            new["id"] = data.draw(VALID_ID)
        cells.insert(data.draw(st.integers(0, len(cells))), new)
    elif op == "type":
        if cell["cell_type"] == "code":
            cell.pop("outputs", None), cell.pop("execution_count", None)
            cell["cell_type"] = "markdown"
        else:
            cell.pop("attachments", None)
            cell.update(cell_type="code", outputs=[], execution_count=None)
    elif op == "strip":  # a notebook pasted cell by cell: no nbgrader metadata, maybe nbformat 4.4 without ids
        without_ids = data.draw(st.booleans())
        for c in cells:
            c["metadata"].pop("nbgrader", None)
            if without_ids:
                c.pop("id", None)
        if without_ids:
            nb["nbformat_minor"] = 4
    else:
        nb["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    return op


@FUZZ
@given(data=st.data())
def test_a_notebook_edited_as_a_student_could_is_graded_or_refused(scratch, data):
    slug, seed = data.draw(st.sampled_from(SEEDS))
    nb = json.loads(seed)
    for _ in range(data.draw(st.integers(1, 6))):
        event(f"edit {student_edit(data, nb)}")
    folder = fresh_folder(scratch)
    path = folder / "ana" / f"{slug}.ipynb"
    path.write_bytes(json.dumps(nb, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass"))
    event(check_outcome(folder, path, slug))


@settings(FUZZ, max_examples=100)
@given(content=st.one_of(st.binary(max_size=300), JSON.map(lambda v: json.dumps(v).encode()),
                         st.fixed_dictionaries({"nbformat": JSON, "nbformat_minor": JSON, "metadata": JSON,
                                                "cells": st.lists(JSON, max_size=3)}).map(
                             lambda v: json.dumps(v).encode())))
def test_arbitrary_bytes_and_json_are_graded_or_refused(scratch, content):
    folder = fresh_folder(scratch)
    path = folder / "ana" / "00-conceptos.ipynb"
    path.write_bytes(content)
    event(check_outcome(folder, path, "00-conceptos"))


def test_the_releases_are_not_changed_by_the_fuzzing():
    assert RELEASE_NBS == {slug: masters.read(path) for slug, path in RELEASES.items()}


# --- a class with hostile files, through the driver ---------------------------------------------

DEEP_2KB = (b'{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"x": ' + deep(1000).encode() + b"}}")
SLUG = "00-conceptos"


def honest(slug: str = SLUG):
    """A classmate who got some questions wrong: a grade that is neither 0 nor full."""
    changes, lost = submissions.partly_wrong_changes(ROOT, slug)
    assert lost
    return submissions.solved(ROOT, slug, changes)


def hostile_class(folder: Path) -> dict[str, str]:
    """SUBMISSIONS with two honest students and hostile files; returns student -> expected reason."""
    build.write_notebook(honest(), folder / "honesta" / f"{SLUG}.ipynb")
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "perfecta" / f"Copia de {SLUG}.ipynb")
    raw = json.loads(RELEASES[SLUG].read_text(encoding="utf-8"))
    answer = next(c for c in raw["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    answer["source"] = "@@"
    files = {
        "profunda": (DEEP_2KB, "too deep"),
        "numero": (json.dumps({**raw, "metadata": "@@"}).replace('"@@"', "1" * 100000, 1).encode(), "number too long"),
        "bytes": (RELEASES[SLUG].read_bytes().replace(b"Pregunta", b"Pregunta\xff", 1), "not UTF-8"),
        "lista": (b"[]", "not nbformat 4"),
        "celdas": (json.dumps({**raw, "cells": [1, 2]}).encode(), "not nbformat 4"),
        "fuente": (json.dumps(raw).replace('"@@"', deep(3000)).encode(), "too deep"),
        "sustituto": (json.dumps(raw).replace('"@@"', '"\\udc80"').encode(), "bad text"),
    }
    breaks = submissions.solved(ROOT, SLUG)
    breaks.metadata["rompe"] = True  # normalise raises RecursionError on it (monkeypatched in the test)
    files["normalizar"] = (nbformat.writes(breaks).encode(), "too deep")
    for student, (content, _) in files.items():
        (folder / student).mkdir(parents=True)
        (folder / student / f"{SLUG}.ipynb").write_bytes(content)
    return {student: why for student, (_, why) in files.items()}


def test_hostile_files_are_refused_and_the_class_is_graded_without_a_kernel(tmp_path, monkeypatch):
    """The whole driver with a stand-in engine: each hostile file gets its page and one console line,
    the run completes, and the engine gets exactly the honest notebooks, normalised."""
    folder = tmp_path / "entregas"
    reasons = hostile_class(folder)
    # Names that are not UTF-8 (kept by the file system as lone surrogates): shown escaped everywhere.
    odd = os.fsencode(folder) + b"/est\xffudiante"
    os.mkdir(odd)
    for name in (f"{SLUG}.ipynb".encode(), b"tarea\xfe.ipynb"):
        with open(odd + b"/" + name, "wb") as f:
            f.write(RELEASES[SLUG].read_bytes())
    with open(os.fsencode(folder) + b"/\xff.ipynb", "wb") as f:
        f.write(RELEASES[SLUG].read_bytes())
    questions = questions_of(SLUG)
    received = []

    def fake_grade(prepared, slug, notebook, *args, **kwargs):
        received.append(nbformat.writes(notebook))
        return RunResult(verdicts={q.grade_id: Verdict(q.points, q.points) for q in questions}, seconds=0.01)

    monkeypatch.setitem(engines.ENGINES, "nbgrader", engines.Engine(lambda *a: tmp_path, fake_grade))
    real = intake.normalise

    def normalise(nb, release):
        if nb.metadata.get("rompe"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(nb, release)

    monkeypatch.setattr(intake, "normalise", normalise)
    lines = []
    out = tmp_path / "notas"
    table = grade.grade(ROOT, tmp_path / "entregas", "nbgrader", out, jobs=2, isolate=False, log=lines.append, seed=1)
    assert (out / "grades.csv").is_file()
    assert {r["student"] for r in table} == {"honesta", "perfecta", "est\\udcffudiante"}
    assert (table.refused, table.failed) == (len(reasons) + 2, 0)
    assert lines[-1].startswith(f"[grade] 3 graded, {len(reasons) + 2} refused, 0 failed")
    for page in ("est\\udcffudiante/00-conceptos", "est\\udcffudiante/tarea\\udcfe", "\\udcff/\\udcff"):
        assert (out / "feedback" / f"{page}.html").is_file()
    for student, why in reasons.items():
        mine = [line for line in lines if f"/{student}/" in line]
        assert len(mine) == 1 and mine[0].startswith("[intake] refused") and f"({why})" in mine[0], mine
        page = plain_text((out / "feedback" / student / f"{SLUG}.html").read_text(encoding="utf-8"))
        assert f"{SLUG}.ipynb" in page and {**intake.NOT_A_NOTEBOOK, **intake.TROUBLE}[why] in page
    release = masters.read(ROOT / "release" / SLUG / f"{SLUG}.ipynb")
    expected = [nbformat.writes(real(intake.load(path)[0], release))
                for path in (folder / "honesta" / f"{SLUG}.ipynb", folder / "perfecta" / f"Copia de {SLUG}.ipynb")]
    assert sorted(received) == sorted([*expected, nbformat.writes(release)]) and expected[0] != expected[1]


def taller_grade(folder: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "taller", "grade", str(folder), "--engine", "nbgrader", "--out",
                             str(out), "--jobs", "1", "--seed", "1", "--cell-timeout", "120", "--timeout", "600"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_taller_grade_completes_with_a_deep_notebook_in_the_class(tmp_path):
    """The reviewer's case: a 2 KB notebook nested 1000 deep used to stop `taller grade` (exit 1, no
    grades.csv). Now it is refused on its page and the classmate's grade is the one it gets alone."""
    both, alone = tmp_path / "clase", tmp_path / "sola"
    build.write_notebook(honest(), both / "honesta" / f"{SLUG}.ipynb")
    build.write_notebook(honest(), alone / "honesta" / f"{SLUG}.ipynb")
    (both / "profunda").mkdir()
    (both / "profunda" / f"{SLUG}.ipynb").write_bytes(DEEP_2KB)
    runs = {name: taller_grade(folder, tmp_path / f"notas-{name}") for name, folder in (("clase", both), ("sola", alone))}
    logs = {name: proc.communicate(timeout=900)[0] for name, proc in runs.items()}
    assert runs["sola"].returncode == 0, logs["sola"]
    assert runs["clase"].returncode == 1, logs["clase"]  # something was not graded: the deep file
    assert "Traceback" not in logs["clase"] and "1 graded, 1 refused, 0 failed" in logs["clase"]
    refused = [line for line in logs["clase"].splitlines() if line.startswith("[intake] refused")]
    assert len(refused) == 1 and "profunda" in refused[0] and "(too deep)" in refused[0]
    out = tmp_path / "notas-clase"
    page = plain_text((out / "feedback" / "profunda" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert intake.NOT_A_NOTEBOOK["too deep"] in page
    with_class, by_itself = read_grades(out / "grades.csv"), read_grades(tmp_path / "notas-sola" / "grades.csv")
    assert {k[0] for k in with_class} == {"honesta", "profunda"}  # every student has a row, the refused one too
    assert [(r["status"], r["score"]) for k, r in with_class.items() if k[0] == "profunda"] == [("rechazada", "")]
    assert {k: r for k, r in with_class.items() if k[0] == "honesta"} == by_itself
    scores = [float(r["score"]) for r in by_itself.values()]
    maxima = [float(r["max_score"]) for r in by_itself.values()]
    assert 0 < sum(scores) < sum(maxima)


# --- slots: per-user lock folders ---------------------------------------------------------------


def in_child(task) -> dict:
    """Run task() in a forked child (which may change its uid); its JSON-able result or its error."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read)
            try:
                result = {"ok": task()}
            except Exception as exc:  # reported to the parent, which asserts on it
                result = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write, json.dumps(result).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as f:
        text = f.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def as_user(uid: int, gid: int, task):
    def run():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        return task()
    return run


@pytest.fixture
def shared_tmp(monkeypatch):
    """A temp folder shared by all users, like /tmp (sticky, world-writable), as the temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="taller-shared-", dir="/tmp"))
    os.chmod(folder, 0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def take_slot() -> dict:
    with sandbox.Slot() as number:
        folder = sandbox.Slot.folder()
        info = os.lstat(folder)
        return {"number": number, "folder": str(folder), "uid": info.st_uid, "mode": stat.S_IMODE(info.st_mode)}


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing to another user needs root")


@needs_root
def test_a_root_run_does_not_stop_another_users_run(shared_tmp):
    nobody = pwd.getpwnam("nobody")
    # What earlier root runs left in the shared temp folder: root's lock files, mode 0644.
    for number in range(64):
        (shared_tmp / f"taller-slot-{number}.lock").touch(mode=0o644)
    with sandbox.Slot() as root_slot:  # and a root run holding a slot right now
        child = in_child(as_user(nobody.pw_uid, nobody.pw_gid, take_slot))
    assert "ok" in child, child
    got = child["ok"]
    assert got["folder"] == str(shared_tmp / f"taller-{nobody.pw_uid}")
    assert (got["uid"], got["mode"]) == (nobody.pw_uid, 0o700)
    assert got["number"] == 0 and root_slot >= 0  # the user did not wait for root's slot


@needs_root
def test_a_lock_folder_made_by_another_user_is_refused(shared_tmp):
    nobody = pwd.getpwnam("nobody")
    (shared_tmp / f"taller-{nobody.pw_uid}").mkdir(mode=0o777)  # made first by root: not nobody's
    child = in_child(as_user(nobody.pw_uid, nobody.pw_gid, take_slot))
    assert "error" in child and child["error"].startswith("PermissionError") and "not a folder of" in child["error"]
    os.symlink(shared_tmp, shared_tmp / f"taller-{os.geteuid() + 12345}")
    child = in_child(as_user(os.geteuid() + 12345, os.geteuid() + 12345, take_slot))
    assert "error" in child and child["error"].startswith("PermissionError")


def test_slots_held_at_once_by_one_user_differ(shared_tmp):
    with sandbox.Slot() as first, sandbox.Slot() as second:
        assert first != second
        other_process = in_child(take_slot)["ok"]["number"]  # another run of the same user
        assert other_process not in (first, second)
    folder = sandbox.Slot.folder()
    assert os.lstat(folder).st_uid == os.geteuid() and stat.S_IMODE(os.lstat(folder).st_mode) == 0o700
