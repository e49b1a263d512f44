"""Inside the engine sandbox: `python -m taller.taller_engine.runner NOTEBOOK HIDDEN.json OUT.json CELL_TIMEOUT`.

The taller engine's runner. It executes the notebook (its kernel in its own nested sandbox, see
kernel_sandbox.py) cell by cell with nbclient. Test cells hold only their visible checks, as in the
release. Right after each graded test cell whose visible checks passed, the runner asks the verdict
process (verdict.py, started here with the hidden tests, which the kernel cannot read) to
judge the question, and runs one line in the kernel, `_taller_probe.serve(SOCKET)`, so that the
kernel's probe (probe.py) answers the verdict's requests with plain data. The runner itself only
relays: it reads no value from the kernel. It writes the same plain JSON verdict as the other engines.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from taller import masters, sandbox
from taller.execution import CELL_TIMEOUT, KERNEL_DIED, BoundedNotebookClient, marker
from taller.feedback import INTERFERENCE
from taller.taller_engine.zygote import ENV_FD
from taller.verdicts import answer_tracebacks, error_of, errors_by_grade_id, write

WIRE_SOURCE = (Path(__file__).with_name("wire.py")).read_text(encoding="utf-8")
PROBE_SOURCE = (Path(__file__).with_name("probe.py")).read_text(encoding="utf-8")
INSTALL_PROBE = (
    "def _taller_install(name, source):\n"
    "    import sys, types\n"
    "    module = types.ModuleType(name)\n"
    "    exec(compile(source, name, 'exec'), module.__dict__)\n"
    "    sys.modules[name] = module\n"
    "_taller_install('_taller_wire', {wire!r})\n"
    "_taller_install('_taller_probe', {probe!r})\n"
    "del _taller_install\n"
)
SERVE = "__import__('_taller_probe').serve({path!r})"
CHANNEL = "channel"  # folder of the engine's work folder, read-only in the kernel sandbox: the probe's socket
INTERFERED = (f"{INTERFERENCE}: tu cuaderno interfirió con la corrección: cortó o cambió la comunicación con el "
              "corrector, o le respondió con datos que no son valores normales de Python. Esta pregunta y las "
              "que quedaban por corregir valen 0. Revisa que tu código no modifique cómo se ejecutan las celdas, "
              "los módulos del sistema ni los archivos del corrector, y ejecuta el cuaderno de principio a fin.")


class GraderFailure(RuntimeError):
    """The verdict process failed before the kernel could reach it: the grader's fault."""


# ---------------------------------------------------------------- what the verdict process gets of a master

def _parsed(source: str):
    """The statements of a cell, without IPython's magics and shell lines; None if it does not parse."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def master_imports(master) -> list[str]:
    """Every top-level absolute import statement of the master, in order: the library names a hidden
    block uses (`np`, `keras`, `StandardScaler`...) are bound from these in the verdict process and
    are never asked of the kernel."""
    found = []
    for cell in master.cells:
        tree = _parsed(cell.source) if cell.cell_type == "code" else None
        for node in tree.body if tree else []:
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0):
                statement = ast.unparse(node)
                if statement not in found:
                    found.append(statement)
    return found


def master_constants(master) -> dict:
    """Names the master's given (locked) cells set to a literal, `EPOCAS = 60`, and no other statement
    assigns: the verdict reads them from the master, never from the kernel."""
    values, elsewhere = {}, set()
    for cell in master.cells:
        tree = _parsed(cell.source) if cell.cell_type == "code" else None
        given = not (masters.is_solution_cell(cell) or masters.is_test_cell(cell))
        for stmt in tree.body if tree else []:
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
            if given and isinstance(target, ast.Name):
                try:
                    value = ast.literal_eval(stmt.value)
                except ValueError:
                    value = elsewhere.add(target.id)
                if target.id in values and values[target.id] != value:
                    elsewhere.add(target.id)
                values[target.id] = value
                continue
            elsewhere |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {k: v for k, v in values.items() if k not in elsewhere}


def question_code(source: str) -> str:
    """What the verdict process runs for one question: the definitions and imports of the test cell's
    visible part (helpers such as `_norm_tipo`, which then run here, not in the kernel), then the
    hidden block."""
    visible, hidden = [], []
    for is_hidden, code in masters.split_hidden(source):
        if is_hidden:
            hidden.append(code)
            continue
        tree, lines = _parsed(code), code.splitlines()
        for node in tree.body if tree else []:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
                first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
                visible.append("\n".join(lines[first - 1:node.end_lineno]) + "\n")
    return "".join(visible) + "".join(hidden)


def hidden_spec(master, seed: int) -> dict:
    """What the taller engine's verdict process gets of a master: each question's code and points,
    the master's imports and constants, and the run's seed. It never enters the student's kernel."""
    qs = masters.questions(master)
    return {"seed": seed, "points": {q.grade_id: q.points for q in qs}, "imports": master_imports(master),
            "constants": master_constants(master),
            "questions": {q.grade_id: question_code(q.source) for q in qs}}


# ---------------------------------------------------------------- the verdict process, in a sandbox of its own

def verdict_command(listening_fd: int, isolate: bool) -> list[str]:
    """The verdict process: a fresh `python -I`, in a sandbox of its own (verdict_sandbox)."""
    argv = [sys.executable, "-I", "-m", "taller.taller_engine.verdict", str(listening_fd)]
    return verdict_sandbox(argv) if isolate else argv


def verdict_sandbox(argv: list[str], nested_namespaces: bool = False) -> list[str]:
    """A bwrap sandbox nested in the engine's that sees the Python environment read-only and a private
    /tmp, nothing of the work folder (so it cannot write the verdict, read the hidden tests' file or
    touch the kernel's files), with no network, no process of the engine's, and no way to make more
    namespaces. It reaches the kernel only through the listening socket it inherits, and the runner
    only through its standard input and output. The zygote (zygote.py) runs in the same sandbox, but
    may make namespaces (`nested_namespaces`): each verdict process it forks gets its own."""
    box = [sandbox.bwrap(), "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net",
           "--unshare-cgroup-try", *([] if nested_namespaces else ["--disable-userns"]), "--die-with-parent",
           "--new-session",
           "--proc", "/proc", "--dev", "/dev", "--size", str(VERDICT_TMP_BYTES), "--tmpfs", "/tmp",
           "--dir", "/tmp/home"]
    box += sandbox.bind_args(sandbox.system_args())
    return [*box, "--remount-ro", "/", "--chdir", "/tmp/home", "--", *argv]


VERDICT_TMP_BYTES = 256 * 2**20


class Verdicts:
    """The verdict process and its line protocol. The runner never decodes what the kernel sends: it
    relays commands and reads back, from the verdict process, one checked line per question.

    The verdict process is either forked by the driver's zygote (zygote.py), reached through the
    socket whose descriptor is in TALLER_VERDICT_FD, or, where there is no zygote, started here."""

    def __init__(self, spec: dict, listening: socket.socket, isolate: bool):
        self.proc, self.conn = None, None
        given = os.environ.pop(ENV_FD, "")
        if given:
            self.conn = socket.socket(fileno=int(given))
            self.conn.set_inheritable(False)  # never the kernel's
            try:
                socket.send_fds(self.conn, [b"\0"], [listening.fileno()])
            except OSError as exc:
                raise GraderFailure(f"the zygote's verdict process is gone: {exc}") from None
            self.writer = self.conn.makefile("w", encoding="utf-8", newline="\n")
            self.reader = self.conn.makefile("r", encoding="utf-8", newline="\n")
        else:
            env = dict(os.environ)  # the runner's: set by the driver, out of the kernel's reach
            env.update({"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "HOME": "/tmp/home"})
            env.pop("TALLER_KERNEL_RO", None)
            self.proc = subprocess.Popen(verdict_command(listening.fileno(), isolate), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env, pass_fds=(listening.fileno(),),
                                         cwd="/" if isolate else None, text=True, bufsize=1)
            self.writer, self.reader = self.proc.stdin, self.proc.stdout
        self.send(spec)

    def status(self) -> str:
        return f"exit status {self.proc.poll()}" if self.proc is not None else "forked by the zygote"

    def send(self, message) -> None:
        try:
            self.writer.write(json.dumps(message) + "\n")
            self.writer.flush()
        except (BrokenPipeError, OSError) as exc:
            raise EOFError(f"the verdict process does not read ({self.status()}): {exc}") from None

    def receive(self) -> dict:
        try:
            line = self.reader.readline(MAX_LINE)
        except OSError as exc:
            raise EOFError(f"the verdict process cannot be read ({self.status()}): {exc}") from None
        if not line.endswith("\n"):
            raise EOFError(f"the verdict process ended or wrote no line ({self.status()})")
        try:
            message = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EOFError(f"the verdict process wrote a line that is not JSON: {exc}") from None
        if not isinstance(message, dict):
            raise EOFError("the verdict process wrote a line that is not an object")
        return message

    def stop(self) -> None:
        """Nothing more will be asked: end the verdict process now."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
        elif self.conn is not None:
            try:
                self.conn.shutdown(socket.SHUT_RDWR)  # it reads the end; the driver kills it after
            except OSError:
                pass

    def close(self) -> None:
        if self.proc is None:
            for stream in (self.writer, self.reader, self.conn):
                try:
                    stream.close()
                except OSError:
                    pass
            return
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


MAX_LINE = 64 * 1024


def open_channel(work: str) -> tuple[socket.socket, str]:
    """The probe's socket, listening, in a folder of the engine's that the kernel sees read-only: the
    kernel can connect to it, and cannot remove or replace it."""
    folder = os.path.join(work, CHANNEL)
    os.makedirs(folder, mode=0o755, exist_ok=True)
    path = os.path.join(folder, "verdict.sock")
    if os.path.lexists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    return server, path


def main(notebook: str, hidden: str, out: str, cell_timeout: str) -> int:
    hidden, out = os.path.abspath(hidden), os.path.abspath(out)
    nb = nbformat.read(notebook, as_version=4)
    with open(hidden, encoding="utf-8") as f:
        spec = json.load(f)
    points = spec["points"]
    folder = os.path.dirname(os.path.abspath(notebook))
    work = os.path.dirname(out)
    isolate = Path(out).is_relative_to(sandbox.WORK)  # --no-sandbox runs this with the real folders
    listening, path = open_channel(work)
    os.environ["TALLER_KERNEL_RO"] = os.pathsep.join(
        p for p in [*os.environ.get("TALLER_KERNEL_RO", "").split(os.pathsep), os.path.dirname(path)] if p)
    os.chdir(folder)  # the kernel starts here: the only folder it may write
    client = BoundedNotebookClient(nb, timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, error_on_timeout=CELL_TIMEOUT,
                            raise_on_iopub_timeout=True, resources={"metadata": {"path": folder}})
    verdicts = Verdicts(spec, listening, isolate)
    listening.close()  # the verdict process holds it now
    questions, stopped, state = {}, None, {"reached": False, "interfered": False}
    ran_to_the_end = set()  # id() of the cells whose execute reply said "ok": an error they printed is only text

    def reply_status(cell, cell_index, execute_reply) -> None:
        if (execute_reply or {}).get("content", {}).get("status") == "ok":
            ran_to_the_end.add(id(cell))

    client.on_cell_executed = reply_status

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
        run(nbformat.v4.new_code_cell(INSTALL_PROBE.format(wire=WIRE_SOURCE, probe=PROBE_SOURCE)), 0)
        for index, cell in enumerate(nb.cells):
            run(cell, index)
            grade_id = masters.nbgrader_meta(cell).get("grade_id")
            if not (masters.is_test_cell(cell) and grade_id in points):
                continue
            error = error_of(cell.get("outputs", []))
            if error or stopped:
                questions[grade_id] = {"score": 0.0, "error": error or f"{stopped}: "}
                continue
            if state["interfered"]:
                questions[grade_id] = {"score": 0.0, "error": INTERFERED}
                continue
            passed, error = judge(verdicts, run, grade_id, index, path, lambda: stopped, state)
            questions[grade_id] = {"score": float(points[grade_id]) if passed else 0.0, "error": error}
            if stopped or state["interfered"]:
                verdicts.stop()  # nothing more will be asked
    verdicts.close()
    tests, answers = errors_by_grade_id(nb)
    died = stopped == KERNEL_DIED or any(e.startswith(KERNEL_DIED) for e in [*tests.values(), *answers.values()])
    # An answer cell whose execute reply was "ok" did not crash, whatever error it printed. (A kernel
    # rewritten to lie in its replies too can still mislabel its own cells: that changes only the
    # student's own message, never a score, and secret lines are scrubbed in any case.)
    finished = {masters.nbgrader_meta(cell).get("grade_id") for cell in nb.cells if id(cell) in ran_to_the_end}
    tracebacks = {g: lines for g, lines in answer_tracebacks(nb).items() if g not in finished}
    answers = {g: error for g, error in answers.items() if g not in finished}
    write(out, {"questions": questions, "answer_errors": answers, "kernel_died": died,
                "answer_tracebacks": tracebacks})
    return 0


def judge(verdicts: Verdicts, run, grade_id: str, index: int, path: str, stopped, state) -> tuple[bool, str]:
    """The hidden half of one question: the verdict process asks, the kernel's probe answers.

    Once the kernel has had the channel, anything wrong with the verdict process (it died, it wrote
    something that is not its answer) may be the notebook's doing: that question and the ones after
    it score 0 as interference. Before, it is the grader's failure."""
    try:
        verdicts.send({"question": grade_id})
        ack = verdicts.receive()
        if ack != {"listening": grade_id}:
            raise EOFError(f"the verdict process answered {str(ack)[:200]} to a question")
    except EOFError as exc:
        if not state["reached"]:
            raise GraderFailure(str(exc)) from None
        state["interfered"] = True
        return False, INTERFERED
    state["reached"] = True
    serve = nbformat.v4.new_code_cell(SERVE.format(path=path))
    run(serve, index)
    error = error_of(serve.get("outputs", []))
    timed_out_or_died = error.startswith((CELL_TIMEOUT["ename"], KERNEL_DIED))
    if stopped():  # a kernel that died or would not stop may still hold the connection: do not wait
        return False, error
    try:
        verdicts.send({"cell_finished": error if timed_out_or_died else ""})
        result = verdicts.receive()
    except EOFError:
        state["interfered"] = True
        return False, INTERFERED
    if set(result) != {"question", "passed", "error", "interfered"} or result["question"] != grade_id \
            or type(result["passed"]) is not bool or type(result["error"]) is not str \
            or type(result["interfered"]) is not bool:
        state["interfered"] = True
        return False, INTERFERED
    if result["interfered"]:
        if timed_out_or_died:
            return False, error
        state["interfered"] = True
        return False, INTERFERED
    if result["passed"]:
        return True, ""
    return False, result["error"][:MAX_MESSAGE] or error


MAX_MESSAGE = 4000


if __name__ == "__main__":
    start = time.perf_counter()
    code = main(*sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
