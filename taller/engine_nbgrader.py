"""Inside the engine sandbox: `python -m taller.engine_nbgrader SLUG CELL_TIMEOUT OUT.json`, run in a
copy of an nbgrader course directory.

It runs `nbgrader autograde` (whose kernel starts in its own nested sandbox, see kernel_sandbox.py),
then reads the gradebook and the autograded notebook and writes the verdict as plain JSON:
{questions: {grade_id: {score, possible, error}}, answer_errors: {grade_id: error}, timed_out, log}.
The driver takes nothing else out of the sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from taller.execution import KERNEL_DIED, survive_kernel_death
from taller.verdicts import errors_by_grade_id, write

STUDENT = "alumno"


def main(slug: str, cell_timeout: str, out: str) -> int:
    cmd = [sys.executable, "-m", "taller.engine_nbgrader", "nbgrader", "autograde", slug, "--student", STUDENT,
           "--force", "--log-level=WARN", f"--Execute.timeout={cell_timeout}"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    log = proc.stdout
    graded = Path("autograded") / STUDENT / slug / f"{slug}.ipynb"
    verdict = {"questions": {}, "answer_errors": {}, "log": log[-4000:],
               "timed_out": "CellTimeoutError" in log, "exit": proc.returncode, "kernel_died": False}
    if graded.exists():
        nb = nbformat.read(str(graded), as_version=4)
        errors, verdict["answer_errors"] = errors_by_grade_id(nb)
        verdict["kernel_died"] = any(e.startswith(KERNEL_DIED) for e in [*errors.values(), *verdict["answer_errors"].values()])
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook("sqlite:///gradebook.db") as gb:
            try:
                for grade in gb.find_submission_notebook(slug, slug, STUDENT).grades:
                    if grade.max_score:
                        verdict["questions"][grade.name] = {
                            "score": float(grade.score or 0.0), "possible": float(grade.max_score),
                            "error": errors.get(grade.name, "")}
            except MissingEntry:
                pass
    write(out, verdict)
    return 0


def nbgrader(argv: list[str]) -> None:
    """nbgrader's own command line, with a kernel that dies no longer aborting the notebook."""
    from nbgrader.apps.nbgraderapp import main as nbgrader_main
    from nbgrader.preprocessors import Execute

    survive_kernel_death(Execute)
    sys.argv = ["nbgrader", *argv]
    nbgrader_main()


if __name__ == "__main__":
    if sys.argv[1:2] == ["nbgrader"]:
        nbgrader(sys.argv[2:])
    else:
        sys.exit(main(*sys.argv[1:]))
