"""Grades in the formats other programs read, written beside grades.csv by report.publish:

- *-excel.csv: a copy of grades.csv and of notas-por-estudiante.csv that a Spanish-locale Excel opens
  as it is: UTF-8 with a BOM, `;` between fields, a decimal comma;
- moodle.csv: Moodle's grade import (Grades > Import > CSV file): the user's identifying fields, as
  Moodle's own grade export names them ("First name", "Last name", "ID number", "Email address", from
  the roster; without one, "Username" holds the student's folder name, or "Email address" when
  every folder is named by an email), then one column per notebook
  with its points; on import, map "Email address" to useremail (or "ID number" to useridnumber,
  "Username" to username) and each notebook column to its grade item;
- canvas.csv, when a roster is given: Canvas's gradebook import (Grades > Import): Student, ID,
  SIS User ID, SIS Login ID, Section, one column per notebook, and a first row of "Points Possible".

A cell is left empty when a notebook has no grade (refused, not handed in, grader failure): both
platforms leave that grade as it was.

The roster is a CSV of the class: Canvas's or Moodle's own gradebook export will do, or any CSV with
some of the columns student, Student, ID, SIS User ID, SIS Login ID, Section, First name, Last name,
ID number, Email address, Username. A student's folder name is matched to the roster row that holds it
in one of these columns, letters and digits only, case and accents aside (Canvas's "lastfirst" name
included); students of the roster with no submission are listed as not handed in.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS = "    Points Possible"  # as Canvas's own export writes its second row
MOODLE_IDS = ["First name", "Last name", "ID number", "Email address"]
KEY_COLUMNS = ("student", "Student", "ID", "SIS User ID", "SIS Login ID", "ID number", "Email address",
               "Username", "username", "email", "idnumber")
NUMBER = re.compile(r"-?\d+\.\d+")


class RosterError(SystemExit):
    """A roster that cannot be read: one line, no traceback."""


def excel_copy(source: Path, target: Path) -> None:
    """`source` (a CSV written by taller) as Spanish-locale Excel reads it: BOM, `;`, decimal comma."""
    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(target, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        for row in rows:
            writer.writerow([cell.replace(".", ",") if NUMBER.fullmatch(cell) else cell for cell in row])


def key(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: how folder names and roster fields meet."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c)).lower()


def load_roster(path: Path) -> list[dict]:
    """The roster's student rows (Canvas's "Points Possible" and test-student rows left out)."""
    from .adjustments import AdjustmentError, read_rows

    try:
        rows = read_rows(path)
    except AdjustmentError as exc:
        raise RosterError(str(exc).replace("save it as CSV UTF-8", "save the roster as CSV UTF-8")) from None
    if rows and not any(c in rows[0] for c in KEY_COLUMNS + ("First name", "Last name")):
        raise RosterError(f"taller: {path}: no column names a student (expected some of "
                          f"{', '.join(KEY_COLUMNS)})")
    kept = []
    for row in rows:
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        name = row.get("Student", "")
        if "points possible" in name.lower() or name.lower() in ("student, test", "test student"):
            continue
        if any(row.values()):
            kept.append(row)
    return kept


def keys_of(row: dict) -> set[str]:
    found = {key(row[c]) for c in KEY_COLUMNS if row.get(c)}
    found |= {key(row[c].split("@")[0]) for c in ("Email address", "email", "SIS Login ID") if "@" in row.get(c, "")}
    if row.get("Student"):  # Canvas: "Last, First"; its submission archive says lastfirst
        found.add(key(row["Student"]))
    if row.get("First name") or row.get("Last name"):
        found |= {key(row.get("First name", "") + row.get("Last name", "")),
                  key(row.get("Last name", "") + row.get("First name", ""))}
    return found - {""}


def student_of(row: dict) -> str:
    """The id a roster row stands for when no submission matched it."""
    for column in ("student", "SIS Login ID", "Username", "username", "Email address", "email", "ID number",
                   "SIS User ID", "ID", "Student"):
        if row.get(column):
            return row[column]
    return " ".join(filter(None, (row.get("First name"), row.get("Last name"))))


def match(roster: list[dict], students) -> dict[str, dict]:
    """student -> their roster row, for the whole roster: each row goes to the submitting student
    whose folder name it holds, else to the id it names (a student with no submission)."""
    by_key = {}
    for s in sorted(students):  # the whole name first, then its parts (LMS ids: "Ana García_12345")
        by_key.setdefault(key(s), s)
    for s in sorted(students):
        for part in s.split("_"):
            if len(key(part)) >= 3:
                by_key.setdefault(key(part), s)
    matched: dict[str, dict] = {}
    for row in roster:
        hit = next((by_key[k] for k in sorted(keys_of(row)) if k in by_key and by_key[k] not in matched), None)
        matched[hit or student_of(row)] = row
    return matched


def cell(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def write_moodle(path: Path, grades: dict[str, dict[str, float | None]], notebooks: list[str],
                 rows_of: dict[str, dict]) -> None:
    """grades: student -> notebook -> points (None: no grade); rows_of: student -> roster row."""
    ids = [c for c in MOODLE_IDS if any(c in row for row in rows_of.values())]
    own = "" if ids else "Email address" if grades and all("@" in s for s in grades) else "Username"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*ids, *([own] if own else []), *notebooks])
        for student in sorted(grades):
            row = rows_of.get(student, {})
            fields = [row.get(c, "") for c in ids] + ([student] if own else [])
            writer.writerow([*fields, *(cell(grades[student].get(n)) for n in notebooks)])


def canvas_header(notebook: str, roster_columns: list[str]) -> str:
    """The roster's own column for a notebook ("01-descenso-gradiente (123456)"), so that Canvas
    updates that assignment; else the notebook's name, which Canvas creates as a new one."""
    return next((c for c in roster_columns if c == notebook or c.startswith(notebook + " (")), notebook)


def write_canvas(path: Path, grades: dict[str, dict[str, float | None]], notebooks: list[str],
                 maxima: dict[str, float], rows_of: dict[str, dict], roster_columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*CANVAS_COLUMNS, *(canvas_header(n, roster_columns) for n in notebooks)])
        writer.writerow([CANVAS_POINTS, "", "", "", "", *(f"{maxima[n]:g}" for n in notebooks)])
        for student in sorted(grades, key=lambda s: (rows_of.get(s, {}).get("Student") or s).lower()):
            row = rows_of.get(student, {})
            writer.writerow([row.get("Student") or student, row.get("ID", ""), row.get("SIS User ID", ""),
                             row.get("SIS Login ID", ""), row.get("Section", ""),
                             *(cell(grades[student].get(n)) for n in notebooks)])
