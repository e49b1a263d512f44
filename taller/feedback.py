"""Spanish feedback for one student and one notebook, as a small self-contained HTML page.

It tells "not attempted yet" apart from "incorrect", quotes the message of the check that failed
(written for students) and never shows test source: hidden tests stay hidden.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from . import explain

STATUS_TEXT = {
    "correcta": "Correcta",
    "sin_intentar": "Sin intentar",
    "incorrecta": "Incorrecta",
    "error": "Tu código lanzó un error",
    "tiempo_agotado": "Tiempo agotado",
    "no_calificada": "No calificada",
    "fallo_corrector": "Fallo del corrector",
    "detenido": "El cuaderno se detuvo",
    "interferencia": "Interfirió con la corrección",
}

ADVICE = {
    "sin_intentar": "Todavía no has respondido esta pregunta: sustituye "
                    "<code>raise NotImplementedError(...)</code> por tu código y vuelve a ejecutar la celda.",
    "tiempo_agotado": "La corrección se detuvo porque el cuaderno tardó demasiado "
                      "(¿un bucle que no termina?). Revisa los bucles y el número de iteraciones o de épocas.",
    "no_calificada": "El corrector no pudo calificar esta pregunta. Comprueba que el cuaderno se ejecuta "
                     "de principio a fin sin errores (Reiniciar y ejecutar todo) y avisa al profesorado.",
    "error": "Lee el mensaje: indica qué falló al ejecutar tu código o al comprobarlo.",
    "fallo_corrector": "El corrector falló por una causa ajena a tu cuaderno y no pudo calificar esta pregunta. "
                       "El profesorado lo revisará: no tienes que hacer nada.",
    "detenido": "El proceso de Python de tu cuaderno terminó de golpe antes de calificar esta pregunta "
                "(por ejemplo por quedarse sin memoria o por llamar a <code>os._exit</code> o <code>sys.exit</code>). "
                "Las preguntas anteriores conservan su nota. Reinicia el kernel, ejecuta todo y busca la celda "
                "en la que se detiene.",
    "interferencia": "El corrector no pudo terminar de comprobar tu respuesta porque el código del cuaderno "
                     "le cortó o le cambió la comunicación. Busca en tus celdas código que modifique cómo se "
                     "ejecutan las celdas o los módulos del sistema (<code>sys</code>, <code>socket</code>, "
                     "<code>builtins</code>), quítalo y ejecuta el cuaderno de principio a fin.",
    "incorrecta": "",
}


INTERFERENCE = "Interferencia"  # the taller engine's mark of a question the notebook kept from being judged
TIMEOUT = "CellTimeoutError"  # the grader's marker of a cell interrupted at the time limit
KERNEL_DIED = "KernelDied"  # the grader's marker of a cell the kernel died in, or never reached


@dataclass
class Row:
    question: str
    score: float
    max_score: float
    status: str
    message: str = ""
    number: int = 0  # position of the question in the notebook, from 1
    title: str = ""  # from the prompt's heading
    first_fix: int = 0  # an earlier question whose answer cell crashed, to fix first (0: none)


def status_of(score: float, max_score: float, error: str, stub_left: bool, timed_out: bool, graded: bool,
              answer_error: str = "", kernel_died: bool = False) -> str:
    if graded and score >= max_score:
        return "correcta"
    if error.startswith(INTERFERENCE):
        return "interferencia"
    if stub_left or error.startswith("NotImplementedError"):
        return "sin_intentar"
    if (timed_out and not graded) or answer_error.startswith(TIMEOUT) or error.startswith(TIMEOUT):
        return "tiempo_agotado"
    if answer_error.startswith(KERNEL_DIED) or error.startswith(KERNEL_DIED) or (kernel_died and not graded):
        return "detenido"
    if answer_error:
        return "error"
    if not graded:
        return "no_calificada"
    if error.startswith("AssertionError"):
        return "incorrecta"
    return "error"


def student_message(status: str, error: str, answer_error: str = "", answer_traceback=None,
                    error_traceback=None) -> str:
    """The text shown under a question: the check's own message, or the error explained in Spanish
    (explain.py: what failed, where, what it means and, after explain.HINT, a hint that fits it).

    answer_traceback / error_traceback: the `traceback` lines of the answer cell's and of the test
    cell's error output, when the caller has them: they give the line of the student's cell."""
    if status == "correcta":
        return ""
    answer_stopped = answer_error.startswith((TIMEOUT, KERNEL_DIED))
    if status in ("tiempo_agotado", "detenido"):  # the page's advice says what to do: no hint here
        if answer_stopped:
            return explain.stopped(answer_error, explain.ANSWER)
        return explain.stopped(error, explain.CHECK)
    if status == "interferencia":
        return error.partition(":")[2].strip()
    if answer_error and status == "error":
        return str(explain.explain(answer_error, answer_traceback, explain.ANSWER))
    if status == "incorrecta":
        text = error.partition(":")[2].strip()
        return explain.gloss(text) if text else "Tu respuesta no supera las comprobaciones de esta pregunta."
    if status == "error" and error:
        return str(explain.explain(error, error_traceback, explain.CHECK))
    return ""


def split_hint(message: str) -> tuple[str, str]:
    """(message, hint) of a message written with explain.HINT; the hint is '' if there is none."""
    text, sep, hint = message.partition(explain.HINT)
    return (text, hint.strip()) if sep else (message, "")


def code_spans(text: str) -> str:
    """Escape a message and show its `code` spans as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", html.escape(text))


PAGE_HEAD = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccc; padding: .4rem; vertical-align: top; text-align: left; }}
tr.correcta .estado {{ color: #1a7f37; }} tr.incorrecta .estado, tr.error .estado {{ color: #b42318; }}
tr.sin_intentar .estado {{ color: #9a6700; }} .msg {{ white-space: pre-wrap; margin: 0; overflow-wrap: anywhere; }}
.tip {{ color: #555; margin: .3rem 0 0; }} .first {{ margin: .3rem 0 0; font-weight: 600; }}
.nota {{ font-size: 1.2rem; }}
@media (max-width: 40rem) {{
  body {{ margin: 1rem auto; }} table, tbody, tr, td {{ display: block; width: auto; }} tr:first-child {{ display: none; }}
  tr {{ border: 1px solid #ccc; margin: 0 0 .8rem; }} td {{ border: none; padding: .2rem .5rem; }}
}}
</style></head><body>
"""


def render_refusal(student: str, file_name: str, message: str) -> str:
    """The page of a file that was not graded: which file, and why, in the student's words."""
    return (PAGE_HEAD.format(title=f"Entrega no corregida ({html.escape(student)})")
            + f"<h1>Entrega no corregida: {html.escape(file_name)}</h1>\n"
            + f"<p>Estudiante: <strong>{html.escape(student)}</strong></p>\n"
            + f"<p class='msg'>{html.escape(message)}</p>\n</body></html>\n")


GREEK = {r"\alpha": "α", r"\lambda": "λ", r"\eta": "η", r"\theta": "θ", r"\sigma": "σ", r"\mu": "μ"}


def inline_code(text: str) -> str:
    """Escape a title, show its `code` spans as code and its $\alpha$-style symbols as letters."""
    text = re.sub(r"\$([^$]+)\$", lambda m: "".join(GREEK.get(t, t) for t in re.split(r"(\\[a-z]+)", m[1])), text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def percentage(got: float, possible: float) -> str:
    return f"{100 * got / possible:.0f}\u00a0%" if possible else "—"


def render(student: str, notebook: str, title: str, rows: list[Row], date: str, note: str = "") -> str:
    """The student's page: the notebook's title, each question by number and title with its points,
    state and what to look at, the total with a percentage, and the date."""
    total = sum(r.score for r in rows)
    possible = sum(r.max_score for r in rows)
    body = []
    for r in rows:
        text, hint = split_hint(r.message)
        advice = f"Pista: {code_spans(hint)}" if hint else ADVICE.get(r.status, "")
        first = (f"<p class='first'>Corrige primero la pregunta {r.first_fix}: su celda de respuesta terminó con "
                 "un error, y esta pregunta puede depender de ella.</p>") if r.first_fix else ""
        message = code_spans(text.strip())
        detail = "".join(part for part in (
            first,
            f"<p class='msg'>{message}</p>" if message else "",
            f"<p class='tip'>{advice}</p>" if advice else "",
        ))
        body.append(
            f"<tr class='{r.status}'><td>{r.number}. {inline_code(r.title or r.question)}</td>"
            f"<td>{r.score:g} / {r.max_score:g}</td><td class='estado'>{STATUS_TEXT[r.status]}</td><td>{detail}</td></tr>"
        )
    heading = inline_code(title or notebook)
    extra = f" · <strong>{html.escape(note)}</strong>" if note else ""
    return PAGE_HEAD.format(title=f"Corrección: {html.escape(title or notebook)} ({html.escape(student)})") + f"""<h1>{heading}</h1>
<p>Cuaderno <code>{html.escape(notebook)}.ipynb</code> · Estudiante: <strong>{html.escape(student)}</strong> · Corregido el {html.escape(date)}{extra}</p>
<p class="nota">Nota: <strong>{total:g} / {possible:g}</strong> ({percentage(total, possible)})</p>
<p>Cada pregunta se comprueba con pruebas visibles (las que ves en el cuaderno) y pruebas ocultas
con datos nuevos. Los mensajes explican qué falló sin mostrar las pruebas ocultas.</p>
<table><tr><th>Pregunta</th><th>Puntos</th><th>Estado</th><th>Qué revisar</th></tr>
{chr(10).join(body)}
</table></body></html>
"""
