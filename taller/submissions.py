"""Making submissions from the release: a student who answered like the reference, one who left
everything untouched, and variants (known-wrong or known-right answers kept in tests/variants/).

Used by `taller build` for examples/submissions/ and by the test suite.
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

from . import masters


def reference_answers(master_nb) -> dict[str, str]:
    """grade_id -> what a student who answered like the reference has in that solution cell."""
    return {masters.nbgrader_meta(c)["grade_id"]: masters.strip_solution_markers(c.source)
            for c in master_nb.cells if masters.is_solution_cell(c)}


def with_answers(release_nb, answers: dict[str, str]):
    """A copy of the release notebook whose solution cells hold the given answers."""
    nb = copy.deepcopy(release_nb)
    unknown = set(answers) - {masters.nbgrader_meta(c).get("grade_id") for c in nb.cells}
    if unknown:
        raise KeyError(f"no solution cell with grade_id {sorted(unknown)}")
    for cell in nb.cells:
        grade_id = masters.nbgrader_meta(cell).get("grade_id")
        if masters.is_solution_cell(cell) and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def solved(root: Path, slug: str, changes: dict[str, str] | None = None):
    """The release notebook answered like the reference, then with `changes` applied."""
    master = masters.read(root / "source" / slug / f"{slug}.ipynb")
    release = masters.read(root / "release" / slug / f"{slug}.ipynb")
    return with_answers(release, {**reference_answers(master), **(changes or {})})


def variants(root: Path, slug: str) -> list[dict]:
    """The known-wrong and known-right answers kept beside the tests, if any."""
    path = root / "tests" / "variants" / f"{slug}.py"
    return list(runpy.run_path(str(path))["VARIANTS"]) if path.exists() else []


def partly_wrong_changes(root: Path, slug: str, how_many: int = 2) -> tuple[dict[str, str], list[str]]:
    """Cell changes of the first known-wrong variants that break different questions."""
    changes, lost = {}, []
    for v in variants(root, slug):
        if v["lost"] and not set(v["lost"]) & set(lost) and not set(v["cells"]) & set(changes):
            changes.update(v["cells"])
            lost += v["lost"]
            if len(lost) >= how_many:
                break
    return changes, lost


def crashing_changes(master_nb) -> dict[str, str]:
    """The first answer cell stops with an error before its answer (a typo, say)."""
    answers = reference_answers(master_nb)
    first = next(iter(answers))
    return {first: "resultado = variable_que_no_existe + 1  # una errata\n" + answers[first]}
