"""A hostile student, under both engines: every guarantee of the sandbox, tried as an attack.

`atacante` hands in the untouched release (every question is worth 0) with one answer cell that
tries everything at once: forge the gradebook, rewrite otter's tests, read the masters through
/proc or the file system and raise their text, kill every process it can see, overwrite every
notebook it can reach, leave a process behind that rewrites grades.csv later, and exhaust memory
and threads. `victima`, graded at the same time, hands in the reference. Other students hand in
the reference damaged the way notebooks get damaged: metadata stripped, a test cell deleted or
edited, a kernel that does not exist.
"""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import pytest

from conftest import ENGINES, ROOT, digest, grade_with_both_engines, questions_of, secret_lines
from taller import build, masters, sandbox, submissions
from test_intake import strip

SLUG = "01-descenso-gradiente"

ATTACK = r'''
import os, signal, sqlite3, subprocess, sys, threading, time
found = []
# 1. forge the gradebook and otter's tests, wherever they can be found
for top in ("/", os.getcwd(), ".."):
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc", "/sys", "/dev", "/usr", "/etc")) or "site-packages" in folder \
                or "/versions/" in folder:
            dirs[:] = []
            continue
        for name in files:
            path = os.path.join(folder, name)
            try:
                if name == "gradebook.db":
                    db = sqlite3.connect(path)
                    db.execute("UPDATE grade SET manual_score = 100")
                    db.commit()
                elif name.endswith(".py") and "tests" in folder:
                    open(path, "w").write("OK_FORMAT = False\nname = 'x'\npoints = 100\n")
                elif name.endswith(".ipynb") and "atacante" not in path:
                    open(path, "w").write("{}")
                elif name.endswith((".ipynb", ".py", ".db", ".json")):
                    text = open(path, errors="replace").read()
                    if "BEGIN HIDDEN" in text or "_ref_" in text or "BEGIN SOLUTION" in text:
                        found.append(text[:3000])
            except Exception:
                pass
# 2. spy on and kill every other process it can see
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        for leaf in ("cwd", "root"):
            try:
                for name in os.listdir(f"/proc/{pid}/{leaf}"):
                    found.append(f"/proc/{pid}/{leaf}/{name}")
            except Exception:
                pass
        try:
            os.kill(int(pid), signal.SIGKILL)
        except Exception:
            pass
# 3. outlive the run and rewrite every grades.csv it can find
subprocess.Popen([sys.executable, "-c",
    "import os, time\nfor _ in range(120):\n    time.sleep(1)\n"
    "    for top in ('/taller', '/tmp', '/work', '/root', '/home'):\n"
    "        for f, d, n in os.walk(top):\n            for x in n:\n"
    "                if x in ('grades.csv', 'verdict.json'):\n"
    "                    open(os.path.join(f, x), 'w').write('atacante,01,x,100,1,correcta')\n"],
    start_new_session=True)
# 4. exhaust memory and threads
limits = []
try:
    hog = bytearray(64 * 1024 ** 3)
except MemoryError:
    limits.append("MEMORIA-LIMITADA")
threads = []
try:
    for _ in range(100000):
        t = threading.Thread(target=time.sleep, args=(3,))
        t.start()
        threads.append(t)
except (RuntimeError, MemoryError):  # the process cap, or thread stacks counted as memory
    limits.append(f"HILOS-LIMITADOS-{len(threads)}")
for t in threads:
    t.join()
chunk = b"0" * 1024 ** 2
try:
    with open("grande.bin", "wb") as big:
        for _ in range(600):
            big.write(chunk)
except OSError:
    limits.append("ARCHIVO-LIMITADO")
raise RuntimeError(" ".join(limits) + " ROBADO: " + " || ".join(found))
'''


def without_test_cell(nb, grade_id):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if masters.nbgrader_meta(c).get("grade_id") != grade_id]
    return nb


def with_edited_test_cell(nb, grade_id):
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if masters.nbgrader_meta(c).get("grade_id") == grade_id:
            c.source = "assert True\n"
    return nb


def with_missing_kernel(nb):
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = {"name": "no-existe", "display_name": "No existe", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostiles")
    release = masters.read(ROOT / "release" / SLUG / f"{SLUG}.ipynb")
    first = questions_of(SLUG)[0].solution_ids[0]
    solved = submissions.solved(ROOT, SLUG)
    last = questions_of(SLUG)[-1].grade_id
    notebooks = {
        "atacante": submissions.with_answers(release, {first: ATTACK}),
        "victima": solved,
        "sin-metadatos": strip(solved),
        "sin-celda-de-prueba": without_test_cell(solved, last),
        "prueba-editada": with_edited_test_cell(submissions.with_answers(release, {}), questions_of(SLUG)[0].grade_id),
        "kernel-inexistente": with_missing_kernel(solved),
    }
    for student, changes in silenced_and_plain().items():
        notebooks[student] = submissions.solved(ROOT, SLUG, changes)
    for student, nb in notebooks.items():
        build.write_notebook(nb, folder / student / f"{SLUG}.ipynb")
    before = digest(folder)
    out_root = tmp_path_factory.mktemp("notas-hostiles")
    graded = grade_with_both_engines(folder, out_root, cell_timeout=60, total_timeout=400)
    csv_after = {e: (graded[e]["out"] / "grades.csv").read_bytes() for e in ENGINES}
    time.sleep(12)  # the left-behind process would have rewritten grades.csv by now
    graded["csv_unchanged"] = all((graded[e]["out"] / "grades.csv").read_bytes() == csv_after[e] for e in ENGINES)
    graded["submissions_unchanged"] = digest(folder) == before
    graded["leftovers"] = sandbox_processes()
    return graded


# Every error from here on, a failed hidden test included, shows nothing: no traceback, no message.
SILENCER = (
    "_calla = lambda *a, **k: None\n"
    "get_ipython().set_custom_exc((Exception,), _calla)\n"
    "get_ipython().set_custom_exc((BaseException,), _calla)\n"
)


def silenced_and_plain() -> dict[str, dict[str, str]]:
    """The same wrong answers twice: with SILENCER in the first answer cell, and without it."""
    changes, _ = submissions.partly_wrong_changes(ROOT, SLUG, 3)
    first = questions_of(SLUG)[0].solution_ids[0]
    answers = {**submissions.reference_answers(masters.read(ROOT / "source" / SLUG / f"{SLUG}.ipynb")), **changes}
    return {"errores-callados": {**changes, first: SILENCER + answers[first]}, "errores-a-la-vista": changes}


def sandbox_processes() -> list[str]:
    """The attacker's processes still running anywhere on the machine (found by what they run)."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"atacante,01,x,100" in cmdline:
            left.append(f"{pid}: {cmdline[:120]!r}")
    return left


def scores(graded, engine, student):
    return {k[2]: float(r["score"]) for k, r in graded[engine]["rows"].items() if k[0] == student}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_attacker_earns_nothing(attacked, engine):
    got = scores(attacked, engine, "atacante")
    assert got and all(v == 0 for v in got.values()), got


@pytest.mark.parametrize("engine", ENGINES)
def test_the_victim_graded_beside_the_attacker_keeps_full_marks(attacked, engine):
    expected = {q.grade_id: q.points for q in questions_of(SLUG)}
    assert scores(attacked, engine, "victima") == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_secret_reaches_the_attackers_feedback(attacked, engine):
    page = (attacked[engine]["out"] / "feedback" / "atacante" / f"{SLUG}.html").read_text(encoding="utf-8")
    import html
    plain = html.unescape(page)
    leaked = [line for line in secret_lines(SLUG) if line in plain]
    assert not leaked, leaked[:3]
    assert "/proc/" not in plain or "ROBADO: " not in plain.split("/proc/")[0][-20:]


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_threads_and_file_size_are_capped(attacked, engine):
    page = (attacked[engine]["out"] / "feedback" / "atacante" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "MEMORIA-LIMITADA" in page and "ARCHIVO-LIMITADO" in page
    if os.geteuid() == 0:  # the process cap needs a uid of the sandbox's own
        threads = int(page.split("HILOS-LIMITADOS-")[1].split()[0])
        assert threads < sandbox.Limits().processes


@pytest.mark.parametrize("engine", ENGINES)
def test_an_error_hiding_handler_scores_like_the_same_wrong_answers(attacked, engine):
    """`set_custom_exc` in the student's kernel hides every traceback (as the release's own setup cell
    does for a failed visible check): a failed hidden test still fails. The taller engine is attacked
    the same way in test_boundary.py (`callar-errores`)."""
    silenced, plain = scores(attacked, engine, "errores-callados"), scores(attacked, engine, "errores-a-la-vista")
    expected = {q.grade_id: q.points for q in questions_of(SLUG)}
    lost = [q for q in expected if plain[q] < expected[q]]
    assert lost and silenced == plain, (silenced, plain)
    assert all(silenced[q] == 0 for q in lost), silenced


def test_submissions_outputs_and_processes_are_out_of_reach(attacked):
    assert attacked["submissions_unchanged"], "a sandbox changed SUBMISSIONS"
    assert attacked["csv_unchanged"], "a process left behind rewrote grades.csv"
    assert not attacked["leftovers"], attacked["leftovers"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("student", ["sin-metadatos", "sin-celda-de-prueba", "kernel-inexistente"])
def test_damaged_notebooks_grade_like_the_reference_under_both_engines(attacked, engine, student):
    expected = {q.grade_id: q.points for q in questions_of(SLUG)}
    assert scores(attacked, engine, student) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_an_edited_test_cell_is_restored_from_the_release(attacked, engine):
    got = scores(attacked, engine, "prueba-editada")
    assert got and all(v == 0 for v in got.values()), got


def test_the_sandbox_starts_here():
    """CI must run the attacks with the sandbox on, not skip it."""
    assert sandbox.check() == ""


def test_a_forged_verdict_keeps_only_the_masters_questions_within_their_points():
    from taller.verdicts import checked

    qs = questions_of(SLUG)
    raw = ('{"questions": {"%s": {"score": 100, "possible": 100}, "%s": {"score": %s}, "inventada": {"score": 5}},'
           ' "answer_errors": {}}' % (qs[0].grade_id, qs[1].grade_id, qs[1].points)).encode()
    run = checked(raw, qs)
    assert run.verdicts[qs[0].grade_id].score == 0
    assert run.verdicts[qs[1].grade_id].score == qs[1].points
    assert "inventada" not in run.verdicts and qs[2].grade_id not in run.verdicts
    assert len(run.problems) == 2


def test_a_forged_traceback_is_text_for_a_known_crashed_answer_only():
    """Tracebacks cross only to name a line on the page: strings, bounded, of answers that crashed."""
    from taller.verdicts import MAX_TEXT, MAX_TRACEBACK_LINES, checked

    qs = questions_of(SLUG)
    crashed, other = qs[0].solution_ids[0], qs[1].solution_ids[0]
    raw = json.dumps({"questions": {}, "answer_errors": {crashed: "NameError: x"},
                      "answer_tracebacks": {crashed: ["y" * 10 * MAX_TEXT, {"no": "texto"}] + ["l"] * 500,
                                            other: ["Cell In[3], line 1"], "inventada": ["a"]}}).encode()
    run = checked(raw, qs)
    assert set(run.answer_tracebacks) == {crashed}
    lines = run.answer_tracebacks[crashed]
    assert len(lines) == MAX_TRACEBACK_LINES and all(isinstance(line, str) and len(line) <= MAX_TEXT for line in lines)
    assert checked(json.dumps({"questions": {}, "answer_errors": {crashed: "E: x"},
                               "answer_tracebacks": {crashed: "no es una lista"}}).encode(), qs).answer_tracebacks == {}
