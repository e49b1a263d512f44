"""`taller grade --cluster` (issue 18): each submission graded on a Dask worker, in its own sandbox.

A real `dask scheduler` and two `dask worker` processes are started on this machine. The grades of a
class must be those of a local run; killing a worker mid-run loses nothing; a submission whose
worker dies twice is a grader failure for that submission alone. The driver takes a worker's answer
as untrusted JSON and checks it against the master like a local sandbox's verdict.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, questions_of, small_class
from taller import cluster, grade, masters, submissions
from taller.verdicts import RunResult

SLUG = "00-conceptos"
STUDENTS = [f"alumno-{i:02d}" for i in range(8)]
SEED = 11
BIN = Path(sys.executable).parent


def rows(out):
    with open(out / "grades.csv", encoding="utf-8") as f:
        return [(r["student"], r["question"], r["score"], r["status"]) for r in csv.DictReader(f)]


# ---------------------------------------------------------------- without a cluster: the driver's checks


def answer(**fields) -> str:
    run = {"verdicts": {}, "answer_errors": {}, "timed_out": False, "kernel_died": False, "failure": "",
           "problems": [], "seconds": 1.5, "attempts": 1}
    run.update(fields)
    return json.dumps(run)


def test_a_workers_answer_is_checked_against_the_master_like_a_local_verdict():
    qs = questions_of(SLUG)
    first, second = qs[0], qs[1]
    honest = cluster.from_answer(answer(verdicts={first.grade_id: {"score": first.points, "max_score": first.points,
                                                                   "error": ""}}), qs)
    assert honest.verdicts[first.grade_id].score == first.points and not honest.failure and honest.seconds == 1.5
    lying = cluster.from_answer(answer(
        verdicts={first.grade_id: {"score": first.points * 100, "max_score": 1000},
                  second.grade_id: {"score": float("nan")}, "pregunta-inventada": {"score": 5}},
        answer_errors={"otra-celda": "x"}, seconds=-3, attempts=9, problems="no es una lista"), qs)
    assert lying.verdicts[first.grade_id].score == 0 and lying.verdicts[first.grade_id].max_score == first.points
    assert second.grade_id not in lying.verdicts and "pregunta-inventada" not in lying.verdicts
    assert lying.answer_errors == {} and lying.seconds == 0 and lying.attempts == 1
    assert any("outside" in p for p in lying.problems) and any("unknown question" in p for p in lying.problems)
    for bad in ({"verdicts": {}}, b"\xff", "[]", "no json", answer(verdicts=[]), answer(failure=None)):
        assert cluster.from_answer(bad, qs).failure, bad
    assert len(cluster.from_answer(answer(failure="x" * 10**6), qs).failure) <= cluster.MAX_FAILURE


def test_a_submission_whose_worker_died_twice_is_a_grader_failure_not_a_zero():
    run = cluster.killed(2, "tcp://10.0.0.7:40000")
    assert run.failure and "died 2 times" in run.failure
    master = masters.read(ROOT / "source" / SLUG / f"{SLUG}.ipynb")
    notebook = submissions.solved(ROOT, SLUG)
    statuses = {r.status for r in grade.rows_for(notebook, questions_of(SLUG), run, masters.secret_lines(master))}
    assert statuses == {grade.GRADER_FAILURE}


def test_a_worker_with_another_kit_grades_nothing(tmp_path):
    data = cluster.payload("taller", SLUG, "{}", {"kind": "file", "name": "x.json", "data": b"{}"}, questions_of(SLUG),
                           10, 10, grade.sandbox.Limits(), True, "alumno/00-conceptos", kit="otra version")
    run = cluster.from_answer(cluster.grade_task(data), questions_of(SLUG))
    assert "kit differs" in run.failure and not run.verdicts


def test_a_prepared_folder_crosses_as_bytes(tmp_path):
    course = tmp_path / "curso"
    (course / "source" / SLUG).mkdir(parents=True)
    (course / "source" / SLUG / "a.txt").write_text("hola")
    (course / "gradebook.db").write_bytes(b"\x00\x01")
    (course / "enlace").symlink_to("/etc/passwd")
    sent = cluster.inputs_of(course)
    assert sent["kind"] == "folder" and isinstance(sent["data"], bytes)
    (tmp_path / "worker").mkdir()
    again = cluster.lay_out(sent, tmp_path / "worker")
    assert (again / "source" / SLUG / "a.txt").read_text() == "hola"
    assert (again / "gradebook.db").read_bytes() == b"\x00\x01" and not (again / "enlace").exists()


# ---------------------------------------------------------------- a real cluster on this machine

try:
    import distributed
except ImportError:  # the checks above need no Dask; the runs below do
    distributed = None
needs_dask = pytest.mark.skipif(distributed is None, reason="Dask distributed is not installed "
                                                             "(pip install 'dask[distributed]')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and workers, each `dask` process in a session of its own (so that killing one
    takes its nanny, its worker and the sandboxes it started)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        # One task at a time per one-thread worker: a worker's death concerns the task it was grading.
        self.env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
                    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
        self.procs: list[subprocess.Popen] = []
        self.start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
                   "scheduler")

    def start(self, argv, name, env=None) -> subprocess.Popen:
        log = open(self.logs / f"{name}-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**self.env, **(env or {})},
                                cwd=self.logs, start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def worker(self, name: str | None = None, env=None) -> subprocess.Popen:
        return self.start([str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--nworkers", "1",
                           "--no-dashboard", *(["--name", name] if name else [])], "worker", env)

    def wait_workers(self, n: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        with distributed.Client(self.address, timeout="30s") as client:
            while len(client.scheduler_info(n_workers=-1)["workers"]) != n:
                assert time.monotonic() < deadline, f"the scheduler never saw {n} workers"
                time.sleep(0.2)

    def kill(self, proc) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def close(self) -> None:
        for proc in reversed(self.procs):
            self.kill(proc)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    started = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        started.worker()
        started.worker()
        started.wait_workers(2)
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Eight different notebooks, half of them with one wrong answer."""
    return small_class(tmp_path_factory.mktemp("entregas"), SLUG, STUDENTS)


@pytest.fixture(scope="module")
def local(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "notas"
    grade.grade(ROOT, folder, "taller", out, jobs=2, seed=SEED, log=lambda *_: None)
    return rows(out)


@needs_dask
def test_the_cluster_gives_the_local_grades(dask_cluster, folder, local, tmp_path):
    out = tmp_path / "notas"
    proc = subprocess.run([sys.executable, "-m", "taller", "grade", str(folder), "--out", str(out), "--seed", str(SEED),
                           "--cluster", dask_cluster.address], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert f"cluster {dask_cluster.address}: 2 worker(s)" in proc.stdout
    assert f"{len(STUDENTS)} graded, 0 refused, 0 failed" in proc.stdout
    assert rows(out) == local
    assert {r[3] for r in local} >= {"correcta", "incorrecta"}
    assert len(list((out / "ledger").glob("*.json"))) == len(STUDENTS)
    assert len(list((out / "feedback").glob(f"*/{SLUG}.html"))) == len(STUDENTS)


@needs_dask
def test_a_submission_that_kills_its_worker_twice_fails_alone(dask_cluster, folder, local, tmp_path, monkeypatch):
    def killer(data):  # pickled by value: the workers need not import this test
        import os

        if data["name"].startswith("alumno-03/"):
            os._exit(1)  # the worker process dies; its nanny starts another
        from taller.cluster import grade_task

        return grade_task(data)

    monkeypatch.setattr(cluster, "grade_task", killer)
    out, lines, seen = tmp_path / "notas", [], []
    table = grade.grade(ROOT, folder, "taller", out, seed=SEED, cluster=dask_cluster.address, log=lines.append,
                        progress=lambda done, total: seen.append((done, total)))
    assert table.failed == 1, lines
    got = rows(out)
    assert {r[3] for r in got if r[0] == "alumno-03"} == {grade.GRADER_FAILURE}
    assert [r for r in got if r[0] != "alumno-03"] == [r for r in local if r[0] != "alumno-03"]
    assert "died 2 times" in (out / "logs" / f"alumno-03-{SLUG}-taller.txt").read_text()
    # Sent again once; a classmate that was on the same worker when it died is sent again too.
    assert 1 <= sum("a worker died" in line for line in lines) <= 2, lines
    assert len(list((out / "ledger").glob("*.json"))) == len(STUDENTS) - 1  # tried again by the next run
    assert seen[0] == (0, len(STUDENTS)) and seen[-1] == (len(STUDENTS), len(STUDENTS))
    assert [d for d, _ in seen] == list(range(len(STUDENTS) + 1))
    dask_cluster.wait_workers(2)  # the nannies brought both workers back


@needs_dask
def test_killing_a_worker_mid_run_loses_nothing(dask_cluster, folder, local, tmp_path):
    # This worker also makes no cgroups: the driver says so, as it does for its own machine.
    doomed = dask_cluster.worker("condenado", {"TALLER_NO_CGROUPS": "1"})
    dask_cluster.wait_workers(3)
    out = tmp_path / "notas"
    proc = subprocess.Popen([sys.executable, "-m", "taller", "grade", str(folder), "--out", str(out), "--seed",
                             str(SEED), "--cluster", dask_cluster.address], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        killed = False
        with distributed.Client(dask_cluster.address, timeout="30s") as client:
            deadline = time.monotonic() + 300
            while not killed and time.monotonic() < deadline and proc.poll() is None:
                graded = len(list((out / "ledger").glob("*.json"))) if (out / "ledger").is_dir() else 0
                busy = {w for w, keys in client.processing().items() if keys}
                mine = [w for w, info in client.scheduler_info(n_workers=-1)["workers"].items()
                        if info.get("name") == "condenado"]
                if graded >= 1 and mine and mine[0] in busy:
                    dask_cluster.kill(doomed)  # the nanny, its worker and the sandbox it was running
                    killed = True
                time.sleep(0.05)
        assert killed, "the worker was never caught grading"
        stdout, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, stdout[-3000:]
    assert "a worker died" in stdout and "sent again" in stdout
    assert "no cgroups here (TALLER_NO_CGROUPS is set)" in stdout
    assert "(limits per process only: no cgroups)" in stdout
    assert f"{len(STUDENTS)} graded, 0 refused, 0 failed" in stdout
    assert rows(out) == local
    assert len(list((out / "ledger").glob("*.json"))) == len(STUDENTS)


@needs_dask
def test_an_unreachable_scheduler_is_one_line(folder, tmp_path):
    with pytest.raises(cluster.ClusterError) as error:
        cluster.connect(f"tcp://127.0.0.1:{free_port()}", timeout="2s")
    assert str(error.value).startswith("taller grade: cannot reach the Dask scheduler at tcp://127.0.0.1:")


def test_no_run_result_crosses_as_an_object():
    """What a task returns is JSON text; the driver builds the RunResult itself."""
    assert isinstance(cluster.grade_task({"kit": "?"}), str)
    assert isinstance(cluster.from_answer(RunResult(), []), RunResult)
    assert cluster.from_answer(RunResult(), []).failure


@pytest.mark.skipif(not shutil.which("taskset") or (os.cpu_count() or 1) < 2, reason="needs taskset and 2 cores")
def test_a_worker_pinned_to_one_core_gives_its_sandboxes_one_cores_share():
    """A worker sees the cores it may run on (its affinity), not the machine's: pinned to one core,
    each submission gets one thread and one CPU, as a local --jobs 2 slot does on two cores."""
    code = "from taller import sandbox; l = sandbox.per_job(sandbox.Limits(), 1); print(l.threads, l.cpus)"
    pinned = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT).stdout.split()
    free = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    assert pinned == ["1", "1.0"]
    cores = len(os.sched_getaffinity(0))
    assert free == [str(cores), f"{float(cores)}"]
