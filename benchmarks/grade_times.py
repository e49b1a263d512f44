"""Time `taller grade` per submission and per engine on examples/submissions/.

    python benchmarks/grade_times.py [--jobs N]

Prints, for each engine, the wall time of the whole run and each submission's own time
(engine start, kernel, execution and verdict), as measured by the driver.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from taller import build, grade

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    for engine in grade.ENGINES:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            table = grade.grade(ROOT, ROOT / "examples" / "submissions", engine, Path(out), jobs=args.jobs,
                                log=lambda *_: None)
            wall = time.perf_counter() - start
        per = {}
        for row in table:
            per[(row["student"], row["notebook"])] = row["seconds"]
        print(f"{engine}: {len(per)} submissions, {wall:.1f} s wall with {args.jobs} jobs")
        by_nb = {}
        for (student, nb), secs in sorted(per.items()):
            by_nb.setdefault(nb, []).append(secs)
        for nb, secs in by_nb.items():
            print(f"  {nb:26s} per submission: median {statistics.median(secs):5.1f} s, max {max(secs):5.1f} s")


if __name__ == "__main__":
    main()
