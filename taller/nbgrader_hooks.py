"""Preprocessors that nbgrader_config.py adds to nbgrader's own commands, so that every route
(`taller build`, `nbgrader generate_assignment`, formgrader's buttons) gives the same release and
no route hands out hidden tests.

- TagOtterChecks (generate_assignment): otter checks each question right after its test cell,
  where nbgrader grades it.
- ColabBadge (generate_assignment): an "Abrir en Colab" badge on top of each release notebook, once
  the instructor sets the repository in nbgrader_config.py (no repository: no badge).
- HideHiddenTests (generate_feedback): nbgrader's feedback page shows the autograded notebook, hidden
  tests and their tracebacks included (jupyter/nbgrader#917). This keeps the visible part of each
  test cell, what it printed on stdout and the error's one-line message, and drops the rest.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
import nbformat
from traitlets import Bool, Unicode

from . import masters


class TagOtterChecks(Preprocessor):
    """Give every graded test cell the otter metadata naming its question."""

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if masters.is_test_cell(cell):
            cell.metadata["otter"] = {"tests": [masters.nbgrader_meta(cell)["grade_id"]]}
        return cell, resources


COLAB_BADGE = ("<a href=\"{url}\" target=\"_parent\"><img src=\"https://colab.research.google.com/assets/"
               "colab-badge.svg\" alt=\"Abrir en Colab\"/></a>")


def colab_url(repository: str, branch: str, assignment: str, notebook: str) -> str:
    return (f"https://colab.research.google.com/github/{repository}/blob/{branch}/"
            f"release/{assignment}/{notebook}.ipynb")


class ColabBadge(Preprocessor):
    """Put an "Abrir en Colab" badge, linking this notebook's release on GitHub, on top."""

    enabled = Bool(True).tag(config=True)
    repository = Unicode("", help="GitHub repository of the course, 'owner/name' (empty: no badge)").tag(config=True)
    branch = Unicode("main", help="branch whose release/ students open").tag(config=True)

    def preprocess(self, nb, resources):
        if self.repository:
            names = resources.get("nbgrader", {})
            url = colab_url(self.repository, self.branch, names["assignment"], names["notebook"])
            badge = nbformat.v4.new_markdown_cell(COLAB_BADGE.format(url=url))
            badge.id = "abrir-en-colab"
            nb.cells.insert(0, badge)
        return nb, resources


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
