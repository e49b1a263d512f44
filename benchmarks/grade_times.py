"""Time `taller grade` per submission and per engine on examples/submissions/.

    python benchmarks/grade_times.py [--jobs N] [--engines nbgrader,otter,taller] [--slugs 00-conceptos,...]

Prints, for each engine, the wall time of the whole run and each submission's own time
(engine start, kernel, execution and verdict), as measured by the driver, and each engine's
per-submission time against nbgrader's (the taller engine's goal: at most 1.3x). Without --slugs, every
exercise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from taller import build, grade

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engines", default=",".join(grade.ENGINES))
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
            table = grade.grade(ROOT, subs, engine, Path(tmp) / "out", jobs=args.jobs, log=lambda *_: None)
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
        medians[engine] = sum(per.values()) / max(1, len(per))
    if "nbgrader" in medians:
        for engine, mean in medians.items():
            print(f"{engine}: mean {mean:.2f} s per submission, {mean / medians['nbgrader']:.2f}x nbgrader's")


if __name__ == "__main__":
    main()
