"""Which file of each student is graded for which exercise, and that file put onto the release.

`collect` decides, for SUBMISSIONS/<student>/<file>, which files are graded (Task) and which are
refused with a reason the student can read (Refusal). `normalise` rebuilds a student's notebook
from the release with only the student's answers (and added cells) in it, so that nbgrader and
otter grade the very same notebook whatever the student did to tests, ids or metadata.

A submission is hostile input: whatever one file holds (nesting 1000 deep, a number of 100000
digits, bytes that are not UTF-8, cells that are not objects, a notebook that exhausts memory),
`collect` refuses that file with a reason and goes on with the others; it never raises because of
a file's content. Normalisation runs inside `collect` too, so a notebook that cannot be put onto
the release is refused there, and every Task carries the notebook the engine will grade.

SUBMISSIONS may also be a Moodle or Canvas "download all submissions" archive, zipped or unpacked
(lms.py): its folders and file names give each file's student, and `submitted` its time. A zip is
read member by member into memory, bounded, and never extracted: members with unsafe paths, links,
or sizes or ratios of a zip bomb are refused one by one.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
import sys
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import lms, masters

MAX_BYTES = 20 * 1024 * 1024
# Deepest nesting of lists and objects a notebook may have. Real ones have 6 or 7 levels (widget
# state and JSON outputs a few more); 100 keeps every recursive step after the check (nbformat's
# reading and validation, copies, json.dumps) far from Python's recursion limit.
MAX_DEPTH = 100
MAX_DIGITS = 4300  # longest integer in the JSON (Python 3.11's own limit; 3.10 would take quadratic time)
NAME_RE = re.compile(r"^(?:(?i:copia de|copy of)\s+)?(?P<core>.+?)(?:\s*\(\d+\))?(?i:\.ipynb)$")


@dataclass
class Task:
    student: str  # the folder's name; from an LMS archive "<name>_<id>" (lms.py)
    slug: str
    path: Path  # the file; inside a zip, ARCHIVE/<member> (a name for messages, not a file to open)
    source_name: str  # the file's name as the student gave it
    notebook: object = field(default=None, repr=False, compare=False)  # normalised: what is graded
    submitted: str | None = None  # ISO 8601 UTC: the zip member's time, else the file's mtime (lms.py)
    student_id: str = ""  # Moodle participant id, Canvas user id ("" outside an LMS archive)
    student_name: str = ""  # readable name from the LMS's naming
    lms: str = ""  # "moodle", "canvas" or ""
    late: bool | None = None  # Canvas's own LATE marker; None where the LMS says nothing


@dataclass
class Refusal:
    student: str
    slug: str  # "" when the file maps to no exercise
    path: Path
    reason: str  # symlink, too_large, ambiguous, not_a_notebook, wrong_exercise, unknown_file, misplaced,
    #              unprocessable (normalising failed, or anything unexpected), unreadable_folder
    message_es: str
    console: str
    submitted: str | None = None  # as in Task
    student_id: str = ""
    student_name: str = ""
    lms: str = ""
    late: bool | None = None
    original: str = ""  # the file's name as the student gave it, when path's name is the LMS's

    @property
    def name(self) -> str:
        """The file's name as a page may show it (see `shown`)."""
        return shown(self.original or self.path.name)

    @property
    def page(self) -> str:
        """Name of the refusal's page: the exercise, else the file's name without .ipynb."""
        return self.slug or shown(self.path.stem)


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
    "too deep": f"tiene datos anidados a más de {MAX_DEPTH} niveles de profundidad",
    "number too long": f"contiene un número de más de {MAX_DIGITS} cifras",
    "out of memory": "no cabe en la memoria del corrector",
}

TROUBLE = {  # why a notebook could not be put onto the release or checked: console -> student
    "too deep": NOT_A_NOTEBOOK["too deep"], "out of memory": NOT_A_NOTEBOOK["out of memory"],
    "bad text": "contiene caracteres que no se pueden guardar como texto UTF-8",
    "bad cells": "sus celdas no forman un cuaderno válido al ponerlas en el del ejercicio",
    "unexpected": "ha provocado un error inesperado en el corrector",
}


class TooLong(ValueError):
    """An integer in the JSON longer than MAX_DIGITS."""


def bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise TooLong(f"an integer of {len(text)} digits")
    return int(text)


def depth_over(value, limit: int = MAX_DEPTH) -> bool:
    """True if lists and objects nest deeper than `limit` in `value` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def trouble(exc: BaseException) -> str:
    """The key of TROUBLE for an exception raised while reading or normalising one notebook."""
    if isinstance(exc, RecursionError):
        return "too deep"
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, UnicodeError):
        return "bad text"
    if isinstance(exc, nbformat.ValidationError):
        return "bad cells"
    return "unexpected"


def one_line(exc: BaseException, most: int = 200) -> str:
    """An exception for the console: its type and the start of its message, on one line."""
    text = " ".join(str(exc).split())
    text = text[:most] + "..." if len(text) > most else text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def shown(name: str) -> str:
    """A file or folder name as pages, CSV and console may show it: bytes that were not UTF-8
    (kept by the file system as lone surrogates) and control characters become escapes."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs") else c for c in name)


def load(path: Path, max_bytes: int = MAX_BYTES):
    """(notebook, "") or (None, a key of NOT_A_NOTEBOOK); never follows a symlink.

    What a hostile file can make the steps raise is caught here and named; anything else is left to
    the per-file guard in settle."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError:
        return None, "unreadable"
    except MemoryError:
        return None, "out of memory"
    return parse(data)


def parse(data: bytes):
    """load() for bytes already read."""
    if not data.strip():
        return None, "empty"
    try:
        text = data.decode("utf-8")
        raw = json.loads(text, parse_int=bounded_int)
    except UnicodeDecodeError:
        return None, "not UTF-8"
    except TooLong:
        return None, "number too long"
    except ValueError as exc:  # JSONDecodeError, or the interpreter's digit limit if set lower than ours
        return None, "not JSON" if isinstance(exc, json.JSONDecodeError) else "number too long"
    except RecursionError:  # nesting deeper than the interpreter's recursion limit
        return None, "too deep"
    except MemoryError:
        return None, "out of memory"
    if not (isinstance(raw, dict) and type(raw.get("nbformat")) is int and raw["nbformat"] == 4
            and type(raw.get("nbformat_minor")) is int):
        return None, "not nbformat 4"
    if depth_over(raw):
        return None, "too deep"
    del raw
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns when it adds missing cell ids
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, nbformat.ValidationError):
        return None, "not nbformat 4"
    except RecursionError:
        return None, "too deep"
    except MemoryError:
        return None, "out of memory"
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
    "unprocessable": "«{name}» no se ha podido preparar para la corrección: {why}. Descárgalo de nuevo como "
                     ".ipynb desde Colab o Jupyter y vuelve a entregarlo; si vuelve a ocurrir, avisa al "
                     "profesorado.",
    "unreadable_folder": "No se ha podido leer la carpeta «{name}», así que no se ha corregido ninguno de sus "
                         "cuadernos. Avisa al profesorado.",
    "unreadable_archive": "No se ha podido leer el archivo de entregas «{name}» ({why}), así que no se ha "
                          "corregido ninguno de sus cuadernos. Avisa al profesorado.",
    "unsafe_path": "«{name}» no se ha leído: su ruta dentro del archivo de entregas apunta fuera de su carpeta "
                   "({why}). Vuelve a entregar el cuaderno desde la plataforma; si vuelve a ocurrir, avisa al "
                   "profesorado.",
    "zip_bomb": "«{name}» ocuparía {size} MB al descomprimirlo, {ratio} veces lo que ocupa comprimido, así que "
                "no se ha leído. Borra las salidas de las celdas (imágenes, textos repetidos) y vuelve a "
                "entregarlo.",
}
# Reasons past Refusal's list: unreadable_archive (a zip that cannot be opened: the whole archive),
# unsafe_path (a zip member named outside its folder), zip_bomb (a member that inflates absurdly).


def refusal(student: str, slug: str, path: Path, reason: str, console: str, original: str = "", **words) -> Refusal:
    message = MESSAGES[reason].format(name=shown(original or path.name), slug=slug, **words)
    return Refusal(shown(student), slug, path, reason, message, f"[intake] refused {str(path)!r}: {console}",
                   original=original)


def unprocessable(student: str, slug: str, path: Path, exc: BaseException, step: str) -> Refusal:
    """The refusal of a file whose reading or normalising raised `exc`: the student reads why, the
    console gets the exception (one line)."""
    key = trouble(exc)
    return refusal(student, slug, path, "unprocessable", f"{step} failed ({key}): {one_line(exc)}",
                   why=TROUBLE[key])


def collect(submissions: Path, slugs: dict[str, Path], max_bytes: int = MAX_BYTES, keep=None, log=None
            ) -> tuple[list[Task], list[Refusal]]:
    """Tasks and refusals for SUBMISSIONS/<student>/<file>, students sorted, then slugs sorted.

    `slugs` maps each exercise to its release notebook. Every Task carries its normalised notebook.
    Whatever a submitted file holds, it ends as a Task or a Refusal: never as an exception.
    keep(task), if given, is called for each Task, in the order of the list, as soon as its
    student's folder is read: it may store the notebook elsewhere and drop it (task.notebook = None),
    so that a class's notebooks are never all in memory at once (grade.py spools them to disk).

    SUBMISSIONS may also be a Moodle or Canvas archive, a zip or unpacked (lms.py): Moodle's
    submission folders and Canvas's (or Moodle's flat) file names at its top are read as their
    students'; any other folder is a plain student folder. log(line), default stderr, hears when the
    archive's times are taken as its download time (lms.uniform_stamps)."""
    releases = {slug: masters.read(path) for slug, path in slugs.items()}
    if submissions.is_file():  # a zip (or a file that is none: refused whole)
        tasks, refusals = collect_archive(submissions, releases, max_bytes, keep)
    else:
        tasks, refusals = collect_folder(submissions, releases, max_bytes, keep)
    from_lms = [item for item in (*tasks, *refusals) if item.lms]
    if lms.uniform_stamps(from_lms):
        for item in from_lms:
            item.submitted = None
        hours = lms.STAMP_WINDOW.total_seconds() / 3600
        (log or (lambda line: print(line, file=sys.stderr)))(
            f"[intake] every file of {submissions.name!r} carries a time within {hours:g} h of the others: "
            "the archive's download time, not each submission's; submission times left unknown")
    return tasks, refusals


def collect_folder(submissions: Path, releases: dict, max_bytes: int, keep) -> tuple[list[Task], list[Refusal]]:
    tasks, refusals, groups = [], [], {}  # groups: student -> Entries of a Moodle folder or a loose LMS file
    for entry in sorted(p for p in submissions.iterdir() if not p.name.startswith(".")):
        moodle = None if entry.is_symlink() or not entry.is_dir() else lms.moodle_folder(entry.name)
        loose = None if entry.is_symlink() or entry.is_dir() else lms.loose_file(entry.name)
        if entry.is_symlink():
            refusals.append(refusal(entry.stem, "", entry, "symlink", "symlink, not followed"))
        elif moodle:
            more_refusals = []
            for path in walk(entry, more_refusals, moodle["student"]):
                groups.setdefault(moodle["student"], []).append(
                    lms.Entry(original=path.name, path=path, submitted=lms.mtime(path), **moodle))
            refusals += more_refusals
        elif loose:
            if loose["original"].lower().endswith(".ipynb"):
                groups.setdefault(loose["student"], []).append(
                    lms.Entry(path=entry, submitted=lms.mtime(entry), **loose))
        elif not entry.is_dir():
            refusals.append(refusal(entry.stem, "", entry, "misplaced", "a file outside any student folder"))
        else:
            more_tasks, more_refusals = collect_student(entry, releases, max_bytes)
            for task in more_tasks if keep else ():
                keep(task)
            tasks += more_tasks
            refusals += more_refusals
    for student in sorted(groups):
        more_tasks, more_refusals = settle(student, groups[student], releases, max_bytes)
        for task in more_tasks if keep else ():
            keep(task)
        tasks += more_tasks
        refusals += more_refusals
    return tasks, refusals


def walk(folder: Path, refusals: list, student: str) -> list[Path]:
    """The .ipynb files (and links named so) in a Moodle submission folder and its subfolders, which
    hold the student's own folders; a folder that cannot be read is refused."""
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        refusals.append(refusal(student, "", folder, "unreadable_folder", f"folder not readable: {one_line(exc)}"))
        return []
    found = []
    for path in paths:
        if path.name.startswith(".") or path.name in lms.IGNORED:
            continue
        if path.is_dir() and not path.is_symlink():
            found += walk(path, refusals, student)
        elif path.name.lower().endswith(".ipynb"):
            found.append(path)
    return found


def collect_archive(archive: Path, releases: dict, max_bytes: int, keep) -> tuple[list[Task], list[Refusal]]:
    """collect() for a zip: each member is read into memory, bounded, when its turn comes."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return [], [refusal(archive.stem, "", archive, "unreadable_archive", f"archive not readable: {one_line(exc)}",
                            why="no es un zip válido")]
    tasks, refusals = [], []
    with zf:
        if len(zf.infolist()) > lms.MAX_ENTRIES:
            return [], [refusal(archive.stem, "", archive, "unreadable_archive",
                                f"{len(zf.infolist())} entries, over the {lms.MAX_ENTRIES} limit",
                                why=f"tiene más de {lms.MAX_ENTRIES} archivos")]
        groups = {}
        for entry in lms.zip_entries(zf, archive):
            groups.setdefault(entry.student, []).append(entry)
        for student in sorted(groups):
            more_tasks, more_refusals = settle(student, sorted(groups[student], key=lambda e: str(e.path)), releases,
                                               max_bytes, zf)
            for task in more_tasks if keep else ():
                keep(task)
            tasks += more_tasks
            refusals += more_refusals
    return tasks, refusals


def collect_student(folder: Path, releases: dict, max_bytes: int):
    """One student's tasks and refusals; `releases` maps slug -> the release notebook."""
    student = folder.name
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        return [], [refusal(student, "", folder, "unreadable_folder", f"folder not readable: {one_line(exc)}")]
    entries = [lms.Entry(student, path.name, path, submitted=lms.mtime(path)) for path in paths
               if not path.name.startswith(".") and path.name.lower().endswith(".ipynb")]
    return settle(student, entries, releases, max_bytes)


def settle(student: str, entries: list, releases: dict, max_bytes: int, zf: zipfile.ZipFile | None = None):
    """One student's tasks and refusals from their files (lms.Entry; zip members of zf)."""
    found, refusals = {}, []  # found: slug -> (entry, normalised notebook) of its candidates
    gids = {slug: grade_ids(nb) for slug, nb in releases.items()}
    for entry in entries:
        slug = ""
        try:
            slug = slug_of(entry.original, releases) or slug_of(entry.copy_of, releases) or ""
            if entry.info is None and not entry.problem:
                refuse, notebook = examine(student, slug, entry.path, releases, gids, max_bytes)
            else:
                refuse, notebook = examine_member(student, slug, entry, zf, releases, gids, max_bytes)
        except Exception as exc:  # anything unexpected with this one file refuses it, not the whole run
            refuse, notebook = unprocessable(student, slug, entry.path, exc, "intake"), None
        if refuse:
            refusals.append(dressed(refuse, entry))
        else:
            found.setdefault(slug, []).append((entry, notebook))
    tasks = []
    for slug, candidates in sorted(found.items()):
        if len(candidates) == 1:
            entry, notebook = candidates[0]
            tasks.append(Task(shown(student), slug, entry.path, shown(entry.original), notebook, entry.submitted,
                              entry.student_id, shown(entry.student_name), entry.lms, entry.late))
            continue
        names = ", ".join(f"«{shown(e.original)}»" for e, _ in candidates)
        refusals += [dressed(refusal(student, slug, e.path, "ambiguous", f"one of {len(candidates)} candidates for "
                                     f"{slug}, none graded", names=names), e) for e, _ in candidates]
    return tasks, refusals


def dressed(refused: Refusal, entry) -> Refusal:
    """The refusal of one entry, with what the archive says of it: time, ids, the name as given."""
    refused.submitted, refused.student_id, refused.student_name = entry.submitted, entry.student_id, shown(
        entry.student_name)
    refused.lms, refused.late = entry.lms, entry.late
    if entry.original != entry.path.name and refused.path == entry.path:
        refused.original = entry.original
        refused.message_es = refused.message_es.replace(f"«{shown(entry.path.name)}»", f"«{shown(entry.original)}»")
    return refused


def examine(student: str, slug: str, path: Path, releases: dict, gids: dict[str, set[str]], max_bytes: int
            ) -> tuple[Refusal | None, object]:
    """(refusal, None) or (None, the notebook normalised onto its release) for one file."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return refusal(student, slug, path, "symlink", "symlink, not followed"), None
    if not slug:
        return refusal(student, "", path, "unknown_file", "name matches no exercise",
                       expected=", ".join(f"«{s}.ipynb»" for s in sorted(releases))), None
    if not stat.S_ISREG(info.st_mode):
        return refusal(student, slug, path, "not_a_notebook", "not a regular file", why="no es un archivo"), None
    if info.st_size > max_bytes:
        return refusal(student, slug, path, "too_large", f"{info.st_size} bytes, over the {max_bytes} byte limit",
                       size=mib(info.st_size), limit=mib(max_bytes)), None
    nb, why = load(path, max_bytes)
    return judge(student, slug, path, nb, why, releases, gids)


def examine_member(student: str, slug: str, entry, zf: zipfile.ZipFile | None, releases: dict,
                   gids: dict[str, set[str]], max_bytes: int) -> tuple[Refusal | None, object]:
    """examine() for a zip member (or an entry refused by its place alone): never extracted, read into
    memory only if its name, kind and sizes pass."""
    path, member = entry.path, entry.info
    if entry.problem == "unsafe_path":
        why = lms.unsafe(member.filename.replace("\\", "/"))
        return refusal(student, slug, path, "unsafe_path", f"unsafe member name {member.filename!r} ({why}), not read",
                       why=shown(member.filename)), None
    if entry.problem == "symlink":
        return refusal(student, slug, path, "symlink", "symlink member, not followed"), None
    if entry.problem == "misplaced":
        return refusal(student, "", path, "misplaced", "a file outside any student folder"), None
    if not slug:
        return refusal(student, "", path, "unknown_file", "name matches no exercise",
                       expected=", ".join(f"«{s}.ipynb»" for s in sorted(releases))), None
    size, packed = member.file_size, member.compress_size
    if size > max_bytes:
        return refusal(student, slug, path, "too_large", f"{size} bytes, over the {max_bytes} byte limit",
                       size=mib(size), limit=mib(max_bytes)), None
    if size > lms.RATIO_FLOOR and size > lms.MAX_RATIO * packed:
        ratio = f"{size / packed:.0f}" if packed else "infinitas"
        return refusal(student, slug, path, "zip_bomb", f"{size} bytes from {packed} compressed, over the "
                       f"{lms.MAX_RATIO}:1 limit", size=mib(size), ratio=ratio), None
    try:
        with zf.open(member) as f:
            data = f.read(max_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError, ValueError) as exc:
        return refusal(student, slug, path, "not_a_notebook", f"member not readable: {one_line(exc)}",
                       why=NOT_A_NOTEBOOK["unreadable"]), None
    if len(data) > max_bytes:  # a size in the archive that lied
        return refusal(student, slug, path, "too_large", f"over {max_bytes} bytes once inflated",
                       size=mib(len(data)), limit=mib(max_bytes)), None
    nb, why = parse(data)
    return judge(student, slug, path, nb, why, releases, gids)


def judge(student: str, slug: str, path: Path, nb, why: str, releases: dict, gids: dict[str, set[str]]
          ) -> tuple[Refusal | None, object]:
    """The verdict on a notebook read as load() gives it."""
    if nb is None:
        return refusal(student, slug, path, "not_a_notebook", f"not a notebook ({why})",
                       why=NOT_A_NOTEBOOK[why]), None
    other = wrong_exercise(grade_ids(nb), slug, gids)
    if other:
        return refusal(student, slug, path, "wrong_exercise", f"holds exercise {other}, not {slug}",
                       other=other), None
    try:
        return None, checked(normalise(nb, releases[slug]))
    except (RecursionError, MemoryError, UnicodeError, nbformat.ValidationError) as exc:
        return unprocessable(student, slug, path, exc, "normalise"), None


def checked(nb):
    """The normalised notebook, once it is known to validate and to be writable as UTF-8 JSON, as
    the engines will write it (a lone surrogate from a JSON escape, say, is not)."""
    nbformat.validate(nb)
    nbformat.writes(nb).encode("utf-8")
    return nb


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
