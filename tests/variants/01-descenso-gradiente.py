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
         lost=["gd-predecir"]),
    dict(name="predecir_traspuesta",
         cells={"gd-predecir-sol": '''\
def predecir(X, w, b):
    """Propagación hacia delante (traspone X por error)."""
    return X.T @ w + b
'''},
         lost=["gd-predecir"]),

    # gd-perdida-sse
    dict(name="perdida_sse_es_la_media",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE (pero calcula la media)."""
    return np.mean((y_obs - y_pred) ** 2)
'''},
         lost=["gd-perdida-sse"]),
    dict(name="perdida_sse_cuadrado_de_la_suma",
         cells={"gd-perdida-sse-sol": '''\
def perdida_sse(y_obs, y_pred):
    """SSE (pero eleva al cuadrado la suma de los errores)."""
    return np.sum(y_obs - y_pred) ** 2
'''},
         lost=["gd-perdida-sse"]),

    # gd-perdida-mse: suma y media confundidas
    dict(name="perdida_mse_devuelve_la_suma",
         cells={"gd-perdida-mse-sol": '''\
def perdida_mse(y_obs, y_pred):
    """MSE (pero devuelve la suma)."""
    return np.sum((y_obs - y_pred) ** 2)
'''},
         lost=["gd-perdida-mse"]),

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
         lost=["gd-gradientes"]),
    dict(name="gradiente_de_la_suma_sin_1_entre_n",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la SSE en lugar de la MSE (falta 1/n)."""
    r = y - predecir(X, w, b)
    dw = -2.0 * (X.T @ r)
    db = -2.0 * np.sum(r)
    return dw, db
'''},
         lost=["gd-gradientes"]),
    dict(name="gradiente_sin_factor_2",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """Gradiente de la MSE sin el factor 2."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return -(X.T @ r) / n, -np.sum(r) / n
'''},
         lost=["gd-gradientes"]),
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
         lost=["gd-gradientes"]),
    dict(name="gradiente_db_sin_dividir_entre_n",
         cells={"gd-gradientes-sol": '''\
def gradientes(X, y, w, b):
    """dw bien; db con la suma en lugar de la media."""
    n = X.shape[0]
    r = y - predecir(X, w, b)
    return -2.0 / n * (X.T @ r), -2.0 * np.sum(r)
'''},
         lost=["gd-gradientes"]),

    # gd-paso
    dict(name="paso_suma_el_gradiente",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente (con + en lugar de -)."""
    return w + alpha * dw, b + alpha * db
'''},
         lost=["gd-paso"]),
    dict(name="paso_modifica_w_en_el_sitio",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente que modifica w en el sitio."""
    w -= alpha * dw
    b -= alpha * db
    return w, b
'''},
         lost=["gd-paso"]),
    dict(name="paso_sin_alpha",
         cells={"gd-paso-sol": '''\
def paso(w, b, dw, db, alpha):
    """Paso de descenso de gradiente que olvida alpha."""
    return w - dw, b - db
'''},
         lost=["gd-paso"]),

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
         lost=["gd-entrenar"]),
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
         lost=["gd-entrenar"]),
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
         lost=["gd-entrenar"]),
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
         lost=["gd-entrenar"]),

    # gd-minimos-cuadrados
    dict(name="minimos_cuadrados_sin_columna_de_unos",
         cells={"gd-minimos-cuadrados-sol": '''\
def minimos_cuadrados(X, y):
    """Mínimos cuadrados sin sesgo."""
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    return w, 0.0
'''},
         lost=["gd-minimos-cuadrados"]),

    # gd-alpha: valores fuera de su régimen
    dict(name="alpha_grande_que_converge",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.005
alpha_bueno = 0.1
alpha_grande = 0.3
'''},
         lost=["gd-alpha"]),
    dict(name="alpha_pequeno_que_ya_converge",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.05
alpha_bueno = 0.2
alpha_grande = 0.5
'''},
         lost=["gd-alpha"]),
    dict(name="alpha_bueno_que_no_llega",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.001
alpha_bueno = 0.01
alpha_grande = 0.5
'''},
         lost=["gd-alpha"]),
    dict(name="alpha_intercambiados",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = 0.5
alpha_bueno = 0.2
alpha_grande = 0.005
'''},
         lost=["gd-alpha"]),
    dict(name="alpha_como_texto",
         cells={"gd-alpha-sol": '''\
alpha_pequeno = "0.005"
alpha_bueno = "0.2"
alpha_grande = "0.5"
'''},
         lost=["gd-alpha"]),

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
]
