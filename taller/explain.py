"""Python errors explained in Spanish, for the feedback pages.

From an error's "Type: message" (what the verdicts keep, verdicts.error_of) and, when there is one,
its traceback (the `traceback` lines of an nbclient error output, with ANSI colour codes), `explain`
writes what failed, the line of the student's cell where it happened (when the traceback or a
SyntaxError says it), what the error means and a hint that fits it. The original English one-liner
is kept in code style (between backticks) so that nothing Python said is lost.

Every text says what an error of that kind means and how to look for its cause; none names a
mistake that the error itself does not show. A check's own message (an AssertionError) is kept as
it is; `gloss` adds the meaning of an exception that a check quotes ("la llamada f(X) lanzó
ValueError: ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TIMEOUT = "CellTimeoutError"  # execution.CELL_TIMEOUT's name: a cell interrupted at the time limit
KERNEL_DIED = "KernelDied"  # execution.KERNEL_DIED: the kernel died in, or before, this cell
BEFORE_THIS_CELL = "antes de esta celda"  # execution.survive_kernel_death: a cell that never ran
NOT_STOPPED = "no se detuvo al interrumpirla"  # execution.survive_kernel_death: the interrupt was ignored

ANSWER, CHECK, CALL = "answer", "check", "call"  # where the error happened: the answer cell, a check
HINT = "\nPista: "  # what separates the explanation from its hint in a message
ONE_LINER_CHARS = 300
LINE_CHARS = 120

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CELL_FRAME = re.compile(r"^\s*(?:Cell In ?\[(\d+)\]|Input In ?\[(\d+)\]|<ipython-input-(\d+)-[0-9a-f]+>)"
                        r"(?:, line (\d+))?(?:,? in (\S+?)(?:\(.*\))?)?\s*$")
ARROW = re.compile(r"^\s*-+>\s*(\d+)\s?(.*)$")
SYNTAX_LINE = re.compile(r"\s*\((?:[^()]*\.py|<[^>]+>), line (\d+)\)\s*$")


@dataclass(frozen=True)
class Where:
    """A line of the student's code: its number in its cell, its text, the function it is in."""

    line: int
    text: str = ""
    function: str = ""
    other_cell: bool = False  # in a cell other than the one that ran (the student's function)


@dataclass(frozen=True)
class Explanation:
    text: str  # what failed, where, what it means
    hint: str  # what to do, lower case first

    def __str__(self) -> str:
        return f"{self.text}{HINT}{self.hint}" if self.hint else self.text


def plain(text) -> str:
    return ANSI.sub("", str(text or ""))


def parse(error: str) -> tuple[str, str]:
    """'Type: message' -> (Type, message); a dotted type keeps its last name."""
    error = plain(error).strip()
    head, sep, rest = error.partition(":")
    name = head.strip().rsplit(".", 1)[-1]
    if sep and re.fullmatch(r"[A-Za-z_]\w*", name) and "\n" not in head:
        return name, rest.strip()
    if re.fullmatch(r"[A-Za-z_]\w*", error):
        return error, ""
    return "", error


WRAPPERS = ("Exception encountered when calling", "Graph execution error", "Detected at node", "File \"",
            "Arguments received by", "  •")
INFORMATIVE = ("Incompatible shapes", "is incompatible with the layer", "Dimensions must be equal",
               "Received a label value", "must have the same shape", "OOM when allocating")


def message_line(evalue: str) -> str:
    """The line of a message that says what happened (Keras and TensorFlow wrap it in many lines)."""
    lines = [l.strip() for l in plain(evalue).splitlines() if l.strip()]
    chosen = next((l for l in lines if any(k in l for k in INFORMATIVE)), None)
    if chosen is None:
        chosen = next((l for l in lines if not l.startswith(WRAPPERS)), lines[0] if lines else "")
    chosen = re.sub(r" for '\{\{node [^']*'", "", chosen)  # TensorFlow's graph node, in its own words
    chosen = re.sub(r"\{\{[^{}]*\}\}\s*", "", chosen)  # TensorFlow's {{function_node ...}} and {{node ...}}
    chosen = re.sub(r" \((?:/|[A-Z]:\\)[^()]*\)$", "", chosen)  # a module's path on the grader's disk
    chosen = re.sub(r"\s*\[Op:[^\]]*\]\s*(name:\s*)?$", "", chosen).strip()
    return chosen


def one_liner(ename: str, evalue: str) -> str:
    """The original error on one line, cut, without backticks (it is shown between them)."""
    text = f"{ename}: {message_line(evalue)}" if ename else message_line(evalue)
    text = SYNTAX_LINE.sub("", text).replace("`", "'").strip().rstrip(":")
    return text if len(text) <= ONE_LINER_CHARS else text[:ONE_LINER_CHARS] + "…"


def code(text: str) -> str:
    """A value shown in code style: between backticks, which it may not contain."""
    return "`" + str(text).replace("`", "'").strip() + "`"


# ----------------------------------------------------------------------------- where it happened

def frames(traceback) -> list[tuple[int, int, str, str]]:
    """(cell number, line, line text, function) of each frame of a notebook cell, outermost first."""
    if isinstance(traceback, str):
        traceback = [traceback]
    found = []
    for entry in traceback or []:
        cell, line, function, text = None, None, "", ""
        for raw in plain(entry).splitlines():
            head = CELL_FRAME.match(raw)
            if head:
                if cell is not None and line is not None:
                    found.append((cell, line, text, function))
                number = next(g for g in head.group(1, 2, 3) if g)
                cell, line = int(number), int(head.group(4)) if head.group(4) else None
                function, text = head.group(5) or "", ""
                continue
            arrow = ARROW.match(raw)
            if arrow and cell is not None:
                line, text = int(arrow.group(1)), arrow.group(2).strip()
        if cell is not None and line is not None:
            found.append((cell, line, text, function))
    return found


def student_line(traceback, context: str = ANSWER) -> Where | None:
    """Where in the student's code the error happened, from a notebook traceback.

    ANSWER: the deepest frame of the cell that ran (the first frame's cell: the student's answer
    cell). CHECK: the cell that ran is a check, whose code is never shown; the deepest frame of
    another cell (a function the student defined) is named instead, or nothing."""
    found = frames(traceback)
    if not found:
        return None
    ran = found[0][0]
    if context == ANSWER:
        cell, line, text, function = [f for f in found if f[0] == ran][-1]
        other = False
    else:
        elsewhere = [f for f in found if f[0] != ran]
        if not elsewhere:
            return None
        cell, line, text, function = elsewhere[-1]
        other = True
    if function in ("<module>", "<cell line: 0>"):
        function = ""
    text = text if len(text) <= LINE_CHARS else text[:LINE_CHARS] + "…"
    return Where(line, text, function, other)


def syntax_line(evalue: str) -> int | None:
    """The line a SyntaxError names: 'invalid syntax (3005630318.py, line 2)' -> 2."""
    found = SYNTAX_LINE.search(plain(evalue).splitlines()[0] if plain(evalue) else "")
    return int(found.group(1)) if found else None


def where_text(where: Where | None) -> str:
    """' en la línea 2 (`b = x + 1`)', ' en la línea 3 de la celda donde defines `f` (...)'."""
    if where is None:
        return ""
    if where.other_cell and where.function:
        text = f" en la línea {where.line} de la celda donde defines {code(where.function)}"
    elif where.function:
        text = f" en la línea {where.line} de la celda, dentro de la función {code(where.function)}"
    else:
        text = f" en la línea {where.line}"
    return text + (f" ({code(where.text)})" if where.text else "")


# ----------------------------------------------------------------------------- what it means

@dataclass(frozen=True)
class Meaning:
    summary: str  # a clause: "Python no conoce el nombre `x`"
    meaning: str  # sentences
    hint: str  # lower case first


RUN_ALL = "Entorno de ejecución → Reiniciar sesión y ejecutar todo"
PRINT_SHAPES = ("imprime las formas (por ejemplo {}) justo antes de esa línea y compáralas con las que pide "
                "el enunciado.")
NONE_MEANING = ("Ahí llega `None`, el valor que devuelve una función que termina sin `return` (o un método que "
                "cambia el objeto en vez de devolver uno nuevo, como `lista.sort()`).")
NONE_HINT = "comprueba que cada función termina con `return` y el valor que se pide; imprime lo que llega a esa línea."
KERAS_HINT = ("imprime `X.shape`, `y.shape` y `modelo.summary()`: `keras.Input(shape=...)` lleva la forma de una "
              "muestra (sin el número de muestras) y la última capa da tantos valores por muestra como columnas "
              "tiene `y`.")


def quoted(evalue: str) -> list[str]:
    """The names a message quotes: "name 'x' is not defined" -> ['x']."""
    return re.findall(r"'([^']*)'", evalue)


def name_error(ename: str, evalue: str, context: str) -> Meaning:
    names = quoted(evalue)
    name = names[0] if names else "?"
    if ename == "UnboundLocalError" or "local variable" in evalue or "free variable" in evalue:
        return Meaning(f"la variable {code(name)} se usa dentro de una función antes de recibir un valor",
                       f"Como la función asigna {code(name)} en algún punto, Python la trata como una variable "
                       "local en toda la función, y en esa línea todavía no tiene valor.",
                       "dale un valor antes de usarla o, si querías usar un valor de fuera de la función, "
                       "pásalo como argumento.")
    suggestion = re.search(r"Did you mean:? '([^']+)'", evalue)
    meaning = ("Ningún código ejecutado antes le ha dado valor: o está mal escrito (las mayúsculas cuentan) o se "
               "define en una celda que no se ha ejecutado antes.")
    if suggestion:
        meaning += f" Python sugiere {code(suggestion.group(1))}."
    if context == CHECK:
        hint = (f"ejecuta tu celda de respuesta y las de arriba antes de la comprobación ({RUN_ALL}) y usa "
                "exactamente los nombres de funciones y variables que pide el enunciado.")
    else:
        hint = (f"ejecuta el cuaderno desde el principio, en orden ({RUN_ALL}), y comprueba que el nombre se "
                "escribe igual donde se define y donde se usa.")
    return Meaning(f"Python no conoce el nombre {code(name)}", meaning, hint)


def type_error(evalue: str) -> Meaning:
    call = re.match(r"(\S+?)\(\) (?:missing \d+ required|takes \d+|takes from|got an unexpected keyword|"
                    r"got multiple values|takes no arguments)", evalue)
    if call:
        name = call.group(1)
        return Meaning(f"la llamada a {code(name)} no lleva los argumentos que espera",
                       "Se le pasan más o menos argumentos de los que declara su definición, o uno con un nombre "
                       "que no tiene.",
                       f"compara la llamada con la línea `def {name}(...)` o con su documentación: los mismos "
                       "argumentos, en el mismo orden y con los nombres del enunciado.")
    if "NoneType" in evalue:
        return Meaning("se usa `None` como si fuera un valor", NONE_MEANING, NONE_HINT)
    callable_ = re.match(r"'([^']+)' object is not callable", evalue)
    if callable_:
        return Meaning(f"se llama como a una función a un valor de tipo {code(callable_.group(1))}, que no lo es",
                       "Suele pasar cuando una variable tiene el mismo nombre que una función (por ejemplo "
                       "`sum = 3` y después `sum(...)`): la variable tapa a la función.",
                       "busca una asignación a ese nombre y cambia el nombre de la variable; después reinicia y "
                       "ejecuta todo el cuaderno.")
    if "sequence by non-int" in evalue or "can only concatenate list" in evalue:
        return Meaning("se opera con una lista de Python como si fuera un array",
                       "Las listas no hacen operaciones elemento a elemento (`*` repite la lista y `+` la "
                       "alarga); los arrays de NumPy sí.",
                       "convierte la lista con `np.array(...)` o `np.asarray(...)` antes de operar.")
    operands = re.search(r"for (\S+): '([^']+)' and '([^']+)'", evalue)
    if operands:
        summary = (f"la operación {code(operands.group(1))} no se puede hacer entre un "
                   f"{code(operands.group(2))} y un {code(operands.group(3))}")
    else:
        summary = "una operación o función recibió un valor de un tipo que no admite"
    return Meaning(summary,
                   "El tipo de un valor (número, texto, lista, array, diccionario…) no es el que espera esa "
                   "operación o función.",
                   "imprime `type(...)` de los valores de esa línea y compáralos con lo que pide el enunciado.")


def keras_error(evalue: str) -> Meaning | None:
    text = plain(evalue)
    label = re.search(r"Received a label value of (-?\d+) which is outside the valid range of \[0, (\d+)\)", text)
    if label:
        return Meaning("una etiqueta está fuera del rango de clases del modelo",
                       f"Una etiqueta vale {label.group(1)}, pero la pérdida solo admite valores de 0 a "
                       f"{int(label.group(2)) - 1}: el modelo da {label.group(2)} valores por muestra.",
                       "la última capa necesita tantas unidades como clases haya, y las etiquetas van de 0 al "
                       "número de clases menos 1; imprime `np.unique(y)` y `modelo.summary()`.")
    layer = re.search(r"of layer '?\"?([\w-]+)'?\"? is incompatible with the layer: (.*)", text)
    if layer:
        detail = layer.group(2).split("\n")[0].strip()
        axis = re.search(r"expected axis (-?\d+) of input shape to have value (\d+), but received input with "
                         r"shape (\([^)]*\))", detail)
        ndim = re.search(r"expected ndim=(\d+), found ndim=(\d+)", detail)
        if axis:
            meaning = (f"La capa {code(layer.group(1))} esperaba {axis.group(2)} valores en el último eje y recibió "
                       f"datos de forma {axis.group(3)}.")
        elif ndim:
            meaning = (f"La capa {code(layer.group(1))} esperaba datos de {ndim.group(1)} dimensiones y recibió "
                       f"datos de {ndim.group(2)}.")
        else:
            meaning = f"La capa {code(layer.group(1))} recibió datos de una forma que no admite."
        return Meaning("los datos no tienen la forma que espera el modelo", meaning, KERAS_HINT)
    dims = re.search(r"Dimensions must be equal, but are (\d+) and (\d+).*?input shapes: (\[[^\]]*\]), "
                     r"(\[[^\]]*\])", text, re.S)
    if dims:
        where = " al calcular la pérdida" if "loss" in text else ""
        return Meaning("las formas de dos tensores no encajan",
                       f"Keras combina{where} dos tensores de formas {dims.group(3)} y {dims.group(4)}, y su "
                       f"último eje no coincide ({dims.group(1)} frente a {dims.group(2)}).", KERAS_HINT)
    same = re.search(r"target\.shape=(\([^)]*\)), output\.shape=(\([^)]*\))", text)
    if same:
        return Meaning("la salida del modelo y `y` no tienen la misma forma",
                       f"La pérdida compara `y` (forma {same.group(1)}) con la salida del modelo (forma "
                       f"{same.group(2)}) y necesita que sean iguales.", KERAS_HINT)
    incompatible = re.search(r"Incompatible shapes: (\[[^\]]*\]) vs\. (\[[^\]]*\])", text)
    shapes = re.search(r"Shapes (\([^)]*\)) and (\([^)]*\)) are incompatible", text)
    if incompatible or shapes:
        a, b = (incompatible or shapes).group(1, 2)
        return Meaning("las formas de dos tensores no encajan",
                       f"TensorFlow combina dos tensores de formas {a} y {b}, que no son compatibles.", KERAS_HINT)
    return None


def value_error(evalue: str) -> Meaning:
    keras = keras_error(evalue)
    if keras:
        return keras
    text = plain(evalue)
    broadcast = re.search(r"could not be broadcast together with shapes ((?:\([^)]*\)\s*)+)", text)
    if broadcast:
        shapes = re.findall(r"\([^)]*\)", broadcast.group(1))
        listed = " y ".join(shapes) if len(shapes) == 2 else ", ".join(shapes)
        return Meaning("las formas de los arrays no encajan",
                       f"Para operar elemento a elemento, NumPy necesita formas iguales o compatibles, y aquí son "
                       f"{listed}.", PRINT_SHAPES.format("`print(a.shape, b.shape)`"))
    if "matmul" in text or "not aligned" in text:
        return Meaning("las dimensiones de un producto de matrices no encajan",
                       "En `A @ B` (o `np.dot(A, B)`), el número de columnas de `A` tiene que ser igual al número "
                       "de filas de `B`.", PRINT_SHAPES.format("`print(A.shape, B.shape)`"))
    reshape = re.search(r"cannot reshape array of size (\d+) into shape (\([^)]*\))", text)
    if reshape:
        return Meaning("no se puede cambiar la forma del array",
                       f"`reshape` conserva el número de elementos: {reshape.group(1)} elementos no caben en la forma "
                       f"{reshape.group(2)}.",
                       "imprime `.shape` y `.size` del array antes de cambiarle la forma; un `-1` en una dimensión "
                       "deja que NumPy la calcule.")
    samples = re.search(r"inconsistent numbers of samples: (\[[^\]]*\])", text)
    if samples:
        return Meaning("los datos de entrada y los objetivos no tienen el mismo número de muestras",
                       f"scikit-learn necesita una fila de X por cada valor de y, y aquí hay {samples.group(1)}.",
                       PRINT_SHAPES.format("`print(X.shape, y.shape)`"))
    if "Expected 2D array" in text:
        return Meaning("scikit-learn espera una matriz (muestras, columnas) y recibe un vector",
                       "Los modelos y escaladores de scikit-learn trabajan con datos de 2 dimensiones, aunque "
                       "tengan una sola columna.",
                       "imprime la forma de los datos; una sola columna se escribe `x.reshape(-1, 1)`.")
    unpack = re.search(r"(too many|not enough) values to unpack \(expected (\d+)(?:, got (\d+))?\)", text)
    if unpack:
        got = f" y llegan {unpack.group(3)}" if unpack.group(3) else (" y llegan más" if unpack.group(1) == "too many"
                                                                       else " y llegan menos")
        return Meaning("el número de variables a la izquierda del `=` no coincide con el de valores",
                       f"Se esperaban {unpack.group(2)} valores{got}.",
                       "cuenta cuántos valores devuelve la función (o tiene la secuencia) y asigna tantas variables "
                       "como valores.")
    if "truth value of an array" in text:
        return Meaning("se usa un array de varios elementos como condición",
                       "`if`, `and`, `or` y `not` necesitan un único verdadero o falso, y un array da uno por "
                       "elemento.",
                       "usa `.any()` o `.all()`, o `&` y `|` para combinar arrays elemento a elemento.")
    if "could not convert string to float" in text or "invalid literal for int" in text:
        return Meaning("un texto no se puede convertir en número",
                       "Entre los datos hay un texto que no representa un número.",
                       "imprime los valores que llegan a esa línea y comprueba que son números.")
    if re.search(r"contains NaN|contains infinity", text):
        return Meaning("los datos contienen NaN o infinitos",
                       "Hay valores que faltan (NaN) o que no son finitos, y esta función no los admite.",
                       "búscalos con `np.isnan(...)` o `df.isna().sum()` y mira de dónde vienen.")
    if "shape" in text.lower():
        return Meaning("las formas de los datos no encajan",
                       "Una función recibió datos de una forma que no admite.",
                       PRINT_SHAPES.format("`print(X.shape)`"))
    return Meaning("una función recibió un valor de tipo correcto pero no válido",
                   "El valor no está entre los que admite (un tamaño, una opción o un nombre que no existe…); el "
                   "mensaje original dice cuál.",
                   "lee el mensaje original y comprueba, con `print`, los valores que llegan a esa línea.")


def index_error(evalue: str) -> Meaning:
    bounds = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", evalue)
    hint = "imprime `len(...)` o `.shape` de lo que indexas y revisa los límites de los bucles (`range`)."
    if bounds:
        size = int(bounds.group(3))
        valid = f"de 0 a {size - 1}" if size else "ninguna: está vacío"
        return Meaning(f"se pide la posición {bounds.group(1)} de un eje que tiene {size} elementos",
                       f"Las posiciones válidas del eje {bounds.group(2)} son {valid}.", hint)
    many = re.search(r"array is (\d+)-dimensional, but (\d+) were indexed", evalue)
    if many:
        dims = f"{many.group(1)} dimensión" if many.group(1) == "1" else f"{many.group(1)} dimensiones"
        return Meaning(f"se indexa con {many.group(2)} índices un array de {dims}",
                       "Un array se indexa con, como mucho, un índice por dimensión.",
                       "imprime `.shape` del array; quizá es un vector donde esperabas una matriz.")
    kind = re.match(r"(list|tuple|string) index", evalue)
    thing = {"list": "una lista", "tuple": "una tupla", "string": "un texto"}.get(kind.group(1) if kind else "",
                                                                                "una secuencia")
    return Meaning(f"se pide una posición que no existe en {thing}",
                   "Las posiciones van de 0 a `len(...) - 1`: la secuencia es más corta de lo que supone el código.",
                   hint)


def key_error(evalue: str) -> Meaning:
    key = evalue.strip() or "?"
    meaning = "Se busca una clave que no está: escrita de otra forma o que nunca se añadió."
    if re.fullmatch(r"['\"]val_\w+['\"]", key):
        meaning += (" Las claves que empiezan por «val_» de `historia.history` solo existen si `fit` recibe datos "
                    "de validación (`validation_data` o `validation_split`).")
    return Meaning(f"la clave {code(key)} no está en el diccionario o en la tabla", meaning,
                   "imprime las claves que hay (`d.keys()` o `df.columns`) y compáralas con la que buscas.")


def attribute_error(evalue: str) -> Meaning:
    found = re.match(r"'([^']+)' object has no attribute '([^']+)'", evalue)
    module = re.match(r"module '([^']+)' has no attribute '([^']+)'", evalue)
    hint = "imprime `type(...)` del objeto y comprueba el nombre en la documentación (o con `dir(...)`)."
    if found and found.group(1) == "NoneType":
        return Meaning(f"se pide {code('.' + found.group(2))} a `None`", NONE_MEANING, NONE_HINT)
    if module:
        return Meaning(f"el módulo {code(module.group(1))} no tiene nada llamado {code(module.group(2))}",
                       "El nombre está mal escrito o pertenece a otro módulo o a otra versión de la biblioteca.",
                       "comprueba el nombre en la documentación de la biblioteca.")
    if found:
        summary = f"un objeto de tipo {code(found.group(1))} no tiene el atributo o método {code(found.group(2))}"
    else:
        summary = "se pide a un objeto un atributo o método que no tiene"
    return Meaning(summary, "O el objeto no es del tipo que se espera ahí, o el nombre está mal escrito.", hint)


def import_error(ename: str, evalue: str) -> Meaning:
    module = re.search(r"No module named '([^']+)'", evalue)
    name = re.search(r"cannot import name '([^']+)' from '([^']+)'", evalue)
    if name:
        return Meaning(f"el módulo {code(name.group(2))} no tiene nada llamado {code(name.group(1))}",
                       "El nombre está mal escrito o se importa de otro módulo.",
                       "comprueba en la documentación cómo se llama y de qué módulo se importa.")
    what = code(module.group(1)) if module else "un módulo"
    return Meaning(f"no se puede importar {what}",
                   "No está instalado donde se corrige el cuaderno o su nombre está mal escrito; el corrector "
                   "no instala paquetes.",
                   "usa solo las bibliotecas que importa el propio cuaderno (numpy, pandas, scikit-learn, keras…) "
                   "y comprueba cómo se escribe su nombre.")


SYNTAX = (
    ("was never closed", "se abre un paréntesis, corchete o llave que no se cierra"),
    ("unmatched", "se cierra un paréntesis, corchete o llave que no se había abierto"),
    ("does not match opening parenthesis", "un paréntesis, corchete o llave se cierra con otro signo"),
    ("unterminated string", "unas comillas de texto no se cierran"),
    ("unterminated triple-quoted", "unas comillas triples de texto no se cierran"),
    ("expected ':'", "faltan los dos puntos (`:`) al final de un `def`, `if`, `for` o `while`"),
    ("incomplete input", "el código termina antes de tiempo: falta cerrar un paréntesis, unas comillas o un bloque"),
    ("Perhaps you forgot a comma", "Python cree que falta una coma entre dos elementos"),
    ("cannot assign to", "a la izquierda de un `=` hay algo a lo que no se puede asignar (¿querías `==`?)"),
)


def syntax_error(ename: str, evalue: str) -> Meaning:
    message = SYNTAX_LINE.sub("", plain(evalue).splitlines()[0] if evalue else "")
    if ename in ("IndentationError", "TabError"):
        return Meaning("la sangría (los espacios al principio de la línea) no es la que Python espera",
                       "Python usa la sangría para saber qué líneas van dentro de un `def`, `if` o `for`; la celda "
                       "no llegó a ejecutarse.",
                       "usa 4 espacios por nivel, sin mezclar tabuladores; el cuerpo de un `def`, `if` o `for` va un "
                       "nivel más adentro que su primera línea.")
    detail = next((text for key, text in SYNTAX if key in message), "")
    return Meaning("Python no entiende el código: hay un error de sintaxis",
                   (f"Aquí {detail}. " if detail else "") + "Con un error de sintaxis, Python no ejecuta ninguna línea de "
                   "la celda.",
                   "mira esa línea y la anterior: paréntesis, comillas, comas y dos puntos.")


def marker(ename: str, evalue: str, context: str) -> str:
    """The sentence for a cell the grader stopped: time limit or a kernel that died."""
    subject = {ANSWER: "tu celda de respuesta", CHECK: "la comprobación de esta pregunta"}.get(context, "esta celda")
    capital = subject[:1].upper() + subject[1:]
    if BEFORE_THIS_CELL in evalue:
        earlier = ("una celda anterior superó el tiempo máximo y no se detuvo al interrumpirla" if ename == TIMEOUT
                   else "el proceso de Python ya había terminado en una celda anterior")
        return f"{capital} no llegó a ejecutarse: {earlier}."
    if ename == TIMEOUT:
        if NOT_STOPPED in evalue:
            return (f"{capital} superó el tiempo máximo por celda y no se detuvo al interrumpirla, así que el resto "
                    "del cuaderno no se ejecutó.")
        return f"{capital} se interrumpió porque superó el tiempo máximo por celda."
    return f"El proceso de Python (el kernel) terminó de golpe durante {subject}."


MARKER_MEANING = {
    TIMEOUT: Meaning("", "Suele deberse a un bucle que no termina o a demasiadas iteraciones o épocas.",
                     "revisa las condiciones de los bucles y usa el número de iteraciones o de épocas que pide el "
                     "enunciado."),
    KERNEL_DIED: Meaning("", "Pasa cuando se queda sin memoria o cuando el código llama a `os._exit` o `sys.exit`.",
                         "reinicia el kernel, ejecuta todo y mira en qué celda se detiene; revisa el tamaño de los "
                         "arrays y de los modelos que creas."),
}


def stopped(error: str, context: str = ANSWER) -> str:
    """The sentence for a cell the grader stopped (its marker: time limit, kernel that died), or ''."""
    ename, evalue = parse(error)
    return marker(ename, evalue, context) if ename in (TIMEOUT, KERNEL_DIED) else ""


def meaning_of(ename: str, evalue: str, context: str = ANSWER) -> Meaning:
    """What an error of this kind and message means, and a hint that fits it."""
    text = plain(evalue)
    if ename in ("NameError", "UnboundLocalError"):
        return name_error(ename, text, context)
    if ename == "TypeError":
        return type_error(text)
    if ename in ("ValueError", "InvalidArgumentError"):
        return value_error(text)
    if ename == "IndexError":
        return index_error(text)
    if ename == "KeyError":
        return key_error(text)
    if ename == "AttributeError":
        return attribute_error(text)
    if ename == "ZeroDivisionError":
        return Meaning("se divide entre cero",
                       "Un denominador vale 0: por ejemplo la longitud de una lista vacía, un contador que no "
                       "aumenta o una desviación típica nula.",
                       "imprime el denominador antes de dividir y busca por qué vale 0.")
    if ename in ("ImportError", "ModuleNotFoundError"):
        return import_error(ename, text)
    if ename in ("SyntaxError", "IndentationError", "TabError"):
        return syntax_error(ename, text)
    if ename.endswith("MemoryError") or ename == "ResourceExhaustedError" or "OOM when allocating" in text:
        size = re.search(r"Unable to allocate ([\d.]+ \w+)", text)
        return Meaning("el código se quedó sin memoria",
                       "Un array, un modelo o una lista pide más memoria de la que hay"
                       + (f" (aquí, {size.group(1)})." if size else "."),
                       "revisa el tamaño de los arrays que creas (`np.zeros`, productos de matrices grandes, listas "
                       "que crecen en un bucle) y el número de muestras o de unidades.")
    if ename == "NotImplementedError":
        if text.startswith("Pregunta sin responder"):
            return Meaning("queda el `raise NotImplementedError(...)` del enunciado",
                           "Es la línea que marca una respuesta todavía sin escribir.",
                           "sustituye esa línea por tu código y vuelve a ejecutar la celda.")
        return Meaning("se llamó a algo que no está implementado",
                       "Una función o método lanzó `NotImplementedError`: no tiene código para este caso.",
                       "lee el mensaje original y comprueba a qué se llama en esa línea.")
    if ename == "RecursionError":
        return Meaning("una función se llama a sí misma sin parar",
                       "Python se detiene cuando hay demasiadas llamadas anidadas.",
                       "comprueba que la función no se llama a sí misma por error (por ejemplo, una función que "
                       "llama a otra con el mismo nombre).")
    if ename in ("FileNotFoundError", "IsADirectoryError", "PermissionError"):
        return Meaning("no se puede abrir un archivo",
                       "Donde se corrige el cuaderno solo está el cuaderno: no hay otros archivos ni conexión a "
                       "internet.",
                       "usa los datos que crea o carga el propio cuaderno, no archivos de tu ordenador.")
    if ename == "OverflowError":
        return Meaning("un número es demasiado grande para representarlo",
                       "Una cuenta crece sin límite: por ejemplo, un entrenamiento que diverge.",
                       "imprime los valores intermedios y revisa la tasa de aprendizaje y las operaciones que crecen.")
    if ename == "KeyboardInterrupt":
        return Meaning("la ejecución se interrumpió",
                       "Es lo que pasa al pulsar el botón de detener o al lanzar `KeyboardInterrupt` en el código.",
                       "quita del código lo que interrumpe la ejecución y vuelve a ejecutar la celda.")
    if ename == "AssertionError":
        return Meaning("una comprobación `assert` no se cumple",
                       "Un `assert` de ese código comprobó una condición que resultó falsa.",
                       "lee su mensaje y la condición que comprueba, e imprime los valores que compara.")
    if ename == "StopIteration":
        return Meaning("se pidió el siguiente elemento de un iterador que ya no tiene más",
                       "El iterador (o generador) ya se recorrió entero.",
                       "crea el iterador de nuevo antes de recorrerlo otra vez, o recórrelo una sola vez.")
    article = code(ename) if ename else "desconocido"
    return Meaning(f"Python lanzó un error de tipo {article}",
                   "El mensaje original, en inglés, dice qué falló.",
                   "prueba por separado la parte del código de esa línea, con valores sencillos, e imprime los "
                   "valores intermedios.")


# ----------------------------------------------------------------------------- sentences

LEADS = {
    ANSWER: "Tu celda de respuesta terminó con un error{where}, así que lo que va detrás no llegó a ejecutarse: ",
    CHECK: "La comprobación de esta pregunta terminó con un error{where}: ",
    CALL: "",
}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain(error: str, traceback=None, context: str = ANSWER) -> Explanation:
    """One Spanish explanation of an error ("Type: message", as verdicts keep it).

    context: ANSWER (the student's answer cell ended with it), CHECK (a test cell did) or CALL
    (no lead: the caller says what failed). traceback: the error output's `traceback`, if any."""
    ename, evalue = parse(error)
    if ename in (TIMEOUT, KERNEL_DIED):
        info = MARKER_MEANING[ename]
        return Explanation(f"{marker(ename, evalue, context)} {info.meaning}", info.hint)
    if ename == "AssertionError" and context == CHECK:
        return Explanation(evalue or "Tu respuesta no supera las comprobaciones de esta pregunta.", "")
    where = student_line(traceback, context) if traceback else None
    if where is None and ename in ("SyntaxError", "IndentationError", "TabError") and context == ANSWER:
        line = syntax_line(evalue)
        where = Where(line) if line else None
    info = meaning_of(ename, evalue, context)
    original = f" ({code(one_liner(ename, evalue))})"
    lead = LEADS.get(context, "").format(where=where_text(where))
    if lead:
        text = lead + info.summary + original
    elif where is not None:
        text = capitalised(where_text(where).strip()) + ": " + info.summary + original
    else:
        text = capitalised(info.summary) + original
    return Explanation(f"{text}. {info.meaning}".strip(), info.hint)


RAISED = re.compile(r"\blanz(?:ó|a) (?P<ename>[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Iteration))\b(?P<rest>.*)",
                    re.S)


def gloss(message: str) -> str:
    """A check's message, kept as it is; if it quotes an exception the student's code raised
    ("..., la llamada f(X) lanzó ValueError: ..."), what that exception means and a hint are added."""
    found = RAISED.search(message or "")
    if not found or HINT in message:
        return message
    ename, rest = found.group("ename"), found.group("rest")
    evalue = rest.partition(":")[2] if ":" in rest else rest
    if ename in (TIMEOUT, KERNEL_DIED, "AssertionError"):
        return message
    info = meaning_of(ename, evalue.strip(), CALL)
    return f"{message.rstrip()}\nQué significa: {info.summary} ({code(ename)}). {info.meaning}{HINT}{info.hint}"
