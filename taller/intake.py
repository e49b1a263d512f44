"""Which file of each student is graded for which exercise, and that file put onto the release.

`collect` decides, for SUBMISSIONS/<student>/<file>, which files are graded (Task) and which are
refused with a reason the student can read (Refusal). `normalise` rebuilds a student's notebook
from the release with only the student's answers (and added cells) in it, so that nbgrader and
otter grade the very same notebook whatever the student did to tests, ids or metadata.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import masters

MAX_BYTES = 20 * 1024 * 1024
NAME_RE = re.compile(r"^(?:(?i:copia de|copy of)\s+)?(?P<core>.+?)(?:\s*\(\d+\))?(?i:\.ipynb)$")


@dataclass
class Task:
    student: str
    slug: str
    path: Path
    source_name: str


@dataclass
class Refusal:
    student: str
    slug: str  # "" when the file maps to no exercise
    path: Path
    reason: str  # symlink, too_large, ambiguous, not_a_notebook, wrong_exercise, unknown_file, misplaced
    message_es: str
    console: str


def slug_of(name: str, slugs) -> str | None:
    """The exercise a file name stands for: <slug>.ipynb, 'Copia de'/'Copy of' and ' (n)' forms."""
    match = NAME_RE.match(name)
    return match["core"] if match and match["core"] in slugs else None


def grade_ids(nb) -> set[str]:
    return {gid for c in nb.cells if (gid := masters.nbgrader_meta(c).get("grade_id"))}


NOT_A_NOTEBOOK = {  # why a file is not a notebook: console words -> words for the student
    "unreadable": "no se ha podido leer", "empty": "está vacío", "not UTF-8": "no es texto UTF-8",
    "not JSON": "no es JSON", "not nbformat 4": "no tiene el formato de cuaderno nbformat 4",
    "bad nbgrader metadata": "sus metadatos de nbgrader están dañados",
}


def load(path: Path, max_bytes: int = MAX_BYTES):
    """(notebook, "") or (None, a key of NOT_A_NOTEBOOK); never follows a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError:
        return None, "unreadable"
    if not data.strip():
        return None, "empty"
    try:
        text = data.decode("utf-8")
        raw = json.loads(text)
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except ValueError:
        return None, "not JSON"
    if not (isinstance(raw, dict) and raw.get("nbformat") == 4 and isinstance(raw.get("nbformat_minor"), int)):
        return None, "not nbformat 4"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns when it adds missing cell ids
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except (ValueError, KeyError, TypeError, AttributeError, nbformat.ValidationError):
        return None, "not nbformat 4"
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not isinstance(meta, dict) or not isinstance(meta.get("grade_id", ""), str):
            return None, "bad nbgrader metadata"
    return nb, ""


MESSAGES = {  # reason -> what the student reads
    "symlink": "«{name}» es un enlace simbólico, no un archivo ni una carpeta: entrega el cuaderno en sí.",
    "misplaced": "«{name}» está suelto en la carpeta de entregas: cada estudiante entrega sus cuadernos "
                 "dentro de su propia carpeta.",
    "unknown_file": "«{name}» no corresponde a ningún ejercicio. Los nombres esperados son: {expected}.",
    "too_large": "«{name}» ocupa {size} MB y el máximo es {limit} MB. Borra las salidas de las celdas "
                 "(imágenes, tablas grandes) y vuelve a entregarlo.",
    "not_a_notebook": "«{name}» no es un cuaderno de Jupyter válido: {why}. Descárgalo de nuevo como "
                      ".ipynb desde Colab o Jupyter y vuelve a entregarlo.",
    "wrong_exercise": "«{name}» lleva el nombre del ejercicio {slug}, pero contiene el ejercicio {other}. "
                      "Entrega cada cuaderno con su propio nombre: este debería llamarse «{other}.ipynb».",
    "ambiguous": "Hay varios cuadernos del ejercicio {slug}: {names}. No se ha corregido ninguno: deja "
                 "solo uno, llamado «{slug}.ipynb».",
}


def refusal(student: str, slug: str, path: Path, reason: str, console: str, **words) -> Refusal:
    message = MESSAGES[reason].format(name=path.name, slug=slug, **words)
    return Refusal(student, slug, path, reason, message, f"[intake] refused {str(path)!r}: {console}")


def collect(submissions: Path, slugs: dict[str, Path], max_bytes: int = MAX_BYTES
            ) -> tuple[list[Task], list[Refusal]]:
    """Tasks and refusals for SUBMISSIONS/<student>/<file>, students sorted, then slugs sorted."""
    releases = {slug: grade_ids(masters.read(path)) for slug, path in slugs.items()}
    tasks, refusals = [], []
    for entry in sorted(p for p in submissions.iterdir() if not p.name.startswith(".")):
        if entry.is_symlink():
            refusals.append(refusal(entry.stem, "", entry, "symlink", "symlink, not followed"))
        elif not entry.is_dir():
            refusals.append(refusal(entry.stem, "", entry, "misplaced", "a file outside any student folder"))
        else:
            more_tasks, more_refusals = collect_student(entry, releases, max_bytes)
            tasks += more_tasks
            refusals += more_refusals
    return tasks, refusals


def collect_student(folder: Path, releases: dict[str, set[str]], max_bytes: int):
    """One student's tasks and refusals; `releases` maps slug -> the release's grade_ids."""
    student, found, refusals = folder.name, {}, []  # found: slug -> paths of its valid candidates
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(".") or not name.lower().endswith(".ipynb"):
            continue
        slug, info, refuse = slug_of(name, releases) or "", os.lstat(path), None
        if stat.S_ISLNK(info.st_mode):
            refuse = refusal(student, slug, path, "symlink", "symlink, not followed")
        elif not slug:
            refuse = refusal(student, "", path, "unknown_file", "name matches no exercise",
                             expected=", ".join(f"«{s}.ipynb»" for s in sorted(releases)))
        elif not stat.S_ISREG(info.st_mode):
            refuse = refusal(student, slug, path, "not_a_notebook", "not a regular file", why="no es un archivo")
        elif info.st_size > max_bytes:
            refuse = refusal(student, slug, path, "too_large", f"{info.st_size} bytes, over the {max_bytes} "
                             "byte limit", size=mib(info.st_size), limit=mib(max_bytes))
        else:
            nb, why = load(path, max_bytes)
            other = wrong_exercise(grade_ids(nb), slug, releases) if nb is not None else ""
            if nb is None:
                refuse = refusal(student, slug, path, "not_a_notebook", f"not a notebook ({why})",
                                 why=NOT_A_NOTEBOOK[why])
            elif other:
                refuse = refusal(student, slug, path, "wrong_exercise", f"holds exercise {other}, not {slug}",
                                 other=other)
            else:
                found.setdefault(slug, []).append(path)
        if refuse:
            refusals.append(refuse)
    tasks = []
    for slug, paths in sorted(found.items()):
        if len(paths) == 1:
            tasks.append(Task(student, slug, paths[0], paths[0].name))
            continue
        names = ", ".join(f"«{p.name}»" for p in paths)
        refusals += [refusal(student, slug, p, "ambiguous", f"one of {len(paths)} candidates for {slug}, "
                             "none graded", names=names) for p in paths]
    return tasks, refusals


def mib(size: int) -> str:
    return f"{size / 2**20:.1f}".replace(".", ",")


def wrong_exercise(ids: set[str], slug: str, releases: dict[str, set[str]]) -> str:
    """The other exercise a notebook's grade_ids belong to, or "" if it may be `slug`'s."""
    if ids & releases[slug]:
        return ""
    shared = sorted((-len(ids & gids), other) for other, gids in releases.items() if ids & gids)
    return shared[0][1] if shared else ""


def is_answer(cell) -> bool:
    """An answer cell: nbgrader solution true, code or markdown."""
    return bool(masters.nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    meta = masters.nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def normalise(student_nb, release_nb):
    """A new notebook: the release, with the student's answers and added cells put in it."""
    release, student = release_nb.cells, student_nb.cells
    answers = [i for i, c in enumerate(release) if is_answer(c)]
    fixed, keys = {}, {}  # source / grade_id or id of a release non-answer cell -> its index(es)
    for i, c in enumerate(release):
        if not is_answer(c):
            fixed.setdefault(c.source, []).append(i)
            for key in (masters.nbgrader_meta(c).get("grade_id"), c.get("id")):
                keys.setdefault(key, i)
    keys.pop(None, None)
    release_gids = grade_ids(release_nb)

    # Student index -> release index: answers by grade_id, then by cell id (first student cell wins).
    known = {}
    for key_of in (lambda c: masters.nbgrader_meta(c).get("grade_id"), lambda c: c.get("id")):
        first = {}
        for si, c in enumerate(student):
            first.setdefault(key_of(c), si)
        for ri in answers:
            si = first.get(key_of(release[ri]))
            if key_of(release[ri]) and si is not None and si not in known and ri not in known.values():
                known[si] = ri
    # Then the release's other cells, by grade_id or id, else by identical source.
    last = -1
    for si, c in enumerate(student):
        ids = [k for k in (masters.nbgrader_meta(c).get("grade_id"), c.get("id")) if k in keys]
        if si not in known and ids:
            known[si] = keys[ids[0]]
        elif si not in known and c.source in fixed:
            known[si] = next((i for i in fixed[c.source] if i > last), fixed[c.source][0])
        last = known.get(si, last)
    # Then, between the same known cells and by type: answers by position among the answer-like
    # cells; what is left stands for the release cells left there (edited tests, setup, prompts).
    has_meta = any("nbgrader" in c.get("metadata", {}) for c in student)
    bounds = [(-1, -1), *sorted(known.items()), (len(student), len(release))]
    for (s0, r0), (s1, r1) in zip(bounds, bounds[1:]):
        for kind in ("code", "markdown", "raw"):
            mine = [si for si in range(s0 + 1, s1) if student[si].cell_type == kind
                    and (is_answer(student[si]) or not has_meta) and not is_test(student[si])
                    and masters.nbgrader_meta(student[si]).get("grade_id") not in release_gids]
            theirs = [ri for ri in answers if r0 < ri < r1 and release[ri].cell_type == kind
                      and ri not in known.values()]
            known.update(zip(mine, theirs))
            rest = [si for si in range(s0 + 1, s1) if si not in known and student[si].cell_type == kind]
            edited = [ri for ri in range(r0 + 1, r1) if release[ri].cell_type == kind
                      and ri not in answers and ri not in known.values()]
            known.update(zip(rest, edited))

    nb = copy.deepcopy(release_nb)
    added, anchor = {}, -1  # release index -> cells the student added after it
    for si, c in enumerate(student):
        if si in known:
            anchor = known[si]
            if anchor in answers:
                nb.cells[anchor].source = c.source
        elif c.source.strip() and not is_test(c):  # blank cells are dropped
            added.setdefault(anchor, []).append(fresh(c))
    cells = added.get(-1, [])
    for ri, cell in enumerate(nb.cells):
        cells += [cell, *added.get(ri, [])]
    used, n = {c.get("id") for c in nb.cells}, 0
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "id" not in cell and nb.nbformat_minor >= 5:
            n += 1
            while f"extra-{n}" in used:
                n += 1
            cell.id = f"extra-{n}"
    nb.cells = cells
    return nb


def fresh(cell):
    """A copy of a cell the student added, without nbgrader/otter metadata and id."""
    cell = copy.deepcopy(cell)
    cell.pop("id", None)
    cell.metadata.pop("nbgrader", None)
    cell.metadata.pop("otter", None)
    return cell
