"""`taller grade`: the grading driver.

It collects SUBMISSIONS/<student>/<file> (intake.py: which file is graded for which exercise, and
which is refused and why), puts each student's answers onto the release (intake.normalise), grades
each submission with the chosen engine in a sandbox of its own (engines.py, sandbox.py), a few at a
time, and writes OUT/grades.csv (one row per question), OUT/feedback/<student>/<slug>.html and the
class reports and exports (report.publish: notas-por-estudiante.csv, index.html, resumen.html, the
Excel, Moodle and Canvas CSVs), with the instructor's ajustes.csv and the course's late policy applied.

Only the driver writes OUT, and only from verdicts it has checked against the master. Submissions
are only ever read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
from secrets import randbelow
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from . import adjustments as adjust
from . import cgroups, engines, exports, feedback, intake, late, lms, masters, report, sandbox
from . import __version__
from .ledger import Ledger
from .verdicts import RunResult

ENGINES = tuple(engines.ENGINES)
CSV_COLUMNS = report.CSV_COLUMNS
GRADER_FAILURE = "fallo_corrector"


class Table(list):
    """The rows of grades.csv, and what could not be graded: refused files, grader failures."""

    refused: int = 0  # files
    failed: int = 0  # submissions
    refused_students: int = 0
    failed_students: int = 0
    isolated: bool = True
    limits_per_submission: bool = True  # memory, processes and CPU bounded per submission (a cgroup each)


class GradingError(SystemExit):
    """A mistake in how taller grade was called: one line, no traceback."""


def stub_left(notebook, question: masters.Question) -> bool:
    """True if a solution cell of this question still holds the stub (question not attempted)."""
    by_id = {masters.nbgrader_meta(c).get("grade_id"): c for c in notebook.cells if masters.is_solution_cell(c)}
    return any(masters.is_stub(by_id[i].source) for i in question.solution_ids if i in by_id)


HIDDEN_TEXT = ("El mensaje de error contenía texto de las pruebas ocultas o de la solución y no se muestra. "
               "Revisa tu código: no debe leer archivos del corrector.")


def scrubbed(message: str, secrets: set[str]) -> str:
    """The message, unless it quotes a line of the hidden tests or of the reference answers."""
    return HIDDEN_TEXT if any(line in message for line in secrets) else message


def rows_for(notebook, questions: list[masters.Question], run: RunResult, secrets: set[str]) -> list[feedback.Row]:
    rows, crashed = [], 0  # crashed: the first question whose answer cell ended in an error
    for number, q in enumerate(questions, 1):
        verdict = run.verdicts.get(q.grade_id)
        graded = verdict is not None
        score = verdict.score if graded else 0.0
        error = verdict.error if graded else ""
        answer_id = next((i for i in q.solution_ids if i in run.answer_errors), "")
        answer_error = run.answer_errors.get(answer_id, "")
        if run.failure and not graded:
            status = GRADER_FAILURE
        else:
            status = feedback.status_of(score, q.points, error, stub_left(notebook, q), run.timed_out, graded,
                                        answer_error, run.kernel_died)
        message = scrubbed(feedback.student_message(status, error, answer_error,
                                                    run.answer_tracebacks.get(answer_id)), secrets)
        first_fix = crashed if crashed and status in ("incorrecta", "error", "no_calificada") else 0
        rows.append(feedback.Row(q.grade_id, score, q.points, status, message, number, q.title, first_fix))
        if answer_error and status == "error" and not crashed:
            crashed = number
    return rows


def check_paths(submissions: Path, out: Path) -> None:
    if not (submissions.is_dir() or lms.is_archive(submissions)):
        raise GradingError(f"taller grade: {submissions} is neither a folder of submissions nor a Moodle or Canvas zip")
    if out.exists() and not out.is_dir():
        raise GradingError(f"taller grade: --out {out} is a file, not a folder")
    if out.resolve().is_relative_to(submissions.resolve()):
        raise GradingError(f"taller grade: --out {out} is inside SUBMISSIONS; grading never writes there")


def grade(root: Path, submissions: Path, engine: str, out: Path, jobs: int = 2, cell_timeout: int = 300,
          total_timeout: float = 1800, limits: sandbox.Limits = sandbox.Limits(), isolate: bool = True,
          log=print, progress=None, seed: int | None = None, regrade: bool = False,
          cluster: str | None = None, course: Path | None = None, roster: Path | None = None,
          adjustments: Path | None = None) -> list[dict]:
    """Grade every submission; return the rows of grades.csv (plus a 'seconds' column per row).

    progress(done, total), if given, is called once before grading and after each submission.
    seed: the taller engine's seed for the hidden inputs (random if None; written to OUT/corrida.json).
    A submission already graded into OUT with the same notebook, master, engine, seed, limits and kit
    is taken from OUT's ledger (ledger.py), not graded again, unless regrade is true; without a seed,
    a run over an OUT of the same engine reuses that OUT's seed.
    cluster: the address of a Dask scheduler (tcp://HOST:8786): each submission is graded on one of
    its workers (cluster.py) instead of `jobs` local slots. Either way the normalised notebooks wait
    on disk, not in memory, and each submission's page is written as soon as it is graded.
    course: the course file (late.py: due dates, late policy, roster); default: root/curso.toml if
    there is one. roster: the class list of exports.py (default: the course file's). adjustments: the
    instructor's ajustes.csv (adjustments.py; default: OUT/ajustes.csv if there is one). The three
    are checked before anything is graded."""
    if not cluster:  # on a cluster each worker sets them for its own cores and threads (cluster.py)
        limits = sandbox.per_job(limits, jobs)
    if engine not in ENGINES:
        raise GradingError(f"taller grade: unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    check_paths(submissions, out)
    published = publishing(root, out, course, roster, adjustments)
    if isolate and not cluster:  # on a cluster each worker checks its own sandbox (cluster.py)
        try:
            reason = sandbox.check(limits)
        except PermissionError as exc:  # another user's folder where this user's slot locks go
            raise GradingError(f"taller grade: cannot keep this user's slot locks: {exc}") from None
        if reason:
            raise GradingError(f"taller grade: no sandbox on this machine ({reason}); "
                               "pass --no-sandbox to grade without isolation")
    with contextlib.ExitStack() as stack:
        client, cluster_notice = None, ""
        if cluster:
            from . import cluster as dask_cluster

            client, cluster_notice = dask_cluster.connect(cluster, log, isolate=isolate)
            stack.callback(client.close)
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="taller-grade-")))
        return grade_in(tmp, root, submissions, engine, out, jobs, cell_timeout, total_timeout, limits, isolate,
                        log, progress, seed, regrade, client, cluster_notice, published)


def publishing(root: Path, out: Path, course: Path | None, roster: Path | None, adjustments: Path | None) -> dict:
    """report.publish's options, with the defaults of grade(); the course file and the roster read and
    the adjustments' columns checked now, so that a mistake in them stops the run before it grades."""
    course = course or late.default_path(root)
    late_work = late.load(course, set(masters.find_masters(root))) if course else late.Course()
    roster = roster or late_work.roster
    if roster:
        exports.load_roster(roster)
    adjustments = adjustments or adjust.default_path(out)
    if adjustments:
        rows = adjust.read_rows(adjustments)
        missing = [c for c in adjust.COLUMNS if rows and c not in rows[0]]
        if missing:
            raise GradingError(f"taller grade: {adjustments}: missing column(s) {', '.join(missing)}")
    return {"late_work": late_work, "roster": roster, "adjustments": adjustments}


def grade_in(tmp: Path, root: Path, submissions: Path, engine: str, out: Path, jobs: int, cell_timeout: int,
             total_timeout: float, limits: sandbox.Limits, isolate: bool, log, progress, seed: int | None,
             regrade: bool, client, cluster_notice: str = "", published: dict | None = None) -> list[dict]:
    """grade(), in the run's temporary folder tmp; client: a Dask client, or None to grade here
    (cluster_notice: what the workers said of their cgroups, cluster.connect)."""
    if not isolate:
        cgroup_notice = ""
    else:
        cgroup_notice = cgroups.notice(cgroups.support()) if client is None else cluster_notice
    if cgroup_notice:  # memory, processes and CPU bounded per process only (cgroups.py)
        log(f"[grade] {cgroup_notice}")
    found = masters.find_masters(root)
    releases = {slug: root / "release" / slug / f"{slug}.ipynb" for slug in found}
    read = {slug: masters.read(path) for slug, path in found.items()}
    questions = {slug: masters.questions(nb) for slug, nb in read.items()}
    secrets = {slug: masters.secret_lines(nb) for slug, nb in read.items()}
    titles = {slug: masters.notebook_title(nb) for slug, nb in read.items()}
    out.mkdir(parents=True, exist_ok=True)
    seed = int(seed) if seed is not None else (None if regrade else previous_seed(out, engine))
    seed = randbelow(2**31) if seed is None else seed
    book = Ledger(out / "ledger", {"engine": engine, "seed": seed if engine == "taller" else None,
                                    "cell_timeout": cell_timeout, "total_timeout": total_timeout,
                                    "limits": dataclasses.asdict(limits), "isolate": isolate})
    master_bytes = {slug: path.read_bytes() for slug, path in found.items()}
    keys: list[str] = []  # by task index, as the notebooks are spooled
    spool = tmp / "notebooks"
    spool.mkdir()

    def keep(task) -> None:  # the normalised notebook waits on disk, not in memory
        keys.append(book.key(task.notebook, master_bytes[task.slug]))
        (spool / f"{len(keys) - 1}.ipynb").write_text(nbformat.writes(task.notebook), encoding="utf-8")
        task.notebook = None

    def notebook_text(index: int) -> str:
        return (spool / f"{index}.ipynb").read_text(encoding="utf-8")

    tasks, refusals = intake.collect(submissions, releases, keep=keep)  # a bad file is a refusal
    for r in refusals:
        log(r.console)
    reused = {i: run for i, run in ((i, None if regrade else book.get(k)) for i, k in enumerate(keys)) if run}
    (out / "corrida.json").write_text(json.dumps({"engine": engine, "seed": seed, "date": time.strftime("%Y-%m-%d %H:%M"),
                                                  "version": __version__}, indent=1) + "\n", encoding="utf-8")
    prepared = {}
    for slug in sorted({t.slug for i, t in enumerate(tasks) if i not in reused}):
        try:
            prepared[slug] = engines.ENGINES[engine].prepare(root, slug, tmp, seed)
        except FileNotFoundError as exc:
            raise GradingError(f"taller grade: {exc}") from exc

    def record(index: int, run: RunResult) -> None:
        """Into the ledger as soon as it is graded; a grader failure's log into OUT/logs/."""
        task = tasks[index]
        book.put(keys[index], run)
        if run.failure:
            log_dir = out / "logs"
            log_dir.mkdir(exist_ok=True)
            (log_dir / f"{task.student}-{task.slug}-{engine}.txt").write_text(run.failure, encoding="utf-8")
        taken = "" if task.source_name == f"{task.slug}.ipynb" else f" (from {task.source_name!r})"
        log(f"[grade] {engine}: {task.student}/{task.slug}{taken} in {run.seconds:.1f} s"
            + (" (time limit reached)" if run.timed_out else "")
            + (" (grader failure, see logs/)" if run.failure else "")
            + "".join(f" [{p}]" for p in run.problems))

    def run_one(index: int) -> tuple[int, RunResult]:
        task = tasks[index]
        if index in reused:
            return index, reused[index]
        notebook = nbformat.reads(notebook_text(index), as_version=4)  # normalised by intake.collect
        with sandbox.Slot() as slot:
            run = RunResult()
            for attempt in (1, 2):  # a failure of the grader, not of the student, is tried once more
                work = tmp / "work" / f"{index:04d}-{attempt}"
                run = engines.ENGINES[engine].grade(prepared[task.slug], task.slug, notebook, work, slot,
                                                    limits, questions[task.slug], cell_timeout, total_timeout,
                                                    isolate=isolate)
                run.attempts = attempt
                if not run.failure:
                    break
        record(index, run)
        return index, run

    note = "" if isolate else "sin aislamiento"
    rows_of: dict[int, list[dict]] = {}

    def finish(index: int, run: RunResult) -> None:
        """The submission's page, written now, and its rows of grades.csv."""
        task = tasks[index]
        notebook = nbformat.reads(notebook_text(index), as_version=4)
        rows = rows_for(notebook, questions[task.slug], run, secrets[task.slug])
        write_page(out, task.student, task.slug, feedback.render(task.student, task.slug, titles[task.slug], rows,
                                                                 time.strftime("%d/%m/%Y %H:%M"), note=note))
        submitted = late.submitted_of(task)
        rows_of[index] = [{"student": task.student, "notebook": task.slug, "question": r.question,
                           "score": f"{r.score:g}", "auto_score": f"{r.score:g}", "max_score": f"{r.max_score:g}",
                           "status": r.status, "message": r.message, "file": task.source_name,
                           "submitted": submitted or "", "first_fix": r.first_fix or "", "seconds": run.seconds,
                           "lms_late": late.lms_mark(task.late)}
                          for r in rows]

    done = itertools.count(1)
    if progress:
        progress(0, len(tasks))

    def count() -> None:
        if progress:
            progress(next(done), len(tasks))

    if client is None:
        def run_and_count(index):
            result = run_one(index)
            count()
            return result

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for index, run in pool.map(run_and_count, range(len(tasks))):
                finish(index, run)
    else:
        from . import cluster as dask_cluster
        from .ledger import kit_fingerprint

        for index in sorted(reused):
            finish(index, reused[index])
            count()
        inputs, kit = {}, kit_fingerprint()

        def payload_of(index: int) -> dict:
            task = tasks[index]
            if task.slug not in inputs:
                inputs[task.slug] = dask_cluster.inputs_of(prepared[task.slug])
            return dask_cluster.payload(engine, task.slug, notebook_text(index), inputs[task.slug],
                                        questions[task.slug], cell_timeout, total_timeout, limits, isolate,
                                        f"{task.student}/{task.slug}", kit)

        todo = [i for i in range(len(tasks)) if i not in reused]
        for index, run in dask_cluster.grade_all(client, todo, payload_of, lambda i: questions[tasks[i].slug], log):
            record(index, run)
            finish(index, run)
            count()

    table = Table()
    for index in sorted(rows_of):
        table.extend(rows_of[index])
    graded_pages = {(t.student, t.slug) for t in tasks}
    for r in refusals:  # a graded notebook's page is not replaced: it tells of the refused file
        if (r.student, r.page) not in graded_pages:
            write_page(out, r.student, r.page, feedback.render_refusal(r.student, r.name, r.message_es))
    refused_rows = [{"student": r.student, "notebook": r.page, "question": "", "score": "", "status": report.REFUSED,
                     "message": r.message_es, "file": r.name, "submitted": late.submitted_of(r) or "",
                     "lms_late": late.lms_mark(r.late)}
                    for r in refusals]
    options = published or {}
    problem = None
    try:
        result = report.publish(out, report.Course(questions, titles), [*table, *refused_rows],
                                date=time.strftime("%d/%m/%Y %H:%M"), isolated=isolate, **options)
    except adjust.AdjustmentError as exc:  # the grades are kept and published without the adjustments
        problem = exc
        result = report.publish(out, report.Course(questions, titles), [*table, *refused_rows],
                                date=time.strftime("%d/%m/%Y %H:%M"), isolated=isolate,
                                **{**options, "adjustments": None})
    warning = out / report.NO_ISOLATION
    if not isolate:
        warning.write_text("Estas notas se calcularon sin aislamiento (taller grade --no-sandbox): el código de "
                           "los estudiantes pudo leer o cambiar archivos de esta máquina.\n"
                           "These grades were produced without isolation (--no-sandbox).\n", encoding="utf-8")
    elif warning.exists():
        warning.unlink()
    failed = sorted({(t["student"], t["notebook"]) for t in table if t["status"] == GRADER_FAILURE})
    refused_students = len({r.student for r in refusals})
    failed_students = len({s for s, _ in failed})
    missing = result.of_state(report.MISSING)
    summary = (f"[grade] {len(tasks) - len(failed)} graded, {len(refusals)} refused, {len(failed)} failed"
               + (f" ({len(reused)} taken from the ledger of an earlier run; --regrade grades them anew)"
                  if reused else "")
               + ("" if isolate else " (WITHOUT isolation: --no-sandbox)")
               + (" (limits per process only: no cgroups)" if cgroup_notice else "")
               + (f"; {len(refusals)} files refused, of {refused_students} students" if refusals else "")
               + (f"; {len(failed)} notebooks failed, of {failed_students} students" if failed else "")
               + (f"; {len(missing)} notebooks not handed in, of {len({c.student for c in missing})} students"
                  if missing else ""))
    log(summary)
    if problem is not None:
        raise GradingError(f"{problem} (grades written without adjustments: fix it, then run "
                           f"taller report {out})")
    table.refused, table.failed, table.isolated = len(refusals), len(failed), isolate
    table.refused_students, table.failed_students = refused_students, failed_students
    table.limits_per_submission = isolate and not cgroup_notice
    return table


def previous_seed(out: Path, engine: str) -> int | None:
    """The seed of the run that last graded into OUT with this engine, to go on where it stopped."""
    try:
        run = json.loads((out / "corrida.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seed = run.get("seed") if isinstance(run, dict) and run.get("engine") == engine else None
    return seed if type(seed) is int else None


write_page = report.write_page
