"""A whole class, graded here and on a Dask cluster (issue 18): what scaling out costs.

    python benchmarks/class_scale.py [--submissions 210] [--slugs 00-conceptos,01-descenso-gradiente,...]
                                     [--engine taller] [--jobs 2] [--workers 2] [--cluster tcp://HOST:8786]
                                     [--limit N] [--skip-local]

Builds a synthetic class of --submissions notebooks from the known answers of each exercise (the
reference, the untouched release, and every variant of tests/variants/<slug>.py), one notebook per
student and exercise, and grades it twice with the same seed: locally with --jobs slots, then on a
Dask cluster: the one at --cluster, or one started here (`dask scheduler` and --workers `dask worker`
processes of one thread each, so the same two cores as --jobs 2). Prints both wall times, the
cluster's overhead in % of the local time, and whether the grades agree. --limit N grades only the
first N submissions (a quick check that it runs). Without --slugs, the exercises without TensorFlow
(a class of the TensorFlow ones takes hours on two cores). Run it on a machine with nothing else
running: the figures are wall times.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taller import build, grade, masters, submissions

ROOT = Path(__file__).resolve().parents[1]
LIGHT = ("00-conceptos", "01-descenso-gradiente", "02-preprocesamiento")


def answers(slug: str) -> list:
    """The known notebooks of an exercise: reference, untouched release, every variant."""
    release = masters.read(ROOT / "release" / slug / f"{slug}.ipynb")
    known = [submissions.solved(ROOT, slug), release]
    known += [submissions.solved(ROOT, slug, v["cells"]) for v in submissions.variants(ROOT, slug)]
    return known


def make_class(folder: Path, slugs: list[str], count: int) -> int:
    """count notebooks under folder/<student>/<slug>.ipynb, cycling through each exercise's answers;
    each gets a comment of its own, so no two notebooks are the same."""
    pools = {slug: itertools.cycle(answers(slug)) for slug in slugs}
    made = 0
    for student in itertools.count():
        for slug in slugs:
            if made == count:
                return made
            nb = copy.deepcopy(next(pools[slug]))
            last = [c for c in nb.cells if masters.is_solution_cell(c)][-1]
            last.source += f"\n# alumno {student:04d}\n"  # an answer cell: it survives intake's normalising
            build.write_notebook(nb, folder / f"alumno-{student:04d}" / f"{slug}.ipynb")
            made += 1
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_cluster(workers: int, logs: Path):
    """`dask scheduler` and `workers` one-thread `dask worker` processes on this machine, worker i
    pinned to core i (taskset), as one-core machines would be: each then sandboxes its submission
    with one core's threads and CPU, as --jobs 2 gives each local slot."""
    import distributed

    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
    procs = []
    try:
        for name, argv in [("scheduler", [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                          "--no-dashboard"])] + \
                [(f"worker-{i}", ["taskset", "-c", str(i % (os.cpu_count() or 1)), dask, "worker", address,
                                  "--nthreads", "1", "--no-dashboard"]) for i in range(workers)]:
            with open(logs / f"{name}.log", "wb") as log:
                procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                              start_new_session=True))
        deadline = time.monotonic() + 120
        with distributed.Client(address, timeout="60s") as client:
            while len(client.nthreads()) < workers:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the local cluster never had {workers} workers (logs in {logs})")
                time.sleep(0.2)
        yield address
    finally:
        for proc in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def rows(out: Path) -> list:
    with open(out / "grades.csv", encoding="utf-8") as f:
        return [(r["student"], r["notebook"], r["question"], r["score"], r["status"]) for r in csv.DictReader(f)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=210, help="notebooks in the class (at least 200 for the figure)")
    parser.add_argument("--slugs", default=",".join(LIGHT))
    parser.add_argument("--engine", default="taller", choices=grade.ENGINES)
    parser.add_argument("--jobs", type=int, default=2, help="local slots")
    parser.add_argument("--workers", type=int, default=2, help="workers of the cluster started here")
    parser.add_argument("--cluster", default=None, help="an existing scheduler instead of one started here")
    parser.add_argument("--limit", type=int, default=0, help="grade only the first N submissions")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--skip-local", action="store_true", help="time the cluster only")
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    slugs = [s for s in args.slugs.split(",") if s]
    count = min(args.submissions, args.limit) if args.limit else args.submissions
    quiet = lambda *_: None  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="taller-class-") as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        made = make_class(tmp / "entregas", slugs, count)
        print(f"class: {made} submissions of {', '.join(slugs)} built in {time.perf_counter() - start:.1f} s")
        times = {}
        if not args.skip_local:
            start = time.perf_counter()
            grade.grade(ROOT, tmp / "entregas", args.engine, tmp / "local", jobs=args.jobs, seed=args.seed,
                        regrade=True, log=quiet)
            times["local"] = time.perf_counter() - start
            print(f"local, --jobs {args.jobs}: {times['local']:.1f} s ({times['local'] / made:.2f} s per submission)")
        with contextlib.ExitStack() as stack:
            address = args.cluster or stack.enter_context(local_cluster(args.workers, tmp))
            start = time.perf_counter()
            grade.grade(ROOT, tmp / "entregas", args.engine, tmp / "cluster", seed=args.seed, regrade=True,
                        log=quiet, cluster=address)
            times["cluster"] = time.perf_counter() - start
        where = args.cluster or f"{args.workers} local workers"
        print(f"cluster ({where}): {times['cluster']:.1f} s ({times['cluster'] / made:.2f} s per submission)")
        if "local" in times:
            print(f"cluster overhead: {100 * (times['cluster'] - times['local']) / times['local']:+.1f} % of the local time")
            same = rows(tmp / "local") == rows(tmp / "cluster")
            print(f"same grades: {'yes' if same else 'NO'}")
            if not same:
                raise SystemExit(1)


if __name__ == "__main__":
    main()
