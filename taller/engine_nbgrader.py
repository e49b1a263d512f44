"""Inside the engine sandbox: `python -m taller.engine_nbgrader SLUG CELL_TIMEOUT OUT.json`, run in a
copy of an nbgrader course directory.

It runs `nbgrader autograde` in this process (its kernel starts in its own nested sandbox, see
kernel_sandbox.py), then reads the gradebook and the autograded notebook and writes the verdict as plain JSON:
{questions: {grade_id: {score, possible, error}}, answer_errors: {grade_id: error}, kernel_died, exit}.
The driver takes nothing else out of the sandbox.

The work folder is in memory and bounded (sandbox.py); the kernel shares it with nbgrader, whose
gradebook and autograded notebook are written after the notebook ran. So that a notebook that fills
the folder cannot keep nbgrader from saving the grades, what the kernel left in its folder is removed
once the kernel and all it started are gone (`forget_kernel_files`).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat

from taller.execution import KERNEL_DIED, bound_outputs, survive_kernel_death
from taller.verdicts import answer_tracebacks, errors_by_grade_id, write

STUDENT = "alumno"


def main(slug: str, cell_timeout: str, out: str) -> int:
    code = nbgrader(["autograde", slug, "--student", STUDENT, "--force", "--log-level=WARN",
                     f"--Execute.timeout={cell_timeout}"])
    graded = Path("autograded") / STUDENT / slug / f"{slug}.ipynb"
    verdict = {"questions": {}, "answer_errors": {}, "exit": code, "kernel_died": False}
    if graded.exists():
        nb = nbformat.read(str(graded), as_version=4)
        errors, verdict["answer_errors"] = errors_by_grade_id(nb)
        verdict["answer_tracebacks"] = answer_tracebacks(nb)
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


def forget_kernel_files(cls) -> None:
    """After an Execute preprocessor ran a notebook (its kernel sandbox, and every process in it, is
    gone by then), remove the files and folders the kernel added to its working folder."""
    preprocess = cls.preprocess
    if getattr(preprocess, "forgets_kernel_files", False):
        return

    def preprocess_then_forget(self, nb, resources=None, km=None):
        folder = ((resources or {}).get("metadata") or {}).get("path") or os.getcwd()
        before = set(os.listdir(folder))
        try:
            return preprocess(self, nb, resources, km)
        finally:
            for name in set(os.listdir(folder)) - before:
                path = os.path.join(folder, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass

    preprocess_then_forget.forgets_kernel_files = True
    cls.preprocess = preprocess_then_forget


def nbgrader(argv: list[str]) -> int:
    """nbgrader's own command line, in this process, with a kernel that dies or will not stop no
    longer aborting the notebook, and at most TALLER_OUTPUT_BYTES of cell outputs kept (execution.py)."""
    from nbgrader.apps.nbgraderapp import main as nbgrader_main
    from nbgrader.preprocessors import Execute

    survive_kernel_death(Execute)
    bound_outputs(Execute)
    forget_kernel_files(Execute)
    sys.argv = ["nbgrader", *argv]
    try:
        nbgrader_main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    code = main(*sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # never wait for threads nbgrader left behind: the verdict is written
