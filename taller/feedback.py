"""Spanish feedback for one student and one notebook, as a small self-contained HTML page.

It tells "not attempted yet" apart from "incorrect", quotes the message of the check that failed
(written for students) and never shows test source: hidden tests stay hidden.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

STATUS_TEXT = {
    "correcta": "Correcta",
    "sin_intentar": "Sin intentar",
    "incorrecta": "Incorrecta",
    "error": "Tu código lanzó un error",
    "tiempo_agotado": "Tiempo agotado",
    "no_calificada": "No calificada",
    "fallo_corrector": "Fallo del corrector",
    "detenido": "El cuaderno se detuvo",
}

ADVICE = {
    "sin_intentar": "Todavía no has respondido esta pregunta: sustituye "
                    "<code>raise NotImplementedError()</code> por tu código y vuelve a ejecutar la celda.",
    "tiempo_agotado": "La corrección se detuvo porque el cuaderno tardó demasiado "
                      "(¿un bucle que no termina?). Revisa los bucles y el número de iteraciones o de épocas.",
    "no_calificada": "El corrector no pudo calificar esta pregunta. Comprueba que el cuaderno se ejecuta "
                     "de principio a fin sin errores (Reiniciar y ejecutar todo) y avisa al profesorado.",
    "error": "Lee el mensaje: indica qué falló al ejecutar tu código o al comprobarlo. "
             "Prueba tu función con entradas distintas de las del enunciado.",
    "fallo_corrector": "El corrector falló por una causa ajena a tu cuaderno y no pudo calificar esta pregunta. "
                       "El profesorado lo revisará: no tienes que hacer nada.",
    "detenido": "El proceso de Python de tu cuaderno terminó de golpe antes de calificar esta pregunta "
                "(por ejemplo por quedarse sin memoria o por llamar a <code>os._exit</code> o <code>sys.exit</code>). "
                "Las preguntas anteriores conservan su nota. Reinicia el kernel, ejecuta todo y busca la celda "
                "en la que se detiene.",
    "incorrecta": "",
}


TIMEOUT = "CellTimeoutError"  # the grader's marker of a cell interrupted at the time limit
KERNEL_DIED = "KernelDied"  # the grader's marker of a cell the kernel died in, or never reached


@dataclass
class Row:
    question: str
    score: float
    max_score: float
    status: str
    message: str = ""


def status_of(score: float, max_score: float, error: str, stub_left: bool, timed_out: bool, graded: bool,
              answer_error: str = "", kernel_died: bool = False) -> str:
    if graded and score >= max_score:
        return "correcta"
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


def student_message(status: str, error: str, answer_error: str = "") -> str:
    """The sentence shown under a question: the check's own message, or advice by status."""
    if status == "correcta":
        return ""
    if status == "tiempo_agotado" and (answer_error.startswith(TIMEOUT) or error.startswith(TIMEOUT)):
        return "Tu celda de respuesta se interrumpió porque superó el tiempo máximo por celda."
    if status == "detenido":
        return ""
    if answer_error and status == "error":
        return f"Tu celda de respuesta terminó con un error, así que lo que va detrás no llegó a ejecutarse: {answer_error}"
    if status == "incorrecta":
        text = error.partition(":")[2].strip()
        return text or "Tu respuesta no supera las comprobaciones de esta pregunta."
    if status == "error" and error:
        return error
    return ""


PAGE_HEAD = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccc; padding: .4rem; vertical-align: top; }}
tr.correcta td:nth-child(3) {{ color: #1a7f37; }} tr.incorrecta td:nth-child(3), tr.error td:nth-child(3) {{ color: #b42318; }}
tr.sin_intentar td:nth-child(3) {{ color: #9a6700; }} .msg {{ white-space: pre-wrap; margin: 0; }} .tip {{ color: #555; margin: .3rem 0 0; }}
</style></head><body>
"""


def render_refusal(student: str, file_name: str, message: str) -> str:
    """The page of a file that was not graded: which file, and why, in the student's words."""
    return (PAGE_HEAD.format(title=f"Entrega no corregida ({html.escape(student)})")
            + f"<h1>Entrega no corregida: {html.escape(file_name)}</h1>\n"
            + f"<p>Estudiante: <strong>{html.escape(student)}</strong></p>\n"
            + f"<p class='msg'>{html.escape(message)}</p>\n</body></html>\n")


def render(student: str, notebook: str, engine: str, rows: list[Row], note: str = "") -> str:
    total = sum(r.score for r in rows)
    possible = sum(r.max_score for r in rows)
    body = []
    for r in rows:
        advice = ADVICE.get(r.status, "")
        message = html.escape(r.message)
        detail = "".join(part for part in (
            f"<p class='msg'>{message}</p>" if message else "",
            f"<p class='tip'>{advice}</p>" if advice else "",
        ))
        body.append(
            f"<tr class='{r.status}'><td><code>{html.escape(r.question)}</code></td>"
            f"<td>{r.score:g} / {r.max_score:g}</td><td>{STATUS_TEXT[r.status]}</td><td>{detail}</td></tr>"
        )
    title = f"Corrección: {html.escape(notebook)} ({html.escape(student)})"
    return PAGE_HEAD.format(title=title) + f"""<h1>Corrección de {html.escape(notebook)}</h1>
<p>Estudiante: <strong>{html.escape(student)}</strong> · Nota: <strong>{total:g} / {possible:g}</strong> · Corrector: {html.escape(engine)}{" · " + html.escape(note) if note else ""}</p>
<p>Cada pregunta se comprueba con pruebas visibles (las que ves en el cuaderno) y pruebas ocultas
con datos nuevos. Los mensajes explican qué falló sin mostrar las pruebas ocultas.</p>
<table><tr><th>Pregunta</th><th>Puntos</th><th>Estado</th><th>Qué revisar</th></tr>
{chr(10).join(body)}
</table></body></html>
"""
