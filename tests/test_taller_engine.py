"""The taller engine (issue 10): hidden tests judged in a process the student's kernel cannot reach.

Two things are proved here:
- on honest submissions (the published solution, the untouched release and every known-wrong and
  known-right answer in tests/variants/) it gives nbgrader's score and status, question by question;
- a hostile student who answers every question wrongly and then tries to fool the checks (patched
  builtins and numpy, input transformers, tracing hooks, reference lookups, lying objects, a forged
  probe, exfiltration of hidden text into feedback) earns no point and reads nothing secret.
"""

from __future__ import annotations

import html
import json

import pytest

from conftest import ROOT, TALLER_SEED, digest, grade_with_both_engines, questions_of, \
    read_grades, secret_lines, variant_cases
from taller import build, masters, submissions


def test_taller_agrees_with_nbgrader_on_every_honest_submission(graded, graded_taller):
    nb = graded["nbgrader"]["rows"]
    ta = graded_taller["rows"]
    assert nb.keys() == ta.keys()
    differ = {k: (nb[k]["score"], ta[k]["score"], ta[k]["message"][:200]) for k in nb if nb[k]["score"] != ta[k]["score"]}
    assert not differ, f"nbgrader vs taller: {differ}"
    status = {k: (nb[k]["status"], ta[k]["status"]) for k in nb if nb[k]["status"] != ta[k]["status"]}
    assert not status, f"nbgrader vs taller status: {status}"


@pytest.mark.parametrize("slug,student,group", variant_cases(),
                         ids=lambda v: v if isinstance(v, str) else "+".join(x["name"] for x in v))
def test_taller_variants_get_the_message_they_deserve(graded_taller, slug, student, group):
    rows = graded_taller["rows"]
    for v in group:
        for question, text in v.get("says", {}).items():
            assert text in rows[(student, slug, question)]["message"], (v["name"], question)
        for question, text in v.get("never_says", {}).items():
            assert text not in rows[(student, slug, question)]["message"], (v["name"], question)


def test_taller_never_modifies_submissions_and_records_its_seed(graded_taller):
    assert graded_taller["submissions_unchanged"]
    run = json.loads((graded_taller["out"] / "corrida.json").read_text(encoding="utf-8"))
    assert run["engine"] == "taller" and run["seed"] == TALLER_SEED


# ---------------------------------------------------------------- hostile students

SLUG = "01-descenso-gradiente"

# Every answer of 01 wrong, in the way a student gets it wrong.
WRONG = {
    "gd-predecir-sol": "def predecir(X, w, b):\n    return X @ w\n",
    "gd-perdida-sse-sol": "def perdida_sse(y_obs, y_pred):\n    return float(np.sum(np.abs(y_obs - y_pred)))\n",
    "gd-perdida-mse-sol": "def perdida_mse(y_obs, y_pred):\n    return float(np.sum((y_obs - y_pred) ** 2))\n",
    "gd-gradientes-sol": ("def gradientes(X, y, w, b):\n    n = X.shape[0]\n    r = y - predecir(X, w, b)\n"
                          "    return 2.0 / n * (X.T @ r), 2.0 / n * np.sum(r)\n"),
    "gd-paso-sol": "def paso(w, b, dw, db, alpha):\n    return w + alpha * dw, b + alpha * db\n",
    "gd-entrenar-sol": ("def entrenar(X, y, alpha, n_iter):\n"
                        "    return np.zeros(X.shape[1]), 0.0, [float(np.mean(y ** 2))] * n_iter\n"),
    "gd-minimos-cuadrados-sol": "def minimos_cuadrados(X, y):\n    return np.zeros(X.shape[1]), 0.0\n",
    "gd-alpha-sol": "alpha_pequeno = alpha_bueno = alpha_grande = 0.1\n",
}
FIRST = "gd-predecir-sol"

TRICKS = {
    # numpy's isclose/allclose call abs(): make every difference zero
    "abs-parcheado": "import builtins\nbuiltins.abs = lambda x: 0\n",
    # every comparison a test may use says "equal"
    "numpy-parcheado": (
        "import math, numpy\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.isclose = lambda *a, **k: numpy.array(True)\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.testing.assert_array_almost_equal = lambda *a, **k: None\n"
        "math.isclose = lambda *a, **k: True\n"),
    # every later cell that checks something runs as `pass`
    "transformador-assert": (
        "get_ipython().input_transformers_post.append(\n"
        "    lambda lines: ['pass\\n'] if any('assert' in l or 'BEGIN' in l for l in lines) else lines)\n"),
    # every later cell, grading code included, runs as `pass`: the answers stay the wrong ones above
    "transformador-todo": (
        "exec(" + repr("".join(WRONG[k] for k in WRONG if k != FIRST)) + ")\n"
        "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n"),
    # answers that look up the hidden tests' reference helpers at call time, wherever they live
    "busca-referencias": (
        "import gc, sys\n"
        "def _busca(nombre):\n"
        "    g = sys.modules['__main__'].__dict__\n"
        "    if callable(g.get(nombre)):\n"
        "        return g[nombre]\n"
        "    for o in gc.get_objects():\n"
        "        if callable(o) and getattr(o, '__name__', None) == nombre:\n"
        "            return o\n"
        "def _con_referencia(nombre, equivocada):\n"
        "    def f(*a, **k):\n"
        "        ref = _busca('_ref_' + nombre)\n"
        "        return ref(*a, **k) if ref else equivocada(*a, **k)\n"
        "    return f\n"
        + "".join(WRONG[k] for k in WRONG if k not in (FIRST, "gd-alpha-sol"))
        + "for _n in ['predecir', 'perdida_sse', 'perdida_mse', 'gradientes', 'paso', 'entrenar', 'minimos_cuadrados']:\n"
          "    globals()[_n] = _con_referencia(_n, globals()[_n])\n"),
    # objects that say they equal anything, and arrays that answer numpy's functions themselves
    "objetos-mentirosos": (
        "class _Siempre(float):\n"
        "    def __eq__(self, other): return True\n"
        "    def __ne__(self, other): return False\n"
        "    def __lt__(self, other): return True\n"
        "    def __gt__(self, other): return True\n"
        "    __hash__ = float.__hash__\n"
        "class _Mentira(np.ndarray):\n"
        "    def __array_function__(self, func, types, args, kwargs): return True\n"
        "    def __array_ufunc__(self, *a, **k): return _Siempre(0.0)\n"
        "    def __eq__(self, other): return True\n"
        "def predecir(X, w, b):\n"
        "    return np.zeros(np.shape(X)[0]).view(_Mentira)\n"
        "def perdida_sse(y_obs, y_pred):\n"
        "    return _Siempre(0.0)\n"),
    # a probe rewritten to answer every request with made-up data
    "sonda-falsificada": (
        "import sys\n"
        "_sonda = sys.modules['_taller_probe']\n"
        "_sonda._answer = lambda request: {'ok': {'$nd': 'esto no es un array'}} if request['op'] == 'call' "
        "else {'ok': 1.0}\n"),
    # a tracer that keeps every constant of every code the kernel runs, then raises it as an error
    "trazas-y-fuga": (
        "import sys\n"
        "_visto = []\n"
        "def _traza(frame, event, arg):\n"
        "    if event == 'call':\n"
        "        _visto.extend(str(c) for c in frame.f_code.co_consts if isinstance(c, str))\n"
        "    return None\n"
        "sys.settrace(_traza)\n"
        "sys.setprofile(lambda frame, event, arg: _visto.extend(\n"
        "    str(c) for c in frame.f_code.co_consts if isinstance(c, str)) if event == 'call' else None)\n"
        "get_ipython().input_transformers_post.append(lambda lines: (_visto.append(''.join(lines)), lines)[1])\n"),
}
# the last answer cell of "trazas-y-fuga" raises what was seen, so that it reaches the feedback page
LEAK = "raise RuntimeError('ROBADO: ' + '\\n'.join(_visto)[-20000:])\n"


def hostile_notebook(trick: str):
    answers = dict(WRONG)
    answers[FIRST] = TRICKS[trick] + WRONG[FIRST]
    if trick == "objetos-mentirosos":
        answers.update({FIRST: TRICKS[trick], "gd-perdida-sse-sol": "pass\n"})
    if trick == "busca-referencias":
        answers = {FIRST: WRONG[FIRST] + TRICKS[trick], "gd-alpha-sol": WRONG["gd-alpha-sol"]}
        answers.update({k: "pass\n" for k in WRONG if k not in answers})
    if trick == "trazas-y-fuga":
        answers["gd-alpha-sol"] = WRONG["gd-alpha-sol"] + LEAK
    release = masters.read(ROOT / "release" / SLUG / f"{SLUG}.ipynb")
    return submissions.with_answers(release, answers)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tramposos")
    for trick in TRICKS:
        build.write_notebook(hostile_notebook(trick), folder / trick / f"{SLUG}.ipynb")
    build.write_notebook(submissions.with_answers(masters.read(ROOT / "release" / SLUG / f"{SLUG}.ipynb"), WRONG),
                         folder / "todo-mal" / f"{SLUG}.ipynb")
    before = digest(folder)
    result = grade_with_both_engines(folder, tmp_path_factory.mktemp("notas-tramposos"), engines=("taller",),
                                     cell_timeout=60, total_timeout=400)["taller"]
    result["submissions_unchanged"] = digest(folder) == before
    return result


@pytest.mark.parametrize("student", ["todo-mal", *TRICKS])
def test_a_trick_earns_no_point_under_taller(hostile, student):
    got = {k[2]: (float(r["score"]), r["status"], r["message"][:120]) for k, r in hostile["rows"].items()
           if k[0] == student}
    assert len(got) == len(questions_of(SLUG)), got
    assert all(score == 0 for score, _, _ in got.values()), got
    assert all(status != "fallo_corrector" for _, status, _ in got.values()), got


@pytest.mark.parametrize("student", ["todo-mal", *TRICKS])
def test_a_trick_reads_nothing_secret(hostile, student):
    page = html.unescape((hostile["out"] / "feedback" / student / f"{SLUG}.html").read_text(encoding="utf-8"))
    messages = " ".join(r["message"] for k, r in hostile["rows"].items() if k[0] == student)
    leaked = [line for line in secret_lines(SLUG) if line in page or line in messages]
    assert not leaked, leaked[:3]
    assert "_ref_" not in page and "_ref_" not in messages


def test_the_leak_attempt_did_run(hostile):
    """The exfiltration attempt reached the feedback page (so the check above means something)."""
    page = html.unescape((hostile["out"] / "feedback" / "trazas-y-fuga" / f"{SLUG}.html").read_text(encoding="utf-8"))
    assert "ROBADO: " in page


def test_hostile_submissions_are_never_modified(hostile):
    assert hostile["submissions_unchanged"]
