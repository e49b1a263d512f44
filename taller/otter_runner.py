"""Inside the engine sandbox: `python -m taller.otter_runner NOTEBOOK TESTS_DIR OUT.json CELL_TIMEOUT`.

This is otter's own grading (`otter.execute.grade_notebook`, what `otter run` calls once it has
unpacked the autograder), with two changes:
- the test files are not unpacked here: the driver unpacked them, and they are read-only in both
  the engine and the kernel sandbox, so student code cannot rewrite them;
- a cell that runs longer than CELL_TIMEOUT is interrupted and execution goes on, as in nbgrader
  (`otter run` has no time limit);
- at most TALLER_OUTPUT_BYTES of cell outputs are kept (execution.bound_outputs).
otter's results come back from the kernel as a pickle and its log receiver unpickles what the kernel
sends: both happen here, inside the sandbox. What leaves it is plain JSON (see verdicts.py).
"""

from __future__ import annotations

import os
import sys
import tempfile

import nbconvert.preprocessors
import nbformat

from taller.execution import CELL_TIMEOUT, KERNEL_DIED, bound_outputs, survive_kernel_death
from taller.verdicts import answer_tracebacks, errors_by_grade_id, write


def with_cell_timeout(seconds: int):
    class ExecuteWithTimeout(nbconvert.preprocessors.ExecutePreprocessor):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.timeout = seconds
            self.interrupt_on_timeout = True
            self.error_on_timeout = CELL_TIMEOUT
            self.raise_on_iopub_timeout = True  # as nbgrader: a kernel that ignores the interrupt stops here

        def on_cell_executed(self, **kwargs):
            """Keep the time-out marker in the cell, as nbgrader does (the kernel only says KeyboardInterrupt)."""
            cell, content = kwargs["cell"], kwargs["execute_reply"]["content"]
            if content.get("ename") == CELL_TIMEOUT["ename"]:
                cell.outputs.append(nbformat.v4.new_output("error", **CELL_TIMEOUT))

    survive_kernel_death(ExecuteWithTimeout)
    bound_outputs(ExecuteWithTimeout)
    return ExecuteWithTimeout


SAVE_RESULTS = """\
from otter.execute import Checker as _taller_checker
from otter.test_files import GradingResults as _taller_results
import pickle as _taller_pickle
with open({path!r}, "wb") as _taller_file:
    _taller_pickle.dump(_taller_results(_taller_checker.get_results()), _taller_file)
"""


def keep_results_after_each_check(preprocessor_class) -> None:
    """Save otter's results after every check, so a kernel that dies later keeps what was graded."""
    add_checks = preprocessor_class.add_checks

    def add_checks_and_saves(self, nb):
        add_checks(self, nb)
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if cell.cell_type == "code" and ").check(" in cell.source and cell.source.startswith("notebook_"):
                cells.append(nbformat.v4.new_code_cell(SAVE_RESULTS.format(path=self.results_path)))
        nb.cells = cells

    preprocessor_class.add_checks = add_checks_and_saves


def no_log_server():
    """otter's log receiver unpickles what the kernel sends and can spin forever on a closed
    connection; grading from the notebook does not need it. The kernel's handler finds no server and
    drops its records."""
    return ("127.0.0.1", 9), lambda: None


def first_error(message: str) -> str:
    """'Type: message' from otter's failure text.

    otter writes "Error at line N in test Q:", the indented test line, then "Type: message";
    the test line is dropped (it only ever says `_run(SEGMENTS[i], env)`, but keep it out anyway).
    """
    lines = message.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Error at line"):
            rest = lines[i + 1:]
            while rest and rest[0].startswith("  "):
                rest = rest[1:]
            return "\n".join(rest).strip()
    return ""


def main(notebook: str, tests_dir: str, out: str, cell_timeout: str) -> int:
    # otter imports ExecutePreprocessor from this module when it grades: give it the limit.
    nbconvert.preprocessors.ExecutePreprocessor = with_cell_timeout(int(cell_timeout))
    import otter.execute
    from otter.execute import grade_notebook
    from otter.execute.preprocessor import GradingPreprocessor

    otter.execute.start_server = no_log_server
    keep_results_after_each_check(GradingPreprocessor)

    folder = os.path.dirname(os.path.abspath(notebook))
    os.chdir(folder)  # the kernel starts here: the only folder it may write
    tempfile.tempdir = folder  # otter's results pickle is written by the kernel
    tests = sorted(os.path.join(tests_dir, f) for f in os.listdir(tests_dir) if f.endswith(".py"))
    results = grade_notebook(os.path.basename(notebook), tests_glob=tests, cwd=folder, test_dir=tests_dir,
                             ignore_errors=True, force_python3_kernel=True)
    questions = {}
    for name, test_file in (results.results or {}).items():
        errors = [first_error(r.message) for r in test_file.test_case_results if not r.passed]
        questions[name] = {"score": test_file.score, "possible": test_file.possible,
                           "error": next((e for e in errors if e), "")}
    tests, answers = errors_by_grade_id(results.notebook)
    died = any(e.startswith(KERNEL_DIED) for e in [*tests.values(), *answers.values()])
    for name, error in tests.items():  # a question whose check never ran: what stopped it
        if name in questions and not questions[name]["error"]:
            questions[name]["error"] = error
        elif name not in questions and error.startswith((KERNEL_DIED, CELL_TIMEOUT["ename"])):
            questions[name] = {"score": 0, "possible": 0, "error": error}
    write(out, {"questions": questions, "answer_errors": answers, "kernel_died": died,
                "answer_tracebacks": answer_tracebacks(results.notebook)})
    return 0


if __name__ == "__main__":
    code = main(*sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)  # never wait for threads otter left behind: the verdict is written
