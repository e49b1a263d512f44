"""The `taller` command: build, grade, report, demo."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from . import adjustments, build, engines, grade, late, masters, report, sandbox, submissions

EXAMPLE_STUDENTS = ("ana-perfecta", "bruno-parcial", "carla-sin-empezar", "diego-error")


def project_root() -> Path:
    """The course directory: the nearest folder up from here that holds source/ and nbgrader_config.py."""
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "source").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder
    raise SystemExit("run taller inside the course directory (the folder with source/ and nbgrader_config.py)")


def write_examples(root: Path, slugs: list[str]) -> None:
    """examples/submissions/: four students for `taller demo`, generated from the release."""
    base = root / "examples" / "submissions"
    for slug in slugs:
        master = masters.read(root / "source" / slug / f"{slug}.ipynb")
        release = masters.read(root / "release" / slug / f"{slug}.ipynb")
        wrong, _ = submissions.partly_wrong_changes(root, slug)
        notebooks = {
            "ana-perfecta": submissions.solved(root, slug),
            "bruno-parcial": submissions.solved(root, slug, wrong),
            "carla-sin-empezar": release,
            "diego-error": submissions.solved(root, slug, submissions.crashing_changes(master)),
        }
        for student, nb in notebooks.items():
            build.write_notebook(nb, base / student / f"{slug}.ipynb")


def cmd_build(args) -> None:
    root = project_root()
    start = time.perf_counter()
    slugs = build.build(root, args.slugs or None)
    write_examples(root, slugs)
    print(f"[build] {len(slugs)} exercise(s) in {time.perf_counter() - start:.1f} s")


@contextlib.contextmanager
def progress_bar(description: str):
    """A progress bar on stderr (rich): submissions done / total, time spent, estimate of time left.
    Yields the progress callback for grade.grade; on a terminal, what is printed meanwhile goes above the bar."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("·"),
               TimeElapsedColumn(), TextColumn("· left"), TimeRemainingColumn())
    bar = Progress(*columns, console=Console(stderr=True))
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:  # shown once grading starts: a mistake in the call stays a one-line error
            bar.start()
            task = bar.add_task(description, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


def cmd_grade(args) -> None:
    root = project_root()
    out = Path(args.out)
    with progress_bar(f"grading ({args.engine})") as progress:
        table = grade.grade(root, Path(args.submissions), args.engine, out, jobs=args.jobs,
                            cell_timeout=args.cell_timeout, total_timeout=args.timeout, limits=limits_of(args),
                            isolate=not args.no_sandbox, progress=progress, seed=args.seed,
                            regrade=args.regrade, cluster=args.cluster, course=path_or_none(args.course),
                            roster=path_or_none(args.roster), adjustments=path_or_none(args.adjustments))
    print_scores(table, args.engine)
    print(f"[grade] wrote {out / 'grades.csv'}, {out / 'notas-por-estudiante.csv'}, {out / 'feedback'}/ "
          f"and the class pages {out / 'index.html'}, {out / 'resumen.html'}")
    if table.refused or table.failed:
        raise SystemExit(1)


def path_or_none(value: str | None) -> Path | None:
    return Path(value) if value else None


def cmd_report(args) -> None:
    """Rebuild every report, page and CSV of OUT from OUT/grades.csv, the adjustments and the course
    file: no kernel, no grading."""
    start = time.perf_counter()
    out = Path(args.out)
    if not (out / "grades.csv").is_file():
        raise SystemExit(f"taller report: {out} holds no grades.csv: run taller grade --out {out} first")
    root = project_root()
    course_file = path_or_none(args.course) or late.default_path(root)
    late_work = late.load(course_file, set(masters.find_masters(root))) if course_file else late.Course()
    changes = path_or_none(args.adjustments) or adjustments.default_path(out)
    result = report.publish(out, report.course_of(root), report.read_grades(out), adjustments=changes,
                            late_work=late_work, roster=path_or_none(args.roster) or late_work.roster)
    adjusted = sum(c.adjusted for c in result.cells.values())
    print(f"[report] {len(result.students)} students, {len(result.notebooks)} notebooks, {adjusted} questions "
          f"adjusted ({changes or 'no ajustes.csv'}), in {time.perf_counter() - start:.1f} s")
    print(f"[report] open {(out / 'index.html').resolve()}")


def limits_of(args) -> sandbox.Limits:
    return sandbox.Limits(memory_mb=args.memory_mb, processes=args.processes, file_size_mb=args.file_size_mb,
                          tmp_mb=args.tmp_mb, output_mb=args.output_mb, threads=args.threads)


def print_scores(table: list[dict], engine: str) -> None:
    for (student, notebook), (got, best) in sorted(report.totals(table).items()):
        print(f"  {engine:8s} {student:20s} {notebook:26s} {got:5g} / {best:g}")


def cmd_demo(args) -> None:
    begin = time.perf_counter()
    root = project_root()
    if not args.no_build:
        cmd_build(argparse.Namespace(slugs=[]))
    subs = root / "examples" / "submissions"
    results = {}
    isolate = not args.no_sandbox
    if isolate and sandbox.check(limits_of(args)):
        print(f"[demo] WARNING: no sandbox on this machine ({sandbox.check(limits_of(args))}); "
              "grading the examples without isolation")
        isolate = False
    for engine in engines.ENGINES:
        start = time.perf_counter()
        with progress_bar(f"demo ({engine})") as progress:
            table = grade.grade(root, subs, engine, Path(args.out) / engine, jobs=args.jobs,
                                cell_timeout=args.cell_timeout, total_timeout=args.timeout, limits=limits_of(args),
                                isolate=isolate, log=lambda *_: None, progress=progress)
        results[engine] = table
        print(f"[demo] {engine}: {len(report.totals(table))} submissions graded in {time.perf_counter() - start:.1f} s")
    by_engine = {e: report.totals(t) for e, t in results.items()}
    print(f"\n{'student':20s} {'notebook':26s}" + "".join(f" {e:>9s}" for e in by_engine))
    for key in sorted(by_engine["nbgrader"]):
        cells = (by_engine[e].get(key, (float("nan"), 0)) for e in by_engine)
        print(f"{key[0]:20s} {key[1]:26s}" + "".join(f" {got:>5g}/{best:<3g}" for got, best in cells))
    scores = {e: [(r["student"], r["notebook"], r["question"], r["score"]) for r in t] for e, t in results.items()}
    same = all(s == scores["nbgrader"] for s in scores.values())
    print(f"\nthe {len(results)} engines agree on every question: {'yes' if same else 'NO'}")
    print("grades and Spanish feedback: " + ", ".join(str(Path(args.out) / e) for e in results))
    print(f"\n[demo] done in {time.perf_counter() - begin:.0f} s; open "
          f"{(Path(args.out) / 'taller' / 'index.html').resolve()} (the taller engine, the recommended one)")
    if not same:
        raise SystemExit(1)


def main(argv=None) -> None:
    for key, value in build.KERNEL_ENV.items():
        os.environ.setdefault(key, value)
    # Called by its full path without an activated environment, taller still finds the tools
    # installed beside it (nbgrader runs `alembic`, kernels run this Python).
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    parser = argparse.ArgumentParser(prog="taller", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="regenerate release/, solutions/, autograder/ and examples/ from source/")
    p.add_argument("slugs", nargs="*", help="exercises to build (default: all)")
    p.set_defaults(func=cmd_build)

    def report_options(p):
        p.add_argument("--course", default=None, metavar="curso.toml",
                       help="course file: due dates, late policy, roster (default: curso.toml of the course "
                            "directory, if there is one)")
        p.add_argument("--roster", default=None, metavar="roster.csv",
                       help="class list (Canvas's or Moodle's gradebook export will do): every student of it "
                            "is reported, and OUT/canvas.csv is written")
        p.add_argument("--adjustments", default=None, metavar="ajustes.csv",
                       help="the instructor's overrides: student,notebook,question,score,comment "
                            "(default: OUT/ajustes.csv, if there is one)")

    def grading_options(p):
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="submissions graded at once")
        p.add_argument("--cell-timeout", type=int, default=300, help="seconds a cell may run before it is interrupted")
        p.add_argument("--timeout", type=float, default=1800, help="seconds a whole submission may take")
        d = sandbox.Limits()
        p.add_argument("--memory-mb", type=int, default=d.memory_mb,
                       help="memory of a whole submission (MB): its cgroup; per process where no cgroup can be made")
        p.add_argument("--processes", type=int, default=d.processes,
                       help="processes and threads per sandbox (needs a root driver: one uid per slot)")
        p.add_argument("--file-size-mb", type=int, default=d.file_size_mb, help="largest file a sandbox may write (MB)")
        p.add_argument("--tmp-mb", type=int, default=d.tmp_mb,
                       help="size of a submission's work folder and of its /tmp, each (MB)")
        p.add_argument("--output-mb", type=int, default=d.output_mb, help="most the driver reads back per submission (MB)")
        p.add_argument("--threads", type=int, default=d.threads,
                       help="compute threads per kernel (TensorFlow, BLAS); default: cores / jobs")
        p.add_argument("--no-sandbox", action="store_true",
                       help="grade WITHOUT isolation where no sandbox can start (the report says so)")

    p = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<slug>.ipynb into OUT/grades.csv and feedback")
    p.add_argument("submissions")
    p.add_argument("--engine", choices=grade.ENGINES, default="taller",
                   help="taller (default): hidden tests judged outside the student's kernel, in a sandbox of "
                        "their own; nbgrader and otter run them inside it")
    p.add_argument("--out", default="out")
    p.add_argument("--seed", type=int, default=None,
                   help="taller engine: seed of the hidden inputs (default: OUT's earlier seed, else random; "
                        "written to OUT/corrida.json)")
    p.add_argument("--regrade", action="store_true",
                   help="grade every submission anew (default: take what OUT's ledger already holds)")
    p.add_argument("--cluster", default=None, metavar="tcp://HOST:8786",
                   help="grade each submission on a worker of this Dask scheduler instead of --jobs local "
                        "slots (docs/cluster.md); each worker grades in its own sandbox")
    report_options(p)
    grading_options(p)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("report", help="rebuild OUT's reports, pages and CSVs from OUT/grades.csv, ajustes.csv and "
                                      "the course file, without grading again")
    p.add_argument("out", metavar="OUT")
    report_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="build, then grade examples/submissions/ with all three engines")
    p.add_argument("--out", default="out/demo")
    p.add_argument("--no-build", action="store_true", help="grade the committed build as it is")
    grading_options(p)
    p.set_defaults(func=cmd_demo)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
