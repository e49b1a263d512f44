"""Time each reference notebook top to bottom in a fresh kernel (the <= 45 s goal on 2 cores).

    python benchmarks/run_solutions.py [--repeat N] [SLUG ...]

Runs solutions/<slug>/<slug>.ipynb as committed (no hidden tests) with nbclient and prints the
wall time of each run and the median, kernel start included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from taller import build

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: Path) -> float:
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    paths = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    for path in paths:
        if args.slugs and path.stem not in args.slugs:
            continue
        times = [run_once(path) for _ in range(args.repeat)]
        print(f"{path.stem:26s} median {statistics.median(times):6.1f} s   runs: "
              + ", ".join(f"{t:.1f}" for t in times), flush=True)


if __name__ == "__main__":
    main()
