"""How both engines execute a notebook, inside the engine sandbox: what a cell that runs too long and
a kernel that dies leave in the notebook.

- A cell that runs past the cell time limit is interrupted and gets a `CellTimeoutError` output
  (nbgrader's own marker), so a time-out is told apart from a `KeyboardInterrupt` the student raised.
- A kernel that dies (a crash, `os._exit`) no longer aborts the whole notebook: the cell where it
  died and every cell after it get a `KernelDied` output and are not run, and the engine goes on to
  grade from what was executed. Questions graded before keep their scores. A kernel that ignores
  the interrupt is treated alike, with `CellTimeoutError` outputs.
"""

from __future__ import annotations

import functools

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output

KERNEL_DIED = "KernelDied"
CELL_TIMEOUT = {"ename": "CellTimeoutError", "evalue": "",
                "traceback": ["CellTimeoutError: la celda superó el tiempo máximo por celda"]}


def marker(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def survive_kernel_death(cls) -> None:
    """Make an ExecutePreprocessor class go on past a kernel that died, or that ignored the
    interrupt at the cell time limit: that cell and the ones after it are marked, not run."""
    run_cell = cls.preprocess_cell
    if getattr(run_cell, "survives_kernel_death", False):
        return

    @functools.wraps(run_cell)
    def preprocess_cell(self, cell, resources, index):
        stopped = getattr(self, "stopped_by", None)
        if stopped:
            if cell.cell_type == "code":
                cell.outputs = [marker(stopped, "el cuaderno se detuvo antes de esta celda")]
            return cell, resources
        try:
            return run_cell(self, cell, resources, index)
        except DeadKernelError:
            self.stopped_by = KERNEL_DIED
            cell.outputs.append(marker(KERNEL_DIED, "el proceso de Python terminó durante esta celda"))
        except CellTimeoutError:  # the kernel did not stop when interrupted
            self.stopped_by = CELL_TIMEOUT["ename"]
            cell.outputs.append(marker(CELL_TIMEOUT["ename"], "la celda no se detuvo al interrumpirla"))
        return cell, resources

    preprocess_cell.survives_kernel_death = True
    cls.preprocess_cell = preprocess_cell
