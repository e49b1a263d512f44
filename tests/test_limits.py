"""Limits bound a submission, not one process: a hostile student tries each limit beside an honest
classmate graded in the same run, and each test asserts the guarantee, not only that grading ended.

- memory: four children of 900 MB each under --memory-mb 1024 (RLIMIT_DATA lets each through);
- processes: as many threads as it can start, under --processes 256;
- disk: 25 files of 60 MB, in the kernel's folder and in its /tmp, under --tmp-mb 64;
- output: about 1.5 GB printed, then a wrong answer that must still count as wrong;
- CPU: 32 busy processes, each in a session of its own, while classmates are timed;
- and where no cgroup can be made, one line says so and grading goes on with per-process limits.

The classmates answer 00-conceptos like the reference (the fastest exercise: no TensorFlow); every
attack sits in its first answer cell, before that answer, and ends by raising what it achieved, so
the attacker's other questions show whether the engine and the kernel survived the attack.
One engine grades (nbgrader): cgroups, the in-memory work folder and the CPU quota are the same for
every engine; the bounded output client is checked for each engine's class without a kernel.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, questions_of, read_grades
from taller import build, cgroups, engines, execution, grade, masters, sandbox, submissions

SLUG = "00-conceptos"
FIRST = "cc-ia-ml-dl-sol"  # the first answer cell: every attack runs there
MB = 2**20
SUPPORT = cgroups.support()
needs_cgroups = pytest.mark.skipif(
    not SUPPORT.complete, reason=f"needs cgroups for memory, pids and cpu (root, or a delegated cgroup): "
                                 f"{SUPPORT.reason or 'none here'}")

MEMORY = """# ataque: memoria
import subprocess, sys, time
hijos = [subprocess.Popen([sys.executable, "-c", "b = b'x' * (900 * 2**20)\\nimport time\\ntime.sleep(30)"])
         for _ in range(4)]
time.sleep(8)
estado = [h.poll() for h in hijos]
for h in hijos:
    h.kill()
raise RuntimeError(f"HIJOS {estado}")
"""

FILES = """# ataque: archivos
import os
escrito = {}
trozo = b"x" * 2**20
for donde in (".", "/tmp"):
    total = 0
    for i in range(25):
        try:
            fd = os.open(os.path.join(donde, f"relleno-{i}.bin"), os.O_WRONLY | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            for _ in range(60):
                total += os.write(fd, trozo)
        except OSError:
            pass
        finally:
            os.close(fd)
    escrito[donde] = total
raise RuntimeError(f"ESCRITO {escrito['.']} {escrito['/tmp']}")
"""

THREADS = """# ataque: hilos
import threading
threading.stack_size(64 * 1024)  # small stacks: the process limit, not RLIMIT_DATA, must stop it
parar, hilos = threading.Event(), 0
try:
    while hilos < 5000:
        threading.Thread(target=parar.wait, daemon=True).start()
        hilos += 1
except RuntimeError:
    pass
parar.set()
raise RuntimeError(f"HILOS {hilos}")
"""

OUTPUT = """# ataque: salida
import sys
linea = "x" * 999 + "\\n"
for _ in range(1_500_000):
    sys.stdout.write(linea)
"""

CPU = """# ataque: cpu
import subprocess, sys, time
hijos = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True) for _ in range(32)]
time.sleep(30)
"""


def reference(cell: str) -> str:
    master = masters.read(ROOT / "source" / SLUG / f"{SLUG}.ipynb")
    return submissions.reference_answers(master)[cell]


def hand_in(folder: Path, student: str, attack: str = "", changes: dict | None = None) -> None:
    cells = {FIRST: attack + "\n" + reference(FIRST)} if attack else {}
    build.write_notebook(submissions.solved(ROOT, SLUG, {**cells, **(changes or {})}),
                         folder / student / f"{SLUG}.ipynb")


def points() -> dict[str, float]:
    return {q.grade_id: q.points for q in questions_of(SLUG)}


def scores(rows, student) -> dict[str, tuple[float, str]]:
    return {k[2]: (float(r["score"]), r["status"]) for k, r in rows.items() if k[0] == student}


def full_marks(rows, student) -> bool:
    return scores(rows, student) == {q: (p, "correcta") for q, p in points().items()}


class Spy:
    """What each submission's cgroup saw, by student (the attack names itself in the notebook)."""

    def __init__(self):
        self.usage: dict[str, cgroups.Usage | None] = {}
        self.lock = threading.Lock()
        self.real = engines.run_engine

    def __call__(self, box, *args, **kwargs):
        text = "".join(p.read_text(encoding="utf-8") for p in box.work.rglob("*.ipynb"))
        found = re.search(r"# ataque: (\w+)", text)
        result = self.real(box, *args, **kwargs)
        with self.lock:
            self.usage[found.group(1) if found else f"honesto-{len(self.usage)}"] = (
                box.cgroup.usage if box.cgroup is not None else None)
        return result


class DiskWatch:
    """The most bytes ever held under a host folder, sampled every 50 ms from another thread."""

    def __init__(self, folder: Path):
        self.folder, self.most, self.stop = folder, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def held(self) -> int:
        total = 0
        for top, dirs, files in os.walk(self.folder):
            for name in files:
                try:
                    total += os.lstat(os.path.join(top, name)).st_blocks * 512
                except OSError:
                    pass
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            self.most = max(self.most, self.held())
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def run(folder: Path, out: Path, jobs: int = 2, **limits) -> tuple[dict, grade.Table, list[str]]:
    lines: list[str] = []
    table = grade.grade(ROOT, folder, "nbgrader", out, jobs=jobs, cell_timeout=120, total_timeout=600,
                        limits=sandbox.Limits(**limits), log=lines.append)
    return read_grades(out / "grades.csv"), table, lines


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Two runs at once, each with an honest classmate: memory, files and threads under
    --memory-mb 1024 --tmp-mb 64 --file-size-mb 64 --processes 256; the output flood under the
    default memory and --output-mb 16.
    The driver's temp folder (the engines' work folders on the host) is watched meanwhile."""
    base = tmp_path_factory.mktemp("limites")
    small, flood = base / "entregas-memoria-archivos", base / "entregas-salida"
    hand_in(small, "memoria", MEMORY)
    hand_in(small, "archivos", FILES)
    hand_in(small, "hilos", THREADS)
    hand_in(small, "honesto")
    hand_in(flood, "salida", OUTPUT, {"cc-tasa-sol": 'respuesta_tasa = "a"\n'})  # wrong, after the flood
    hand_in(flood, "companera")
    host_tmp = base / "tmp-del-corrector"
    host_tmp.mkdir()
    spy = Spy()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engines, "run_engine", spy)
        mp.setattr(tempfile, "tempdir", str(host_tmp))
        with DiskWatch(host_tmp) as disk, ThreadPoolExecutor(max_workers=2) as pool:
            small_run = pool.submit(run, small, base / "notas-memoria-archivos", memory_mb=1024, tmp_mb=64,
                                    file_size_mb=64, processes=256)
            flood_run = pool.submit(run, flood, base / "notas-salida", output_mb=16)
            small_rows, small_table, _ = small_run.result()
            flood_rows, flood_table, _ = flood_run.result()
    peaks = [f"{who}: peak {u.peak_bytes / MB:.0f} MB, {u.oom_kills} killed" for who, u in spy.usage.items() if u]
    print(f"\n[limits] host temp folder peak {disk.most / MB:.1f} MB; " + "; ".join(peaks))
    return {"rows": {**small_rows, **flood_rows}, "usage": spy.usage, "disk_peak": disk.most,
            "tables": (small_table, flood_table)}


@needs_cgroups
def test_children_of_a_submission_share_one_memory_limit(hostile):
    """Four children of 900 MB under --memory-mb 1024: the submission never holds more than 1024 MB
    in all, the kernel's processes are the ones killed (the engine and the kernel's own later
    answers survive), and the classmate keeps full marks."""
    usage = hostile["usage"]["memoria"]
    assert usage is not None and usage.limit_bytes == 1024 * MB
    assert usage.peak_bytes <= 1024 * MB
    assert usage.peak_bytes > 600 * MB, "the children were not counted in the submission's cgroup"
    assert usage.oom_kills >= 1
    got = scores(hostile["rows"], "memoria")
    assert got[FIRST.removesuffix("-sol")][1] == "error"
    message = hostile["rows"][("memoria", SLUG, FIRST.removesuffix("-sol"))]["message"]
    assert "HIJOS" in message and "None" not in message.split("HIJOS")[1], message  # no child still running
    assert all(got[q] == (p, "correcta") for q, p in points().items() if q != FIRST.removesuffix("-sol"))
    assert full_marks(hostile["rows"], "honesto")


@needs_cgroups
def test_a_file_flood_stays_in_memory_under_the_cap_and_off_the_host_disk(hostile):
    """25 files of 60 MB in the kernel's folder and in its /tmp under --tmp-mb 64: each folder takes
    at most 64 MB, the host folder that holds the work folders never grows by a file's worth, the
    attacker's other answers are graded (nbgrader still saves its gradebook) and the classmate keeps
    full marks."""
    message = hostile["rows"][("archivos", SLUG, FIRST.removesuffix("-sol"))]["message"]
    written = re.search(r"ESCRITO (\d+) (\d+)", message)
    assert written, message
    in_folder, in_tmp = int(written.group(1)), int(written.group(2))
    assert 0 < in_folder <= 64 * MB and 0 < in_tmp <= 64 * MB, (in_folder, in_tmp)
    assert hostile["disk_peak"] < 16 * MB, f"the host's temp folder held {hostile['disk_peak'] / MB:.0f} MB"
    usage = hostile["usage"]["archivos"]
    assert usage.peak_bytes < 1024 * MB and usage.oom_kills == 0  # both folders count in its memory
    got = scores(hostile["rows"], "archivos")
    assert all(got[q] == (p, "correcta") for q, p in points().items() if q != FIRST.removesuffix("-sol"))
    assert full_marks(hostile["rows"], "honesto")


@needs_cgroups
def test_threads_of_a_submission_share_one_process_limit(hostile):
    """As many threads as it can start under --processes 256: fewer than 256 in all (the engine and
    the kernel count too), the engine survives and the classmate keeps full marks."""
    message = hostile["rows"][("hilos", SLUG, FIRST.removesuffix("-sol"))]["message"]
    started = re.search(r"HILOS (\d+)", message)
    assert started, message
    assert 0 < int(started.group(1)) < 256
    got = scores(hostile["rows"], "hilos")
    assert all(got[q] == (p, "correcta") for q, p in points().items() if q != FIRST.removesuffix("-sol"))
    assert full_marks(hostile["rows"], "honesto")


@needs_cgroups
def test_an_output_flood_is_not_kept_and_a_later_failure_still_counts(hostile):
    """About 1.5 GB printed under --output-mb 16: the submission peaks far below what it printed
    (the runner keeps 16 MB of outputs; what is in flight is what the kernel sends per flush), no
    process is killed, every other answer is graded, and the wrong answer after the flood is 0."""
    usage = hostile["usage"]["salida"]
    assert usage.oom_kills == 0
    assert usage.peak_bytes < 1024 * MB, f"peak {usage.peak_bytes / MB:.0f} MB for 1.5 GB printed"
    got = scores(hostile["rows"], "salida")
    assert got["cc-tasa"] == (0.0, "incorrecta")
    assert all(got[q] == (p, "correcta") for q, p in points().items() if q != "cc-tasa")
    assert full_marks(hostile["rows"], "companera")


@needs_cgroups
def test_every_submission_had_its_cgroup(hostile):
    assert all(usage is not None for usage in hostile["usage"].values()), hostile["usage"]
    assert all(table.limits_per_submission for table in hostile["tables"])


@pytest.fixture(scope="module")
def cpu_times(tmp_path_factory):
    """Seconds of each classmate: graded two at a time with nobody else (before and after, the
    slower counts), then one after the other beside a submission that keeps 32 processes busy for
    30 s. Each run has two jobs, so each submission's quota is one of the machine's cores / 2."""
    base = tmp_path_factory.mktemp("cpu")
    alone, beside = base / "solos", base / "con-acaparador"
    for student in ("solo-1", "solo-2"):
        hand_in(alone, student)
    hand_in(beside, "acaparador", CPU)
    for student in ("vecino-1", "vecino-2", "vecino-3"):
        hand_in(beside, student)
    _, before, _ = run(alone, base / "notas-solos")
    rows, hogged, _ = run(beside, base / "notas-con-acaparador")
    _, after, _ = run(alone, base / "notas-solos-despues")
    seconds = {row["student"]: row["seconds"] for row in hogged}
    times = {"alone": max(row["seconds"] for row in [*before, *after]), "hog": seconds.pop("acaparador"),
             "beside": seconds, "rows": rows}
    print(f"\n[cpu] alone {times['alone']:.1f} s; beside the hog: "
          + ", ".join(f"{s} {t:.1f} s" for s, t in seconds.items()) + f"; the hog {times['hog']:.1f} s")
    return times


@needs_cgroups
def test_a_cpu_hog_leaves_its_classmates_their_share(cpu_times):
    """32 busy processes, each in its own session: each classmate graded meanwhile takes at most
    2.5 times what it takes with no hog (measured in the same test), and keeps full marks."""
    assert cpu_times["hog"] > 30  # the hog was busy all along
    for student, seconds in cpu_times["beside"].items():
        assert seconds <= 2.5 * cpu_times["alone"], (student, seconds, cpu_times["alone"])
        assert full_marks(cpu_times["rows"], student)


def test_without_cgroups_one_line_says_so_and_grading_goes_on(tmp_path, monkeypatch):
    """Where no cgroup can be made (simulated: TALLER_NO_CGROUPS), one console line says that the
    limits are per process, the summary says it again, no cgroup is made, and grades are right."""
    monkeypatch.setenv(cgroups.DISABLE, "1")
    made = []
    monkeypatch.setattr(cgroups.Cgroup, "create", classmethod(lambda cls, *a, **k: made.append(a)))
    hand_in(tmp_path / "entregas", "honesto")
    rows, table, lines = run(tmp_path / "entregas", tmp_path / "notas")
    notices = [line for line in lines if "no cgroups here" in line]
    assert len(notices) == 1 and "per process" in notices[0] and cgroups.DISABLE in notices[0], lines
    assert "limits per process only" in lines[-1]
    assert not table.limits_per_submission and not made
    assert full_marks(rows, "honesto")


# The bounded output client, without a kernel: messages as nbclient gets them.

def message(kind: str, **content) -> dict:
    return {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "m"}, "content": content}


def stdout(text: str) -> dict:
    return message("stream", name="stdout", text=text)


def failed_check() -> dict:
    return message("error", ename="AssertionError", evalue="la respuesta no es correcta" + "!" * 10**6,
                   traceback=["AssertionError: la respuesta no es correcta"] * 10**4)


CLASSES = {"taller": lambda: execution.BoundedNotebookClient(nbformat.v4.new_notebook(), output_budget=10_000)}


def nbgrader_execute():
    from nbgrader.preprocessors import Execute

    execution.bound_outputs(Execute)
    client = Execute()
    client.output_budget = 10_000
    return client


def otter_execute():
    from taller.otter_runner import with_cell_timeout

    client = with_cell_timeout(5)()
    client.output_budget = 10_000
    return client


CLASSES.update(nbgrader=nbgrader_execute, otter=otter_execute)


@pytest.mark.parametrize("engine", CLASSES)
def test_the_runner_keeps_at_most_the_budget_and_never_drops_what_a_grader_reads(engine):
    client = CLASSES[engine]()
    outs = []
    for _ in range(1000):  # 1 MB printed under a 10 000-character budget
        client.output(outs, stdout("x" * 999 + "\n"), None, 0)
    client.output(outs, message("stream", name="stderr", text="aviso\n" * 10**5), None, 0)
    client.output(outs, message("execute_result", data={"text/plain": "0.5"}, metadata={}, execution_count=1),
                  None, 0)
    for _ in range(10):
        client.output(outs, failed_check(), None, 0)
    kept = sum(execution.text_size(o) for o in outs)
    assert kept <= 10_000 + 12 * 2 * execution.ERROR_CHARS + len(execution.CUT_NOTE) + 500, kept
    notes = [o for o in outs if o.get("name") == "stdout" and "Salida recortada" in o["text"]]
    assert len(notes) == 1
    errors = [o for o in outs if o["output_type"] == "error"]
    assert len(errors) == execution.ERRORS_PER_CELL and errors[0]["ename"] == "AssertionError"
    assert any(o.get("name") == "stderr" for o in outs)
    assert any(o["output_type"] == "execute_result" and o["data"]["text/plain"] == "0.5" for o in outs)


def test_a_flood_cannot_hide_a_failed_check_from_nbgrader():
    """nbgrader gives a test cell 0 for an error or any stderr output: both survive the budget."""
    from nbgrader.utils import determine_grade

    client = nbgrader_execute()
    for extra in (failed_check(), message("stream", name="stderr", text="RuntimeWarning\n")):
        cell = nbformat.v4.new_code_cell("assert respuesta == 'c'")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 1, "grade_id": "t"}
        for _ in range(100):
            client.output(cell.outputs, stdout("x" * 999), None, 0)
        client.output(cell.outputs, extra, None, 0)
        assert determine_grade(cell) == (0, 1.0)
