"""`taller grade`: the grading driver.

It collects SUBMISSIONS/<student>/<slug>.ipynb, grades each one with the chosen engine's runner
(engines.py) in a private work directory, a few at a time, and writes OUT/grades.csv (one row per
question) and OUT/feedback/<student>/<slug>.html. Submissions are only ever read and copied.
"""

from __future__ import annotations

import csv
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import build, engines, feedback, masters

ENGINES = ("nbgrader", "otter")
CSV_COLUMNS = ["student", "notebook", "question", "score", "max_score", "status"]


@dataclass
class Task:
    student: str
    slug: str
    path: Path


def collect(submissions: Path, slugs: set[str], log=print) -> list[Task]:
    """Every SUBMISSIONS/<student>/<slug>.ipynb whose slug has a master, in a stable order."""
    tasks = []
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for nb in sorted(student_dir.glob("*.ipynb")):
            if nb.stem in slugs:
                tasks.append(Task(student_dir.name, nb.stem, nb))
            else:
                log(f"[grade] ignored {nb}: no exercise called {nb.stem!r}")
    return tasks


def stub_left(submission: Path, question: masters.Question) -> bool:
    """True if a solution cell of this question still holds the stub (question not attempted)."""
    try:
        cells = masters.read(submission).cells
    except Exception:  # an unreadable notebook: the engine reports it; this is only a hint
        return False
    by_id = {masters.nbgrader_meta(c).get("grade_id"): c for c in cells if masters.is_solution_cell(c)}
    return any(masters.is_stub(by_id[i].source) for i in question.solution_ids if i in by_id)


def rows_for(task: Task, questions: list[masters.Question], run: engines.RunResult) -> list[feedback.Row]:
    rows = []
    for q in questions:
        verdict = run.verdicts.get(q.grade_id)
        graded = verdict is not None
        score = verdict.score if graded else 0.0
        error = verdict.error if graded else ""
        answer_error = next((run.answer_errors[i] for i in q.solution_ids if i in run.answer_errors), "")
        status = feedback.status_of(score, q.points, error, stub_left(task.path, q), run.timed_out, graded, answer_error)
        rows.append(feedback.Row(q.grade_id, score, q.points, status,
                                 feedback.student_message(status, error, answer_error)))
    return rows


def grade(root: Path, submissions: Path, engine: str, out: Path, jobs: int = 2,
          cell_timeout: int = 300, total_timeout: float = 1800, log=print) -> list[dict]:
    if engine not in ENGINES:
        raise SystemExit(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    found = masters.find_masters(root)
    questions = {slug: masters.questions(masters.read(path)) for slug, path in found.items()}
    tasks = collect(submissions, set(found), log)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="taller-grade-") as tmp:
        tmp = Path(tmp)
        needed = sorted({t.slug for t in tasks})
        courses, zips = {}, {}
        for slug in needed:
            if engine == "nbgrader":
                courses[slug] = build.make_course(root, slug, tmp / "courses" / slug)
            else:
                zips[slug] = root / "autograder" / f"{slug}.zip"
                if not zips[slug].exists():
                    raise SystemExit(f"{zips[slug]} is missing: run `taller build` first")

        def run_one(index_task):
            index, task = index_task
            work = tmp / "work" / f"{index:04d}"
            work.mkdir(parents=True)
            start = time.perf_counter()
            if engine == "nbgrader":
                run = engines.grade_nbgrader(courses[task.slug], task.slug, task.path, work, cell_timeout, total_timeout)
            else:
                run = engines.grade_otter(zips[task.slug], task.path, work, cell_timeout, total_timeout)
            run.seconds = time.perf_counter() - start
            if run.failure:
                log_dir = out / "logs"
                log_dir.mkdir(exist_ok=True)
                (log_dir / f"{task.student}-{task.slug}-{engine}.txt").write_text(run.failure, encoding="utf-8")
            log(f"[grade] {engine}: {task.student}/{task.slug} in {run.seconds:.1f} s"
                + (" (time limit reached)" if run.timed_out else "") + (" (engine failure, see logs/)" if run.failure else ""))
            return task, run

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(pool.map(run_one, enumerate(tasks)))

    table = []
    for task, run in results:
        rows = rows_for(task, questions[task.slug], run)
        page = out / "feedback" / task.student / f"{task.slug}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(feedback.render(task.student, task.slug, engine, rows), encoding="utf-8")
        for r in rows:
            table.append({"student": task.student, "notebook": task.slug, "question": r.question,
                          "score": f"{r.score:g}", "max_score": f"{r.max_score:g}", "status": r.status,
                          "seconds": run.seconds})
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(table)
    return table
