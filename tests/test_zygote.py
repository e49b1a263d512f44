"""The zygote (taller_engine/zygote.py, issue 16): verdict processes forked from one process that has
already imported the libraries. Forking must not give up what a verdict sandbox of its own gave:
each forked verdict process is alone in its PID, user, mount, network and IPC namespaces, with a
/tmp/home of its own (/tmp is read-only), and can neither signal, read nor trace another one or the zygote, nor make more
namespaces. Where the zygote cannot be used, the runner starts its own verdict process and the
grades are the same."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from conftest import ROOT, questions_of, read_grades
from taller import build, engines, grade, submissions
from taller.taller_engine import zygote

# Run in the zygote's own sandbox: fork two verdict processes as the zygote does (zygote.isolate),
# one after the other, the first still alive while the second looks around; each reports what it can do.
PROBE = r"""
import ctypes, json, os, socket, sys, time
from taller.taller_engine import zygote

def readable():
    got = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            for what in ("mem", "environ"):
                try:
                    with open(f"/proc/{name}/{what}", "rb") as f:
                        f.read(1)
                    got.append(int(name))
                except OSError:
                    pass
    return sorted(set(got))

r, w = os.pipe()
forked = []
for n in range(2):
    pid = os.fork()
    if pid == 0:
        os.close(r)
        zygote.isolate()
        seen = {"n": n, "pid": os.getpid(), "home": sorted(os.listdir("/tmp/home"))}
        open(f"/tmp/home/marca-{n}", "w").write("x")
        try:
            open("/tmp/marca", "w").write("x")
            seen["tmp_writable"] = True
        except OSError:
            seen["tmp_writable"] = False
        seen["unshare"] = ctypes.CDLL(None, use_errno=True).unshare(zygote.CLONE_NEWUSER)
        seen["signalled"] = []
        for target in [*forked, int(sys.argv[1])]:
            try:
                os.kill(target, 0)
                seen["signalled"].append(target)
            except OSError:
                pass
        seen["readable"] = readable()
        seen["interfaces"] = [name for _, name in socket.if_nameindex()]
        os.write(w, (json.dumps(seen) + "\n").encode())
        time.sleep(3 if n == 0 else 0)
        os._exit(0)
    forked.append(pid)
    time.sleep(1)
os.close(w)
print(json.dumps({"zygote": os.getpid(), "forked": forked,
                  "children": [json.loads(line) for line in os.read(r, 100000).decode().splitlines()]}))
"""


def test_forked_verdict_processes_are_alone():
    argv = zygote.command(["-c", PROBE, "2"])  # 2: the zygote's own pid in its sandbox, as a target
    done = subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["zygote"] == 2
    children = sorted(report["children"], key=lambda c: c["n"])
    assert len(children) == 2
    for child, own in zip(children, report["forked"]):
        assert child["pid"] == 1  # the first process of a PID namespace of its own
        assert child["home"] == []  # a /tmp/home of its own: the other's marca-0 is not there
        assert child["tmp_writable"] is False  # and the /tmp they share is read-only
        assert child["unshare"] != 0  # no more namespaces
        assert child["signalled"] == []  # neither the zygote nor the other verdict process
        assert child["interfaces"] == ["lo"]  # no network
        # Only its own waiting parent (a copy of the zygote that holds nothing): never the zygote,
        # never the other verdict process or its parent.
        assert set(child["readable"]) <= {own}, (child, report["forked"])


def test_the_zygote_starts_here_and_a_fork_is_cheap():
    shared = zygote.shared()
    assert shared is not None, "the zygote cannot start on this machine: every verdict process starts afresh"
    conn, number = shared.fork(["import numpy as np"])
    conn.close()
    shared.end(number)
    assert shared.forked >= 1


SLUG = "00-conceptos"


def test_without_the_zygote_the_runner_starts_its_own_verdict_process(tmp_path, monkeypatch):
    """The fallback (no user namespaces, say): the same grades, from a verdict process of the runner's."""
    monkeypatch.setattr(engines._zygote, "shared", lambda: None)
    right = submissions.solved(ROOT, SLUG)
    build.write_notebook(right, tmp_path / "entregas" / "ana" / f"{SLUG}.ipynb")
    grade.grade(ROOT, tmp_path / "entregas", "taller", tmp_path / "notas", jobs=1, log=lambda *_: None)
    rows = read_grades(tmp_path / "notas" / "grades.csv")
    full = {q.grade_id: q.points for q in questions_of(SLUG)}
    assert {k[2]: float(r["score"]) for k, r in rows.items() if k[0] == "ana"} == full


def test_the_taller_engine_forks_its_verdict_process_from_the_zygote(tmp_path):
    shared = zygote.shared()
    assert shared is not None
    before = shared.forked
    build.write_notebook(submissions.solved(ROOT, SLUG), tmp_path / "entregas" / "ana" / f"{SLUG}.ipynb")
    grade.grade(ROOT, tmp_path / "entregas", "taller", tmp_path / "notas", jobs=1, log=lambda *_: None)
    rows = read_grades(tmp_path / "notas" / "grades.csv")
    assert {k[2]: float(r["score"]) for k, r in rows.items()} == {q.grade_id: q.points for q in questions_of(SLUG)}
    assert shared.forked == before + 1


def test_a_forked_verdict_process_counts_in_its_submissions_cgroup():
    """Limits bound a submission: its verdict process, forked far from the engine's sandbox, runs in
    the submission's cgroup, and goes when the submission is done."""
    from taller import cgroups

    where = cgroups.support()
    if not where.usable:
        pytest.skip(f"no cgroups here: {cgroups.notice(where)}")
    shared = zygote.shared()
    group = cgroups.Cgroup.create(where, 512 * 2**20, 64, 0)
    try:
        conn, number = shared.fork(["import numpy as np"], group.procs_files())
        deadline = time.monotonic() + 10
        while not group.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(group.pids()) == 2  # the verdict process and its waiting parent
        conn.close()
        shared.end(number)
        deadline = time.monotonic() + 10
        while group.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not group.pids()
    finally:
        group.remove()
