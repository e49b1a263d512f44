"""Inside the engine sandbox: `python -m taller.otter_runner NOTEBOOK TESTS_DIR OUT.json CELL_TIMEOUT`.

This is otter's own grading (`otter.execute.grade_notebook`, what `otter run` calls once it has
unpacked the autograder), with two changes:
- the test files are not unpacked here: the driver unpacked them, and they are read-only in both
  the engine and the kernel sandbox, so student code cannot rewrite them;
- a cell that runs longer than CELL_TIMEOUT is interrupted and execution goes on, as in nbgrader
  (`otter run` has no time limit).
otter's results come back from the kernel as a pickle and its log receiver unpickles what the kernel
sends: both happen here, inside the sandbox. What leaves it is plain JSON (see verdicts.py).
"""

from __future__ import annotations

import os
import sys
import tempfile

import nbconvert.preprocessors

from taller.verdicts import errors_by_grade_id, write


def with_cell_timeout(seconds: int):
    class ExecuteWithTimeout(nbconvert.preprocessors.ExecutePreprocessor):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.timeout = seconds
            self.interrupt_on_timeout = True

    return ExecuteWithTimeout


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
    from otter.execute import grade_notebook

    folder = os.path.dirname(os.path.abspath(notebook))
    os.chdir(folder)  # the kernel starts here: the only folder it may write
    tempfile.tempdir = folder  # otter's results pickle is written by the kernel
    tests = sorted(os.path.join(tests_dir, f) for f in os.listdir(tests_dir) if f.endswith(".py"))
    results = grade_notebook(os.path.basename(notebook), tests_glob=tests, cwd=folder, test_dir=tests_dir,
                             ignore_errors=True, force_python3_kernel=True)
    questions = {}
    for name, test_file in results.results.items():
        errors = [first_error(r.message) for r in test_file.test_case_results if not r.passed]
        questions[name] = {"score": test_file.score, "possible": test_file.possible,
                           "error": next((e for e in errors if e), "")}
    write(out, {"questions": questions, "answer_errors": errors_by_grade_id(results.notebook)[1]})
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
