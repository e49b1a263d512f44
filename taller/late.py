"""Late work: a due date per exercise and a penalty policy, read from the course file (curso.toml).

    timezone = "Europe/Madrid"          # of due dates written without an offset (default: UTC)
    roster = "roster.csv"               # optional: the class list for exports.py (relative to this file)

    [due]                               # one per exercise; a date alone is due at the end of that day
    "01-descenso-gradiente" = 2027-03-01T23:59:00
    "02-preprocesamiento" = 2027-03-08

    [late]
    policy = "percent_per_day"          # "none" (default), "percent_per_day" or "zero_after"
    percent_per_day = 10                # percent_per_day: points lost per day late, in % of the score
    zero_after_days = 3                 # zero_after (and optionally percent_per_day): more days late scores 0

A submission is N days late when it came in up to N whole days after the due date (one second late is
one day). Its time is the one the LMS archive gives (intake's Task.submitted, ISO 8601) and, without
one, the file's modification time (submitted_of).

Canvas also marks a file LATE in its name (lms.py; grades.csv's lms_late). When the due date and the
submission time are known, the days counted here stand, even when they are 0 and Canvas says LATE (the
LMS may have a grace period, or another due date for that student). When either is unknown (stock
Canvas stamps every file with the download time, so intake leaves the time unknown), the marker is
shown to the student and the instructor, with no penalty: a marker says nothing of how many days
(`unknown_days`, `marked_note`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    import tomllib
except ImportError:  # Python 3.10: no course file (curso.toml needs 3.11)
    tomllib = None

POLICIES = ("none", "percent_per_day", "zero_after")
DEFAULT_FILE = "curso.toml"


class CourseError(SystemExit):
    """A mistake in the course file: one line, no traceback."""


@dataclass(frozen=True)
class Policy:
    name: str = "none"
    percent_per_day: float = 0.0
    zero_after_days: int | None = None

    def penalty(self, days: int) -> float:
        """The share of the score taken away, in percent (0 to 100), for `days` days late."""
        if days <= 0 or self.name == "none":
            return 0.0
        if self.zero_after_days is not None and days > self.zero_after_days:
            return 100.0
        return min(100.0, self.percent_per_day * days) if self.name == "percent_per_day" else 0.0


@dataclass
class Course:
    due: dict[str, dt.datetime] = field(default_factory=dict)  # slug -> due time, timezone-aware
    policy: Policy = Policy()
    roster: Path | None = None
    source: Path | None = None

    def lateness(self, slug: str, submitted: str | None) -> tuple[int, float]:
        """(days late, penalty in %) of a submission of `slug` handed in at `submitted` (ISO 8601)."""
        due, when = self.due.get(slug), parse_time(submitted)
        if due is None or when is None:
            return 0, 0.0
        days = days_late(due, when)
        return days, self.policy.penalty(days)

    def unknown_days(self, slug: str, submitted: str | None, marked: bool) -> str:
        """Why the days late of a submission that the LMS marks late (`marked`) cannot be counted: "time"
        (its submission time is unknown) or "due" (its exercise has no due date); "" when they can be,
        then `lateness` stands, or when it is not marked. Never a reason for a penalty."""
        if not marked:
            return ""
        if parse_time(submitted) is None:
            return "time"
        return "due" if self.due.get(slug) is None else ""


def days_late(due: dt.datetime, submitted: dt.datetime) -> int:
    """Whole days after the due date, rounded up: one second late is one day."""
    seconds = (submitted - due).total_seconds()
    return math.ceil(seconds / 86400) if seconds > 0 else 0


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO 8601 time as an aware datetime (UTC when it names no offset); None if absent or unreadable."""
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def submitted_of(item) -> str | None:
    """When a submission came in: what intake says (`submitted`: the LMS archive's time, or the
    file's; None when it could not be known), and for an item without it the file's modification
    time; None if neither is known (then it is never late)."""
    if hasattr(item, "submitted"):
        given = parse_time(item.submitted) if isinstance(item.submitted, str) else None
        return iso(given) if given else None
    try:
        return iso(dt.datetime.fromtimestamp(os.lstat(item.path).st_mtime, dt.timezone.utc))
    except (OSError, AttributeError, TypeError, ValueError, OverflowError):
        return None


def due_time(slug: str, value, zone: dt.tzinfo, path: Path) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):  # due at the end of that day
        return dt.datetime.combine(value, dt.time(23, 59, 59), zone)
    if isinstance(value, str) and parse_time(value):
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return when if when.tzinfo else when.replace(tzinfo=zone)
    raise CourseError(f"taller: {path}: [due] {slug} = {value!r} is not a date (write e.g. 2027-03-01T23:59:00)")


def load(path: Path | None, slugs=None) -> Course:
    """The course file at `path` (no file: no due dates, no penalty). slugs: the known exercises."""
    if path is None:
        return Course()
    if tomllib is None:
        raise CourseError("taller: the course file needs Python 3.11 or newer (tomllib)")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseError(f"taller: cannot read the course file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"taller: {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"timezone", "roster", "due", "late"}
    if unknown:
        raise CourseError(f"taller: {path}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(expected timezone, roster, [due], [late])")
    try:
        zone = ZoneInfo(data.get("timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CourseError(f"taller: {path}: unknown timezone {data.get('timezone')!r}") from None
    due = data.get("due", {})
    if not isinstance(due, dict):
        raise CourseError(f"taller: {path}: [due] must be a table of exercise = date")
    for slug in due:
        if slugs is not None and slug not in slugs:
            raise CourseError(f"taller: {path}: [due] names an unknown exercise {slug!r}")
    late = data.get("late", {})
    if not isinstance(late, dict) or set(late) - {"policy", "percent_per_day", "zero_after_days"}:
        raise CourseError(f"taller: {path}: [late] takes policy, percent_per_day and zero_after_days")
    name = late.get("policy", "none")
    if name not in POLICIES:
        raise CourseError(f"taller: {path}: [late] policy = {name!r}: use one of {', '.join(POLICIES)}")
    percent, limit = late.get("percent_per_day", 0), late.get("zero_after_days")
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
        raise CourseError(f"taller: {path}: [late] percent_per_day must be a number from 0 to 100")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise CourseError(f"taller: {path}: [late] zero_after_days must be a whole number of days, 0 or more")
    if name == "percent_per_day" and not percent:
        raise CourseError(f"taller: {path}: [late] policy percent_per_day needs percent_per_day")
    if name == "zero_after" and limit is None:
        raise CourseError(f"taller: {path}: [late] policy zero_after needs zero_after_days")
    roster = data.get("roster")
    if roster is not None and not isinstance(roster, str):
        raise CourseError(f"taller: {path}: roster must be a file name")
    return Course({slug: due_time(slug, value, zone, Path(path)) for slug, value in due.items()},
                  Policy(name, float(percent), limit), Path(path).parent / roster if roster else None, Path(path))


def default_path(root: Path) -> Path | None:
    """The course directory's curso.toml, if there is one."""
    path = Path(root) / DEFAULT_FILE
    return path if path.is_file() else None


def days_text(days: int) -> str:
    return "1 día" if days == 1 else f"{days} días"


def note(days: int, penalty: float) -> str:
    """What the student's page says of a late submission."""
    if days <= 0:
        return ""
    text = f"Entregado con {days_text(days)} de retraso"
    return text + (f": penalización del {penalty:g}\u00a0%" if penalty else ": sin penalización")


def lms_mark(marked: bool | None) -> str:
    """grades.csv's lms_late: "1" when the LMS (Canvas) marks the file late, "0" when it does not, ""
    when it says nothing of it (Moodle, a plain folder)."""
    return "" if marked is None else "1" if marked else "0"


MARKED = {  # what the student's page says of a file Canvas marks late whose days cannot be counted
    "time": "Canvas marca esta entrega como fuera de plazo, pero no se conoce la hora de entrega: no se aplica "
            "ninguna penalización automática y el profesor la revisará a mano",
    "due": "Canvas marca esta entrega como fuera de plazo, pero este ejercicio no tiene fecha límite en la "
           "configuración del curso: no se aplica ninguna penalización automática y el profesor la revisará a mano",
}
MARKED_SHORT = {  # the same for the class pages (resumen.html)
    "time": "Fuera de plazo según Canvas; hora de entrega desconocida",
    "due": "Fuera de plazo según Canvas; el ejercicio no tiene fecha límite en curso.toml",
}


def marked_note(reason: str) -> str:
    """What the student's page says of a file the LMS marks late with days that cannot be counted."""
    return MARKED.get(reason, "")
