"""Shared fixtures: the kit is proved on submissions made from its own release.

Grading is the slow part, so every submission the tests need is graded once per engine, in one
`taller grade` run per engine, and the tests read the resulting rows.

Variants (tests/variants/<slug>.py) are packed: variants that touch different questions go into
one submission, and the expected result of the pack is the union of what each loses. Set
TALLER_FULL_MATRIX=1 to grade every variant alone instead (slower, same assertions).
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from taller import build, grade, masters, submissions

ROOT = Path(__file__).resolve().parents[1]
SLUGS = sorted(masters.find_masters(ROOT))
ENGINES = ("nbgrader", "otter")  # the full matrix; the taller engine has fixtures of its own
TALLER_SEED = 20261128  # fixed here so that a failure can be replayed; taller grade picks one at random
FULL_MATRIX = os.environ.get("TALLER_FULL_MATRIX") == "1"
# A crashing first answer cell is the harness's business, not an exercise's: two light exercises
# prove it (each TensorFlow notebook graded costs about half a minute per engine).
CRASH_SLUGS = SLUGS[:2]


def questions_of(slug: str) -> list[masters.Question]:
    return masters.questions(masters.read(ROOT / "source" / slug / f"{slug}.ipynb"))


def touched(slug: str, variant: dict) -> set[str]:
    """Questions a variant's cells belong to, plus the ones it is expected to lose."""
    owner = {sid: q.grade_id for q in questions_of(slug) for sid in q.solution_ids}
    return {owner.get(cell, cell) for cell in variant["cells"]} | set(variant["lost"])


def packs(slug: str) -> list[list[dict]]:
    """Group variants so that no two in a group touch the same question."""
    groups: list[tuple[set[str], list[dict]]] = []
    for v in submissions.variants(ROOT, slug):
        t = touched(slug, v)
        for used, members in groups:
            if not FULL_MATRIX and not used & t:
                used |= t
                members.append(v)
                break
        else:
            groups.append((set(t), [v]))
    return [members for _, members in groups]


def variant_cases() -> list[tuple[str, str, list[dict]]]:
    """(slug, submission name, variants in it) for every pack of every exercise."""
    return [(slug, f"variantes-{i:02d}", group) for slug in SLUGS for i, group in enumerate(packs(slug))]


def secret_lines(slug: str) -> set[str]:
    """Lines of a master's hidden tests and reference answers that students must never see."""
    return masters.secret_lines(masters.read(ROOT / "source" / slug / f"{slug}.ipynb"))


def plain_text(page: str) -> str:
    """The text a browser shows of an HTML page: styles, scripts and tags (syntax highlighting
    included) removed, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def class_folder(tmp_path_factory) -> Path:
    """SUBMISSIONS/<student>/<slug>.ipynb: solutions/ as it is committed, the untouched release, the
variant packs, and (for CRASH_SLUGS) one whose first answer cell crashes.

The release answered like the reference is not graded on its own: every variant pack is that
notebook with a few cells changed, and the questions a pack does not touch must keep full marks."""
    folder = tmp_path_factory.mktemp("entregas")
    for slug in SLUGS:
        if slug in CRASH_SLUGS:
            master = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
            build.write_notebook(submissions.solved(ROOT, slug, submissions.crashing_changes(master)),
                                 folder / "con-errata" / f"{slug}.ipynb")
        for student, view in (("sin-empezar", "release"), ("solucion-publicada", "solutions")):
            (folder / student).mkdir(exist_ok=True)
            shutil.copy(ROOT / view / slug / f"{slug}.ipynb", folder / student / f"{slug}.ipynb")
    for slug, name, group in variant_cases():
        changes = {cell: src for v in group for cell, src in v["cells"].items()}
        build.write_notebook(submissions.solved(ROOT, slug, changes), folder / name / f"{slug}.ipynb")
    return folder


def read_grades(path: Path) -> dict[tuple[str, str, str], dict]:
    with open(path, encoding="utf-8") as f:
        return {(r["student"], r["notebook"], r["question"]): r for r in csv.DictReader(f)}


def grade_with_both_engines(folder: Path, out_root: Path, engines=ENGINES, **limits) -> dict[str, dict]:
    """Grade a class folder with each engine at once (each run uses 2 workers); read the rows."""
    def run(engine):
        out = out_root / engine
        grade.grade(ROOT, folder, engine, out, jobs=2, log=lambda *_: None, seed=TALLER_SEED, **limits)
        return engine, {"rows": read_grades(out / "grades.csv"), "out": out}

    with ThreadPoolExecutor(max_workers=len(engines)) as pool:
        return dict(pool.map(run, engines))


@pytest.fixture(scope="session")
def graded_by_every_engine(class_folder, tmp_path_factory) -> dict[str, dict]:
    """The class graded by the three engines at once, each with 2 workers: one engine alone leaves
    the cores idle while its kernels start and stop, three side by side keep them busy."""
    before = digest(class_folder)
    result = grade_with_both_engines(class_folder, tmp_path_factory.mktemp("notas"), engines=(*ENGINES, "taller"),
                                     cell_timeout=120, total_timeout=900)
    result["submissions_unchanged"] = digest(class_folder) == before
    return result


@pytest.fixture(scope="session")
def graded(graded_by_every_engine) -> dict[str, dict]:
    """engine -> {"rows": {(student, notebook, question): row}, "out": folder} for nbgrader and otter;
    plus whether the submissions were left untouched."""
    return {**{e: graded_by_every_engine[e] for e in ENGINES},
            "submissions_unchanged": graded_by_every_engine["submissions_unchanged"]}


@pytest.fixture(scope="session")
def graded_taller(graded_by_every_engine) -> dict:
    """The same submissions graded with the taller engine."""
    return {**graded_by_every_engine["taller"], "submissions_unchanged": graded_by_every_engine["submissions_unchanged"]}


def small_class(folder: Path, slug: str, students: list[str]) -> Path:
    """A class of different notebooks of one exercise (each with a comment of the student's own, so no
    two are the same), every second one with its first answer wrong."""
    first, last = questions_of(slug)[0].solution_ids[0], questions_of(slug)[-1].solution_ids[0]
    given = {masters.nbgrader_meta(c).get("grade_id"): c.source
             for c in masters.read(ROOT / "solutions" / slug / f"{slug}.ipynb").cells}
    for i, student in enumerate(students):
        changes = {last: given[last] + f"\n# {student}\n"}
        if i % 2:
            changes[first] = "definiciones = {}\n" if slug == "00-conceptos" else "raise ValueError('mal')\n"
        build.write_notebook(submissions.solved(ROOT, slug, changes), folder / student / f"{slug}.ipynb")
    return folder
