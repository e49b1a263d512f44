"""What a submission's cgroup costs: made, joined and removed, against the same sandbox without one.

    python benchmarks/cgroup_overhead.py [--repeat 20]

Prints, as medians over REPEAT runs (alternating, so that machine noise falls on all):
- the cgroup alone: made with its limits (memory, pids, cpu), then removed (nothing run in it);
- an empty engine sandbox (`/bin/true` in bwrap, its in-memory work folder filled) started and
  waited for, with its cgroup made, joined by its first process and removed; the same with a cgroup
  of memory and pids only; and without any.
The difference with and without is what the cgroup adds to each submission. On a machine busy with
processes outside any cgroup, most of it is the CPU controller's doing, not set-up: the sandbox's
cgroup then competes for the CPU as one task among those (its quota is never reached here). Needs a
root driver or a delegated cgroup (see taller/cgroups.py); says so and stops otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from taller import cgroups, sandbox


def empty_sandbox(with_cgroup: bool, limits: sandbox.Limits, where: cgroups.Support) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        box = sandbox.Sandbox(Path(tmp), slot=0, limits=limits)
        box.prepare()
        start = time.perf_counter()
        if with_cgroup:
            box.cgroup = cgroups.Cgroup.create(where, limits.memory_mb * sandbox.MB, limits.processes, limits.cpus)
        proc = box.popen(["/bin/true"], sandbox.WORK, sandbox.environment())
        proc.communicate()
        if box.cgroup is not None:
            box.cgroup.remove()
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"the sandbox failed (exit status {proc.returncode})")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    where = cgroups.support()
    if not where.usable:
        sys.exit(f"no cgroup can be made here: {cgroups.notice(where)}")
    limits = sandbox.per_job(sandbox.Limits(), 2)
    alone = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        cgroups.Cgroup.create(where, limits.memory_mb * sandbox.MB, limits.processes, limits.cpus).remove()
        alone.append(time.perf_counter() - start)
    no_cpu = cgroups.Support(tuple(h for h in where.hierarchies if "cpu" not in h.controllers))
    with_cgroup, memory_pids, without = [], [], []
    for _ in range(args.repeat):
        with_cgroup.append(empty_sandbox(True, limits, where))
        memory_pids.append(empty_sandbox(True, limits, no_cpu))
        without.append(empty_sandbox(False, limits, where))
    on, partial, off = (statistics.median(t) * 1000 for t in (with_cgroup, memory_pids, without))
    print(f"{where.describe()}")
    print(f"cgroup made and removed: median {statistics.median(alone) * 1000:.1f} ms (max {max(alone) * 1000:.1f})")
    print(f"empty engine sandbox: median {on:.0f} ms with its cgroup, {partial:.0f} ms with memory and pids "
          f"only, {off:.0f} ms without: {on - off:+.1f} ms per submission ({partial - off:+.1f} ms without cpu)")


if __name__ == "__main__":
    main()
