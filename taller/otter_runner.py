"""Child process for the otter engine: `python -m taller.otter_runner ZIP NOTEBOOK OUT.json CELL_TIMEOUT`.

`otter run` executes the notebook with nbconvert's ExecutePreprocessor and no time limit, so a
student's infinite loop never returns. Here the same grading runs through otter's Python API with
a per-cell limit: a cell that runs too long is interrupted and execution goes on, as nbgrader does.
The verdict is written as JSON: {questions: {name: {score, possible, error}}, answer_errors: {grade_id: error}}.
"""

from __future__ import annotations

import json
import sys

import nbconvert.preprocessors


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


def main(zip_path: str, notebook: str, out: str, cell_timeout: str) -> int:
    # otter imports ExecutePreprocessor from this module when it grades: give it the limit.
    nbconvert.preprocessors.ExecutePreprocessor = with_cell_timeout(int(cell_timeout))
    from otter.run import main as otter_run

    results = otter_run(notebook, autograder=zip_path, output_dir=None, no_logo=True)
    from taller.engines import errors_by_grade_id

    questions = {}
    for name, test_file in results.results.items():
        errors = [first_error(r.message) for r in test_file.test_case_results if not r.passed]
        questions[name] = {"score": test_file.score, "possible": test_file.possible,
                           "error": next((e for e in errors if e), "")}
    verdict = {"questions": questions, "answer_errors": errors_by_grade_id(results.notebook)[1]}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(verdict, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
