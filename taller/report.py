"""The instructor's view of a graded class, written beside grades.csv by `taller grade`:

- notas-por-estudiante.csv: one row per student, one column per notebook, and the total, ready to
  load into a course platform (an empty cell: no notebook handed in);
- index.html: the same table, each score linking to the student's feedback page;
- resumen.html: per question, the share of correct answers and the most frequent failure messages;
  a histogram of totals per notebook; the submissions that could not be graded and why.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from pathlib import Path

from .feedback import PAGE_HEAD, STATUS_TEXT, inline_code, percentage

TOP_MESSAGES = 3
BINS = 10  # histogram of totals in tenths of the maximum


def totals(rows: list[dict]) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, notebook) -> (points, maximum)."""
    sums: dict[tuple[str, str], tuple[float, float]] = {}
    for row in rows:
        key = (row["student"], row["notebook"])
        got, best = sums.get(key, (0.0, 0.0))
        sums[key] = (got + float(row["score"]), best + float(row["max_score"]))
    return sums


def write_student_table(out: Path, rows: list[dict], notebooks: list[str], maxima: dict[str, float]) -> None:
    sums = totals(rows)
    students = sorted({s for s, _ in sums})
    with open(out / "notas-por-estudiante.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *notebooks, "total", "max_total"])
        for student in students:
            cells = [f"{sums[(student, n)][0]:g}" if (student, n) in sums else "" for n in notebooks]
            total = sum(sums[(student, n)][0] for n in notebooks if (student, n) in sums)
            writer.writerow([student, *cells, f"{total:g}", f"{sum(maxima.values()):g}"])


def write_index(out: Path, rows: list[dict], notebooks: list[str], maxima: dict[str, float],
                refused: list[tuple[str, str, str]]) -> None:
    sums = totals(rows)
    students = sorted({s for s, _ in sums} | {s for s, _, _ in refused})
    head = "".join(f"<th>{html.escape(n)}<br><small>/ {maxima[n]:g}</small></th>" for n in notebooks)
    lines = []
    for student in students:
        cells = []
        for n in notebooks:
            if (student, n) in sums:
                got, best = sums[(student, n)]
                link = f"feedback/{html.escape(student)}/{html.escape(n)}.html"
                cells.append(f"<td><a href='{link}'>{got:g}</a> <small>({percentage(got, best)})</small></td>")
            elif any(s == student and slug == n for s, slug, _ in refused):
                link = f"feedback/{html.escape(student)}/{html.escape(n)}.html"
                cells.append(f"<td><a href='{link}'>no corregida</a></td>")
            else:
                cells.append("<td>—</td>")
        total = sum(sums[(student, n)][0] for n in notebooks if (student, n) in sums)
        lines.append(f"<tr><td>{html.escape(student)}</td>{''.join(cells)}<td><strong>{total:g}</strong></td></tr>")
    page = (PAGE_HEAD.format(title="Notas de la clase") + "<h1>Notas de la clase</h1>\n"
            + "<p><a href='resumen.html'>Resumen por pregunta</a> · <a href='notas-por-estudiante.csv'>"
            + "notas-por-estudiante.csv</a> · <a href='grades.csv'>grades.csv</a> (una fila por pregunta)</p>\n"
            + f"<table><tr><th>Estudiante</th>{head}<th>Total<br><small>/ {sum(maxima.values()):g}</small></th></tr>\n"
            + "\n".join(lines) + "\n</table></body></html>\n")
    (out / "index.html").write_text(page, encoding="utf-8")


def histogram(scores: list[tuple[float, float]]) -> str:
    """Totals of one notebook in tenths of the maximum, as horizontal bars."""
    counts = [0] * BINS
    for got, best in scores:
        counts[min(BINS - 1, int(BINS * got / best)) if best else 0] += 1
    most = max(counts) or 1
    bars = []
    for i, count in enumerate(counts):
        low, high = 100 * i // BINS, 100 * (i + 1) // BINS
        label = f"{low}–{high} %"
        width = 100 * count / most
        bars.append(f"<tr><td>{label}</td><td><div style='background:#4c78a8;height:1rem;width:{width:.0f}%'></div></td>"
                    f"<td>{count}</td></tr>")
    return "<table class='hist'><tr><th>Nota</th><th>Estudiantes</th><th>n</th></tr>" + "".join(bars) + "</table>"


def write_summary(out: Path, rows: list[dict], notebooks: list[str], titles: dict[str, dict[str, str]],
                  notebook_titles: dict[str, str], refused: list[tuple[str, str, str]]) -> None:
    parts = [PAGE_HEAD.format(title="Resumen de la clase"), "<h1>Resumen de la clase</h1>\n",
             "<p><a href='index.html'>Notas por estudiante</a></p>\n"]
    sums = totals(rows)
    for n in notebooks:
        mine = [r for r in rows if r["notebook"] == n]
        graded = sorted({r["student"] for r in mine})
        parts.append(f"<h2>{inline_code(notebook_titles.get(n) or n)} <small>({html.escape(n)}, "
                     f"{len(graded)} entregas)</small></h2>\n")
        parts.append("<table><tr><th>Pregunta</th><th>Correctas</th><th>Estados</th><th>Mensajes más frecuentes</th></tr>\n")
        for number, (question, title) in enumerate(titles[n].items(), 1):
            answers = [r for r in mine if r["question"] == question]
            if not answers:
                continue
            right = sum(r["status"] == "correcta" for r in answers)
            states = Counter(r["status"] for r in answers if r["status"] != "correcta")
            messages = Counter(r["message"] for r in answers if r["status"] != "correcta" and r["message"])
            state_text = "<br>".join(f"{STATUS_TEXT[s]}: {c}" for s, c in states.most_common()) or "—"
            message_text = "".join(f"<p class='msg'>{c} × {html.escape(m[:300])}</p>"
                                   for m, c in messages.most_common(TOP_MESSAGES)) or "—"
            parts.append(f"<tr><td>{number}. {inline_code(title)}</td><td>{right} / {len(answers)} "
                         f"({percentage(right, len(answers))})</td><td>{state_text}</td><td>{message_text}</td></tr>\n")
        parts.append("</table>\n<h3>Distribución de notas</h3>\n")
        parts.append(histogram([sums[(s, n)] for s in graded]) + "\n")
    failed = sorted({(r["student"], r["notebook"]) for r in rows if r["status"] == "fallo_corrector"})
    parts.append("<h2>Entregas sin corregir</h2>\n")
    if refused or failed:
        parts.append("<table><tr><th>Estudiante</th><th>Cuaderno</th><th>Motivo</th></tr>\n")
        for student, slug, reason in refused:
            parts.append(f"<tr><td>{html.escape(student)}</td><td>{html.escape(slug)}</td>"
                         f"<td class='msg'>{html.escape(reason)}</td></tr>\n")
        for student, slug in failed:
            parts.append(f"<tr><td>{html.escape(student)}</td><td>{html.escape(slug)}</td>"
                         "<td>Fallo del corrector (no del estudiante): ver logs/</td></tr>\n")
        parts.append("</table>\n")
    else:
        parts.append("<p>Ninguna: se corrigieron todas las entregas.</p>\n")
    parts.append("</body></html>\n")
    (out / "resumen.html").write_text("".join(parts), encoding="utf-8")


def write(out: Path, rows: list[dict], titles: dict[str, dict[str, str]], notebook_titles: dict[str, str],
          maxima: dict[str, float], refused: list[tuple[str, str, str]]) -> None:
    """All three reports. titles: notebook -> {question: title}, in notebook order; refused:
    (student, notebook, reason) of each file that was not graded."""
    notebooks = sorted({r["notebook"] for r in rows} | {slug for _, slug, _ in refused if slug in maxima})
    maxima = {n: maxima[n] for n in notebooks if n in maxima}
    notebooks = [n for n in notebooks if n in maxima]
    write_student_table(out, rows, notebooks, maxima)
    write_index(out, rows, notebooks, maxima, refused)
    write_summary(out, rows, notebooks, titles, notebook_titles, refused)
