"""Preprocessors that nbgrader_config.py adds to nbgrader's own commands, so that every route
(`taller build`, `nbgrader generate_assignment`, formgrader's buttons) gives the same release and
no route hands out hidden tests.

- TagOtterChecks (generate_assignment): otter checks each question right after its test cell,
  where nbgrader grades it.
- HideHiddenTests (generate_feedback): nbgrader's feedback page shows the autograded notebook, hidden
  tests and their tracebacks included (jupyter/nbgrader#917). This keeps the visible part of each
  test cell, what it printed on stdout and the error's one-line message, and drops the rest.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from . import masters


class TagOtterChecks(Preprocessor):
    """Give every graded test cell the otter metadata naming its question."""

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if masters.is_test_cell(cell):
            cell.metadata["otter"] = {"tests": [masters.nbgrader_meta(cell)["grade_id"]]}
        return cell, resources


def visible_part(source: str) -> str:
    return "".join(code for hidden, code in masters.split_hidden(source) if not hidden).rstrip("\n")


def student_outputs(outputs: list) -> list:
    """What a test cell may show a student: stdout, and an error reduced to its message."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            kept.append(out)
        elif out.get("output_type") == "error":
            out.traceback = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
            kept.append(out)
    return kept


class HideHiddenTests(Preprocessor):
    """Remove hidden tests, and what they printed or raised beyond the message, from test cells."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if masters.is_test_cell(cell):
            cell.source = visible_part(cell.source)
            cell.outputs = student_outputs(cell.get("outputs", []))
        return cell, resources
