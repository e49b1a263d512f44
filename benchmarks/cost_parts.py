"""Where a graded submission's CPU time goes, part by part (issue 18: the ratio to bare execution).

    python benchmarks/cost_parts.py [--slugs 00-conceptos,03-redes-densas] [--copies 4]

For each exercise, a class of COPIES copies of the reference notebook (solutions/) is run in each of
these modes, one submission at a time, every mode in a cgroup of its own of the cpuacct hierarchy, so
that the CPU time of every process it starts is counted, sandboxed ones included:

- `bare`: each notebook executed with nbclient, no sandbox and no grading;
- `tests`: each master executed the same way: the same answers, with the hidden tests in the kernel;
- `<engine>-nosandbox`: `taller grade --engine <engine> --no-sandbox`;
- `<engine>`: `taller grade --engine <engine>`, sandboxed as in a real run.

Each mode runs twice, with 1 and with COPIES submissions, so that what a run costs once (preparing
the engine, writing the reports) is told apart from what each submission adds. Printed per mode: CPU
seconds per submission, fixed CPU seconds per run, and the wall time. On a 2-core machine kept busy,
wall time at --jobs 2 is about half the CPU time, so the per-submission CPU seconds explain the ratio
of `taller grade` to bare execution part by part:

    hidden tests = tests - bare;  engine = <engine>-nosandbox - tests;  sandbox = <engine> - <engine>-nosandbox

Also printed: the CPU time of `import keras` (TensorFlow included) in a fresh interpreter, which every
kernel of a TensorFlow exercise pays. CPU seconds do not depend much on other work on the machine;
wall times do. Needs root (a cpuacct cgroup v1 or the cgroup v2 cpu.stat) and says so otherwise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPUACCT = Path("/sys/fs/cgroup/cpuacct")
BARE = """
import sys, nbformat
from nbclient import NotebookClient
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
"""


def cpu_seconds(argv: list[str], env: dict) -> tuple[float, float]:
    """(CPU seconds of argv and of everything it started, wall seconds)."""
    group = CPUACCT / f"taller-cost-{secrets.token_hex(4)}"
    group.mkdir()
    try:
        procs = str(group / "cgroup.procs")
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       preexec_fn=lambda: Path(procs).write_text(str(os.getpid())))
        wall = time.perf_counter() - start
        time.sleep(0.5)  # processes a sandbox leaves behind die with it
        return int((group / "cpuacct.usage").read_text()) / 1e9, wall
    finally:
        for _ in range(20):
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.5)


def make_class(folder: Path, name: str, text: str, copies: int) -> list[Path]:
    """COPIES students, each handing in the notebook with a comment of their own (so no two are the same)."""
    paths = []
    for i in range(copies):
        path = folder / f"alumno-{i:02d}" / name
        path.parent.mkdir(parents=True)
        path.write_text(text.replace('"cells": [', f'"cells": [{{"cell_type": "markdown", "id": "c{i}", '
                                     f'"metadata": {{}}, "source": ["copia {i}"]}}, ', 1), encoding="utf-8")
        paths.append(path)
    return paths


def measure(slug: str, mode: str, copies: int, env: dict, notebooks: dict) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "entregas"
        paths = make_class(subs, f"{slug}.ipynb", notebooks["source" if mode == "tests" else "solutions"], copies)
        if mode in ("bare", "tests"):
            argv = [sys.executable, "-c", BARE, *map(str, paths)]
        else:
            engine = mode.removesuffix("-nosandbox")
            argv = [sys.executable, "-m", "taller", "grade", str(subs), "--engine", engine, "--out",
                    str(Path(tmp) / "out"), "--jobs", "1", "--regrade", "--seed", "1"]
            if mode.endswith("-nosandbox"):
                argv.append("--no-sandbox")
        return cpu_seconds(argv, env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slugs", default="00-conceptos,03-redes-densas")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--engines", default="nbgrader,otter,taller")
    parser.add_argument("--modes", default="", help="only these modes (default: all)")
    args = parser.parse_args()
    if not (CPUACCT / "cgroup.procs").exists() or not os.access(CPUACCT, os.W_OK):
        sys.exit(f"needs a writable cpuacct cgroup hierarchy at {CPUACCT} (run as root)")
    from taller import build, sandbox
    env = {**os.environ, **build.KERNEL_ENV}
    threads = sandbox.per_job(sandbox.Limits(), 1).threads  # as a graded kernel at --jobs 1 gets
    env.update({name: str(threads) for name in sandbox.THREAD_VARIABLES})
    keras_cpu, _ = cpu_seconds([sys.executable, "-c", "import keras"], env)
    print(f"import keras (TensorFlow included) in a fresh interpreter: {keras_cpu:.2f} CPU s")
    engines = [e for e in args.engines.split(",") if e]
    modes = ["bare", "tests", *(f"{e}-nosandbox" for e in engines), *engines]
    if args.modes:
        modes = [m for m in args.modes.split(",") if m]
    for slug in [s for s in args.slugs.split(",") if s]:
        # read once: a build running meanwhile rewrites solutions/
        notebooks = {view: (ROOT / view / slug / f"{slug}.ipynb").read_text(encoding="utf-8")
                     for view in ("source", "solutions")}
        print(f"\n{slug}: {args.copies} copies of the reference, one at a time")
        print(f"  {'mode':20s} {'CPU s/submission':>17s} {'CPU s/run':>10s} {'wall s/submission':>18s}")
        per: dict[str, float] = {}
        for mode in modes:
            one, wall_one = measure(slug, mode, 1, env, notebooks)
            many, wall_many = measure(slug, mode, args.copies, env, notebooks)
            per[mode] = (many - one) / (args.copies - 1)
            fixed = one - per[mode]
            wall = (wall_many - wall_one) / (args.copies - 1)
            print(f"  {mode:20s} {per[mode]:17.2f} {fixed:10.2f} {wall:18.2f}", flush=True)
        if {"tests", "bare"} <= set(per):
            print(f"  hidden tests, in the kernel: {per['tests'] - per['bare']:+.2f} CPU s per submission")
        for engine in (e for e in engines if {e, e + "-nosandbox", "tests", "bare"} <= set(per)):
            print(f"  {engine}: engine {per[engine + '-nosandbox'] - per['tests']:+.2f}, "
                  f"sandbox {per[engine] - per[engine + '-nosandbox']:+.2f}, "
                  f"total {per[engine] / per['bare']:.2f}x bare (CPU per submission)")


if __name__ == "__main__":
    main()
