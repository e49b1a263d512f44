"""Engine runners: grade ONE submission with nbgrader or otter-grader, in a sandbox of its own.

A runner lays out the submission's work folder, runs the engine in the engine sandbox (sandbox.py;
the kernel gets a nested sandbox of its own) and reads back only the plain JSON verdict, checked
against the master (verdicts.py). Collecting submissions, scheduling, grades.csv and feedback belong
to the driver (grade.py).

Limits: a cell that runs past the cell time limit is interrupted and grading goes on; a sandbox that
runs past the total time limit is killed with everything in it, and what was not graded scores 0.
A run that gives no verdict for a reason that is not the student's is tried once more.

Where the machine allows it (cgroups.py), each run has a cgroup of its own: memory, processes and CPU
are bounded for the whole sandbox, not only per process. The engine writes its verdict in OUT, the
one folder of the host's it can write (the rest of its work folder is in memory), and the driver
reads it from there after the sandbox is gone. The engine keeps at most --output-mb of cell outputs
(TALLER_OUTPUT_BYTES, execution.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import cgroups, masters, sandbox
from .taller_engine import zygote as _zygote
from .kernel_sandbox import KERNELSPEC
from .verdicts import RunResult, checked, read_bounded

VERDICT = "verdict.json"


AFTER_VERDICT = 30.0  # seconds an engine may take to exit once its verdict is written
HUNG_AFTER_VERDICT = -1000


def run_limited(box: sandbox.Sandbox, argv: list[str], cwd: Path, env: dict, timeout: float,
                max_log: int, verdict: Path | None = None) -> tuple[int | None, str]:
    """Run argv in the sandbox; keep the last max_log bytes of its output; kill it all after timeout,
    or AFTER_VERDICT seconds after it wrote its verdict without exiting."""
    proc = box.popen(argv, cwd, env)
    tail: deque[bytes] = deque()
    size = [0]

    def drain():
        for chunk in iter(lambda: proc.stdout.read(65536), b""):
            tail.append(chunk)
            size[0] += len(chunk)
            while size[0] > max_log and len(tail) > 1:
                size[0] -= len(tail.popleft())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    code, deadline, written = None, time.monotonic() + timeout, None
    while code is None and time.monotonic() < deadline:
        try:
            code = proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if verdict is not None and written is None and verdict.exists():
                written = time.monotonic()
            if written is not None and time.monotonic() - written > AFTER_VERDICT:
                code = HUNG_AFTER_VERDICT  # it wrote its verdict and never exited: the verdict stands
                break
    # The whole group goes: both bwraps, the engine and the kernel sandbox; what the student started
    # in a session of its own lives in the engine's PID namespace, which ends with its bwrap.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    reader.join(timeout=10)
    proc.stdout.close()
    return code, b"".join(tail)[-max_log:].decode("utf-8", errors="replace")


# The kernel sandbox starts with the highest OOM score: when a submission reaches its memory limit,
# the kernel's processes (the student's) are the ones killed, not the engine that reports the grade.
KERNEL_FIRST_TO_GO = '{ echo 1000 > /proc/self/oom_score_adj; } 2>/dev/null; exec "$@"'


def write_kernelspec(work: Path) -> None:
    spec = work / "jupyter" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    argv = ["/bin/sh", "-c", KERNEL_FIRST_TO_GO, "taller-kernel", *KERNELSPEC["argv"]]
    spec.write_text(json.dumps({**KERNELSPEC, "argv": argv, "interrupt_mode": "message"}, indent=1))


def submission_cgroup(box: sandbox.Sandbox) -> tuple[cgroups.Cgroup | None, str]:
    """A cgroup for this sandbox with its limits, or (None, why not) where there can be none."""
    if not box.isolate:
        return None, ""
    where = cgroups.support()
    if not where.usable:
        return None, ""  # the driver said so once for the whole run
    try:
        return cgroups.Cgroup.create(where, box.limits.memory_mb * sandbox.MB, box.limits.processes,
                                     box.limits.cpus), ""
    except OSError as exc:
        return None, f"no cgroup for this submission ({exc}): limits per process only"


def run_engine(box: sandbox.Sandbox, argv: list[str], cwd: Path, env: dict,
               questions: list[masters.Question], total_timeout: float, before=None) -> RunResult:
    """Run the engine in its sandbox and cgroup; before(box), if given, runs once the cgroup exists
    and returns more environment for the engine."""
    box.prepare()
    max_bytes = box.limits.output_mb * sandbox.MB
    env = {**env, "TALLER_KERNEL_TMP_BYTES": str(box.limits.tmp_mb * sandbox.MB),
           "TALLER_OUTPUT_BYTES": str(max_bytes)}
    verdict = box.out / VERDICT
    start = time.perf_counter()
    box.cgroup, problem = submission_cgroup(box)
    try:
        if before is not None:
            env = {**env, **before(box)}
        code, log = run_limited(box, argv, cwd, env, total_timeout, max_bytes, verdict)
    finally:
        if box.cgroup is not None:
            box.cgroup.remove()  # whatever is left in it is killed first
    result = checked(read_bounded(verdict, max_bytes), questions)
    result.timed_out = result.timed_out or code is None
    usage = box.cgroup.usage if box.cgroup is not None else None
    memory_note = ""  # a failure of the engine may be this
    if usage is not None and usage.oom_kills:
        memory_note = (f"memory limit of the submission reached ({box.limits.memory_mb} MB): "
                       f"{usage.oom_kills} process(es) killed")
        result.problems.append(memory_note)
        memory_note = f"; {memory_note}"
    if problem:
        result.problems.append(problem)
    if code is None:
        result.failure = ""  # the student's code ran out of time: not the grader's failure
    elif result.failure:
        result.failure = f"{result.failure} (exit status {code}{memory_note})\n{log[-3000:]}"
    elif not result.verdicts and not (result.kernel_died or result.timed_out):
        result.failure = f"the engine graded no question (exit status {code}{memory_note})\n{log[-3000:]}"
    result.seconds = time.perf_counter() - start
    return result


def grade_nbgrader(course_template: Path, slug: str, notebook, work: Path, slot: int, limits: sandbox.Limits,
                   questions: list[masters.Question], cell_timeout: int, total_timeout: float,
                   isolate: bool = True) -> RunResult:
    """nbgrader autograde in a copy of a prepared course directory (gradebook included)."""
    course = work / "course"
    shutil.copytree(course_template, course)
    target = course / "submitted" / "alumno" / slug / f"{slug}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, str(target))
    write_kernelspec(work)
    env = sandbox.environment({"JUPYTER_PATH": str(sandbox.WORK / "jupyter")}, limits)
    argv = [sys.executable, "-m", "taller.engine_nbgrader", slug, str(cell_timeout), str(sandbox.OUT / VERDICT)]
    box = sandbox.Sandbox(work, slot, limits, isolate=isolate)
    return run_engine(box, argv, sandbox.WORK / "course", env, questions, total_timeout)


def unpack_tests(autograder_zip: Path, dest: Path) -> None:
    """otter's test files, from the zip the build wrote; nothing else of it."""
    dest.mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as zf:
        for name in zf.namelist():
            if name.startswith("tests/") and name.endswith(".py") and "/" not in name[len("tests/"):]:
                (dest / Path(name).name).write_bytes(zf.read(name))


def grade_otter(autograder_zip: Path, slug: str, notebook, work: Path, slot: int, limits: sandbox.Limits,
                questions: list[masters.Question], cell_timeout: int, total_timeout: float,
                isolate: bool = True) -> RunResult:
    """otter's grading of the notebook (otter_runner.py), with its test files read-only."""
    folder = work / "submission"
    folder.mkdir(parents=True)
    nbformat.write(notebook, str(folder / f"{slug}.ipynb"))
    unpack_tests(autograder_zip, folder / "tests")
    write_kernelspec(work)
    inside = sandbox.WORK / "submission"
    env = sandbox.environment({"JUPYTER_PATH": str(sandbox.WORK / "jupyter"),
                               "TALLER_KERNEL_RO": str(inside / "tests")}, limits)
    argv = [sys.executable, "-m", "taller.otter_runner", str(inside / f"{slug}.ipynb"), str(inside / "tests"),
            str(sandbox.OUT / VERDICT), str(cell_timeout)]
    box = sandbox.Sandbox(work, slot, limits, read_only=(folder / "tests",), isolate=isolate)
    return run_engine(box, argv, inside, env, questions, total_timeout)


def prepare_nbgrader(root: Path, slug: str, tmp: Path, seed: int = 0) -> Path:
    """A private nbgrader course directory with this exercise generated and its gradebook."""
    from .build import make_course
    return make_course(root, slug, tmp / "courses" / slug)


def prepare_otter(root: Path, slug: str, tmp: Path, seed: int = 0) -> Path:
    """The otter autograder zip the build wrote."""
    path = root / "autograder" / f"{slug}.zip"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `taller build` first")
    return path


def grade_taller(spec: Path, slug: str, notebook, work: Path, slot: int, limits: sandbox.Limits,
                 questions: list[masters.Question], cell_timeout: int, total_timeout: float,
                 isolate: bool = True) -> RunResult:
    """The taller engine (taller_engine/runner.py): hidden tests judged in a process of their own, which the
    kernel cannot reach; they are copied where the engine sandbox sees them and the kernel does not."""
    folder = work / "submission"
    folder.mkdir(parents=True)
    nbformat.write(notebook, str(folder / f"{slug}.ipynb"))
    shutil.copy(spec, work / "hidden.json")
    write_kernelspec(work)
    inside = sandbox.WORK / "submission"
    env = sandbox.environment({"JUPYTER_PATH": str(sandbox.WORK / "jupyter")}, limits)
    argv = [sys.executable, "-m", "taller.taller_engine.runner", str(inside / f"{slug}.ipynb"),
            str(sandbox.WORK / "hidden.json"), str(sandbox.OUT / VERDICT), str(cell_timeout)]
    box = sandbox.Sandbox(work, slot, limits, isolate=isolate)
    zygote = _zygote.shared() if isolate else None
    if zygote is None:
        return run_engine(box, argv, inside, env, questions, total_timeout)
    imports = json.loads(spec.read_text(encoding="utf-8"))["imports"]
    forked = []

    def fork_verdict(box: sandbox.Sandbox) -> dict:
        """A verdict process forked by the zygote with the libraries already imported, in this
        submission's cgroup (zygote.py): the runner reaches it through TALLER_VERDICT_FD."""
        procs = box.cgroup.procs_files() if box.cgroup is not None else []
        try:
            conn, number = zygote.fork(imports, procs)
        except (OSError, EOFError, ValueError) as exc:  # the runner starts its own verdict process
            print(f"taller: the zygote could not fork a verdict process ({exc})", file=sys.stderr)
            return {}
        forked.append((conn, number))
        box.pass_fds = (conn.fileno(),)
        return {_zygote.ENV_FD: str(conn.fileno())}

    try:
        return run_engine(box, argv, inside, env, questions, total_timeout, before=fork_verdict)
    finally:
        for conn, number in forked:
            conn.close()
            zygote.end(number)


def hidden_spec(master, seed: int) -> dict:
    """What the taller engine's verdict process gets of a master (taller_engine.runner.hidden_spec)."""
    from .taller_engine.runner import hidden_spec as spec

    return spec(master, seed)


def prepare_taller(root: Path, slug: str, tmp: Path, seed: int = 0) -> Path:
    path = tmp / "taller" / f"{slug}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    master = masters.read(masters.find_masters(root)[slug])
    path.write_text(json.dumps(hidden_spec(master, seed), ensure_ascii=False), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Engine:
    """What the driver needs of an engine: prepare an exercise once, grade one submission."""

    prepare: Callable[..., Path]  # (root, slug, tmp, seed) -> what grade needs of the exercise
    grade: Callable[..., RunResult]


ENGINES = {"nbgrader": Engine(prepare_nbgrader, grade_nbgrader), "otter": Engine(prepare_otter, grade_otter),
           "taller": Engine(prepare_taller, grade_taller)}
