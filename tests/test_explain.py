"""Crashes explained in Spanish (taller/explain.py): what failed, the line of the student's cell,
what the error means and a hint that fits it, on real error outputs of a kernel (one notebook run
through nbclient, one cell per class of error) and on the grader's own markers; and the feedback
page that shows them. Every explanation the tests produce is printed (`pytest -s` shows them all),
and a test checks that every text of explain.py is produced by some case."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SLUGS, plain_text
from taller import execution, explain, feedback

KERAS = ("import os\nos.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')\nimport keras\nimport numpy as np\n")

# name: (cell, what the explanation must say). Each cell ends with an error in a line we know.
CELLS = {
    "name": ("a = 1\nb = x + 1\n", ["Python no conoce el nombre `x`", "línea 2 (`b = x + 1`)",
                                    "`NameError: name 'x' is not defined`", "Pista: ejecuta el cuaderno"]),
    "name_in_function": ("def f(v):\n    return v + y\n\nz = f(2)\n",
                         ["línea 2 de la celda, dentro de la función `f` (`return v + y`)", "nombre `y`"]),
    "unbound": ("def f():\n    total = total + 1\n    return total\n\nf()\n",
                ["la variable `total` se usa dentro de una función antes de recibir un valor", "pásalo como argumento"]),
    "type_len": ("len(5)\n", ["recibió un valor de un tipo que no admite", "Pista: imprime `type(...)`"]),
    "type_operands": ("1 + 'a'\n", ["la operación `+` no se puede hacer entre un `int` y un `str`"]),
    "type_arguments": ("def f(a, b):\n    return a\n\nf(1)\n", ["la llamada a `f` no lleva los argumentos que espera",
                                                            "`def f(...)`", "línea 4 (`f(1)`)"]),
    "type_none": ("def g(x):\n    x * 2\n\nr = g(3)\nr[0]\n", ["se usa `None` como si fuera un valor", "sin `return`",
                                                               "línea 5 (`r[0]`)"]),
    "type_not_callable": ("sum = 3\nsum([1, 2])\n", ["que no lo es", "la variable tapa a la función"]),
    "type_list": ("[1, 2, 3] * 0.5\n", ["se opera con una lista de Python como si fuera un array", "np.array"]),
    "broadcast": ("import numpy as np\nA = np.ones((3, 2))\nB = np.ones(3)\nC = A + B\n",
                  ["las formas de los arrays no encajan", "(3,2) y (3,)", "línea 4 (`C = A + B`)",
                   "Pista: imprime las formas"]),
    "matmul": ("import numpy as np\nnp.ones((3, 2)) @ np.ones((3, 2))\n",
               ["las dimensiones de un producto de matrices no encajan", "Pista: imprime las formas"]),
    "reshape": ("import numpy as np\nnp.arange(6).reshape(4, 2)\n", ["6 elementos no caben en la forma (4,2)"]),
    "unpack": ("a, b = [1, 2, 3]\n", ["a la izquierda del `=`", "Se esperaban 2 valores y llegan más"]),
    "ambiguous": ("import numpy as np\nif np.array([1, 2]) > 0:\n    pass\n",
                  ["se usa un array de varios elementos como condición", "`.any()`"]),
    "sklearn_2d": ("from sklearn.linear_model import LinearRegression\nimport numpy as np\n"
                   "LinearRegression().fit(np.ones(5), np.ones(5))\n", ["recibe un vector", "`x.reshape(-1, 1)`"]),
    "sklearn_samples": ("from sklearn.linear_model import LinearRegression\nimport numpy as np\n"
                        "LinearRegression().fit(np.ones((5, 2)), np.ones(4))\n",
                        ["no tienen el mismo número de muestras", "[5, 4]"]),
    "index_list": ("l = [1, 2]\nl[5]\n", ["se pide una posición que no existe en una lista", "línea 2 (`l[5]`)"]),
    "index_numpy": ("import numpy as np\nnp.zeros(3)[7]\n", ["la posición 7 de un eje que tiene 3 elementos",
                                                            "de 0 a 2"]),
    "index_dimensions": ("import numpy as np\nnp.zeros(3)[0, 1]\n",
                         ["se indexa con 2 índices un array de 1 dimensión"]),
    "key": ("d = {'a': 1}\nd['b']\n", ["la clave `'b'` no está", "`d.keys()`"]),
    "key_validation": ("h = {'loss': [1.0]}\nh['val_loss']\n", ["solo existen si `fit` recibe datos de validación"]),
    "attribute": ("import numpy as np\nnp.zeros(3).append(1)\n",
                  ["un objeto de tipo `numpy.ndarray` no tiene el atributo o método `append`"]),
    "attribute_none": ("def g():\n    pass\n\ng().shape\n", ["se pide `.shape` a `None`"]),
    "attribute_module": ("import numpy as np\nnp.no_existe\n",
                         ["el módulo `numpy` no tiene nada llamado `no_existe`"]),
    "zero": ("x = 0\n1 / x\n", ["se divide entre cero", "línea 2 (`1 / x`)", "Pista: imprime el denominador"]),
    "module": ("import tensorflowx\n", ["no se puede importar `tensorflowx`", "no instala paquetes"]),
    "import_name": ("from numpy import no_existe\n", ["el módulo `numpy` no tiene nada llamado `no_existe`"]),
    "syntax": ("a = 1\ndef f(:\n    pass\n", ["error de sintaxis", "en la línea 2", "`SyntaxError: invalid syntax`"]),
    "syntax_open": ("print((1, 2)\n", ["falta cerrar un paréntesis"]),
    "syntax_colon": ("if True\n    pass\n", ["faltan los dos puntos"]),
    "syntax_string": ("s = 'hola\n", ["unas comillas de texto no se cierran"]),
    "syntax_assign": ("1 = x\n", ["no se puede asignar"]),
    "indentation": ("def f():\nreturn 1\n", ["la sangría", "4 espacios"]),
    "assertion": ("assert 1 == 2, 'La forma de X debe ser (3, 2).'\n",
                  ["una comprobación `assert` no se cumple", "La forma de X debe ser (3, 2)."]),
    "file": ("open('datos.csv')\n", ["no se puede abrir un archivo", "solo está el cuaderno"]),
    "recursion": ("def h(n):\n    return h(n)\n\nh(1)\n", ["una función se llama a sí misma sin parar"]),
    "overflow": ("import math\nmath.exp(1000)\n", ["demasiado grande"]),
    "stop": ("next(iter([]))\n", ["un iterador que ya no tiene más"]),
    "interrupt": ("raise KeyboardInterrupt()\n", ["la ejecución se interrumpió"]),
    "not_implemented": ("raise NotImplementedError('Pregunta sin responder: predecir')\n",
                        ["queda el `raise NotImplementedError(...)` del enunciado"]),
    "not_implemented_other": ("raise NotImplementedError('falta')\n", ["se llamó a algo que no está implementado"]),
    "runtime": ("raise RuntimeError('HIJOS [None]')\n",
                ["Python lanzó un error de tipo `RuntimeError`", "`RuntimeError: HIJOS [None]`"]),
    "keras_input": (KERAS + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                            "m.predict(np.ones((2, 4)), verbose=0)\n",
                    ["los datos no tienen la forma que espera el modelo", "esperaba 3 valores en el último eje",
                     "(2, 4)", "Pista: imprime `X.shape`, `y.shape` y `modelo.summary()`"]),
    "keras_loss": (KERAS + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])\n"
                           "m.compile(loss='mse')\nm.fit(np.ones((4, 3)), np.ones((4, 5)), verbose=0)\n",
                   ["al calcular la pérdida", "[?,5] y [?,2]", "Dimensions must be equal"]),
    "keras_target": (KERAS + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
                             "m.compile(loss='categorical_crossentropy')\nm.fit(np.ones((4, 3)), np.ones((4, 5)), verbose=0)\n",
                     ["la salida del modelo y `y` no tienen la misma forma", "(None, 5)"]),
    "keras_label": (KERAS + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"
                            "m.compile(loss='sparse_categorical_crossentropy')\n"
                            "m.fit(np.ones((4, 3)), np.array([0, 1, 5, 1]), verbose=0)\n",
                    ["una etiqueta está fuera del rango de clases", "vale 5", "de 0 a 1", "`np.unique(y)`"]),
    "tf_shapes": (KERAS + "import tensorflow as tf\ntf.ones((2, 3)) + tf.ones((4, 3))\n",
                  ["TensorFlow combina dos tensores de formas [2,3] y [4,3]",
                   "`InvalidArgumentError: Incompatible shapes: [2,3] vs. [4,3]`"]),
}

# A check cell that calls the student's function, defined in an earlier cell: the traceback names
# the check's own line (never shown) and the line of the student's function (shown).
STUDENT_CELL = "def predecir(X, w, b):\n    z = X @ w\n    return z + b\n"
CHECK_CELL = ("import numpy as np\n_resultado_oculto_de_la_prueba = predecir(np.ones((3, 2)), np.ones(3), 0.0)\n"
              "assert _resultado_oculto_de_la_prueba.shape == (3,)\n")

# Errors the kernel cannot raise safely here (a real allocation failure), as the kernel reports them.
CAPTURED = {
    "memory": ("MemoryError: Unable to allocate 7.28 TiB for an array with shape (1000000, 1000000) and data type "
               "float64", ["el código se quedó sin memoria", "(aquí, 7.28 TiB)", "Pista: revisa el tamaño"]),
    "tf_memory": ("ResourceExhaustedError: OOM when allocating tensor with shape[100000,100000]",
                  ["el código se quedó sin memoria"]),
    "nan": ("ValueError: Input X contains NaN.", ["los datos contienen NaN"]),
    "float": ("ValueError: could not convert string to float: 'abc'", ["un texto no se puede convertir en número"]),
    "value_shape": ("ValueError: x and y must have same first dimension, but have shapes (3,) and (4,)",
                    ["las formas de los datos no encajan"]),
    "value_other": ("ValueError: unknown activation 'relux'", ["tipo correcto pero no válido"]),
    "keras_ndim": ("ValueError: Input 0 of layer \"lstm\" is incompatible with the layer: expected ndim=3, found "
                   "ndim=2. Full shape received: (None, 16)", ["esperaba datos de 3 dimensiones y recibió datos de 2"]),
    "keras_other_layer": ("ValueError: Input 0 of layer \"dense\" is incompatible with the layer: something else",
                          ["recibió datos de una forma que no admite"]),
    "keras_shapes": ("ValueError: Shapes (None, 1) and (None, 5) are incompatible",
                     ["(None, 1) y (None, 5), que no son compatibles"]),
    "unpack_got": ("ValueError: not enough values to unpack (expected 3, got 2)", ["Se esperaban 3 valores y llegan 2"]),
    "unpack_fewer": ("ValueError: not enough values to unpack (expected 3)", ["y llegan menos"]),
    "tab": ("TabError: inconsistent use of tabs and spaces in indentation", ["sin mezclar tabuladores"]),
    "never_closed": ("SyntaxError: '(' was never closed (123.py, line 4)", ["se abre un paréntesis", "línea 4"]),
    "unmatched": ("SyntaxError: unmatched ')' (123.py, line 1)", ["que no se había abierto"]),
    "mismatched": ("SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' (1.py, line 2)",
                   ["se cierra con otro signo"]),
    "triple": ("SyntaxError: unterminated triple-quoted string literal (detected at line 9) (1.py, line 3)",
               ["unas comillas triples de texto no se cierran"]),
    "comma": ("SyntaxError: invalid syntax. Perhaps you forgot a comma? (1.py, line 1)", ["Python cree que falta una coma"]),
    "string_index": ("IndexError: string index out of range", ["no existe en un texto"]),
    "pop_index": ("IndexError: pop from empty list", ["no existe en una secuencia"]),
    "empty_index": ("IndexError: index 0 is out of bounds for axis 0 with size 0", ["ninguna: está vacío"]),
    "tuple_index": ("IndexError: tuple index out of range", ["no existe en una tupla"]),
    "type_keyword": ("TypeError: entrenar() got an unexpected keyword argument 'epocas'",
                     ["la llamada a `entrenar` no lleva los argumentos que espera"]),
    "suggestion": ("NameError: name 'modelo_' is not defined. Did you mean: 'modelo'?", ["Python sugiere `modelo`"]),
    "unknown": ("FooBarError: something odd happened", ["Python lanzó un error de tipo `FooBarError`",
                                                        "`FooBarError: something odd happened`",
                                                        "El mensaje original, en inglés, dice qué falló."]),
    "no_type": ("something without a type", ["Python lanzó un error de tipo desconocido"]),
    "backticks": ("ValueError: a `weird` name", ["`ValueError: a 'weird' name`"]),
}

def shown(text: str) -> str:
    print(text, end="\n\n")
    return text


@pytest.fixture(scope="module")
def kernel_errors() -> dict:
    """name -> the error output of its cell, from one real kernel; plus the check calling the student's cell."""
    names = list(CELLS)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELLS[n][0]) for n in names]
    nb.cells += [nbformat.v4.new_code_cell(STUDENT_CELL), nbformat.v4.new_code_cell(CHECK_CELL)]
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True).execute()
    errors = {}
    for name, cell in zip(names + ["student", "check"], nb.cells):
        found = [o for o in cell.outputs if o.output_type == "error"]
        errors[name] = found[0] if found else None
    return errors


def as_verdict(output) -> str:
    """The error as the verdicts keep it (verdicts.error_of)."""
    return f"{output['ename']}: {output['evalue']}".strip()


@pytest.mark.parametrize("name", list(CELLS))
def test_a_real_error_of_each_class_is_explained_with_its_line(kernel_errors, name):
    output = kernel_errors[name]
    assert output is not None, f"the cell {name!r} raised nothing"
    text = shown(str(explain.explain(as_verdict(output), output["traceback"], explain.ANSWER)))
    assert text.startswith("Tu celda de respuesta terminó con un error")
    for part in CELLS[name][1]:
        assert part in text, (name, part, text)
    assert "\x1b[" not in text and explain.HINT in text


@pytest.mark.parametrize("name", list(CELLS))
def test_without_a_traceback_the_same_error_is_explained_without_a_line(kernel_errors, name):
    """What the verdicts carry today ("Type: message"): no line unless a SyntaxError names it."""
    output = kernel_errors[name]
    text = shown(str(explain.explain(as_verdict(output), None, explain.ANSWER)))
    line_in_message = output["ename"] in ("SyntaxError", "IndentationError")
    assert (" en la línea " in text.split(", así que")[0]) == line_in_message, text
    assert explain.one_liner(output["ename"], output["evalue"]) in text


def test_a_check_that_calls_the_students_function_names_its_line_and_never_the_checks(kernel_errors):
    output = kernel_errors["check"]
    text = shown(str(explain.explain(as_verdict(output), output["traceback"], explain.CHECK)))
    assert text.startswith("La comprobación de esta pregunta terminó con un error en la línea 2 de la celda donde "
                           "defines `predecir` (`z = X @ w`)")
    assert "_resultado_oculto_de_la_prueba" not in text and "np.ones((3, 2))" not in text
    where = explain.student_line(output["traceback"], explain.CHECK)
    assert where == explain.Where(2, "z = X @ w", "predecir", True)
    # the answer cell's own view of the same frames: the cell that ran is the check's, line 2
    assert explain.student_line(output["traceback"], explain.ANSWER).line == 2


def test_a_check_whose_own_line_failed_names_no_line(kernel_errors):
    output = kernel_errors["broadcast"]  # all frames in the cell that ran: under CHECK, that is the test cell
    assert explain.student_line(output["traceback"], explain.CHECK) is None
    text = shown(str(explain.explain(as_verdict(output), output["traceback"], explain.CHECK)))
    assert "C = A + B" not in text and "línea" not in text.split(":")[0]


@pytest.mark.parametrize("name", list(CAPTURED))
def test_captured_errors_are_explained(name):
    error, parts = CAPTURED[name]
    text = shown(str(explain.explain(error, None, explain.ANSWER)))
    for part in parts:
        assert part in text, (name, part, text)


TIMEOUT_ERROR = f"{execution.CELL_TIMEOUT['ename']}: {execution.CELL_TIMEOUT['evalue']}".strip()
# (error as the verdicts keep it, context): the sentence it starts with. The markers are execution.py's.
MARKERS = {
    (TIMEOUT_ERROR, explain.ANSWER): "Tu celda de respuesta se interrumpió porque superó el tiempo máximo por celda.",
    (TIMEOUT_ERROR, explain.CHECK):
        "La comprobación de esta pregunta se interrumpió porque superó el tiempo máximo por celda.",
    ("CellTimeoutError: la celda no se detuvo al interrumpirla", explain.ANSWER):
        "Tu celda de respuesta superó el tiempo máximo por celda y no se detuvo al interrumpirla",
    ("CellTimeoutError: el cuaderno se detuvo antes de esta celda", explain.CHECK):
        "La comprobación de esta pregunta no llegó a ejecutarse: una celda anterior superó el tiempo máximo",
    ("KernelDied: el proceso de Python terminó durante esta celda", explain.ANSWER):
        "El proceso de Python (el kernel) terminó de golpe durante tu celda de respuesta.",
    ("KernelDied: el proceso de Python terminó durante esta celda", explain.CHECK):
        "El proceso de Python (el kernel) terminó de golpe durante la comprobación de esta pregunta.",
    ("KernelDied: el proceso de Python terminó durante esta celda", explain.CALL):
        "El proceso de Python (el kernel) terminó de golpe durante esta celda.",
    ("KernelDied: el cuaderno se detuvo antes de esta celda", explain.ANSWER):
        "Tu celda de respuesta no llegó a ejecutarse: el proceso de Python ya había terminado en una celda anterior.",
}


def test_the_graders_markers_say_where_it_stopped():
    """Markers as execution.py writes them into a cell: time limit, kernel death, a cell never run."""
    for (error, context), sentence in MARKERS.items():
        ename, _, evalue = error.partition(": ")
        if ename == "KernelDied" or evalue:  # the marker as the grader writes it, read back as the verdicts do
            assert as_verdict(execution.marker(ename, evalue)) == error
        assert explain.stopped(error, context) == sentence if sentence.endswith(".") else \
            explain.stopped(error, context).startswith(sentence)
        text = shown(str(explain.explain(error, None, context)))
        assert text.startswith(sentence)
        assert ("bucle" in text) == error.startswith("CellTimeoutError")
        assert ("memoria" in text) == error.startswith("KernelDied")
    assert explain.stopped("NameError: name 'x' is not defined") == ""


def test_a_checks_message_is_kept_and_the_exception_it_quotes_is_explained():
    quoted = GLOSSES[0]
    text = shown(explain.gloss(quoted))
    assert text.startswith(quoted + "\nQué significa: las formas de los arrays no encajan (`ValueError`).")
    assert "(7,1) y (5,)" in text and text.endswith(explain.HINT + explain.PRINT_SHAPES.format(
        "`print(a.shape, b.shape)`"))
    other = shown(explain.gloss(GLOSSES[1]))
    assert "Python no conoce el nombre `W`" in other
    for kept in ("Tu función da [6, 2, 2]; se esperaban 6, 2 y 2.", "",
                 "f lanzó AssertionError: no", "f lanzó CellTimeoutError: ",
                 "ya explicado: f lanzó ValueError: x\nPista: nada"):
        assert explain.gloss(kept) == kept


# ----------------------------------------------------------------------------- on the page

def page_of(rows) -> str:
    return feedback.render("ana", "01-descenso-gradiente", "Título", rows, "01/01/2027 10:00")


def row(status, message) -> feedback.Row:
    return feedback.Row("q", 0.0, 1.0, status, message, 1, "Pregunta")


def test_the_page_explains_a_crashed_answer_cell_with_its_line_and_a_fitting_hint(kernel_errors):
    output = kernel_errors["name"]
    error = as_verdict(output)
    message = feedback.student_message("error", "NameError: name 'predecir' is not defined", error,
                                       answer_traceback=output["traceback"])
    page = shown(page_of([row("error", message)]))
    text = plain_text(page)
    assert "Tu celda de respuesta terminó con un error en la línea 2 (b = x + 1)" in text
    assert "<code>NameError: name &#x27;x&#x27; is not defined</code>" in page
    assert "<p class='tip'>Pista: ejecuta el cuaderno desde el principio" in page
    assert "entradas distintas" not in text
    # what grades.csv keeps: the same text, hint included, after explain.HINT
    assert message.count(explain.HINT) == 1 and "Pista: ejecuta el cuaderno" in message


def test_the_page_explains_a_check_that_crashed_with_a_hint_of_its_own(kernel_errors):
    shapes = feedback.student_message("error", as_verdict(kernel_errors["broadcast"]))
    name = feedback.student_message("error", "NameError: name 'predecir' is not defined")
    assert shapes.startswith("La comprobación de esta pregunta terminó con un error: las formas de los arrays")
    assert "ejecuta tu celda de respuesta y las de arriba antes de la comprobación" in name
    page = shown(page_of([row("error", shapes), row("error", name)]))
    tips = re.findall(r"<p class='tip'>(.*?)</p>", page)
    assert len(tips) == 2 and tips[0] != tips[1]
    assert tips[0].startswith("Pista: imprime las formas") and "Pista: ejecuta tu celda" in tips[1]


def test_the_page_keeps_a_checks_message_and_explains_what_it_quotes():
    plain_message = "AssertionError: Con 10 valores se esperaban partes de 6, 2 y 2 valores; tu función da [7, 2, 1]."
    assert feedback.student_message("incorrecta", plain_message) == plain_message.partition(": ")[2]
    quoted = "AssertionError: Con otra serie, crear_ventanas lanzó IndexError: index 9 is out of bounds for axis 0 with size 9."
    message = feedback.student_message("incorrecta", quoted)
    assert message.startswith(quoted.partition(": ")[2] + "\nQué significa: se pide la posición 9")
    page = shown(page_of([row("incorrecta", message)]))
    assert "<p class='tip'>Pista: imprime <code>len(...)</code>" in page


def test_time_outs_and_kernel_deaths_keep_the_pages_advice():
    timeout = feedback.student_message("tiempo_agotado", "", "CellTimeoutError:")
    died = feedback.student_message("detenido", "KernelDied: el cuaderno se detuvo antes de esta celda")
    assert timeout == "Tu celda de respuesta se interrumpió porque superó el tiempo máximo por celda."
    assert died == ("La comprobación de esta pregunta no llegó a ejecutarse: el proceso de Python ya había "
                    "terminado en una celda anterior.")
    assert feedback.student_message("detenido", "") == "" and feedback.student_message("tiempo_agotado", "") == ""
    page = shown(page_of([row("tiempo_agotado", timeout), row("detenido", died)]))
    assert feedback.ADVICE["tiempo_agotado"] in page and feedback.ADVICE["detenido"] in page


def test_what_the_student_wrote_is_escaped_and_only_code_spans_become_code():
    message = feedback.student_message("error", "", "ValueError: <script>alert(1)</script> & `x`")
    page = page_of([row("error", message)])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<code>ValueError: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;x&#x27;</code>" in page


def test_an_explanation_names_no_mistake():
    """Explanations say what an error means and how to look for its cause: never a guess at the
    student's mistake (`parece`), nor anything a variant forbids its question's message to say."""
    forbidden = {"parece", "Parece"}
    for slug in SLUGS:
        spec = importlib.util.spec_from_file_location(f"variants_{slug}", ROOT / "tests" / "variants" / f"{slug}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        forbidden |= {t for v in module.VARIANTS for t in v.get("never_says", {}).values()}
    texts = explanation_texts()
    for text in texts:
        spanish = re.sub(r"`[^`]*`", "", text)  # the original English lines and code are quoted, not said
        said = [f for f in forbidden if f in spanish]
        assert not said, (said, text)


def explanation_texts() -> list[str]:
    texts = [str(explain.explain(error, None, context)) for error, _ in CAPTURED.values()
             for context in (explain.ANSWER, explain.CHECK, explain.CALL)]
    return texts + [str(explain.explain(f"{ename}: ", None, explain.ANSWER)) for ename in
                    ("NameError", "TypeError", "ValueError", "IndexError", "KeyError", "AttributeError",
                     "ZeroDivisionError", "ImportError", "SyntaxError", "IndentationError", "MemoryError")]


SPANISH = re.compile(r"[áéíóúñ¿¡«»]|\b(?:de|la|el|que|una|un|los|las|con|por|para|se|no|y|es|del)\b")
REGEX = re.compile(r"\\[dsSwb.()\[]|\(\?|\[\^|\|")  # a pattern explain.py matches, not a text it writes
NOT_SHOWN = {"BEFORE_THIS_CELL", "NOT_STOPPED"}  # the grader's markers, matched, never written by explain


def string_pieces(node) -> list[str]:
    """The constant text pieces under a node (f-string parts included), without docstrings."""
    pieces = []
    for child in ast.walk(node):
        if isinstance(child, (ast.FunctionDef, ast.Module)) and ast.get_docstring(child):
            child.body = child.body[1:]
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            pieces.append(child.value)
    return pieces


def explain_texts() -> list[str]:
    """Every Spanish text piece of explain.py (the grader's markers it only reads aside)."""
    tree = ast.parse(Path(explain.__file__).read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") in NOT_SHOWN)]
    pieces = {part.strip() for p in string_pieces(tree) if not REGEX.search(p) for part in re.split(r"\{\w*\}", p)}
    return sorted(p for p in pieces if len(p) >= 6 and SPANISH.search(p))


GLOSSES = [
    "Con otro modelo y 7 ventanas nuevas (X de forma (7, 5, 1)), la llamada predecir_un_paso(modelo, X) lanzó "
    "ValueError: operands could not be broadcast together with shapes (7,1) (5,) .",
    "predecir lanza NameError con X de forma (3, 2): name 'W' is not defined. Usa w.",
]


def test_every_text_of_explain_is_produced_by_some_case(kernel_errors):
    """Every Spanish text of explain.py appears in an explanation of a case above (each printed by
    its own test): a text no case reaches is a text nobody has read."""
    produced = []
    for name, output in kernel_errors.items():
        if output is None:
            continue
        for context in (explain.ANSWER, explain.CHECK, explain.CALL):
            produced += [str(explain.explain(as_verdict(output), output["traceback"], context)),
                         str(explain.explain(as_verdict(output), None, context))]
    produced += explanation_texts()
    produced += [str(explain.explain(error, None, context)) for error, context in MARKERS]
    produced += [explain.gloss(g) for g in GLOSSES]
    produced.append(str(explain.explain("AssertionError: ", None, explain.CHECK)))
    produced = "\n".join(produced)
    pieces = explain_texts()
    assert len(pieces) > 100, len(pieces)
    missing = [p for p in pieces if p not in produced]
    assert not missing, missing
