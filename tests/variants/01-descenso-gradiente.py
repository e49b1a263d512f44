"""Known-wrong and known-right answers for source/01-descenso-gradiente/01-descenso-gradiente.ipynb.

Each variant replaces whole solution cells (keyed by the solution cell's grade_id) in the release
notebook completed with the reference answers. `lost` lists the questions that must score zero;
every other question keeps full marks. See docs/authoring.md.

Questions: gd-predecir (1), gd-perdida-sse (1), gd-perdida-mse (1), gd-gradientes (2), gd-paso (1),
gd-entrenar (2), gd-minimos-cuadrados (1), gd-alpha (2).
"""

VARIANTS = [
    # ------------------------------------------------------------------ known-wrong answers
    # gd-predecir
    dict(name="predecir_sin_sesgo",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante (olvida el sesgo)."""
    return X @ w
'''},
         lost=["gd-predecir"],
         says={"gd-predecir": "no suma el sesgo b"}),
    dict(name="predecir_traspuesta",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante (traspone X por error)."""
    return X.T @ w + b
'''},
         lost=["gd-predecir"],
         says={"gd-predecir": "devuelve X.T @ w = [-2, -2] en lugar de X @ w = [-1, -1]: no traspongas X"}),
    dict(name="predecir_con_empty_like_de_x",
         # Preallocating with X's dtype truncates every prediction when X holds integers.
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante con un bucle sobre los ejemplos."""
    y_pred = np.empty_like(X[:, 0])
    for i in range(X.shape[0]):
        y_pred[i] = X[i] @ w + b
    return y_pred
'''},
         lost=["gd-predecir"],
         says={"gd-predecir": "devuelve un array de enteros (int64) y las predicciones pierden los decimales"}),
    dict(name="predecir_con_bucle_y_zeros_float",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante con un bucle sobre los ejemplos."""
    y_pred = np.zeros(len(X))
    for i in range(len(X)):
        y_pred[i] = np.dot(X[i], w) + b
    return y_pred
'''},
         lost=[]),

    # gd-perdida-sse
    dict(name="perdida_sse_es_la_media",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE (pero calcula la media)."""
    return np.mean((y_obs - y_pred) ** 2)
'''},
         lost=["gd-perdida-sse"],
         says={"gd-perdida-sse": "divides entre n"}),
    dict(name="perdida_sse_cuadrado_de_la_suma",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE (pero eleva al cuadrado la suma de los errores)."""
    return np.sum(y_obs - y_pred) ** 2
'''},
         lost=["gd-perdida-sse"],
         says={"gd-perdida-sse": "elevas al cuadrado la suma"}),

    # gd-perdida-mse: suma y media confundidas
    dict(name="perdida_mse_devuelve_la_suma",
         cells={"gd-perdida-mse-sol": '''\
def perdida_mse(y_obs, y_pred):
    """MSE (pero devuelve la suma)."""
    return np.sum((y_obs - y_pred) ** 2)
'''},
         lost=["gd-perdida-mse"],
         says={"gd-perdida-mse": "devuelves la suma (SSE)"}),

    # gd-gradientes
    dict(name="gradiente_signo_invertido",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE (con el signo cambiado)."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    dw = 2.0 / n * (X.T @ r)
    db = 2.0 / n * np.sum(r)
    return dw, db
'''},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "tiene el signo invertido"}),
    dict(name="gradiente_de_la_suma_sin_1_entre_n",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la SSE en lugar de la MSE (falta 1/n)."""
    r = y - predecir(X, w, b)
    dw = -2.0 * (X.T @ r)
    db = -2.0 * np.sum(r)
    return dw, db
'''},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "falta el factor 1/n"},
         never_says={"gd-gradientes": "dos veces"}),
    dict(name="gradiente_sin_factor_2",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE sin el factor 2."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return -(X.T @ r) / n, -np.sum(r) / n
'''},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "falta el factor 2"}),
    dict(name="gradiente_db_cero",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE, pero olvida el de b."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    dw = -2.0 / n * (X.T @ r)
    db = 0.0
    return dw, db
'''},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "respecto a b vale 0"},
         never_says={"gd-gradientes": "respecto a w"}),
    dict(name="gradiente_db_sin_dividir_entre_n",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """dw bien; db con la suma en lugar de la media."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return -2.0 / n * (X.T @ r), -2.0 * np.sum(r)
'''},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "respecto a b es n veces mayor"},
         never_says={"gd-gradientes": "respecto a w"}),

    # gd-paso
    dict(name="paso_suma_el_gradiente",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente (con + en lugar de -)."""
    return w + alpha * dw, b + alpha * db
'''},
         lost=["gd-paso"],
         says={"gd-paso": "sumas el gradiente en lugar de restarlo"}),
    dict(name="paso_modifica_w_en_el_sitio",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente que modifica w en el sitio."""
    w -= alpha * dw
    b -= alpha * db
    return w, b
'''},
         lost=["gd-paso"],
         says={"gd-paso": "en el sitio"}),
    dict(name="paso_sin_alpha",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente que olvida alpha."""
    return w - dw, b - db
'''},
         lost=["gd-paso"],
         says={"gd-paso": "no multiplicas el gradiente por la tasa de aprendizaje"}),

    # gd-entrenar
    dict(name="entrenar_historial_tras_actualizar",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente; guarda la pérdida después del paso (desfase de una iteración)."""
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = []
    for _ in range(n_iter):
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
        historial.append(perdida_mse(y, predecir(X, w, b)))
    return w, b, historial
'''},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "historial[0] debería ser la pérdida MSE con los parámetros iniciales"}),
    dict(name="entrenar_historial_con_un_valor_de_mas",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente; añade también la pérdida final (n_iter + 1 valores)."""
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = []
    for _ in range(n_iter):
        historial.append(perdida_mse(y, predecir(X, w, b)))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    historial.append(perdida_mse(y, predecir(X, w, b)))
    return w, b, historial
'''},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "historial debe tener 4 valores"}),
    dict(name="entrenar_empieza_en_unos",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente que no empieza en ceros."""
    w = np.ones(X.shape[1])
    b = 1.0
    historial = []
    for _ in range(n_iter):
        historial.append(perdida_mse(y, predecir(X, w, b)))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    return w, b, historial
'''},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "no empiezas con w = ceros y b = 0"}),
    dict(name="entrenar_historial_con_sse",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente que guarda la SSE en lugar de la MSE."""
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = []
    for _ in range(n_iter):
        historial.append(perdida_sse(y, predecir(X, w, b)))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    return w, b, historial
'''},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "historial guarda la SSE"},
         never_says={"gd-entrenar": "desplazado"}),

    # gd-minimos-cuadrados
    dict(name="minimos_cuadrados_sin_columna_de_unos",
         cells={"gd-minimos-cuadrados-sol": '''\
def minimos_cuadrados(X, y):
    """Mínimos cuadrados sin sesgo."""
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    return w, 0.0
'''},
         lost=["gd-minimos-cuadrados"],
         says={"gd-minimos-cuadrados": "ajuste SIN sesgo"}),

    # gd-alpha: valores fuera de su régimen
    dict(name="alpha_grande_que_converge",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.005
alpha_bueno = 0.1
alpha_grande = 0.3
'''},
         lost=["gd-alpha"],
         says={"gd-alpha": "alpha_grande = 0.3"},
         never_says={"gd-alpha": "alpha_pequeno ="}),
    dict(name="alpha_pequeno_que_ya_converge",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.05
alpha_bueno = 0.2
alpha_grande = 0.5
'''},
         lost=["gd-alpha"],
         says={"gd-alpha": "alpha_pequeno = 0.05"}),
    dict(name="alpha_bueno_que_no_llega",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.001
alpha_bueno = 0.01
alpha_grande = 0.5
'''},
         lost=["gd-alpha"],
         says={"gd-alpha": "alpha_bueno = 0.01"}),
    dict(name="alpha_intercambiados",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.5
alpha_bueno = 0.2
alpha_grande = 0.005
'''},
         lost=["gd-alpha"],
         says={"gd-alpha": "alpha_pequeno < alpha_bueno < alpha_grande"}),
    dict(name="alpha_como_texto",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = "0.005"
alpha_bueno = "0.2"
alpha_grande = "0.5"
'''},
         lost=["gd-alpha"],
         says={"gd-alpha": "debe ser un número"}),

    # ---- class 4: a broken earlier function costs only its own question (visible and hidden checks)
    dict(name="predecir_devuelve_columna",
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante que devuelve una columna (n, 1).\"\"\"
    return (X @ w + b).reshape(-1, 1)
"""},
         lost=["gd-predecir"],
         says={"gd-predecir": "Es una columna (n, 1)"}),
    dict(name="predecir_w_como_columna",
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante con w convertido en columna: devuelve (n, 1).\"\"\"
    return X @ w.reshape(-1, 1) + b
"""},
         lost=["gd-predecir"],
         says={"gd-predecir": "pero devuelve forma (100, 1)"}),
    dict(name="predecir_columna_y_celda_alpha_que_falla",
         # The answer cell of gd-alpha trains with the broken predecir and crashes after assigning the
         # three values: gd-alpha is still judged on its own merit (its hidden check trains by itself).
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante que devuelve una columna (n, 1).\"\"\"
    return (X @ w + b).reshape(-1, 1)
""",
                "gd-alpha-sol": """\
alpha_pequeno = 0.005
alpha_bueno = 0.2
alpha_grande = 0.5

w_opt, b_opt = minimos_cuadrados(X, y)
L_opt = perdida_mse(y, predecir(X, w_opt, b_opt))
plt.figure(figsize=(7, 4))
for nombre, a in [("pequeño", alpha_pequeno), ("bueno", alpha_bueno), ("grande", alpha_grande)]:
    _, _, hist = entrenar(X, y, a, 100)
    plt.plot(hist, label=f"α = {a} ({nombre})")
plt.axhline(L_opt, color="k", linestyle="--")
plt.yscale("log")
plt.legend()
plt.show()
"""},
         lost=["gd-predecir"],
         says={"gd-predecir": "Es una columna (n, 1)"}),
    dict(name="predecir_sin_hacer",
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante del modelo lineal.\"\"\"
    # ESCRIBE TU CÓDIGO AQUÍ
    raise NotImplementedError()
"""},
         lost=["gd-predecir"]),
    dict(name="perdida_sse_sin_sumar_y_mse_que_la_usa",
         cells={"gd-perdida-sse-sol": """\
def perdida_sse(y_obs, y_pred):
    \"\"\"SSE que olvida sumar: devuelve un vector.\"\"\"
    return (y_obs - y_pred) ** 2
""",
                "gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"MSE reutilizando perdida_sse.\"\"\"
    return perdida_sse(y_obs, y_pred) / len(y_obs)
"""},
         lost=["gd-perdida-sse"],
         says={"gd-perdida-sse": "perdida_sse debe devolver un número"}),
    dict(name="perdida_mse_sin_promediar",
         cells={"gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"MSE que olvida promediar: devuelve un vector.\"\"\"
    return (y_obs - y_pred) ** 2
"""},
         lost=["gd-perdida-mse"],
         says={"gd-perdida-mse": "perdida_mse debe devolver un número"}),
    dict(name="gradientes_dw_columna",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente de la MSE con dw en forma de columna (d, 1).\"\"\"
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return (-2.0 / n * (X.T @ r)).reshape(-1, 1), -2.0 / n * np.sum(r)
"""},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "dw debe tener forma (d,) = (3,)"}),
    dict(name="paso_devuelve_columna",
         cells={"gd-paso-sol": """\
def paso(w, b, dw, db, alpha):
    \"\"\"Paso de descenso de gradiente que devuelve w como columna.\"\"\"
    return (w - alpha * dw).reshape(-1, 1), b - alpha * db
"""},
         lost=["gd-paso"],
         says={"gd-paso": "w_nuevo debe tener la misma forma que w"}),

    # ---- class 5: a mistake is named only when its formula was confirmed; otherwise expected vs got
    dict(name="gradiente_entre_numero_de_caracteristicas",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente de la MSE que divide entre d (características) en lugar de n (ejemplos).\"\"\"
    d = X.shape[1]
    r = y - predecir(X, w, b)
    return -2.0 / d * (X.T @ r), -2.0 / d * np.sum(r)
"""},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "número de características"},
         never_says={"gd-gradientes": "dos veces"}),
    dict(name="gradiente_multiplica_por_2_dos_veces",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente de la MSE con el factor 2 repetido.\"\"\"
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return 2 * (-2.0 / n * (X.T @ r)), 2 * (-2.0 / n * np.sum(r))
"""},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "multiplicas por 2 dos veces"},
         never_says={"gd-gradientes": "características"}),
    dict(name="gradiente_residuo_al_cuadrado",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente equivocado: usa el residuo al cuadrado.\"\"\"
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return -2.0 / n * (X.T @ r ** 2), -2.0 / n * np.sum(r ** 2)
"""},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "se esperaba dw = [-2.0, -4.0] y tu función devolvió dw = [-6.0, -24.0]"},
         never_says={"gd-gradientes": "parece"}),
    dict(name="perdida_mse_rmse",
         cells={"gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"Devuelve la raíz del error cuadrático medio (RMSE).\"\"\"
    return np.sqrt(np.mean((y_obs - y_pred) ** 2))
"""},
         lost=["gd-perdida-mse"],
         says={"gd-perdida-mse": "RMSE"},
         never_says={"gd-perdida-mse": "valor absoluto"}),
    dict(name="perdida_mse_valor_absoluto",
         cells={"gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"Error absoluto medio en lugar de cuadrático.\"\"\"
    return np.mean(np.abs(y_obs - y_pred))
"""},
         lost=["gd-perdida-mse"],
         says={"gd-perdida-mse": "valor absoluto"},
         never_says={"gd-perdida-mse": "RMSE"}),
    dict(name="perdida_sse_raiz",
         cells={"gd-perdida-sse-sol": """\
def perdida_sse(y_obs, y_pred):
    \"\"\"Raíz de la suma de cuadrados (norma euclídea) en lugar de la SSE.\"\"\"
    return np.sqrt(np.sum((y_obs - y_pred) ** 2))
"""},
         lost=["gd-perdida-sse"],
         says={"gd-perdida-sse": "raíz cuadrada"},
         never_says={"gd-perdida-sse": "valor absoluto"}),
    dict(name="perdida_sse_cubo",
         cells={"gd-perdida-sse-sol": """\
def perdida_sse(y_obs, y_pred):
    \"\"\"Suma de los errores al cubo, en valor absoluto.\"\"\"
    return np.sum(np.abs(y_obs - y_pred) ** 3)
"""},
         lost=["gd-perdida-sse"],
         says={"gd-perdida-sse": "la SSE es 0.25 + 1 + 4 = 5.25, y tu función devolvió 9.125"},
         never_says={"gd-perdida-sse": "parece"}),
    dict(name="predecir_sesgo_por_cada_peso",
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante que suma el sesgo una vez por peso.\"\"\"
    return X @ w + b * len(w)
"""},
         lost=["gd-predecir"],
         says={"gd-predecir": "la predicción es 1·0.5 + 2·0.5 + 1 = 2.5, y tu función devolvió [3.5]"}),
    dict(name="paso_olvida_alpha_solo_en_b",
         cells={"gd-paso-sol": """\
def paso(w, b, dw, db, alpha):
    \"\"\"Paso de descenso de gradiente que olvida alpha solo en b.\"\"\"
    return w - alpha * dw, b - db
"""},
         lost=["gd-paso"],
         says={"gd-paso": "se esperaba ([0.99, 2.02], 0.47) y tu función devolvió ([0.99, 2.02], 0.2)"},
         never_says={"gd-paso": "no multiplicas"}),
    dict(name="minimos_cuadrados_unos_delante",
         cells={"gd-minimos-cuadrados-sol": """\
def minimos_cuadrados(X, y):
    \"\"\"Mínimos cuadrados con la columna de unos delante, pero separando θ como si estuviera detrás.\"\"\"
    Xt = np.column_stack([np.ones(X.shape[0]), X])
    theta = np.linalg.lstsq(Xt, y, rcond=None)[0]
    return theta[:-1], float(theta[-1])
"""},
         lost=["gd-minimos-cuadrados"],
         says={"gd-minimos-cuadrados": "se esperaba w = [2] y b = 1, y tu función devolvió w = [1.0] y b = 2"}),

    # ---- class 1: graded on fresh data and arguments, not on the notebook's own
    dict(name="entrenar_ignora_alpha",
         cells={"gd-entrenar-sol": """\
def entrenar(X, y, alpha, n_iter):
    \"\"\"Descenso de gradiente con la tasa de aprendizaje fija en 0.1 (ignora alpha).\"\"\"
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = []
    for _ in range(n_iter):
        historial.append(perdida_mse(y, predecir(X, w, b)))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, 0.1)
    return w, b, historial
"""},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "revisa que uses los argumentos"}),
    dict(name="entrenar_numero_de_iteraciones_fijo",
         cells={"gd-entrenar-sol": """\
def entrenar(X, y, alpha, n_iter):
    \"\"\"Descenso de gradiente con 4 iteraciones fijas (ignora n_iter).\"\"\"
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = []
    for _ in range(4):
        historial.append(perdida_mse(y, predecir(X, w, b)))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    return w, b, historial
"""},
         lost=["gd-entrenar"],
         says={"gd-entrenar": "debe tener exactamente n_iter"}),
    dict(name="minimos_cuadrados_con_datos_globales",
         cells={"gd-minimos-cuadrados-sol": """\
def minimos_cuadrados(X, y):
    \"\"\"Mínimos cuadrados sobre X2, y2 (las variables globales), no sobre los argumentos.\"\"\"
    Xt = np.column_stack([X2, np.ones(X2.shape[0])])
    theta = np.linalg.lstsq(Xt, y2, rcond=None)[0]
    return theta[:-1], float(theta[-1])
"""},
         lost=["gd-minimos-cuadrados"],
         says={"gd-minimos-cuadrados": "w tiene forma (2,)"}),
    dict(name="perdida_mse_con_vector_global",
         cells={"gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"MSE que divide entre len(y) (la variable global) en lugar de entre len(y_obs).\"\"\"
    return float(np.sum((y_obs - y_pred) ** 2) / len(y))
"""},
         lost=["gd-perdida-mse"],
         says={"gd-perdida-mse": "la MSE es (0.25 + 1 + 4 + 0) / 4 = 1.3125, y tu función devolvió 0.0525"}),

    # ------------------------------------------------------------------ known-right answers
    dict(name="predecir_con_dot",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante con X.dot(w)."""
    return X.dot(w) + b
'''},
         lost=[]),
    dict(name="predecir_con_einsum",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante con np.einsum."""
    return np.einsum("nd,d->n", X, w) + b
'''},
         lost=[]),
    dict(name="predecir_con_bucles",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante con bucles explícitos."""
    n, d = X.shape
    y_pred = np.zeros(n)
    for i in range(n):
        s = b
        for j in range(d):
            s += X[i, j] * w[j]
        y_pred[i] = s
    return y_pred
'''},
         lost=[]),
    dict(name="perdida_sse_con_metodo_sum",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE con el método .sum() (devuelve np.float64)."""
    return ((y_obs - y_pred) ** 2).sum()
'''},
         lost=[]),
    dict(name="perdida_sse_con_bucle",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE con un bucle."""
    total = 0.0
    for a, p in zip(y_obs, y_pred):
        total += (a - p) ** 2
    return total
'''},
         lost=[]),
    dict(name="perdida_mse_a_partir_de_sse",
         cells={"gd-perdida-mse-sol": '''\
def perdida_mse(y_obs, y_pred):
    """MSE reutilizando perdida_sse."""
    return perdida_sse(y_obs, y_pred) / len(y_obs)
'''},
         lost=[]),
    dict(name="perdida_mse_con_metodo_mean",
         cells={"gd-perdida-mse-sol": '''\
def perdida_mse(y_obs, y_pred):
    """MSE con el método .mean()."""
    return ((y_pred - y_obs) ** 2).mean()
'''},
         lost=[]),
    dict(name="gradientes_con_bucles",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE con bucles explícitos."""
    n, d = X.shape
    dw = np.zeros(d)
    db = 0.0
    for i in range(n):
        r_i = y[i] - (np.dot(X[i], w) + b)
        for j in range(d):
            dw[j] += -2.0 * r_i * X[i, j] / n
        db += -2.0 * r_i / n
    return dw, db
'''},
         lost=[]),
    dict(name="gradientes_con_error_prediccion_menos_y",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE escrito con e = ŷ - y, sin usar predecir."""
    n = len(y)
    e = X.dot(w) + b - y
    return 2 * X.T.dot(e) / n, 2 * e.mean()
'''},
         lost=[]),
    dict(name="paso_con_copia",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente trabajando sobre una copia."""
    w_nuevo = w.copy()
    w_nuevo -= alpha * dw
    b_nuevo = b - alpha * db
    return w_nuevo, b_nuevo
'''},
         lost=[]),
    dict(name="entrenar_historial_ndarray",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente con historial como array prerreservado."""
    w = np.zeros(X.shape[1])
    b = 0.0
    historial = np.zeros(n_iter)
    for k in range(n_iter):
        historial[k] = perdida_mse(y, predecir(X, w, b))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    return w, b, historial
'''},
         lost=[]),
    dict(name="entrenar_historial_tupla_sin_auxiliares",
         cells={"gd-entrenar-sol": '''\
def entrenar(X, y, alpha, n_iter):
    """Descenso de gradiente escrito de corrido, sin las funciones auxiliares."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    historial = []
    for _ in range(n_iter):
        r = y - (X @ w + b)
        historial.append(np.mean(r ** 2))
        w = w + alpha * 2 * X.T @ r / n
        b = b + alpha * 2 * r.mean()
    return w, b, tuple(historial)
'''},
         lost=[]),
    dict(name="minimos_cuadrados_ecuaciones_normales",
         cells={"gd-minimos-cuadrados-sol": '''\
def minimos_cuadrados(X, y):
    """Mínimos cuadrados con las ecuaciones normales y np.linalg.solve."""
    Xt = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.linalg.solve(Xt.T @ Xt, Xt.T @ y)
    return theta[:-1], theta[-1]
'''},
         lost=[]),
    dict(name="minimos_cuadrados_pinv",
         cells={"gd-minimos-cuadrados-sol": '''\
def minimos_cuadrados(X, y):
    """Mínimos cuadrados con la pseudoinversa."""
    Xt = np.c_[X, np.ones(len(X))]
    theta = np.linalg.pinv(Xt) @ y
    return theta[:X.shape[1]], float(theta[X.shape[1]])
'''},
         lost=[]),
    dict(name="minimos_cuadrados_centrando",
         cells={"gd-minimos-cuadrados-sol": '''\
def minimos_cuadrados(X, y):
    """Mínimos cuadrados centrando los datos: b = media(y) - media(X)·w."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    return w, y.mean() - X.mean(axis=0) @ w
'''},
         lost=[]),
    dict(name="alpha_otros_valores_validos",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 1e-4
alpha_bueno = 0.1
alpha_grande = 2
'''},
         lost=[]),
    dict(name="alpha_en_los_bordes",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.008
alpha_bueno = 0.45
alpha_grande = 0.48
'''},
         lost=[]),
    dict(name="predecir_suma_por_filas",
         cells={"gd-predecir-sol": """\
def predecir(X, w, b):
    \"\"\"Propagación hacia delante con producto elemento a elemento y suma por filas.\"\"\"
    return (X * w).sum(axis=1) + b
"""},
         lost=[]),
    dict(name="perdida_mse_con_average",
         cells={"gd-perdida-mse-sol": """\
def perdida_mse(y_obs, y_pred):
    \"\"\"MSE con np.average.\"\"\"
    return np.average(np.square(np.subtract(y_obs, y_pred)))
"""},
         lost=[]),
    dict(name="gradientes_con_mean_por_columnas",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente de la MSE como media por columnas de residuo × características.\"\"\"
    r = y - predecir(X, w, b)
    return -2 * np.mean(X * r[:, np.newaxis], axis=0), -2 * np.mean(r)
"""},
         lost=[]),
    dict(name="paso_devuelve_lista",
         cells={"gd-paso-sol": """\
def paso(w, b, dw, db, alpha):
    \"\"\"Paso de descenso de gradiente que devuelve una lista.\"\"\"
    return [w - alpha * np.asarray(dw), b - alpha * db]
"""},
         lost=[]),
    dict(name="entrenar_con_while",
         cells={"gd-entrenar-sol": """\
def entrenar(X, y, alpha, n_iter):
    \"\"\"Descenso de gradiente con un bucle while y w de tipo float explícito.\"\"\"
    w, b = np.zeros(X.shape[1], dtype=float), 0.0
    historial = []
    k = 0
    while k < n_iter:
        y_pred = predecir(X, w, b)
        historial.append(perdida_mse(y, y_pred))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
        k += 1
    return w, b, historial
"""},
         lost=[]),
    # Black-box audit (issue 17): residuals computed in the caller's y went unseen, since the check
    # passed copies; entrenar would then train on y overwritten by its residuals.
    dict(name="gradientes_residuos_en_el_sitio_sobre_y",
         cells={"gd-gradientes-sol": """\
def gradientes(X, y, w, b):
    \"\"\"Gradiente de la MSE que guarda los residuos en el propio y.\"\"\"
    n = X.shape[0]
    r = y
    r -= predecir(X, w, b)
    dw = -2.0 / n * (X.T @ r)
    db = -2.0 / n * np.sum(r)
    return dw, db
"""},
         lost=["gd-gradientes"],
         says={"gd-gradientes": "gradientes ha modificado el array y que recibe"}),
    dict(name="entrenar_w_zeros_like_entero_e_historial_prealocado",
         cells={"gd-entrenar-sol": """\
def entrenar(X, y, alpha, n_iter):
    \"\"\"Descenso de gradiente con w = zeros_like(X[0]), b entero y historial prealocado.\"\"\"
    w = np.zeros_like(X[0])
    b = 0
    historial = np.zeros(n_iter)
    for k in range(n_iter):
        historial[k] = perdida_mse(y, predecir(X, w, b))
        dw, db = gradientes(X, y, w, b)
        w, b = paso(w, b, dw, db, alpha)
    return w, b, historial
"""},
         lost=[]),
]
