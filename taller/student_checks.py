"""What a student sees of a check cell in release/: a title line, and one line of result.

nbgrader_config.py adds `OneLineChecks` to generate_assignment, so `taller build`, `nbgrader
generate_assignment` and formgrader's Generate button write the same release. It

- puts a setup cell before the first code cell: through IPython's `set_custom_exc`, an AssertionError
  raised by a check cell shows one line, "✘ " and its Spanish message, in place of the traceback
  (otter's `grader.check` and Kaggle Learn do the same). The cell still ends in error (IPython marks
  the run failed before it calls the handler), and the handler publishes the usual error output
  (ename, evalue, that one line) through `_showtraceback`, the method ipykernel and Colab's shell
  implement for it: IPython ignores what a handler returns. So nbgrader, otter and taller still see a
  failed check.
  An error anywhere else, the student's own code included, keeps its traceback: it shows their line.
  Plain IPython (Colab, Jupyter), no taller import;
- starts each check cell with `#@title Comprobación de la pregunta N` and collapses its code
  (`cellView: "form"` on Colab, `jupyter.source_hidden` on Jupyter): the student sees the title and
  the result, "✔ Comprobaciones visibles superadas. ..." (printed by the check itself) or "✘ ...".

The checks' code is not changed. Grading overwrites check cells with the master's (nbgrader's
gradebook, otter's tests, the taller engine's verdicts), which carry no title: there, tracebacks
are as before.
"""

from __future__ import annotations

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.utils import compute_checksum
from traitlets import Bool

from . import masters

CHECK_TITLE = "#@title Comprobación de la pregunta {number}"
SETUP_ID = "preparar-comprobaciones"

# Runs in the student's kernel: plain IPython, nothing of taller. The marker is the title line that
# OneLineChecks puts on every check cell: the innermost frame of notebook code (globals: the
# notebook namespace; library frames under it do not count) must be code of such a cell.
SETUP_SOURCE = '''\
#@title Preparación de las comprobaciones (ejecuta esta celda antes que las demás)
# Una comprobación que falla muestra una sola línea: ✘ y lo que debes revisar.
import linecache as _linecache


def _comprobacion_fallida(shell, etype, evalue, tb, tb_offset=None):
    # La última celda del cuaderno por la que pasó el error (no una biblioteca): ¿es una comprobación?
    celda, paso = "", tb
    while paso is not None:
        if paso.tb_frame.f_globals is shell.user_ns:
            celda = _linecache.getline(paso.tb_frame.f_code.co_filename, 1)
        paso = paso.tb_next
    if celda.startswith("#@title Comprobación de la pregunta") and str(evalue):
        # la salida de error de siempre (la celda sigue fallando), con una sola línea
        shell._showtraceback(etype, evalue, ["✘ " + str(evalue)])
    else:
        shell.showtraceback((etype, evalue, tb), tb_offset=tb_offset)


try:
    get_ipython().set_custom_exc((AssertionError,), _comprobacion_fallida)
except NameError:  # fuera de IPython no hay nada que ajustar
    pass
'''


def collapse(cell, title: str) -> None:
    """Start a code cell with a Colab form title and hide its code on Colab and Jupyter."""
    cell.source = f"{title}\n{cell.source}"
    cell.metadata["cellView"] = "form"
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def setup_cell():
    cell = nbformat.v4.new_code_cell(SETUP_SOURCE.rstrip("\n"))
    cell.id = SETUP_ID
    cell.metadata["cellView"] = "form"
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


class OneLineChecks(Preprocessor):
    """Titled, collapsed check cells and the setup that turns a failed check into one ✘ line."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        tests = [cell for cell in nb.cells if masters.is_test_cell(cell)]
        if not tests:
            return nb, resources
        for number, cell in enumerate(tests, 1):
            collapse(cell, CHECK_TITLE.format(number=number))
            # generate_assignment checksummed the cell before: a changed source needs a new checksum,
            # or `nbgrader validate` would report the check cell as changed by the student
            cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
        first_code = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
        nb.cells.insert(first_code, setup_cell())
        return nb, resources
