"""What a student sees under a check cell of the release: one ✘ line with the Spanish message when a
visible check fails, the ✔ line when it passes, and the usual traceback for an error in their own
code. The check cells come collapsed under a title (Colab form, Jupyter source_hidden)."""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SLUGS
from taller import masters, student_checks, submissions

SLUG = "01-descenso-gradiente"  # NumPy only: each run takes a second or two
CHECK = "gd-predecir"
CHECKS_PASSED = "✔ Comprobaciones visibles superadas. La nota final la deciden también pruebas ocultas."
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# predecir without the bias: the check's small case names the mistake (tests/variants/01 has it too)
NO_BIAS = '''def predecir(X, w, b):
    return X @ w
'''
def run_check(answer: str | None) -> dict:
    """Run the release's setup cell, the given cells before question 1 and its check cell, with the
    reference answer (None) or `answer` in the answer cell; return the cells by id, executed."""
    nb = submissions.solved(ROOT, SLUG, None if answer is None else {f"{CHECK}-sol": answer})
    upto = next(i for i, c in enumerate(nb.cells) if c.get("id") == CHECK)
    nb.cells = [c for c in nb.cells[:upto + 1] if c.cell_type == "code"]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute(stderr=subprocess.DEVNULL)
    return {c.id: c for c in nb.cells}


def errors(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_a_failing_check_shows_one_spanish_line_and_still_fails():
    cells = run_check(NO_BIAS)
    [error] = errors(cells[CHECK])  # the cell still ends in error: every engine sees a failed check
    assert error.ename == "AssertionError"
    assert len(error.traceback) == 1, error.traceback
    line = error.traceback[0]
    assert line.startswith("✘ ") and "predecir no suma el sesgo b" in line, line
    assert "Traceback" not in line and "AssertionError" not in line
    assert not errors(cells[f"{CHECK}-sol"])


def test_a_passing_check_shows_the_tick():
    cells = run_check(None)
    check = cells[CHECK]
    assert not errors(check), errors(check)
    printed = "".join(o.text for o in check.outputs if o.output_type == "stream" and o.name == "stdout")
    assert printed.strip() == CHECKS_PASSED


def test_an_error_in_an_answer_cell_keeps_its_traceback():
    cells = run_check("resultado = variable_que_no_existe + 1  # una errata\n" + NO_BIAS)
    [error] = errors(cells[f"{CHECK}-sol"])
    assert error.ename == "NameError" and len(error.traceback) > 1
    assert "variable_que_no_existe" in ANSI.sub("", "\n".join(error.traceback))


def test_an_assert_of_the_student_keeps_its_traceback():
    """The student's own asserts (in their cell, or in their function called by a check) are their
    code: the traceback shows their line. A library's assert inside a check is the check's."""
    title = student_checks.CHECK_TITLE.format(number=1)
    nb = nbformat.v4.new_notebook()
    nb.cells = [student_checks.setup_cell(),
                nbformat.v4.new_code_cell('def f(x):\n    assert x > 0, "mi propia comprobación"\n    return x\n'),
                nbformat.v4.new_code_cell('f(-1)  # probando mi función'),
                nbformat.v4.new_code_cell(f'{title}\n_v = f(-2)\n'),
                nbformat.v4.new_code_cell(f'{title}\nimport numpy as np\n'
                                          'np.testing.assert_allclose(1.0, 2.0, err_msg="no coincide")\n')]
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute(stderr=subprocess.DEVNULL)
    for cell in nb.cells[2:4]:
        [error] = errors(cell)
        text = ANSI.sub("", "\n".join(error.traceback))
        assert error.ename == "AssertionError" and len(error.traceback) > 1 and "✘" not in text, text
        assert 'assert x > 0, "mi propia comprobación"' in text
    [error] = errors(nb.cells[4])
    assert len(error.traceback) == 1 and error.traceback[0].startswith("✘ ") and "no coincide" in error.traceback[0]


@pytest.mark.parametrize("slug", SLUGS)
def test_release_check_cells_are_titled_and_collapsed(slug):
    nb = masters.read(ROOT / "release" / slug / f"{slug}.ipynb")
    tests = [c for c in nb.cells if masters.is_test_cell(c)]
    assert tests
    for number, cell in enumerate(tests, 1):
        assert cell.source.splitlines()[0] == f"#@title Comprobación de la pregunta {number}"
        assert cell.metadata["cellView"] == "form" and cell.metadata["jupyter"]["source_hidden"] is True
    setup = [c for c in nb.cells if c.get("id") == student_checks.SETUP_ID]
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert setup == [first_code] and "set_custom_exc((AssertionError,)" in first_code.source
    # the check cells themselves are the master's visible checks, unchanged below the title
    master = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    visible = ["".join(code for hidden, code in masters.split_hidden(q.source) if not hidden)
               for q in masters.questions(master)]
    assert [c.source.split("\n", 1)[1].rstrip("\n") for c in tests] == [v.rstrip("\n") for v in visible]


def test_the_06_fallbacks_name_the_question_to_look_at(capsys):
    """The untouched release of 06 goes on after a failed search or retraining and says which question
    to look at: the preguntas that the failing code uses, the retraining cell itself first."""
    import types

    slug = "06-ajuste-hiperparametros"
    cells = {c.get("id"): c.source for c in masters.read(ROOT / "release" / slug / f"{slug}.ipynb").cells}
    names = {"np": __import__("numpy"), "tempfile": __import__("tempfile"), "X_ent": None, "y_ent": None,
             "X_val": None, "y_val": None, "construir_modelo": None, "plt": None,
             "kt": types.SimpleNamespace(HyperParameters=dict)}
    for cell in ("ah-buscador-sol", "ah-busqueda", "ah-reentrenar-sol"):
        exec(cells[cell], names)
    printed = capsys.readouterr().out
    assert "⚠ La búsqueda ha fallado (NotImplementedError: Pregunta sin responder" in printed
    assert "Revisa las preguntas 1 a 3." in printed
    assert ("⚠ No se pudo reentrenar (NotImplementedError: Pregunta sin responder" in printed
            and "Revisa reentrenar, en esta celda, y construir_modelo (pregunta 2), que reentrenar usa." in printed)
    assert names["modelo_final"] is None
    names.update(X_prueba=None, y_prueba=names["np"].zeros(3), y_ent=names["np"].zeros(3), y_val=names["np"].zeros(3))
    exec(cells["ah-evaluar-sol"], names)
    assert "⚠ No hay modelo reentrenado que evaluar: revisa la pregunta 4 (reentrenar)." in capsys.readouterr().out
    assert "ejercicio" not in "".join(cells.values())
