"""Inside the engine sandbox: `python -m taller.engine_taller NOTEBOOK HIDDEN.json OUT.json CELL_TIMEOUT`.

The taller engine's runner. It executes the notebook (its kernel in its own nested sandbox, see
kernel_sandbox.py) cell by cell with nbclient. Test cells hold only their visible checks, as in the
release. Right after each graded test cell whose visible checks passed, the runner asks the verdict
process (verdict_process.py, started here with the hidden tests, which the kernel cannot read) to
judge the question, and runs one line in the kernel, `_taller_probe.serve(SOCKET)`, so that the
kernel's probe (probe.py) answers the verdict's requests with plain data. The runner itself only
relays: it reads no value from the kernel. It writes the same plain JSON verdict as the other engines.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from taller import masters
from taller.execution import CELL_TIMEOUT, KERNEL_DIED, marker
from taller.verdicts import error_of, errors_by_grade_id, write

PROBE_SOURCE = (Path(__file__).with_name("probe.py")).read_text(encoding="utf-8")
INSTALL_PROBE = (
    "def _taller_install(source):\n"
    "    import sys, types\n"
    "    module = types.ModuleType('_taller_probe')\n"
    "    exec(compile(source, '_taller_probe', 'exec'), module.__dict__)\n"
    "    sys.modules['_taller_probe'] = module\n"
    "_taller_install({source!r})\n"
    "del _taller_install\n"
)
SERVE = "__import__('_taller_probe').serve({path!r})"
VERDICT_GRACE = 60.0  # seconds the verdict may take after the kernel's cell ended


class Verdicts:
    """The verdict process and its line protocol."""

    def __init__(self, hidden: str):
        env = dict(os.environ)  # the runner's: set by the driver, out of the kernel's reach
        env.update({"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "taller.verdict_process", hidden],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     cwd=os.path.dirname(hidden), text=True, bufsize=1)

    def send(self, message) -> None:
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def receive(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the verdict process ended (exit status {self.proc.poll()})")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main(notebook: str, hidden: str, out: str, cell_timeout: str) -> int:
    hidden, out = os.path.abspath(hidden), os.path.abspath(out)
    nb = nbformat.read(notebook, as_version=4)
    with open(hidden, encoding="utf-8") as f:
        points = json.load(f)["points"]
    folder = os.path.dirname(os.path.abspath(notebook))
    os.chdir(folder)  # the kernel starts here: the only folder it may write
    client = NotebookClient(nb, timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, error_on_timeout=CELL_TIMEOUT,
                            raise_on_iopub_timeout=True, resources={"metadata": {"path": folder}})
    verdicts = Verdicts(os.path.abspath(hidden))
    questions, stopped = {}, None

    def run(cell, index) -> None:
        nonlocal stopped
        if stopped:
            if cell.cell_type == "code":
                cell.outputs = [marker(stopped, "el cuaderno se detuvo antes de esta celda")]
            return
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            stopped = KERNEL_DIED
            cell.outputs.append(marker(KERNEL_DIED, "el proceso de Python terminó durante esta celda"))
        except CellTimeoutError:
            stopped = CELL_TIMEOUT["ename"]
            cell.outputs.append(marker(CELL_TIMEOUT["ename"], "la celda no se detuvo al interrumpirla"))

    with client.setup_kernel():
        run(nbformat.v4.new_code_cell(INSTALL_PROBE.format(source=PROBE_SOURCE)), 0)
        for index, cell in enumerate(nb.cells):
            run(cell, index)
            grade_id = masters.nbgrader_meta(cell).get("grade_id")
            if not (masters.is_test_cell(cell) and grade_id in points):
                continue
            error = error_of(cell.get("outputs", []))
            if error or stopped:
                questions[grade_id] = {"score": 0.0, "error": error or f"{stopped}: "}
                continue
            passed, error = judge(verdicts, client, run, grade_id, index, folder, lambda: stopped)
            questions[grade_id] = {"score": float(points[grade_id]) if passed else 0.0, "error": error}
            if stopped and verdicts.proc.poll() is None:
                verdicts.proc.kill()  # the kernel is gone: nothing more will be asked
    verdicts.close()
    tests, answers = errors_by_grade_id(nb)
    died = stopped == KERNEL_DIED or any(e.startswith(KERNEL_DIED) for e in [*tests.values(), *answers.values()])
    write(out, {"questions": questions, "answer_errors": answers, "kernel_died": died})
    return 0


def judge(verdicts: Verdicts, client, run, grade_id: str, index: int, folder: str, stopped) -> tuple[bool, str]:
    """The hidden half of one question: the verdict process asks, the kernel's probe answers."""
    path = os.path.join(folder, f".taller-{secrets.token_hex(8)}.sock")
    verdicts.send({"question": grade_id, "socket": path})
    ack = verdicts.receive()
    assert ack.get("listening") == grade_id, ack
    serve = nbformat.v4.new_code_cell(SERVE.format(path=path))
    run(serve, index)
    error = error_of(serve.get("outputs", []))
    timed_out_or_died = error.startswith((CELL_TIMEOUT["ename"], KERNEL_DIED))
    if stopped():  # a kernel that died or would not stop may still hold the connection: do not wait
        return False, error
    verdicts.send({"cell_finished": error if timed_out_or_died else ""})
    result = verdicts.receive()
    if result.get("passed") is True:
        return True, ""
    return False, str(result.get("error") or error)


if __name__ == "__main__":
    start = time.perf_counter()
    code = main(*sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
