"""`taller grade --cluster tcp://HOST:8786`: grade each submission on a Dask worker (issue 18).

The driver (grade.py) stays the only writer of OUT. For each submission it sends one task to the
cluster, `grade_task(payload)`, whose payload carries all the worker needs: the normalised notebook
(JSON text) and what the engine's `prepare` made of the exercise on the driver (the taller engine's
hidden spec, otter's autograder zip, nbgrader's course folder as a tar), as bytes. Workers need the
kit installed at the same version (checked: `ledger.kit_fingerprint`), not the course folder.

On the worker the task is graded exactly as a local slot grades it (grade.py's run_one): a local
`sandbox.Slot()`, `engines.ENGINES[engine].grade(...)` in the same sandbox with the same limits (a
root worker runs slot N as uid 61000 + N; cgroups as the worker's machine allows), a grader failure
tried once more. Threads and CPUs left to choose are set for the worker's own cores and threads.

The worker answers with JSON text, never an object: the driver parses it and rebuilds the RunResult
with type checks, through the same `verdicts.checked` that reads a local sandbox's verdict, against
the driver's own master (its questions, each within [0, points]); the worker's answer counts as
untrusted data.

A worker that dies mid-task: the driver sets the scheduler's allowed-failures to 0, so each death
of a worker running the task reaches the driver as KilledWorker; the task is sent again (it then
runs on another worker, or on the same one restarted), and a task whose worker died twice is a
grader failure (`fallo_corrector`) for that submission only. At most `window` tasks are in flight,
so the driver holds a bounded number of payloads whatever the size of the class.
"""

from __future__ import annotations

import dataclasses
import io
import json
import secrets as random_tokens
import socket
import tarfile
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import masters, sandbox
from .verdicts import RunResult, checked, number, text

DEATHS = 2  # a submission whose worker died this many times while grading it is a grader failure
MAX_FAILURE = 8000  # characters kept of a worker's failure text (the engine's log tail among it)
MAX_PROBLEMS = 50
MAX_ANSWER = 64 * sandbox.MB  # the most the driver parses of one worker's answer


class ClusterError(SystemExit):
    """The cluster cannot be used (unreachable, no distributed, another kit): one line, no traceback."""


# ---------------------------------------------------------------- driver: what a task carries


def inputs_of(path: Path) -> dict:
    """What an engine's `prepare` made on the driver, as bytes a worker can lay out again: a file as
    is, a folder (nbgrader's course) as an uncompressed tar of its regular files and folders."""
    path = Path(path)
    if path.is_file():
        return {"kind": "file", "name": path.name, "data": path.read_bytes()}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(path, arcname=path.name, filter=lambda info: info if info.isreg() or info.isdir() else None)
    return {"kind": "folder", "name": path.name, "data": buffer.getvalue()}


def plain_questions(questions: list[masters.Question]) -> list[dict]:
    """What the worker's own verdict check needs of the master: never the hidden tests' source."""
    return [{"grade_id": q.grade_id, "points": q.points, "solution_ids": list(q.solution_ids)} for q in questions]


def payload(engine: str, slug: str, notebook_json: str, inputs: dict, questions: list[masters.Question],
            cell_timeout: int, total_timeout: float, limits: sandbox.Limits, isolate: bool, name: str,
            kit: str) -> dict:
    return {"engine": engine, "slug": slug, "notebook": notebook_json, "inputs": inputs,
            "questions": plain_questions(questions), "cell_timeout": cell_timeout, "total_timeout": total_timeout,
            "limits": dataclasses.asdict(limits), "isolate": isolate, "name": name, "kit": kit}


# ---------------------------------------------------------------- worker side

_sandbox_checked: dict[str, str] = {}  # limits -> why this worker cannot sandbox ("" if it can)


def worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except Exception:  # not inside a Dask worker (a test calling grade_task directly)
        return 1


def lay_out(inputs: dict, folder: Path) -> Path:
    """The prepared inputs of the exercise, as the driver's prepare made them, under folder."""
    name = Path(str(inputs["name"])).name
    if inputs["kind"] == "file":
        target = folder / name
        target.write_bytes(inputs["data"])
        return target
    with tarfile.open(fileobj=io.BytesIO(inputs["data"]), mode="r") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
        else:  # Python without extraction filters: regular files and folders inside folder only
            members = [m for m in tar.getmembers() if (m.isreg() or m.isdir()) and not Path(m.name).is_absolute()
                       and ".." not in Path(m.name).parts]
            tar.extractall(folder, members=members)
    return folder / name


def grade_here(data: dict) -> RunResult:
    from . import engines, ledger

    if data.get("kit") != ledger.kit_fingerprint():
        return RunResult(failure=f"the worker's kit differs from the driver's (host {socket.gethostname()}): "
                                 "install the same version of taller, with the same engine versions, on every worker")
    import nbformat

    engine, slug = data["engine"], data["slug"]
    questions = [masters.Question(q["grade_id"], float(q["points"]), "", list(q["solution_ids"]))
                 for q in data["questions"]]
    limits = sandbox.per_job(sandbox.Limits(**data["limits"]), worker_threads())
    isolate = bool(data["isolate"])
    if isolate:
        key = json.dumps(dataclasses.asdict(limits), sort_keys=True)
        if key not in _sandbox_checked:
            _sandbox_checked[key] = sandbox.check(limits)
        if _sandbox_checked[key]:
            return RunResult(failure=f"no sandbox on worker {socket.gethostname()}: {_sandbox_checked[key]}")
    notebook = nbformat.reads(data["notebook"], as_version=4)
    with tempfile.TemporaryDirectory(prefix="taller-task-") as tmp:
        tmp = Path(tmp)
        (tmp / "inputs").mkdir()
        prepared = lay_out(data["inputs"], tmp / "inputs")
        with sandbox.Slot() as slot:  # as grade.run_one does
            run = RunResult()
            for attempt in (1, 2):  # a failure of the grader, not of the student, is tried once more
                work = tmp / "work" / f"{attempt}"
                run = engines.ENGINES[engine].grade(prepared, slug, notebook, work, slot, limits, questions,
                                                    int(data["cell_timeout"]), float(data["total_timeout"]),
                                                    isolate=isolate)
                run.attempts = attempt
                if not run.failure:
                    break
    return run


def grade_task(data: dict) -> str:
    """The Dask task: grade one submission on this worker; its RunResult as JSON text."""
    try:
        run = grade_here(data)
    except Exception as exc:  # the grader's failure on this worker, never the student's 0
        run = RunResult(failure=f"the worker {socket.gethostname()} could not grade: {type(exc).__name__}: {exc}\n"
                                f"{traceback.format_exc()[-3000:]}")
    answer = dataclasses.asdict(run)
    answer["host"] = socket.gethostname()
    return json.dumps(answer, ensure_ascii=False)


def worker_kit(isolate: bool = True) -> dict:
    """What a worker says of itself when the driver connects: its kit, whether it can sandbox, and
    whether its submissions get a cgroup each (else limits are per process)."""
    from . import ledger

    said = {"kit": ledger.kit_fingerprint(), "host": socket.gethostname(), "sandbox": "", "cgroups": ""}
    if isolate:
        said["sandbox"] = sandbox.check()
        try:
            from . import cgroups

            said["cgroups"] = cgroups.notice(cgroups.support())
        except (ImportError, AttributeError, OSError):  # a kit without per-submission cgroups
            said["cgroups"] = ""
    return said


# ---------------------------------------------------------------- driver: reading the answer


def from_answer(answer, questions: list[masters.Question]) -> RunResult:
    """The RunResult of a worker's answer, as the master allows it. The answer is untrusted: JSON text
    only; verdicts and answer errors go through verdicts.checked, like a local sandbox's verdict."""
    if not isinstance(answer, (str, bytes)) or len(answer) > MAX_ANSWER:
        return RunResult(failure=f"the worker's answer is not JSON text ({type(answer).__name__})")
    try:
        data = json.loads(answer)
    except ValueError as exc:
        return RunResult(failure=f"the worker's answer is not JSON: {exc}")
    if not isinstance(data, dict):
        return RunResult(failure="the worker's answer is not an object")
    failure = data.get("failure") if isinstance(data.get("failure"), str) else "the worker's answer is malformed"
    verdict = {"questions": data.get("verdicts"), "answer_errors": data.get("answer_errors"),
               "answer_tracebacks": data.get("answer_tracebacks"),
               "timed_out": data.get("timed_out"), "kernel_died": data.get("kernel_died")}
    result = checked(json.dumps(verdict).encode(), questions)
    if failure:
        result.failure = failure[:MAX_FAILURE]
    elif not isinstance(verdict["questions"], dict):
        result.failure = "the worker's answer has no verdicts"
    else:
        result.failure = ""
    problems = data.get("problems")
    result.problems += [text(p) for p in problems[:MAX_PROBLEMS]] if isinstance(problems, list) else []
    seconds = number(data.get("seconds"))
    result.seconds = seconds if seconds is not None and seconds >= 0 else 0.0
    attempts = data.get("attempts")
    result.attempts = attempts if type(attempts) is int and attempts in (1, 2) else 1
    return result


def killed(deaths: int, worker: str) -> RunResult:
    """A submission whose worker died `deaths` times while grading it: the grader's failure."""
    return RunResult(failure=f"the Dask worker grading this submission died {deaths} times (last: {worker}); "
                             "the submission was not graded. See the workers' logs (memory, a crash of the "
                             "worker) and grade it again.", attempts=deaths)


# ---------------------------------------------------------------- driver: the session


def connect(address: str, log=print, timeout: str = "30s", isolate: bool = True):
    """(A Client of the scheduler at address, a notice). The scheduler's allowed-failures is set to
    0 (each worker death reaches the driver) and the workers present are checked: the driver's kit,
    a sandbox (unless not isolate). The notice says which workers' submissions get no cgroup each
    (limits per process), one part per kind of worker; '' if all do."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError(f"taller grade: --cluster needs Dask distributed ({exc}): pip install 'dask[distributed]'")
    from . import ledger

    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"taller grade: cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.run_on_scheduler(lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", 0))
        kits = client.run(worker_kit, isolate, on_error="return")
    except Exception as exc:
        client.close()
        raise ClusterError(f"taller grade: the Dask cluster at {address} refused the driver: {exc}") from None
    mine = ledger.kit_fingerprint()
    other = sorted(w for w, k in kits.items() if not isinstance(k, dict) or k.get("kit") != mine)
    if other:
        client.close()
        raise ClusterError(f"taller grade: {len(other)} worker(s) of {address} lack this version of the kit "
                           f"({', '.join(other[:3])}): install the same taller, with the same engines, on every worker")
    unboxed = sorted(f"{w} ({k['sandbox']})" for w, k in kits.items() if k.get("sandbox"))
    if unboxed:
        client.close()
        raise ClusterError(f"taller grade: no sandbox on {len(unboxed)} worker(s) of {address}: {unboxed[0]}; "
                           "see docs/cluster.md (what a worker needs), or pass --no-sandbox")
    notices = []
    for notice in sorted({k["cgroups"] for k in kits.values() if k.get("cgroups")}):
        hosts = sorted({k["host"] for k in kits.values() if k.get("cgroups") == notice})
        notices.append(f"worker(s) on {', '.join(hosts[:3])}{' ...' if len(hosts) > 3 else ''}: {notice}")
    threads = sum(client.nthreads().values())
    log(f"[grade] cluster {address}: {len(kits)} worker(s), {threads} thread(s)")
    return client, "; ".join(notices)


def grade_all(client, indices: Iterable[int], payload_of: Callable[[int], dict],
              questions_of: Callable[[int], list[masters.Question]], log=print, task=None,
              window: int | None = None) -> Iterator[tuple[int, RunResult]]:
    """Send one task per index; yield (index, RunResult) as each is done, in the order they end.

    At most `window` tasks are in flight (default: twice the cluster's threads, at least 16): the
    payload of a submission is made only when its task is sent. A task whose worker dies is sent
    again; after DEATHS deaths, or a task that fails in Dask itself, the submission gets a grader
    failure. Losing the scheduler stops the run (ClusterError): the ledger keeps what was done."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    task = task or grade_task  # looked up now: a test may stand another function in
    run_id = random_tokens.token_hex(4)
    pending = iter(indices)
    flying: dict = {}  # future -> (index, deaths so far)
    done = as_completed()

    def limit() -> int:
        if window:
            return window
        try:
            return max(16, 2 * sum(client.nthreads().values()))
        except Exception:
            return 16

    def send(index: int, deaths: int) -> None:
        future = client.submit(task, payload_of(index), key=f"taller-{run_id}-{index}-{deaths}", pure=False)
        flying[future] = (index, deaths)
        done.add(future)

    def fill() -> None:
        most = limit()
        while len(flying) < most:
            index = next(pending, None)
            if index is None:
                return
            send(index, 0)

    fill()
    while flying:
        future = next(done)
        index, deaths = flying.pop(future)
        try:
            answer = future.result()
        except KilledWorker as exc:
            deaths += 1
            worker = str(getattr(exc, "last_worker", "") and getattr(exc.last_worker, "address", "")) or "?"
            if deaths < DEATHS:
                log(f"[grade] a worker died ({worker}) while grading task {index}: sent again")
                send(index, deaths)
                continue
            result = killed(deaths, worker)
        except Exception as exc:  # a task Dask could not run; the scheduler lost: stop, resumable
            if type(exc).__name__ in ("CancelledError", "FutureCancelledError") or client.status != "running":
                raise ClusterError(f"taller grade: lost the Dask cluster ({type(exc).__name__}: {exc}); "
                                   "run again to go on where it stopped") from None
            result = RunResult(failure=f"the Dask task failed: {type(exc).__name__}: {exc}")
        else:
            result = from_answer(answer, questions_of(index))
        future.release()
        yield index, result
        fill()

