"""Time `taller grade` per submission and per engine on examples/submissions/.

    python benchmarks/grade_times.py [--jobs N] [--engines bare,nbgrader,otter,taller] [--slugs 00-conceptos,...]

Prints, for each engine, the wall time of the whole run and each submission's own time
(engine start, kernel, execution and verdict), as measured by the driver, and each engine's
per-submission time against nbgrader's (the taller engine's goal: at most 1.2x) and against `bare`:
the same notebooks only executed with nbclient (no sandbox, no grading) at the same parallelism
(issue 18's goal: grading at most 1.15x that). Without --slugs, every exercise. Run it on a machine
with nothing else running: the figures are wall times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from concurrent.futures import ThreadPoolExecutor

import nbformat

from nbclient import NotebookClient

from taller import build, grade, sandbox

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engines", default=",".join(("bare", *grade.ENGINES)))
    parser.add_argument("--slugs", default="")
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    chosen = [e for e in args.engines.split(",") if e]
    slugs = [s for s in args.slugs.split(",") if s]
    medians: dict[str, float] = {}
    for engine in chosen:
        with tempfile.TemporaryDirectory() as tmp:
            subs = Path(tmp) / "entregas"
            for path in sorted((ROOT / "examples" / "submissions").glob("*/*.ipynb")):
                if not slugs or path.stem in slugs:
                    (subs / path.parent.name).mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, subs / path.parent.name / path.name)
            start = time.perf_counter()
            if engine == "bare":
                per = bare(subs, args.jobs)
            else:
                table = grade.grade(ROOT, subs, engine, Path(tmp) / "out", jobs=args.jobs, log=lambda *_: None,
                                    regrade=True)
                per = {(row["student"], row["notebook"]): row["seconds"] for row in table}
            wall = time.perf_counter() - start
        print(f"{engine}: {len(per)} submissions, {wall:.1f} s wall with {args.jobs} jobs")
        by_nb = {}
        for (student, nb), secs in sorted(per.items()):
            by_nb.setdefault(nb, []).append(secs)
        for nb, secs in by_nb.items():
            print(f"  {nb:26s} per submission: median {statistics.median(secs):5.1f} s, max {max(secs):5.1f} s")
        medians[engine] = sum(per.values()) / max(1, len(per))
    for base in ("nbgrader", "bare"):
        if base in medians:
            for engine, mean in medians.items():
                print(f"{engine}: mean {mean:.2f} s per submission, {mean / medians[base]:.2f}x {base}'s")


def bare(subs: Path, jobs: int) -> dict:
    """Each notebook executed as it is, errors allowed, `jobs` at a time: the cost of running the
    students' code alone."""
    threads = sandbox.per_job(sandbox.Limits(), jobs).threads  # as graded kernels get
    os.environ.update({name: str(threads) for name in sandbox.THREAD_VARIABLES})

    def run(path):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                             resources={"metadata": {"path": str(path.parent)}}).execute()
        return (path.parent.name, path.stem), time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(run, sorted(subs.glob("*/*.ipynb"))))


if __name__ == "__main__":
    main()
