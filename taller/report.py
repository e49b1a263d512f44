"""Everything `taller grade` and `taller report` write from the grades (publish), with no kernel:

- grades.csv: one row per question (the automatic score, the instructor's adjustment and comment,
  the score before and after a late penalty, Canvas's LATE marker as lms_late), and one row per
  notebook that was refused or not handed in (question empty, its status);
- feedback/<student>/<notebook>.html: each graded notebook's page, saying when it was adjusted by the
  instructor or handed in late;
- notas-por-estudiante.csv: one row per student, one column per notebook (its points, or its status:
  rechazada, sin_entregar, fallo_corrector), the total (the status when nothing was graded), the
  maximum and what is missing;
- index.html: that table, each cell linking to its page, coloured by its share of the maximum (the
  percentage written too), flagged when nothing was answered, questions crashed, or it came late
  (by the due date, or by Canvas's marker alone: days unknown, no penalty);
  sortable by any column (inline script: the folder opens offline);
- resumen.html: what could not be graded (one line per student), late work, and per notebook its
  questions ranked by share of right answers (a chart and a table), the most frequent failure
  messages with the students who got each, and a chart of the totals;
- graficos/*.svg: the summary's charts (charts.py);
- the exports of exports.py: *-excel.csv, moodle.csv and, with a roster, canvas.csv.

Every student appears once in each: those of the submissions folder and those of the roster.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import adjustments as adjust
from . import exports, late, masters
from .feedback import PAGE_HEAD, STATUS_TEXT, Row, inline_code, percentage, render

TOP_MESSAGES = 3
BINS = 10  # histogram of totals in tenths of the maximum
CSV_COLUMNS = ["student", "notebook", "question", "score", "max_score", "status", "message", "auto_score",
               "adjusted", "comment", "score_before_penalty", "days_late", "penalty", "submitted", "file",
               "first_fix", "lms_late"]
GRADED, REFUSED, MISSING, FAILED = "corregida", "rechazada", "sin_entregar", "fallo_corrector"
STATE_TEXT = {REFUSED: "Rechazada", MISSING: "Sin entregar", FAILED: "Fallo del corrector"}
NO_ISOLATION = "SIN-AISLAMIENTO.txt"


@dataclass
class Course:
    """What the masters say: notebook -> its questions (in order) and its title."""

    questions: dict[str, list[masters.Question]]
    titles: dict[str, str]

    @property
    def maxima(self) -> dict[str, float]:
        return {slug: sum(q.points for q in qs) for slug, qs in self.questions.items()}


def course_of(root: Path) -> Course:
    read = {slug: masters.read(path) for slug, path in masters.find_masters(root).items()}
    return Course({s: masters.questions(nb) for s, nb in read.items()},
                  {s: masters.notebook_title(nb) for s, nb in read.items()})


@dataclass
class Submission:
    """One student's notebook as the reports show it."""

    student: str
    notebook: str
    state: str  # GRADED, REFUSED, MISSING or FAILED
    rows: list[dict] = field(default_factory=list)  # its rows of grades.csv
    got: float = 0.0
    best: float = 0.0
    before: float = 0.0  # points before the late penalty
    days: int = 0
    penalty: float = 0.0
    unknown: str = ""  # marked late by Canvas, days not countable: why (late.Course.unknown_days)
    adjusted: int = 0  # questions adjusted by the instructor
    reasons: list[str] = field(default_factory=list)  # why its files were refused
    files: list[str] = field(default_factory=list)
    lms_late: str = ""  # of a refused file: Canvas's LATE marker (late.lms_mark; "1" if any file has it)


@dataclass
class Published:
    students: list[str]
    notebooks: list[str]
    cells: dict[tuple[str, str], Submission]
    refused_files: int = 0
    others: list[Submission] = field(default_factory=list)  # refused files that name no notebook

    def of_state(self, state: str) -> list[Submission]:
        return [c for c in self.cells.values() if c.state == state]

    def refused_students(self) -> set[str]:
        return {c.student for c in self.of_state(REFUSED)} | {c.student for c in self.others}


def totals(rows: list[dict]) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, notebook) -> (points, maximum), over the question rows."""
    sums: dict[tuple[str, str], tuple[float, float]] = {}
    for row in rows:
        if not row.get("question"):
            continue
        key = (row["student"], row["notebook"])
        got, best = sums.get(key, (0.0, 0.0))
        sums[key] = (got + float(row["score"]), best + float(row["max_score"]))
    return sums


def number(value: float) -> str:
    return f"{round(value, 4):g}"


def read_grades(out: Path) -> list[dict]:
    """OUT/grades.csv as written by publish (or by an older taller: score is then the automatic one)."""
    path = Path(out) / "grades.csv"
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise SystemExit(f"taller report: cannot read {path}: {exc.strerror or exc}") from None
    for row in rows:
        if row.get("question") and not row.get("auto_score"):
            row["auto_score"] = row["score"]
    return rows


def run_date(out: Path) -> str:
    """The date of the run that graded into OUT (corrida.json), as the pages show it."""
    try:
        run = json.loads((Path(out) / "corrida.json").read_text(encoding="utf-8"))
        return time.strftime("%d/%m/%Y %H:%M", time.strptime(run["date"], "%Y-%m-%d %H:%M"))
    except (OSError, ValueError, KeyError, TypeError):
        return time.strftime("%d/%m/%Y %H:%M")


def run_line(out: Path) -> str:
    """Which engine graded into OUT, when, with which seed and which kit (corrida.json), in one line
    for the class pages; "" if OUT has no record of its run."""
    try:
        run = json.loads((Path(out) / "corrida.json").read_text(encoding="utf-8"))
        engine = str(run["engine"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    parts = [f"Corregido con el motor «{engine}» el {run_date(out)}"]
    if engine == "taller" and isinstance(run.get("seed"), int):
        parts.append(f"semilla de las entradas ocultas {run['seed']}")
    if isinstance(run.get("version"), str):
        parts.append(f"taller {run['version']}")
    return " · ".join(parts)


def publish(out: Path, course: Course, rows: list[dict], adjustments: Path | None = None,
            late_work: late.Course | None = None, roster: Path | None = None, date: str | None = None,
            isolated: bool | None = None) -> Published:
    """Write every report, page and CSV of OUT from `rows` (grades.csv's: question rows with their
    auto_score, and the refused notebooks' rows), the instructor's adjustments and the course's late
    policy. Checks the adjustments and the roster before it writes anything."""
    out = Path(out)
    late_work = late_work or late.Course()
    isolated = not (out / NO_ISOLATION).exists() if isolated is None else isolated
    date = date or run_date(out)
    questions = [r for r in rows if r.get("question")]
    refusals = [r for r in rows if not r.get("question") and r.get("status") == REFUSED]
    graded = {(r["student"], r["notebook"]) for r in questions}
    points = {slug: [(q.grade_id, q.points) for q in qs] for slug, qs in course.questions.items()}
    changes = adjust.load(adjustments, graded, points) if adjustments else {}
    roster_rows = exports.load_roster(roster) if roster else []
    students = {r["student"] for r in rows}
    matched = exports.match(roster_rows, students) if roster else {}
    students = sorted(students | set(matched))
    notebooks = sorted({n for _, n in graded} | {r["notebook"] for r in refusals if r["notebook"] in course.questions})

    cells: dict[tuple[str, str], Submission] = {}
    others: dict[tuple[str, str], Submission] = {}
    refused_files = 0
    for r in refusals:
        files = [f for f in r.get("file", "").split("; ") if f] or [r["notebook"]]
        refused_files += len(files)
        where = cells if r["notebook"] in course.questions else others
        cell = where.setdefault((r["student"], r["notebook"]), Submission(r["student"], r["notebook"], REFUSED))
        cell.files += [f for f in files if f not in cell.files]
        cell.lms_late = max(cell.lms_late, r.get("lms_late") or "")  # "1" over "0" over ""
        if r.get("message") and r["message"] not in cell.reasons:
            cell.reasons.append(r["message"])
    order = {slug: {q.grade_id: i for i, q in enumerate(qs)} for slug, qs in course.questions.items()}
    for r in sorted(questions, key=lambda r: (r["student"], r["notebook"], order.get(r["notebook"], {}).get(r["question"], 0))):
        key = (r["student"], r["notebook"])
        cell = cells.get(key)
        if cell is None or cell.state == REFUSED:
            # a graded notebook wins over another file of it that was refused (told on its page)
            cell = cells[key] = Submission(*key, GRADED, reasons=cell.reasons if cell else [],
                                           files=[r.get("file", "")] if r.get("file") else [])
            # the days counted from the due date stand whatever Canvas's marker says (late.py)
            cell.days, cell.penalty = late_work.lateness(r["notebook"], r.get("submitted"))
            cell.unknown = late_work.unknown_days(r["notebook"], r.get("submitted"), r.get("lms_late") == "1")
        auto = float(r["auto_score"])
        change = changes.get((*key, r["question"]))
        before = change.score if change else auto
        score = before * (1 - cell.penalty / 100)
        cell.rows.append({**r, "score": number(score), "auto_score": number(auto),
                          "adjusted": number(change.score) if change else "", "comment": change.comment if change else "",
                          "score_before_penalty": number(before), "days_late": str(cell.days) if cell.days else "",
                          "penalty": number(cell.penalty) if cell.penalty else ""})
        cell.got += score
        cell.before += before
        cell.best += float(r["max_score"])
        cell.adjusted += bool(change)
        if r["status"] == FAILED and not change:
            cell.state = FAILED
    for student in students:
        for n in notebooks:
            cells.setdefault((student, n), Submission(student, n, MISSING))
    result = Published(students, notebooks, cells, refused_files, list(others.values()))

    write_grades(out, result, course)
    for cell in cells.values():
        if cell.rows:
            write_page(out, cell.student, cell.notebook, page_of(cell, course, date, isolated))
    write_student_table(out, result, course.maxima)
    write_index(out, result, course.maxima)
    write_summary(out, result, course)
    exports.excel_copy(out / "grades.csv", out / "grades-excel.csv")
    exports.excel_copy(out / "notas-por-estudiante.csv", out / "notas-por-estudiante-excel.csv")
    grades = {s: {n: cells[(s, n)].got if cells[(s, n)].state == GRADED else None for n in notebooks}
              for s in students}
    exports.write_moodle(out / "moodle.csv", grades, notebooks, matched)
    if roster:
        columns = list(roster_rows[0]) if roster_rows else []
        exports.write_canvas(out / "canvas.csv", grades, notebooks, course.maxima, matched, columns)
    elif (out / "canvas.csv").exists():
        (out / "canvas.csv").unlink()  # from an earlier roster: it would not match these grades
    return result


def write_grades(out: Path, result: Published, course: Course) -> None:
    maxima = course.maxima
    lines = []
    for student in result.students:
        for n in result.notebooks:
            cell = result.cells[(student, n)]
            if cell.rows:
                lines += cell.rows
            else:
                lines.append({"student": student, "notebook": n, "question": "", "score": "",
                              "max_score": number(maxima[n]), "status": cell.state,
                              "message": "\n".join(cell.reasons), "file": "; ".join(cell.files),
                              "lms_late": cell.lms_late})
        lines += [{"student": c.student, "notebook": c.notebook, "question": "", "score": "", "max_score": "",
                   "status": REFUSED, "message": "\n".join(c.reasons), "file": "; ".join(c.files),
                   "lms_late": c.lms_late}
                  for c in result.others if c.student == student]
    partial = out / ".grades.csv.tmp"
    with open(partial, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(lines)
    os.replace(partial, out / "grades.csv")  # whole or not at all


def page_of(cell: Submission, course: Course, date: str, isolated: bool) -> str:
    """The student's page of a graded notebook, with the instructor's adjustments and the late penalty."""
    qs = {q.grade_id: (i, q) for i, q in enumerate(course.questions[cell.notebook], 1)}
    rows = []
    for r in cell.rows:
        number_, q = qs.get(r["question"], (0, None))
        message = r.get("message", "")
        if r.get("adjusted"):
            said = f"Ajustado por el profesor (corrección automática: {r['auto_score']} / {r['max_score']})"
            said += f": {r['comment']}" if r.get("comment") else "."
            message = said + (f"\n\nCorrección automática: {message}" if message else "")
        score = float(r["score"])
        first = int(r["first_fix"]) if str(r.get("first_fix", "")).isdigit() else 0
        rows.append(Row(r["question"], score, float(r["max_score"]), r["status"], message, number_,
                        q.title if q else "", first))
    notes = [] if isolated else ["sin aislamiento"]
    if cell.adjusted:
        notes.append("Nota ajustada por el profesor")
    if cell.days:
        notes.append(late.note(cell.days, cell.penalty)
                     + (f" (sin penalización: {number(cell.before)} / {number(cell.best)})" if cell.penalty else ""))
    if cell.unknown:
        notes.append(late.marked_note(cell.unknown))
    notes += [f"Otro archivo de este ejercicio no se corrigió: {reason}" for reason in cell.reasons]
    return render(cell.student, cell.notebook, course.titles.get(cell.notebook, ""), rows, date,
                  note=" · ".join(notes))


def write_page(out: Path, student: str, slug: str, text: str) -> None:
    page = out / "feedback" / student / f"{slug}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")


def student_total(result: Published, student: str) -> tuple[float | None, list[Submission]]:
    """(points of the graded notebooks, or None if none was; the notebooks not graded)."""
    mine = [result.cells[(student, n)] for n in result.notebooks]
    graded = [c for c in mine if c.state == GRADED]
    return (sum(c.got for c in graded) if graded else None), [c for c in mine if c.state != GRADED]


def write_student_table(out: Path, result: Published, maxima: dict[str, float]) -> None:
    with open(out / "notas-por-estudiante.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *result.notebooks, "total", "max_total", "status"])
        for student in result.students:
            total, missing = student_total(result, student)
            cells = [number(c.got) if (c := result.cells[(student, n)]).state == GRADED else c.state
                     for n in result.notebooks]
            shown = number(total) if total is not None else "/".join(sorted({c.state for c in missing})) or MISSING
            status = "; ".join(f"{c.notebook}: {c.state}" for c in missing)
            status += "".join(f"; {c.notebook}: {REFUSED}" for c in result.others if c.student == student)
            writer.writerow([student, *cells, shown, number(sum(maxima[n] for n in result.notebooks)),
                             status.strip("; ") or "completa"])


def counts_text(result: Published) -> str:
    """How many students, per state and per file, in Spanish."""
    def students(n: int) -> str:
        return "1 estudiante" if n == 1 else f"{n} estudiantes"

    parts = [students(len(result.students))]
    if result.refused_files:
        files = "1 archivo rechazado" if result.refused_files == 1 else f"{result.refused_files} archivos rechazados"
        parts.append(f"{files} de {students(len(result.refused_students()))}")
    for state, words in ((FAILED, "con fallo del corrector"), (MISSING, "sin entregar")):
        mine = result.of_state(state)
        if mine:
            n = len(mine)
            parts.append(f"{n} {'cuaderno' if n == 1 else 'cuadernos'} {words} de "
                         f"{students(len({c.student for c in mine}))}")
    return " · ".join(parts)


# a score's colour by its share of the maximum; the percentage is always written next to it
TIERS = ((0.8, "alta", "#1a7f37"), (0.5, "media", "#bf8700"), (0.0, "baja", "#cf222e"))
LEGEND = "Verde: 80\u00a0% o más · ámbar: del 50 al 79\u00a0% · rojo: menos del 50\u00a0%"
# states of a question that the index flags on its notebook's cell: (css class, words after "N preguntas")
FLAGGED = {"sin_intentar": ("sin-intentar", "sin intentar"), "error": ("error", "con error"),
           "tiempo_agotado": ("error", "con tiempo agotado"), "detenido": ("error", "sin calificar: el cuaderno se detuvo"),
           "interferencia": ("error", "con interferencia"), "no_calificada": ("error", "sin calificar"),
           "fallo_corrector": ("error", "con fallo del corrector")}
SORT_KEY = {MISSING: -3, REFUSED: -2, FAILED: -1}  # below any score when a column is sorted
CHARTS = "graficos"
CLASS_STYLE = """body { max-width: 80rem; }
.tabla { overflow-x: auto; max-width: 100%; margin: .5rem 0 1rem; }
.tabla table { display: table; width: auto; min-width: 100%; }
.tabla thead { display: table-header-group; } .tabla tbody { display: table-row-group; }
.tabla table tr { display: table-row; border: none; margin: 0; }
.tabla table td, .tabla table th { display: table-cell; border: 1px solid #ccc; padding: .3rem .4rem; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; text-align: left; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
.ordenable td:first-child, .ordenable th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; }
.alta { background: #dafbe1; } .media { background: #fff4cc; } .baja { background: #ffe3e0; }
.estado { background: #eee; font-style: italic; }
.flag { display: inline-block; font-size: .8rem; border: 1px solid; border-radius: .3rem; padding: 0 .3rem;
  margin: .2rem .2rem 0 0; background: #fff; font-style: normal; }
.flag.error { color: #b42318; } .flag.sin-intentar, .flag.sin-empezar { color: #7a4d00; }
.flag.tarde { color: #0b4f9c; } .flag.ajustada { color: #555; }
img.grafico { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
.preguntas td:first-child { min-width: 9rem; } .preguntas td:last-child { min-width: 16rem; }
details { margin: 0 0 .3rem; } summary { cursor: pointer; }
"""
SORT_SCRIPT = """<script>
for (const table of document.querySelectorAll("table.ordenable")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, i) => th.querySelector("button").addEventListener("click", () => {
    const up = th.getAttribute("aria-sort") !== "ascending";
    heads.forEach(h => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    const key = row => row.cells[i].dataset.v;
    const rows = [...table.tBodies[0].rows].sort((a, b) => {
      const x = key(a), y = key(b);
      const order = isNaN(x) || isNaN(y) ? x.localeCompare(y, "es") : x - y;
      return up ? order : -order;
    });
    table.tBodies[0].append(...rows);
  }));
}
</script>
"""


def class_head(title: str) -> str:
    """The head of a class page: the feedback pages' style, with tables that scroll in their own box
    (headers kept) instead of the feedback pages' one card per row on a phone."""
    return PAGE_HEAD.format(title=title).replace("</style>", CLASS_STYLE + "</style>", 1)


def tier(share: float) -> tuple[str, str]:
    """(css class, colour) of a share of the maximum."""
    return next((name, color) for low, name, color in TIERS if share >= low)


def flags(cell: Submission) -> str:
    """The badges of a notebook's cell: nothing answered, questions unanswered or crashed (not counting
    those the instructor adjusted), late, adjusted."""
    bits = []
    states = Counter(r["status"] for r in cell.rows if not r.get("adjusted"))
    if cell.rows and states["sin_intentar"] == len(cell.rows):
        bits.append(("sin-empezar", "sin empezar"))
        states.pop("sin_intentar")
    if cell.state == FAILED:
        states.pop(FAILED, None)  # the cell says so already
    for status, (kind, words) in FLAGGED.items():
        if states[status]:
            bits.append((kind, f"{states[status]} {'pregunta' if states[status] == 1 else 'preguntas'} {words}"))
    if cell.days:
        bits.append(("tarde", f"{late.days_text(cell.days)} de retraso"
                     + (f", −{cell.penalty:g}\u00a0%" if cell.penalty else "")))
    if cell.unknown:
        bits.append(("tarde", "retraso según Canvas, días desconocidos"))
    if cell.adjusted:
        bits.append(("ajustada", "ajustada"))
    return "".join(f" <span class='flag {kind}'>{html.escape(text)}</span>" for kind, text in bits)


def page_link(student: str, notebook: str) -> str:
    return f"feedback/{html.escape(student)}/{html.escape(notebook)}.html"


def index_cell(cell: Submission) -> str:
    link = page_link(cell.student, cell.notebook)
    if cell.state == GRADED:
        share = cell.got / cell.best if cell.best else 0.0
        return (f"<td class='{tier(share)[0]}' data-v='{100 * share:.2f}'><a href='{link}'>{number(cell.got)}</a> "
                f"<small>({percentage(cell.got, cell.best)})</small>{flags(cell)}</td>")
    kind = f"estado {cell.state}"
    if cell.state == MISSING:
        return f"<td class='{kind}' data-v='{SORT_KEY[MISSING]}'>{STATE_TEXT[MISSING]}</td>"
    return (f"<td class='{kind}' data-v='{SORT_KEY[cell.state]}'><a href='{link}'>{STATE_TEXT[cell.state]}</a>"
            f"{flags(cell)}</td>")


def write_index(out: Path, result: Published, maxima: dict[str, float]) -> None:
    """index.html: one row per student, one column per notebook and the total; a click on a column's
    header sorts the rows by it (a few lines of inline script: the page opens offline)."""
    whole = sum(maxima[n] for n in result.notebooks)
    head = "".join(f"<th scope='col'><button type='button'>{html.escape(n)}<br><small>/ {maxima[n]:g}</small>"
                   "</button></th>" for n in result.notebooks)
    lines = []
    for student in result.students:
        cells = "".join(index_cell(result.cells[(student, n)]) for n in result.notebooks)
        total, missing = student_total(result, student)
        if total is None:
            shown = "Sin nota: " + ", ".join(sorted({STATE_TEXT[c.state].lower() for c in missing}))
            total_cell = f"<td class='estado' data-v='-1'><em>{html.escape(shown)}</em></td>"
        else:
            share = total / whole if whole else 0.0
            total_cell = (f"<td class='{tier(share)[0]}' data-v='{total:.4f}'><strong>{number(total)}</strong> "
                          f"<small>({percentage(total, whole)})</small>"
                          + (" <span class='flag'>incompleta</span>" if missing else "") + "</td>")
        extra = "".join(f"<br><small><a href='{page_link(student, c.notebook)}'>"
                        f"{html.escape(c.notebook)}: {STATE_TEXT[REFUSED].lower()}</a></small>"
                        for c in result.others if c.student == student)  # files that name no notebook
        lines.append(f"<tr><td data-v='{html.escape(student)}'>{html.escape(student)}{extra}</td>"
                     f"{cells}{total_cell}</tr>")
    page = (class_head("Notas de la clase") + "<h1>Notas de la clase</h1>\n"
            + (f"<p><small>{html.escape(run_line(out))}</small></p>\n" if run_line(out) else "")
            + f"<p>{html.escape(counts_text(result))}</p>\n"
            + "<p><a href='resumen.html'>Resumen por pregunta</a> · <a href='notas-por-estudiante.csv'>"
            + "notas-por-estudiante.csv</a> (<a href='notas-por-estudiante-excel.csv'>para Excel</a>) · "
            + "<a href='grades.csv'>grades.csv</a> (una fila por pregunta; <a href='grades-excel.csv'>para Excel</a>) · "
            + "<a href='moodle.csv'>moodle.csv</a>"
            + (" · <a href='canvas.csv'>canvas.csv</a>" if (out / "canvas.csv").exists() else "") + "</p>\n"
            + f"<p><small>Pulsa el título de una columna para ordenar por ella. {LEGEND}.</small></p>\n"
            + "<div class='tabla'><table class='ordenable'>\n<thead><tr><th scope='col' aria-sort='ascending'>"
            + f"<button type='button'>Estudiante</button></th>{head}<th scope='col'><button type='button'>Total<br>"
            + f"<small>/ {whole:g}</small></button></th></tr></thead>\n<tbody>\n"
            + "\n".join(lines) + "\n</tbody></table></div>\n" + SORT_SCRIPT + "</body></html>\n")
    (out / "index.html").write_text(page, encoding="utf-8")


def plain_title(title: str) -> str:
    """A question's title as the page shows it, without markup (for a chart's labels)."""
    return html.unescape(re.sub(r"<[^>]+>", "", inline_code(title)))


def short(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def histogram(scores: list[tuple[float, float]]) -> tuple[list[int], list[str]]:
    """Totals of one notebook counted in tenths of the maximum: (counts, labels of the ranges)."""
    counts = [0] * BINS
    for got, best in scores:
        counts[min(BINS - 1, int(BINS * got / best)) if best else 0] += 1
    return counts, [f"{100 * i // BINS}–{100 * (i + 1) // BINS}" for i in range(BINS)]


@dataclass
class Asked:
    """One question of a notebook as the summary shows it: how many got it right, of how many."""

    number: int
    question: masters.Question
    answers: list[dict]

    @property
    def right(self) -> int:
        return sum(r["status"] == "correcta" for r in self.answers)

    @property
    def share(self) -> float:
        return self.right / len(self.answers)


def ranked(result: Published, course: Course, notebook: str) -> list[Asked]:
    """The notebook's answered questions, from the fewest right answers to the most (ties in the
    notebook's order)."""
    rows = [r for s in result.students for r in result.cells[(s, notebook)].rows]
    asked = [Asked(i, q, [r for r in rows if r["question"] == q.grade_id])
             for i, q in enumerate(course.questions[notebook], 1)]
    return sorted((a for a in asked if a.answers), key=lambda a: (a.share, a.number))


def messages_cell(asked: Asked, notebook: str) -> str:
    """The most frequent failure messages, each opening to the students who got it (links to their pages)."""
    who: dict[str, list[str]] = {}
    for r in asked.answers:
        if r["status"] != "correcta" and r["message"]:
            who.setdefault(r["message"], []).append(r["student"])
    top = sorted(who.items(), key=lambda item: -len(item[1]))[:TOP_MESSAGES]
    return "".join(f"<details><summary class='msg'>{len(students)} × {html.escape(message[:300])}</summary>"
                   + ", ".join(f"<a href='{page_link(s, notebook)}'>{html.escape(s)}</a>" for s in students)
                   + "</details>" for message, students in top) or "—"


def draw_charts(out: Path, result: Published, course: Course) -> dict[str, tuple[str, str]]:
    """Each notebook's ranking of questions and histogram of totals as OUT/graficos/*.svg (charts made
    by an earlier run that are no longer drawn are removed); notebook -> their paths relative to OUT."""
    from . import charts  # matplotlib is loaded only when a summary is written

    drawn = {}
    for n in result.notebooks:
        questions, graded = ranked(result, course, n), [c for s in result.students
                                                        if (c := result.cells[(s, n)]).state == GRADED]
        if not questions:
            continue
        names = (f"{CHARTS}/{n}-aciertos.svg", f"{CHARTS}/{n}-notas.svg")
        charts.ranking(out / names[0], [short(f"{a.number}. {plain_title(a.question.title)}") for a in questions],
                       [a.share for a in questions], [tier(a.share)[1] for a in questions])
        counts, labels = histogram([(c.got, c.best) for c in graded])
        charts.histogram(out / names[1], counts, labels, [tier((i + 0.5) / BINS)[1] for i in range(BINS)])
        drawn[n] = names
    kept = {out / name for names in drawn.values() for name in names}
    for old in (out / CHARTS).glob("*.svg") if (out / CHARTS).is_dir() else []:
        if old not in kept:
            old.unlink()
    return drawn


def write_summary(out: Path, result: Published, course: Course) -> None:
    charts = draw_charts(out, result, course)
    parts = [class_head("Resumen de la clase"), "<h1>Resumen de la clase</h1>\n",
             "<p><a href='index.html'>Notas por estudiante</a></p>\n",
             (f"<p><small>{html.escape(run_line(out))}</small></p>\n" if run_line(out) else ""),
             f"<p>{html.escape(counts_text(result))}</p>\n"]
    # first what needs the instructor: submissions not graded, then late ones; then each exercise
    parts.append("<h2>Entregas sin corregir</h2>\n")
    lines = []
    for student in result.students:
        mine = [c for c in (result.cells[(student, n)] for n in result.notebooks) if c.state != GRADED]
        mine += [c for c in result.others if c.student == student]
        if not mine:
            continue
        what = []
        for c in mine:
            reason = ("No es un fallo del estudiante: ver logs/" if c.state == FAILED
                      else " ".join(c.reasons) if c.state == REFUSED else "")
            what.append(f"<p class='msg'><strong>{html.escape(c.notebook)}</strong>: {STATE_TEXT[c.state]}"
                        + (f". {html.escape(reason)}" if reason else "") + "</p>")
        lines.append(f"<tr><td>{html.escape(student)}</td><td>{''.join(what)}</td></tr>\n")
    if lines:
        parts.append("<div class='tabla'><table><thead><tr><th>Estudiante</th><th>Cuadernos y motivo</th></tr></thead>\n"
                     "<tbody>\n" + "".join(lines) + "</tbody></table></div>\n")
    else:
        parts.append("<p>Ninguna: se corrigieron todas las entregas.</p>\n")
    tardy = [c for c in result.cells.values() if c.state != MISSING and (c.days or c.unknown)]
    if tardy:
        parts.append("<h2>Entregas con retraso</h2>\n<div class='tabla'><table><thead><tr><th>Estudiante</th>"
                     "<th>Cuaderno</th><th>Retraso</th><th>Penalización</th></tr></thead>\n<tbody>\n")
        for c in sorted(tardy, key=lambda c: (c.student, c.notebook)):
            delay = late.days_text(c.days) if c.days else late.MARKED_SHORT[c.unknown]
            penalty = f"{c.penalty:g}\u00a0%" if c.days else "Ninguna automática: revísala a mano"
            parts.append(f"<tr><td>{html.escape(c.student)}</td><td>{html.escape(c.notebook)}</td>"
                         f"<td>{html.escape(delay)}</td><td>{penalty}</td></tr>\n")
        parts.append("</tbody></table></div>\n")
    for n in result.notebooks:
        mine = [result.cells[(s, n)] for s in result.students]
        graded = [c for c in mine if c.state == GRADED]
        states = Counter(c.state for c in mine)
        said = ", ".join(f"{states[s]} {w}" for s, w in ((GRADED, "corregidas"), (FAILED, "con fallo del corrector"),
                                                         (REFUSED, "rechazadas"), (MISSING, "sin entregar")) if states[s])
        parts.append(f"<section id='{html.escape(n)}'>\n<h2>{inline_code(course.titles.get(n) or n)} "
                     f"<small>({html.escape(n)}, {said})</small></h2>\n")
        questions = ranked(result, course, n)
        if n in charts:
            alt = "; ".join(f"{a.number}. {plain_title(a.question.title)}: {percentage(a.right, len(a.answers))}"
                            for a in questions)
            parts.append("<h3>Preguntas, de menos a más respuestas correctas</h3>\n"
                         f"<img class='grafico' src='{charts[n][0]}' alt='{html.escape(alt)}'>\n")
        parts.append("<div class='tabla'><table class='preguntas'><thead><tr><th>Pregunta</th><th>Correctas</th>"
                     "<th>Estados</th><th>Mensajes más frecuentes</th></tr></thead>\n<tbody>\n")
        for a in questions:
            counted = Counter(r["status"] for r in a.answers if r["status"] != "correcta")
            state_text = "<br>".join(f"{STATUS_TEXT.get(s, s)}: {c}" for s, c in counted.most_common()) or "—"
            parts.append(f"<tr class='{tier(a.share)[0]}' data-pregunta='{a.number}'><td>{a.number}. "
                         f"{inline_code(a.question.title)}</td><td>{a.right} / {len(a.answers)} "
                         f"({percentage(a.right, len(a.answers))})</td><td>{state_text}</td>"
                         f"<td>{messages_cell(a, n)}</td></tr>\n")
        parts.append("</tbody></table></div>\n<h3>Distribución de notas</h3>\n")
        if n in charts:
            counts, labels = histogram([(c.got, c.best) for c in graded])
            alt = "Estudiantes por nota: " + "; ".join(f"{label}\u00a0%: {count}" for label, count in zip(labels, counts))
            parts.append(f"<img class='grafico' src='{charts[n][1]}' alt='{html.escape(alt)}'>\n")
        else:
            parts.append("<p>Ninguna entrega corregida.</p>\n")
        parts.append("</section>\n")
    parts.append("</body></html>\n")
    (out / "resumen.html").write_text("".join(parts), encoding="utf-8")
