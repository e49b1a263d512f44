"""Moodle and Canvas "download all submissions" archives, as a zip or unpacked: whose each file is,
under which name the student gave it, and when it was submitted.

Naming, as the LMS writes it (checked against their source):

- Moodle (mod/assign, "Download all submissions"): one folder per submission and plugin,
  `<Full name>_<participant id>_assignsubmission_file` (Moodle >= 4.1; 3.1 to 4.0 end it with `_`),
  holding the student's files (in their own subfolders, if any); with "download as folders" off,
  one flat file `<Full name>_<participant id>_assignsubmission_file_<file name>`. Underscores in the
  name are made spaces, so the id is the last `_<digits>`. Blind marking writes `Participant`, team
  submissions the group's name and id (or the default group's name alone).
- Canvas ("Download Submissions"): a flat zip of `<sortable name>_[LATE_]<user id>_<file id>_<file
  name>`, the name lower-cased without spaces or punctuation (`garciaana`); anonymous grading writes
  `[LATE_]anon_<anonymous id>_<file id>_<file name>`. `LATE` is Canvas's own verdict (`Entry.late`,
  grades.csv's lms_late: shown, never a penalty alone; see late.py). Canvas renames a resubmitted
  file `<name>-1.ipynb`, so `-<n>` before `.ipynb` is read as a copy.

Each student is keyed `<name>_<id>` (Moodle's own prefix; Canvas's without `LATE`), readable and
unique; `student_id` and `student_name` keep the parts.

Submission times: a zip entry's time (its extended UTC timestamp, else NTFS time, else the DOS time
read as this machine's local time), a file's modification time when unpacked. Stock Moodle (>= 3.1)
and Canvas stamp every entry with the time the archive was made, not the submission's: so when
every file of two or more students was stamped within STAMP_WINDOW of each other, the stamps are
taken as the download's and `submitted` is None for them (`uniform_stamps`).
"""

from __future__ import annotations

import re
import stat
import struct
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

MOODLE_FOLDER_RE = re.compile(r"^(?P<name>.+?)(?:_(?P<id>\d+))?_assignsubmission_(?P<plugin>[a-z]+)_?$")
MOODLE_FILE_RE = re.compile(r"^(?P<name>.+?)(?:_(?P<id>\d+))?_assignsubmission_(?P<plugin>[a-z]+)_(?P<original>.+)$")
CANVAS_ANON_RE = re.compile(r"^(?P<late>LATE_)?(?P<id>anon_[A-Za-z0-9]+)_(?P<file_id>\d+)_(?P<original>.+)$")
# The name: words of letters and digits joined by "_", none of them digits only (Canvas removes
# "_<digits>_" from names) and none "LATE" (names are lower-cased).
CANVAS_RE = re.compile(r"^(?P<name>[^\W_]*(?:_(?!LATE_)[^\W_]*[^\W\d_][^\W_]*)*)_(?P<late>LATE_)?(?P<id>\d+)_"
                       r"(?P<file_id>\d+)_(?P<original>.+)$")
CANVAS_COPY_RE = re.compile(r"^(?P<core>.+)-\d+(?P<ext>\.ipynb)$", re.IGNORECASE)

MAX_ENTRIES = 100_000  # entries of one archive; past it the archive is refused whole
MAX_RATIO = 200  # uncompressed / compressed size of one entry, past RATIO_FLOOR bytes
RATIO_FLOOR = 2**20
STAMP_WINDOW = timedelta(minutes=30)
IGNORED = ("__MACOSX",)


@dataclass
class Entry:
    """One submitted file, in a folder or a zip."""

    student: str  # "Ana García_12345", "garciaana_67890", or a plain student folder's name
    original: str  # the file's name as the student gave it: what maps it to an exercise
    path: Path  # the file, or ARCHIVE/<entry name> for a zip member (a name for messages, not a file)
    lms: str = ""  # "moodle", "canvas" or "" (SUBMISSIONS/<student>/<file>)
    student_id: str = ""  # Moodle's participant (or group) id, Canvas's user id or anon_<id>
    student_name: str = ""
    late: bool | None = None  # Canvas's LATE marker; None where the LMS says nothing
    submitted: str | None = None  # ISO 8601, UTC
    info: zipfile.ZipInfo | None = None  # the zip member, if in a zip
    problem: str = ""  # "unsafe_path", "symlink" or "misplaced": refused before reading
    copy_of: str = ""  # Canvas: the name without its "-<n>" (a resubmitted file), tried if `original` fails


def is_archive(path: Path) -> bool:
    """True for a zip file: what `taller grade` may take as SUBMISSIONS besides a folder."""
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return False


def iso(timestamp: float) -> str | None:
    try:
        return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def mtime(path: Path) -> str | None:
    """A file's modification time (not following a link), the fallback submission time."""
    try:
        return iso(path.lstat().st_mtime)
    except OSError:
        return None


def zip_time(info: zipfile.ZipInfo) -> str | None:
    """An entry's time: its extended timestamp (UTC), else its NTFS time, else its DOS time read as
    local time (the zip format gives it no zone). None for the DOS zero, 1980-01-01 00:00."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        data = extra[at + 4:at + 4 + size]
        if kind == 0x5455 and len(data) >= 5 and data[0] & 1:
            return iso(struct.unpack_from("<i", data, 1)[0])
        if kind == 0x000A and len(data) >= 32:
            tag, tag_size = struct.unpack_from("<HH", data, 4)
            if tag == 1 and tag_size >= 24:
                return iso(struct.unpack_from("<Q", data, 8)[0] / 1e7 - 11644473600)
        at += 4 + size
    if tuple(info.date_time) <= (1980, 1, 1, 0, 0, 0):
        return None
    try:
        return iso(time.mktime((*info.date_time, 0, 0, -1)))
    except (OverflowError, ValueError):
        return None


def moodle_student(match: re.Match) -> dict:
    name, number = match["name"].strip(), match["id"] or ""
    return {"lms": "moodle", "student": f"{name}_{number}" if number else name, "student_id": number,
            "student_name": name}


def canvas_file(name: str) -> dict | None:
    """What a Canvas file name says: student, id, name, late, original; None if it is not one."""
    match = CANVAS_ANON_RE.match(name) or CANVAS_RE.match(name)
    if not match:
        return None
    who = match.groupdict().get("name") or ""
    original = match["original"]
    copy = CANVAS_COPY_RE.match(original)
    return {"lms": "canvas", "student": f"{who}_{match['id']}" if who else match["id"], "student_id": match["id"],
            "student_name": who, "late": bool(match["late"]), "original": original,
            "copy_of": f"{copy['core']}{copy['ext']}" if copy else ""}


def loose_file(name: str) -> dict | None:
    """A file at the top of SUBMISSIONS named by Moodle (flat download) or Canvas, else None."""
    match = MOODLE_FILE_RE.match(name)
    if match:
        return {**moodle_student(match), "original": match["original"]}
    return canvas_file(name)


def moodle_folder(name: str) -> dict | None:
    match = MOODLE_FOLDER_RE.match(name)
    return moodle_student(match) if match else None


def unsafe(name: str) -> str:
    """Why a zip entry's name (with "/" for "\\") is unsafe to follow, "" if it is not: absolute, a
    drive, "..", NUL, or no name at all."""
    if not name.strip("/."):
        return "no name"
    if "\x00" in name:
        return "NUL in name"
    if name.startswith("/"):
        return "absolute path"
    if re.match(r"^[A-Za-z]:", name):
        return "drive letter"
    if ".." in name.split("/"):
        return "'..' in path"
    return ""


def hidden(parts) -> bool:
    return any(p.startswith(".") or p in IGNORED for p in parts)


def zip_entries(zf: zipfile.ZipFile, archive: Path) -> list[Entry]:
    """The archive's files that may be submissions (.ipynb, plus every unsafe or linked entry, which
    is refused), classified as the folder layouts are (`classify`). A single folder that wraps a
    whole layout is looked through."""
    files = []
    for info in zf.infolist():
        name = info.filename.replace("\\", "/")
        if info.is_dir() or name.endswith("/"):
            continue
        why = unsafe(name)
        parts = [p for p in name.split("/") if p not in ("", ".")]
        link = stat.S_ISLNK(info.external_attr >> 16)
        if why or not parts:  # refused as the archive's: its name cannot be trusted to say whose it is
            shown_as = parts[-1] if parts and parts[-1] != ".." else "entrada"
            files.append((None, Entry(archive.stem, shown_as, archive / shown_as, info=info, problem="unsafe_path",
                                      submitted=zip_time(info))))
        elif not hidden(parts) and (link or parts[-1].lower().endswith(".ipynb")):
            files.append((parts, Entry("", parts[-1], archive.joinpath(*parts), info=info,
                                       problem="symlink" if link else "", submitted=zip_time(info))))
    tops = {parts[0] for parts, _ in files if parts and len(parts) > 1}
    if len(tops) == 1 and not any(parts and len(parts) == 1 for parts, _ in files):
        top = next(iter(tops))
        inner = [parts[1:] for parts, _ in files if parts]
        if not moodle_folder(top) and any(len(p) > 1 or loose_file(p[0]) for p in inner):
            files = [(parts[1:] if parts else None, entry) for parts, entry in files]
    out = []
    for parts, entry in files:
        if parts is None:
            out.append(entry)
            continue
        who = classify(parts)
        if who is None:
            continue  # deeper than a plain student folder: not a submission, as in a folder
        for key, value in who.items():
            setattr(entry, key, value)
        out.append(entry)
    return out


def classify(parts) -> dict | None:
    """Who a file at SUBMISSIONS/<parts...> belongs to: the Entry fields it sets, or None if it is no
    submission (a file deeper than a plain student folder)."""
    if len(parts) == 1:
        who = loose_file(parts[0])
        return who if who else {"student": Path(parts[0]).stem, "problem": "misplaced"}
    who = moodle_folder(parts[0])
    if who:
        return who
    return {"student": parts[0]} if len(parts) == 2 else None


def uniform_stamps(entries) -> bool:
    """True if the submission times of these LMS files look like the archive's own time: those of
    two or more students, all within STAMP_WINDOW."""
    stamps = [(e.student, datetime.fromisoformat(e.submitted)) for e in entries if e.lms and e.submitted]
    if len({s for s, _ in stamps}) < 2:
        return False
    times = [t for _, t in stamps]
    return max(times) - min(times) <= STAMP_WINDOW
