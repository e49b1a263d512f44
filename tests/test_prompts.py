"""Prompts that agree with their checks (issue 17, item 5): every setting a question's prompt fixes
(a number, an option, a name, "por defecto") is read by that question's hidden tests.

One table per exercise: (question, the setting as the prompt writes it, what the hidden tests must
contain to read it, as a regular expression). Each row asserts both halves: the prompt says it and
the hidden blocks of that question's test cell read it. A setting the prompt should not fix is
reworded rather than left unread: `verbose=0` is said not to count (VERBOSE_OPTIONAL).

The prompt of a question is the markdown from the previous test cell down to its own test cell
(its heading, its text and the notes between its cells).
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SLUGS
from taller import masters


def prompts_and_hidden(slug: str) -> dict[str, tuple[str, str]]:
    """question -> (its prompt's markdown, the code of its hidden blocks)."""
    nb = masters.read(ROOT / "source" / slug / f"{slug}.ipynb")
    found, markdown = {}, []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            markdown.append(cell.source)
        elif masters.is_test_cell(cell):
            hidden = "".join(code for is_hidden, code in masters.split_hidden(cell.source) if is_hidden)
            found[masters.nbgrader_meta(cell)["grade_id"]] = ("\n".join(markdown), hidden)
            markdown = []
    return found


# (question, setting as written in the prompt, regex the hidden tests must match)
SETTINGS = {
    "00-conceptos": [
        ("cc-tipos-aprendizaje", '`"supervisado"`, `"no supervisado"` o `"refuerzo"`', r'"no supervisado"'),
        ("cc-tasa-efectos", "el orden no importa", r"_resp = \{str\(v\)"),
    ],
    "01-descenso-gradiente": [
        ("gd-entrenar", "Empieza con `w` = vector de ceros de forma `(d,)` y `b = 0.0`",
         r"no empiezas con w = ceros y b = 0"),
        ("gd-entrenar", "`historial` tiene exactamente `n_iter` valores", r"len\(.*hist"),
        ("gd-entrenar", "`historial[0]` es la pérdida con los parámetros iniciales", r"historial\[0\]"),
        ("gd-alpha", "con `n_iter = 100`", r"float\(alpha_pequeno\), 100\)"),
        ("gd-alpha", "`historial[-1] > 1.10 * L*`", r">\s*1\.10 \* _L_opt"),
        ("gd-alpha", "`historial[-1] <= 1.01 * L*`", r"<=\s*1\.01 \* _L_opt"),
        ("gd-alpha", "`historial[-1] < historial[-2]`", r"\[-1\] < _hp\[-2\]|_hp\[-2\]"),
        ("gd-alpha", "`historial[-1] > historial[0]`", r"_hg\[-1\] > _hg\[0\]|_hg\[0\]"),
    ],
    "02-preprocesamiento": [
        ("pp-division", "el 70 %, el 15 % y el 15 % de las filas", r"\(0\.70, 0\.15, 0\.15\)"),
        ("pp-division", "se admite una fila de diferencia por el redondeo", r"<= 1|<= *1\b"),
        # a train_df without its "target" column (pop, inplace=True) fails here
        ("pp-separar", "No modifiques `train_df`, `val_df` ni `test_df`", r'_d\.drop\(columns="target"\)'),
        ("pp-estandarizar", "la desviación típica **poblacional** (`ddof=0`)", r"_Xtr\.std\(axis=0, ddof=1\)"),
        ("pp-estandarizar", "dividiendo entre 1 en las columnas constantes", r"_uno_si_cero"),
        ("pp-estandarizar", "no modifica `X_train` ni `X`", r"np\.array_equal\(np\.asarray\(_Xtr\), np\.asarray\(_Xtr_copia\)\)"),
        ("pp-preparar", "`(X_train_std, y_train, X_val_std, y_val, X_test_std, y_test)`", r"preparar_conjuntos"),
    ],
    "03-redes-densas": [
        ("rd-modelo", "| oculta 1 | `layers.Dense` | 32 | ReLU |",
         r'Dense\(32, activation="relu"\),\s*\n\s*keras\.layers\.Dense\(16, activation="relu"\)'),
        ("rd-modelo", "| salida | `layers.Dense` | 1 | lineal (sin activación) |", r'"linear"'),
        ("rd-modelo", "las pruebas ocultas construyen el\n  modelo con otro número de entradas", r'a\["unidades"\] == b\["unidades"\]'),
        ("rd-evaluar", "las pruebas ocultas piden al menos un 20 % menos", r"_MEJORA_MINIMA = 0\.20"),
        ("rd-clasificador", "el optimizador Adam (tasa de aprendizaje por defecto)", r"no es la tasa por defecto de Adam"),
        ("rd-clasif-calidad", "piden al menos 0,85", r"_EXACTITUD_MINIMA = 0\.85"),
        ("rd-compilar", "`initial_learning_rate=0.01`, `decay_steps=300` y `decay_rate=1.0`",
         r'"initial_learning_rate", "decay_steps", "decay_rate", "staircase"'),
        ("rd-compilar", "`keras.optimizers.Adam`", r'_opt == "Adam"'),
        ("rd-compilar", '(`"mae"`)', r'"mae"'),
        ("rd-entrenar", "durante `epocas` épocas", r"_ep == 2"),
        ("rd-entrenar", "(`batch_size=32`)", r"len\(_Xa\) / 32"),
        ("rd-entrenar", "`validation_data=(X_va, y_va)`", r"val_loss"),
        ("rd-clasificador", "una capa oculta `Dense` de 16 unidades con ReLU", r'Dense\(16, activation="relu"\)'),
        ("rd-clasificador", '`Dense(1, activation="sigmoid")`', r'"sigmoid"'),
        ("rd-clasificador", '`"accuracy"`', r'"accuracy"'),
    ],
    "04-redes-recurrentes": [
        ("rr-dividir", "`int(len(serie) * frac_entrenamiento)`", r"int\(n \* f_tr\)"),
        ("rr-dividir", "`int(len(serie) * frac_validacion)`", r"int\(n \* f_va\)"),
        ("rr-dividir", "vacía si las dos fracciones suman 1", r"0\.75, 0\.25"),
        ("rr-escalar", "`ddof=0`", r"ddof=1"),
        ("rr-rnn", "`optimizer=keras.optimizers.Adam(learning_rate=0.01)`", r"np\.isclose\(float\(_tasa\), 0\.01"),
        ("rr-rnn", '`loss="mse"`', r'_p == "mse"'),
        ("rr-rnn", '`metrics=["mae"]`', r'"mae" in _met'),
        ("rr-apilada", "Adam con `learning_rate=0.01`", r"np\.isclose\(float\(_tasa\), 0\.01"),
        ("rr-rnn", "Adam", r'type\(_opt\)\.__name__ == "Adam"'),
        ("rr-apilada", "return_sequences", r"return_sequences"),
        ("rr-apilada", "Deja las demás opciones de las capas con sus valores por defecto", r"_opciones_cambiadas"),
        ("rr-apilada", "LSTM", r"ambas LSTM o ambas GRU"),
        ("rr-densa", '`layers.Dense(unidades, activation="relu")`', r'"activacion": "relu"'),
        ("rr-densa", "`layers.Flatten()`", r'"tipo": "Flatten"'),
        ("rr-predecir", "como un vector de NumPy de forma `(muestras,)`", r"isinstance\(_sal, np\.ndarray\)"),
    ],
    "05-regularizacion": [
        ("rg-penalizacion", "de todas las capas `Dense` **menos la de salida**", r"_kernels\(m\)\[:-1\]"),
        ("rg-penalizacion", "Los sesgos (`bias`) no se incluyen", r"_sesgos\(m\)"),
        ("rg-penalizacion", "La suma es sobre todos los pesos, no una media", r"una media de los cuadrados en vez de una suma"),
        ("rg-penalizacion", "como `float`", r"isinstance\(_r, \(float, np\.floating\)\)"),
        ("rg-comparar", "**sin** penalización", r"incluye la penalización L2"),
        ("rg-comparar", "como `float`", r"isinstance\(_v, \(float, np\.floating\)\)"),
        ("rg-comparar", "devuelve el **nombre** del\n  modelo con menor MSE", r"mejor_modelo\(dict\(_res\)\)"),
        ("rg-l2", "`kernel_regularizer` L2(`lam`)", r"kernel_regularizer=keras\.regularizers\.L2\(lam\)"),
        ("rg-l2", "No añadas otras regularizaciones (`bias_regularizer`, `activity_regularizer`)",
         r'cfg\.get\("bias_regularizer"\).*\n.*cfg\.get\("activity_regularizer"\)'),
        ("rg-l2", "`UNIDADES` (128)", r"Dense\(UNIDADES"),
        ("rg-dropout", "con un `Dropout(tasa)` **después de cada capa oculta**",
         r'Dense\(UNIDADES, activation="relu"\), keras\.layers\.Dropout\(tasa\)'),
        ("rg-parada", '`monitor="val_loss"`', r'_cb\.monitor == "val_loss"'),
        ("rg-parada", "(`patience`)", r"_cb\.patience == _pac"),
        ("rg-parada", "`restore_best_weights=True`", r"_cb\.restore_best_weights is True"),
        ("rg-parada", "con los demás argumentos en sus valores por defecto", r"valores por defecto"),
    ],
    "06-ajuste-hiperparametros": [
        ("ah-espacio", "de 8 a 32 con paso 8", r'\("min_value", 8\), \("max_value", 32\), \("step", 8\)'),
        ("ah-espacio", "muestreo lineal (el de por defecto)", r'_c\.get\("sampling", "linear"\)'),
        ("ah-espacio", "`[0.01, 0.001]`", r'_c\.get\("values"'),
        ("ah-espacio", "`hp.Boolean`", r'_clase == "Boolean"'),
        ("ah-construir", "`layers.Dropout(0.2)`", r'"tasa": getattr\(capa, "rate"'),
        ("ah-construir", '`"mse"`', r'_p == "mse"'),
        ("ah-construir", '`"mae"`', r'"mae" in _met'),
        ("ah-buscador", '`objective="val_loss"`', r'_obj\.name == "val_loss"'),
        ("ah-buscador", "`max_trials=4`", r"_max == 4"),
        ("ah-buscador", "`seed=42`", r"_semilla"),
        ("ah-buscador", '`project_name="ajuste"`', r'_proyecto_nombre == "ajuste"'),
        ("ah-buscador", "`overwrite=True`", r"overwrite=True"),
        ("ah-buscador", "`max_epochs=3`", r"_ep == 3"),
        ("ah-reentrenar", "`epochs=epocas`", r"_ep == 2"),
        ("ah-evaluar", "como un número (`float`)", r"isinstance\(_v, \(float, np\.floating\)\)"),
        ("ah-reentrenar", "`batch_size=32`", r'_lote in \(None, 32\)'),
    ],
}

# `verbose=0` only silences Keras's output: where a prompt mentions it for the student's own call,
# it says that it does not count, so that no check needs to read it.
VERBOSE_OPTIONAL = [("03-redes-densas", "rd-entrenar"), ("04-redes-recurrentes", "rr-predecir"),
                    ("06-ajuste-hiperparametros", "ah-reentrenar")]

ROWS = [pytest.param(slug, q, said, read, id=f"{q}: {said[:40]}") for slug, rows in SETTINGS.items()
        for q, said, read in rows]


def test_every_exercise_has_a_table():
    assert sorted(SETTINGS) == SLUGS
    for slug, rows in SETTINGS.items():
        questions = prompts_and_hidden(slug)
        assert {q for q, _, _ in rows} <= set(questions), slug


@pytest.mark.parametrize("slug,question,said,read", ROWS)
def test_each_setting_the_prompt_states_is_read_by_its_hidden_tests(slug, question, said, read):
    prompt, hidden = prompts_and_hidden(slug)[question]
    assert said in prompt, f"{question}: the prompt no longer says {said!r}"
    assert re.search(read, hidden), f"{question}: the prompt says {said!r}, no hidden test reads it ({read!r})"


def test_a_setting_read_by_another_question_does_not_count():
    """The tables are per question: a setting read by a neighbour's hidden test is not read here."""
    prompt, hidden = prompts_and_hidden("06-ajuste-hiperparametros")["ah-espacio"]
    assert not re.search(r"_max == 4", hidden) and "max_trials=4" not in prompt


@pytest.mark.parametrize("slug,question", VERBOSE_OPTIONAL)
def test_verbose_is_said_not_to_count(slug, question):
    prompt, hidden = prompts_and_hidden(slug)[question]
    assert "verbose=0" in prompt and "no cuenta para la nota" in prompt
    assert not re.search(r'_kw\.get\("verbose"\)|"verbose"', hidden)  # nobody reads the student's verbose
