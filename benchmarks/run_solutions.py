"""Time each reference notebook top to bottom in a fresh kernel (the <= 45 s goal on 2 cores).

    python benchmarks/run_solutions.py [--repeat N] [--masters] [--python PY] [SLUG ...]

Runs solutions/<slug>/<slug>.ipynb as committed (no hidden tests) with nbclient and prints the
wall time of each run and the median, kernel start included.

--masters runs the masters instead: reference answers in place and hidden tests included, so every
check must pass. --python runs the kernel on another interpreter, for example a Colab-like stack:

    ~/.pyenv/versions/3.13.0/bin/python -m venv /tmp/colab
    /tmp/colab/bin/pip install "tensorflow==2.20.*" "keras==3.13.*" keras-tuner==1.4.8 \\
        numpy pandas scikit-learn matplotlib ipykernel
    python benchmarks/run_solutions.py --masters --repeat 1 --python /tmp/colab/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from taller import build, masters

ROOT = Path(__file__).resolve().parents[1]


def kernel_on(python: str, where: Path) -> str:
    """A kernelspec named 'otro-python' that starts ipykernel on the given interpreter."""
    spec = where / "kernels" / "otro-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": python, "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(where)
    return "otro-python"


def notebook(slug: str, master: bool):
    if not master:
        return nbformat.read(str(ROOT / "solutions" / slug / f"{slug}.ipynb"), as_version=4)
    nb = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    for cell in nb.cells:
        if masters.is_solution_cell(cell):
            cell.source = masters.strip_solution_markers(cell.source)
    return nb


def run_once(slug: str, master: bool, kernel: str) -> float:
    nb = notebook(slug, master)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        NotebookClient(nb, timeout=600, kernel_name=kernel, record_timing=False,
                       resources={"metadata": {"path": cwd}}).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--masters", action="store_true", help="run the masters, hidden tests included")
    parser.add_argument("--python", help="run the kernel on this interpreter (it needs ipykernel)")
    args = parser.parse_args()
    os.environ.update(build.KERNEL_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        kernel = kernel_on(args.python, Path(tmp)) if args.python else "python3"
        for slug in masters.find_masters(ROOT):
            if args.slugs and slug not in args.slugs:
                continue
            times = [run_once(slug, args.masters, kernel) for _ in range(args.repeat)]
            print(f"{slug:26s} median {statistics.median(times):6.1f} s   runs: "
                  + ", ".join(f"{t:.1f}" for t in times), flush=True)


if __name__ == "__main__":
    main()
