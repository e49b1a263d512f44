"""How both engines execute a notebook, inside the engine sandbox: what a cell that runs too long and
a kernel that dies leave in the notebook.

- A cell that runs past the cell time limit is interrupted and gets a `CellTimeoutError` output
  (nbgrader's own marker), so a time-out is told apart from a `KeyboardInterrupt` the student raised.
- A kernel that dies (a crash, `os._exit`) no longer aborts the whole notebook: the cell where it
  died and every cell after it get a `KernelDied` output and are not run, and the engine goes on to
  grade from what was executed. Questions graded before keep their scores. A kernel that ignores
  the interrupt is treated alike, with `CellTimeoutError` outputs.
- The runner keeps at most TALLER_OUTPUT_BYTES (--output-mb) of cell outputs in all: past it, what a
  cell prints or displays is dropped and the cell gets one Spanish note saying so
  (`bound_outputs`, `BoundedNotebookClient`). What graders read is kept whatever the budget, cut to
  a few KB and at most a few per cell: errors (a failed check), stderr and execute_result (nbgrader
  scores a test cell 0 for stderr, and partly by an execute_result).
"""

from __future__ import annotations

import functools
import os

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output, output_from_msg

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


OUTPUT_BUDGET = "TALLER_OUTPUT_BYTES"  # the driver's --output-mb, in bytes, set by engines.run_engine
DEFAULT_OUTPUT_BYTES = 16 * 2**20
ERROR_CHARS = 4000  # most kept of an error's message, and of its traceback
ERRORS_PER_CELL = 4  # error outputs kept per cell; a failed check needs one
CUT_NOTE = ("[corrector] Salida recortada: el cuaderno ya había mostrado más de {mb:g} MB en total; "
            "lo demás que esta celda imprimió o mostró no se guardó. Imprime menos (por ejemplo, "
            "solo las primeras filas o un resumen).\n")


def output_budget() -> int:
    try:
        return max(0, int(os.environ.get(OUTPUT_BUDGET, DEFAULT_OUTPUT_BYTES)))
    except ValueError:
        return DEFAULT_OUTPUT_BYTES


def text_size(value) -> int:
    """Characters of text in an output (its strings, however nested)."""
    size, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return size


def trimmed_error(out):
    """An error output cut to ERROR_CHARS of message and of traceback (its last lines: the cause)."""
    out["ename"] = str(out.get("ename", ""))[:200]
    out["evalue"] = str(out.get("evalue", ""))[:ERROR_CHARS]
    kept, size = [], 0
    for line in reversed([str(line) for line in out.get("traceback") or []]):
        if size + len(line) > ERROR_CHARS:
            if not kept:
                kept.append(line[-ERROR_CHARS:])
            break
        kept.append(line)
        size += len(line)
    out["traceback"] = kept[::-1]
    return out


GRADER_READS = ("error", "execute_result", "stderr")  # outputs a grader reads: kept past the budget, cut


def _kind(msg) -> str:
    content = msg.get("content") or {}
    return content.get("name", "") if msg.get("msg_type") == "stream" else msg.get("msg_type", "")


def _cut_message(msg, chars: int):
    """A copy of an output message with its text cut to `chars`: what a grader reads of it is kept
    (that it is there, its start, the number of an execute_result), not its bulk."""
    content = dict(msg.get("content") or {})
    if msg.get("msg_type") == "stream":
        content["text"] = str(content.get("text", ""))[:chars]
    elif msg.get("msg_type") == "execute_result":
        plain = (content.get("data") or {}).get("text/plain", "")
        content["data"] = {"text/plain": (plain if isinstance(plain, str) else "".join(map(str, plain)))[:chars]}
        content["metadata"] = {}
    return {**msg, "content": content}


class _Bounded:
    """The methods bound_outputs puts on a NotebookClient class."""

    def _budget(self) -> int:
        budget = getattr(self, "output_budget", None)
        return budget if isinstance(budget, int) and budget > 0 else output_budget()

    def output(self, outs, msg, display_id, cell_index):
        """nbclient's output(), keeping at most the budget (comm output hooks are never registered
        here). The size is read from the message before any copy of it is made."""
        kind, spent, budget = _kind(msg), getattr(self, "_taller_spent", 0), self._budget()
        size = ERROR_CHARS if kind == "error" else text_size(msg.get("content"))
        cut = spent + size > budget
        if cut:
            self._taller_spent = budget
            if kind == "error":  # errors have a quota of their own: no flood of other outputs crowds them out
                crowd = sum(o.get("output_type") == "error" for o in outs)
            else:
                crowd = sum(o.__dict__.get("_taller_cut", False) and o.get("output_type") != "error" for o in outs)
            if msg.get("msg_type") == "stream" and kind != "stderr" and budget - spent > 0:
                msg = _cut_message(msg, budget - spent)  # the start of what fits
            elif kind in GRADER_READS and crowd < ERRORS_PER_CELL:
                msg = _cut_message(msg, ERROR_CHARS)
            else:
                self._note_cut(outs, budget)
                return None
        else:
            self._taller_spent = spent + size
        try:
            out = output_from_msg(msg)
        except ValueError:
            self.log.error(f"unhandled iopub msg: {msg.get('msg_type')}")
            return None
        if out.output_type == "error":
            out = trimmed_error(out)
        if getattr(self, "clear_before_next_output", False):  # set by execute_cell
            outs[:] = []
            self.clear_display_id_mapping(cell_index)
            self.clear_before_next_output = False
        if display_id:
            self._display_id_map.setdefault(display_id, {}).setdefault(cell_index, []).append(len(outs))
        outs.append(out)
        if cut:
            out.__dict__["_taller_cut"] = True  # an instance attribute, not a key: never written out
            self._note_cut(outs, budget)
        return out

    def _note_cut(self, outs, budget) -> None:
        """One note per cell that output was cut (stdout: a grader reads nothing into it)."""
        if not any(o.get("name") == "stdout" and CUT_NOTE[:30] in o.get("text", "") for o in outs):
            outs.append(new_output("stream", name="stdout", text=CUT_NOTE.format(mb=budget / 2**20)))

    def _update_display_id(self, display_id, msg):
        """An update of a displayed output counts against the budget too."""
        size, spent = text_size(msg.get("content", {}).get("data")), getattr(self, "_taller_spent", 0)
        budget = self._budget()
        if spent + size > budget:
            self._taller_spent = budget
            return None
        self._taller_spent = spent + size
        return self._taller_update_display_id(display_id, msg)

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widget messages are not kept (nbclient would store their state in the notebook, unbounded)."""
        return None

    def reset_execution_trackers(self):
        self._taller_reset_execution_trackers()
        self._taller_spent = 0


def bound_outputs(cls) -> None:
    """Make a NotebookClient class (nbclient's, nbconvert's ExecutePreprocessor, nbgrader's Execute,
    a subclass) keep at most output_budget() characters of cell outputs: past it, a stdout stream
    keeps the start that fits, other outputs are dropped and the cell gets one stdout note
    (CUT_NOTE); what graders read (GRADER_READS) is kept, cut, at most ERRORS_PER_CELL per cell
    (errors counted apart). Every error output is cut to ERROR_CHARS, those the class adds itself
    when a cell ends too (nbgrader adds the reply's). Widget (comm) messages are ignored."""
    if getattr(cls, "_taller_bounded", None) is not None:  # bounded already, or a bounded class's subclass
        return
    cls._taller_update_display_id = cls._update_display_id
    cls._taller_reset_execution_trackers = cls.reset_execution_trackers
    for name, method in vars(_Bounded).items():
        if callable(method):
            setattr(cls, name, method)
    execute_cell = cls.execute_cell

    @functools.wraps(execute_cell)
    def execute_cell_bounded(self, cell, *args, **kwargs):
        try:
            return execute_cell(self, cell, *args, **kwargs)
        finally:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            for extra in errors[ERRORS_PER_CELL:]:
                cell.outputs.remove(extra)
            for out in errors[:ERRORS_PER_CELL]:
                trimmed_error(out)

    cls.execute_cell = execute_cell_bounded
    cls._taller_bounded = cls


class BoundedNotebookClient(NotebookClient):
    """nbclient's NotebookClient, keeping at most TALLER_OUTPUT_BYTES (--output-mb, set by the driver
    in the engine sandbox) of cell outputs, as bound_outputs says. Same arguments as NotebookClient;
    `output_budget=N` (characters) overrides the variable."""

    def __init__(self, nb, km=None, output_budget: int = 0, **kw):
        super().__init__(nb, km=km, **kw)
        self.output_budget = output_budget


bound_outputs(BoundedNotebookClient)
