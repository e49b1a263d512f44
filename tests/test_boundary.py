"""The taller engine's verdict boundary, attacked as a hostile student would (issue 16).

Capabilities, not names: whatever crosses from the kernel is data or an opaque handle. The verdict
process binds library names itself, resolves no name the kernel sends, lends the kernel only the
hidden test's own functions, runs in a sandbox that cannot write the verdict, and reaches the kernel
through a socket the kernel cannot replace. When the kernel breaks the channel, the questions left
score 0 as interference, never as a grader failure.

Each attack is written so that it earned points before the defence (the rows of issue 16); each test
asserts the guarantee: points, status, page text."""

from __future__ import annotations

import builtins
import html
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, digest, grade_with_both_engines, questions_of, secret_lines
from test_attacks import SILENCER  # every error hidden, as test_attacks.py tries it on nbgrader and otter
from test_taller_engine import FIRST, WRONG  # every answer of 01 wrong, as a student gets it wrong
from taller import build, masters, submissions
from taller.taller_engine import runner
from taller.taller_engine import verdict as vp

SLUG = "01-descenso-gradiente"
SLUG00 = "00-conceptos"


# ---------------------------------------------------------------- without a kernel

class Recorder(vp.Channel):
    """A channel whose kernel answers every request with `answer(request)`, recording the requests."""

    def __init__(self, answer):
        super().__init__(conn=None)
        self.asked, self.answer = [], answer

    def request(self, message):
        self.asked.append(message)
        return self.answer(message)


@pytest.mark.parametrize("slug", sorted(masters.find_masters(ROOT)))
def test_library_names_are_bound_here_and_never_asked_of_the_kernel(slug):
    """`np`, `pd`, `keras`, `kt`, `math`, `StandardScaler`: the master's imports, done in the verdict
    process. What is asked of the kernel is the student's answers and the notebook's data only."""
    spec = runner.hidden_spec(masters.read(ROOT / "source" / slug / f"{slug}.ipynb"), 0)
    trusted = vp.trusted_names(spec)
    for grade_id, code in spec["questions"].items():
        asked = [n for n in vp.free_names(code) if n not in trusted]
        libraries = [n for n in asked if n in sys.modules or n in ("np", "pd", "kt", "keras", "tf", "plt", "math")]
        assert not libraries, (grade_id, libraries)
        uses = {"np", "keras", "kt", "pd", "math", "StandardScaler"} & set(vp.free_names(code))
        assert all(type(trusted[n]).__name__ in ("module", "type") for n in uses), (grade_id, uses)


@pytest.mark.parametrize("x,passes", [([1.0], True), ([2.0], False)])
def test_a_hidden_block_never_asks_the_kernel_for_np(x, passes):
    channel = Recorder(lambda m: {"ok": x})
    passed, _ = vp.run_question("assert np.allclose(x, [1.0])\n", channel, {"np": np})
    assert [m.get("name") for m in channel.asked] == ["x"] and passed is passes


def test_the_masters_constants_are_read_from_the_master():
    spec = runner.hidden_spec(masters.read(ROOT / "source" / "03-redes-densas" / "03-redes-densas.ipynb"), 0)
    assert spec["constants"]["EPOCAS"] == 60
    channel = Recorder(lambda m: {"ok": 1})
    vp.run_question("assert EPOCAS == 60\n", channel, vp.trusted_names(spec))
    assert channel.asked == []


@pytest.mark.parametrize("data", [
    {"$class": ["numpy", "__builtins__.get"]},     # a builtin reached through a library's attribute path
    {"$class": ["builtins", "exec"]},
    {"$class": ["os", "system"]},
    {"$module": "os"},
    {"$module": "numpy"},
])
def test_names_the_kernel_sends_stay_names(data):
    got = vp.decode(data, vp.Channel(None))
    assert isinstance(got, vp.KernelName)
    assert not callable(got) and got != np and got != builtins.exec
    with pytest.raises(TypeError):
        vp.encode(got, vp.Channel(None))  # and it can never be handed back as something to call


@pytest.mark.parametrize("function", [builtins.exec, builtins.eval, {}.get, np.allclose, os.system, print,
                                      lambda: None, vp.encode])
def test_only_the_hidden_tests_own_functions_are_lent(function):
    with pytest.raises(TypeError):
        vp.encode(function, vp.Channel(None))


def test_a_function_the_hidden_test_wrote_is_lent():
    scope = {}
    exec(compile("def _ref(x):\n    return x + 1\n", vp.HIDDEN_FILE, "exec"), scope)
    assert vp.encode(scope["_ref"], vp.Channel(None)) == {"$cb": 1}


@pytest.mark.parametrize("kind", [["os", "system"], ["keras.src.callbacks.lambda_callback", "LambdaCallback"],
                                  ["numpy", "__builtins__.get"]])
def test_callbacks_of_classes_outside_the_table_are_refused(kind):
    with pytest.raises(vp.ProbeBroken):
        vp.decode({"$callback": kind, "attrs": {}}, vp.Channel(None))


def test_saved_globals_cannot_carry_a_verdict_object_back():
    """The restore idiom of the hidden tests (`_antes = _g.get(k)`, `_g[k] = _antes`) with a kernel that
    answers the read with names of this process's builtins: the restore refuses to send them."""
    def answer(message):
        if message["op"] == "get":
            return {"ok": {"$obj": 7, "type": "builtins.dict"}}
        if message["op"] == "getitem":
            return {"ok": {"$class": ["numpy", "__builtins__.get"]}}
        assert "$cb" not in json.dumps(message), message  # nothing of this process is lent
        return {"ok": None}

    channel = Recorder(answer)
    passed, error = vp.run_question("_antes = _g.get('f')\n_g['f'] = _antes\n", channel, {})
    assert not passed and error.startswith("TypeError")


def test_the_verdict_sandbox_sees_no_work_folder_and_keeps_its_socket(tmp_path):
    """The sandbox the verdict process runs in: the work folder (the verdict, the hidden tests' file)
    is not there, nothing outside its private /tmp is writable, and the inherited socket works."""
    (tmp_path / "verdict.json").write_text("{}")
    left, right = socket.socketpair()
    script = ("import os, socket, sys\n"
              f"seen = os.path.exists({str(tmp_path)!r}) or os.path.exists({str(ROOT / 'source')!r})\n"
              "try:\n"
              f"    open({str(tmp_path / 'verdict.json')!r}, 'w'); wrote = True\n"
              "except OSError:\n"
              "    wrote = False\n"
              "try:\n"
              "    open(os.path.join(sys.prefix, 'x'), 'w'); wrote_env = True\n"
              "except OSError:\n"
              "    wrote_env = False\n"
              "s = socket.socket(fileno=int(sys.argv[1]))\n"
              "s.sendall(repr((seen, wrote, wrote_env, os.getpid())).encode())\n")
    argv = runner.verdict_sandbox([sys.executable, "-I", "-c", script, str(right.fileno())])
    proc = subprocess.run(argv, pass_fds=(right.fileno(),), timeout=60, capture_output=True)
    right.close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen, wrote, wrote_env, pid = eval(left.recv(1000).decode())
    assert (seen, wrote, wrote_env) == (False, False, False)
    assert pid < 10  # a PID namespace of its own
    assert (tmp_path / "verdict.json").read_text() == "{}"


# ---------------------------------------------------------------- with a kernel: hostile notebooks

# Code the kernel wants run in the verdict process: a verdict at full marks, read-only, and the hidden
# tests' file raised into the student's page.
PAYLOAD = (
    "import json, os\n"
    "spec = json.load(open('/taller/work/hidden.json'))\n"
    "q = {k: {'score': v, 'error': ''} for k, v in spec['points'].items()}\n"
    "open('/taller/work/verdict.json', 'w').write(json.dumps({'questions': q, 'answer_errors': {}}))\n"
    "os.chmod('/taller/work/verdict.json', 0o444)\n"
    "raise RuntimeError('ROBADO: ' + json.dumps(spec))\n"
)

TRICKS = {
    # The rewritten probe of issue 16, row 1: it names the verdict's `get` of numpy's builtins; the
    # hidden test's restore of the student's globals lends it back; the kernel asks it for `exec`.
    "sonda-pide-exec": (
        "import sys\n"
        "_sonda = sys.modules['_taller_probe']\n"
        "_original = _sonda._answer\n"
        f"_PAYLOAD = {PAYLOAD!r}\n"
        "def _answer(request):\n"
        "    if request.get('op') in ('getitem', 'get') and request.get('name') not in ('perdida_mse', 'gradientes',\n"
        "            'entrenar', 'predecir', 'perdida_sse', 'paso', 'minimos_cuadrados'):\n"
        "        return {'ok': {'$class': ['numpy', '__builtins__.get']}}\n"
        "    if request.get('op') == 'setitem' and isinstance(request.get('value'), dict) and '$cb' in request['value']:\n"
        "        try:\n"
        "            _exec = _sonda._stub(request['value']['$cb'])('exec')\n"
        "            if callable(_exec):\n"
        "                _exec(_PAYLOAD)\n"
        "        except Exception:\n"
        "            pass\n"
        "        return {'ok': None}\n"
        "    return _original(request)\n"
        "_sonda._answer = _answer\n"),
    # A fake `np` (issue 16, rows 3-4): every comparison says "equal", and it records what it is
    # given while the probe serves the verdict (the reference values, if the verdict used it).
    "np-falso": (
        "import numpy as _numpy, sys\n"
        "_vistos = []\n"
        "_COMPARA = ('allclose', 'array_equal', 'isclose', 'testing', 'all', 'any')\n"
        "class _NpFalso:\n"
        "    def __getattr__(self, name):\n"
        "        real = getattr(_numpy, name)\n"
        "        if not callable(real):\n"
        "            return real\n"
        "        def f(*a, **k):\n"
        "            if name in _COMPARA and sys.modules['_taller_probe']._conn[0] is not None:\n"
        "                _vistos.append(repr(a)[:200])\n"
        "                return True\n"
        "            return real(*a, **k)\n"
        "        return f\n"
        "np = _NpFalso()\n"),
    # The kernel writes a verdict at full marks wherever the grader might read one.
    "veredicto-falso": (
        "import json, os\n"
        "_q = {q: {'score': 2, 'error': ''} for q in ['gd-predecir', 'gd-perdida-sse', 'gd-perdida-mse',\n"
        "      'gd-gradientes', 'gd-paso', 'gd-entrenar', 'gd-minimos-cuadrados', 'gd-alpha']}\n"
        "for _p in ['../verdict.json', '/taller/work/verdict.json', 'verdict.json', '/tmp/verdict.json']:\n"
        "    try:\n"
        "        open(_p, 'w').write(json.dumps({'questions': _q}))\n"
        "    except OSError:\n"
        "        pass\n"),
}
LEAK = "raise RuntimeError('ROBADO: ' + ' | '.join(_vistos)[-20000:] + ' VISTOS=%d' % len(_vistos))\n"
# A line of the hidden tests, put into a forged traceback as if the kernel had read it.
SECRET = next(line for line in sorted(secret_lines(SLUG)) if 25 < len(line) < 100)
# The error hidden, and the cell's run marked successful: the kernel reports every failed check as
# passed (nbgrader and otter, whose hidden tests run in this kernel, are attacked in test_attacks.py
# with the handler alone).
TRICKS["callar-errores"] = SILENCER + (
    "get_ipython().events.register('post_run_cell', lambda result: setattr(result, 'error_in_exec', None))\n")
# The kernel forges tracebacks: the rewritten probe adds them to everything it reports; this answer
# cell, which does not fail, shows an error; and every later error shows a traceback of its making
# (a line of the hidden tests in it). The last answer really fails (CRASH).
TRICKS["traza-falsa"] = (
    "import sys\n"
    "_sonda = sys.modules['_taller_probe']\n"
    "def _traza(marca):\n"
    "    return ['Cell In[3], line 1\\n----> 1 ' + marca]  # one frame, as IPython writes it\n"
    "_envia = _sonda._send\n"
    "def _send(message):\n"
    "    message = dict(message, answer_tracebacks={k: _traza('TRAZA-FORJADA-SONDA') for k in\n"
    "        ['gd-predecir-sol', 'gd-paso-sol', 'gd-alpha-sol']}, traceback=_traza('TRAZA-FORJADA-SONDA'))\n"
    "    _envia(message)\n"
    "_sonda._send = _send\n"
    "get_ipython()._showtraceback(NameError, \"name 'x' is not defined\", _traza('TRAZA-FORJADA-SIN-FALLO'))\n"
    "get_ipython().set_custom_exc((Exception,), lambda shell, etype, evalue, tb, tb_offset=None:\n"
    f"    shell._showtraceback(etype, evalue, _traza({SECRET!r})))\n")
CRASH = "raise ValueError('falla de verdad')\n"

# Right answers, with a notebook that goes after the channel instead.
CHANNEL_ATTACKS = {
    # issue 16, row 5: the socket replaced (a directory in its place), moved or removed
    "canal-reemplazado": (
        "import os, shutil\n"
        "_fallos = []\n"
        "for _p in ['/taller/work/channel/verdict.sock', '/taller/work/channel']:\n"
        "    for _f in (os.remove, os.rmdir, shutil.rmtree, lambda p: os.rename(p, p + '.x'),\n"
        "               lambda p: os.chmod(p, 0)):\n"
        "        try:\n"
        "            _f(_p)\n"
        "        except Exception as _e:\n"
        "            _fallos.append(type(_e).__name__)\n"
        "try:\n"
        "    os.mkdir('/taller/work/channel/verdict.sock')\n"
        "except Exception as _e:\n"
        "    _fallos.append(type(_e).__name__)\n"),
    # the probe never answers: the verdict cannot judge
    "sonda-muda": "import sys\nsys.modules['_taller_probe'].serve = lambda path: None\n",
}


def hostile_01(trick: str):
    answers = dict(WRONG)
    answers[FIRST] = TRICKS[trick] + WRONG[FIRST]
    if trick == "np-falso":
        answers["gd-alpha-sol"] = WRONG["gd-alpha-sol"] + LEAK
    if trick == "traza-falsa":
        answers["gd-alpha-sol"] = WRONG["gd-alpha-sol"] + CRASH
    release = masters.read(ROOT / "release" / SLUG / f"{SLUG}.ipynb")
    return submissions.with_answers(release, answers)


def saboteur_01():
    """Right answers until `perdida_mse`, whose function closes the probe's connection when the verdict
    calls it: the questions before keep their points, that one and the rest are interference."""
    code = ("import sys as _sys\n"
            "def perdida_mse(y_obs, y_pred):\n"
            "    _conn = _sys.modules['_taller_probe']._conn\n"
            "    if _conn[0] is not None:\n"
            "        _conn[0].close()\n"
            "    return float(np.mean((np.asarray(y_obs) - np.asarray(y_pred)) ** 2))\n")
    question = next(q for q in questions_of(SLUG) if q.grade_id == "gd-perdida-mse")
    return submissions.solved(ROOT, SLUG, {question.solution_ids[0]: code})


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frontera")
    for trick in TRICKS:
        build.write_notebook(hostile_01(trick), folder / trick / f"{SLUG}.ipynb")
    build.write_notebook(saboteur_01(), folder / "cierra-canal" / f"{SLUG}.ipynb")
    first00 = questions_of(SLUG00)[0].solution_ids[0]
    solution00 = masters.read(ROOT / "solutions" / SLUG00 / f"{SLUG00}.ipynb")
    given = {masters.nbgrader_meta(c).get("grade_id"): c.source for c in solution00.cells}
    for name, attack in CHANNEL_ATTACKS.items():
        nb = submissions.solved(ROOT, SLUG00, {first00: attack + given[first00]})
        build.write_notebook(nb, folder / name / f"{SLUG00}.ipynb")
    before = digest(folder)
    result = grade_with_both_engines(folder, tmp_path_factory.mktemp("notas-frontera"), engines=("taller",),
                                     cell_timeout=60, total_timeout=400)["taller"]
    result["submissions_unchanged"] = digest(folder) == before
    return result


def rows_of(result, student):
    """The rows of the notebook the student handed in (every student also has a row, without a score,
    for each exercise they did not hand in)."""
    return {k[2]: (float(r["score"]), r["status"], r["message"]) for k, r in result["rows"].items()
            if k[0] == student and r["status"] != "sin_entregar"}


def page_of(result, student, slug=SLUG):
    return html.unescape((result["out"] / "feedback" / student / f"{slug}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("student", list(TRICKS))
def test_a_boundary_attack_earns_nothing(attacked, student):
    got = rows_of(attacked, student)
    assert len(got) == len(questions_of(SLUG)), got
    assert all(score == 0 for score, _, _ in got.values()), got
    assert all(status != "fallo_corrector" for _, status, _ in got.values()), got


@pytest.mark.parametrize("student", list(TRICKS))
def test_a_boundary_attack_reads_nothing_secret(attacked, student):
    page = page_of(attacked, student)
    messages = " ".join(m for _, _, m in rows_of(attacked, student).values())
    leaked = [line for line in secret_lines(SLUG) if line in page or line in messages]
    assert not leaked, leaked[:3]
    assert "_ref_" not in page and '"points"' not in page and "seed" not in page


def test_the_fake_np_was_never_called_by_the_verdict(attacked):
    """The leak cell ran (its count is on the page), and the verdict never used the kernel's `np`."""
    assert "VISTOS=0" in page_of(attacked, "np-falso")


def test_a_forged_traceback_is_never_read_from_the_probe_nor_shows_a_secret(attacked):
    """Tracebacks only name the line where a student's answer cell stopped, read from the executed
    notebook: the ones the rewritten probe sends are never read, and one that quotes the hidden
    tests (the answer that did crash) is not shown."""
    rows = rows_of(attacked, "traza-falsa")
    text = page_of(attacked, "traza-falsa") + " ".join(message for _, _, message in rows.values())
    assert "TRAZA-FORJADA-SONDA" not in text and SECRET not in text
    assert rows["gd-alpha"][1] == "error", rows["gd-alpha"]  # the answer that did crash is reported as one


def test_an_answer_that_ran_to_its_end_is_never_said_to_have_crashed(attacked):
    """The first answer cell of "traza-falsa" ends normally after showing a made-up error and traceback."""
    rows = rows_of(attacked, "traza-falsa")
    text = page_of(attacked, "traza-falsa") + " ".join(message for _, _, message in rows.values())
    assert "TRAZA-FORJADA-SIN-FALLO" not in text and rows["gd-predecir"][1] != "error", rows["gd-predecir"]


def test_the_channel_cannot_be_replaced(attacked):
    """Every attempt to remove, move or replace the socket fails: the right answers keep full marks."""
    got = rows_of(attacked, "canal-reemplazado")
    assert got and all(status == "correcta" for _, status, _ in got.values()), got


def test_a_silent_probe_is_interference_not_a_grader_failure(attacked):
    got = rows_of(attacked, "sonda-muda")
    assert got and all(score == 0 and status == "interferencia" for score, status, _ in got.values()), got
    assert all("interfirió" in message for _, _, message in got.values())
    page = page_of(attacked, "sonda-muda", SLUG00)
    assert "no tienes que hacer nada" not in page and "Interfirió con la corrección" in page


def test_a_broken_channel_scores_the_questions_left_as_interference(attacked):
    got = rows_of(attacked, "cierra-canal")
    order = [q.grade_id for q in questions_of(SLUG)]
    before, after = order[:order.index("gd-perdida-mse")], order[order.index("gd-perdida-mse"):]
    assert all(got[q][1] == "correcta" for q in before), got
    assert all(got[q][0] == 0 and got[q][1] == "interferencia" for q in after), got


def test_boundary_attacks_never_modify_submissions(attacked):
    assert attacked["submissions_unchanged"]
