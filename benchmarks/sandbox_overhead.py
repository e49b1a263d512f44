"""What the sandbox costs per submission: the same notebook graded with and without isolation.

    python benchmarks/sandbox_overhead.py [--slug 00-conceptos] [--repeat 5]

Grades one reference notebook REPEAT times per engine and mode, one at a time (jobs=1), alternating
the modes so that machine noise falls on both, and prints the medians and their difference. Also
prints the cost of starting an empty sandbox (bwrap, twice nested) on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taller import build, grade, sandbox, submissions

ROOT = Path(__file__).resolve().parents[1]


def empty_sandbox_seconds(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            box = sandbox.Sandbox(Path(tmp), slot=0, limits=sandbox.Limits())
            box.prepare()
            start = time.perf_counter()
            proc = box.popen(["/bin/true"], sandbox.WORK, sandbox.environment())
            proc.communicate()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="00-conceptos")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    print(f"empty engine sandbox: median {empty_sandbox_seconds(args.repeat) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "entregas"
        build.write_notebook(submissions.solved(ROOT, args.slug), folder / "solucion" / f"{args.slug}.ipynb")
        for engine in grade.ENGINES:
            seconds = {True: [], False: []}
            for i in range(args.repeat):
                for isolate in (True, False):
                    table = grade.grade(ROOT, folder, engine, Path(tmp) / f"out-{engine}-{isolate}-{i}", jobs=1,
                                        isolate=isolate, log=lambda *_: None)
                    seconds[isolate].append(table[0]["seconds"])
            on, off = statistics.median(seconds[True]), statistics.median(seconds[False])
            print(f"{engine:8s} {args.slug}: sandboxed median {on:.2f} s, unsandboxed {off:.2f} s, "
                  f"overhead {on - off:+.2f} s (runs: {', '.join(f'{s:.2f}' for s in seconds[True])} | "
                  f"{', '.join(f'{s:.2f}' for s in seconds[False])})")


if __name__ == "__main__":
    main()
