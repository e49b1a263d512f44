"""Known-wrong and known-right answers for source/02-preprocesamiento/02-preprocesamiento.ipynb.

Each variant replaces whole solution cells (keyed by the solution cell's grade_id) in a notebook
that otherwise holds the reference answers. `lost` lists the graded questions that must score 0;
every other question must keep full marks.

The test suite packs variants of different questions into one submission, so a variant's cell
must not rely on another answer's exact form: X_train and friends may be DataFrames or arrays
(pp-separar variants), with or without the target column, and escalar_min_max/estandarizar may
be wrong. Hence the type-agnostic np.asarray/np.vstack below and no calls to the student's own
scaling functions from later answers.
"""

# --- Reusable cell sources -------------------------------------------------------------------

_DIVISION_CABECERA = '''def dividir_datos(df, semilla):
    """Divide df en entrenamiento (70 %), validación (15 %) y prueba (15 %).

    Devuelve una tupla (train, val, test) de DataFrames con las mismas columnas que df.
    """
'''

_MIN_MAX_CABECERA = '''def escalar_min_max(X_train, X):
    """Escala X al intervalo [0, 1] con el mínimo y el máximo de cada columna de X_train."""
'''

_ESTANDARIZAR_CABECERA = '''def estandarizar(X_train, X):
    """Estandariza X con la media y la desviación típica poblacional de cada columna de X_train."""
'''

_PREPARAR_CABECERA = '''def preparar_conjuntos(train_df, val_df, test_df, objetivo="target"):
    """Separa atributos y objetivo y estandariza los atributos (ajustando solo con el entrenamiento).

    Devuelve (X_train_std, y_train, X_val_std, y_val, X_test_std, y_test).
    """
'''


VARIANTS = [
    # ============================ pp-division ==================================================
    # --- wrong
    dict(name="division_80_10_10",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train, resto = train_test_split(df, test_size=0.20, random_state=semilla)
    val, test = train_test_split(resto, test_size=0.50, random_state=semilla)
    return train, val, test
'''},
         lost=["pp-division"]),
    dict(name="division_conjuntos_solapados",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train = df.sample(frac=0.70, random_state=semilla)
    val = df.sample(frac=0.15, random_state=semilla + 1)
    test = df.sample(frac=0.15, random_state=semilla + 2)
    return train, val, test
'''},
         lost=["pp-division"]),
    dict(name="division_sin_mezclar",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    n = len(df)
    n_train = int(0.70 * n)
    n_val = int(0.15 * n)
    return df.iloc[:n_train], df.iloc[n_train:n_train + n_val], df.iloc[n_train + n_val:]
'''},
         lost=["pp-division"]),
    dict(name="division_semilla_ignorada_no_reproducible",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train, resto = train_test_split(df, test_size=0.30)
    val, test = train_test_split(resto, test_size=0.50)
    return train, val, test
'''},
         lost=["pp-division"]),
    dict(name="division_semilla_fija_42",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train, resto = train_test_split(df, test_size=0.30, random_state=42)
    val, test = train_test_split(resto, test_size=0.50, random_state=42)
    return train, val, test
'''},
         lost=["pp-division"]),
    dict(name="division_con_reemplazo",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    n = len(df)
    rng = np.random.default_rng(semilla)
    posiciones = rng.integers(0, n, size=n)  # con reemplazo: filas repetidas y filas perdidas
    n_train, n_val = round(0.70 * n), round(0.15 * n)
    return (df.iloc[posiciones[:n_train]], df.iloc[posiciones[n_train:n_train + n_val]],
            df.iloc[posiciones[n_train + n_val:]])
'''},
         lost=["pp-division"]),
    # --- right
    dict(name="division_sample_y_drop",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train = df.sample(frac=0.70, random_state=semilla)
    resto = df.drop(train.index)
    val = resto.sample(frac=0.50, random_state=semilla)
    test = resto.drop(val.index)
    return train, val, test
'''},
         lost=[]),
    dict(name="division_permutacion_numpy",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    rng = np.random.default_rng(semilla)
    orden = rng.permutation(len(df))
    n_train = int(0.70 * len(df))
    n_val = int(0.15 * len(df))
    train = df.iloc[orden[:n_train]]
    val = df.iloc[orden[n_train:n_train + n_val]]
    test = df.iloc[orden[n_train + n_val:]]
    return train, val, test
'''},
         lost=[]),
    dict(name="division_test_primero_y_reset_index",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    resto, test = train_test_split(df, test_size=0.15, random_state=semilla)
    train, val = train_test_split(resto, test_size=0.15 / 0.85, random_state=semilla)
    return (train.reset_index(drop=True), val.reset_index(drop=True),
            test.reset_index(drop=True))
'''},
         lost=[]),
    dict(name="division_separando_X_y_y_recombinando",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    X = df.drop(columns="target")
    y = df["target"]
    X_tr, X_resto, y_tr, y_resto = train_test_split(X, y, train_size=0.70, random_state=semilla)
    X_va, X_te, y_va, y_te = train_test_split(X_resto, y_resto, test_size=0.50, random_state=semilla)
    return (pd.concat([X_tr, y_tr], axis=1), pd.concat([X_va, y_va], axis=1),
            pd.concat([X_te, y_te], axis=1))
'''},
         lost=[]),

    # ============================ pp-separar ===================================================
    # --- wrong
    dict(name="separar_objetivo_dentro_de_X",
         cells={"pp-separar-sol": '''X_train = train_df
y_train = train_df["target"]
X_val = val_df
y_val = val_df["target"]
X_test = test_df
y_test = test_df["target"]
'''},
         lost=["pp-separar"]),
    dict(name="separar_X_val_desde_train",
         cells={"pp-separar-sol": '''X_train = train_df.drop(columns="target")
y_train = train_df["target"]
X_val = train_df.drop(columns="target").iloc[:len(val_df)]
y_val = val_df["target"]
X_test = test_df.drop(columns="target")
y_test = test_df["target"]
'''},
         lost=["pp-separar"]),
    # --- right
    dict(name="separar_arrays_numpy",
         cells={"pp-separar-sol": '''atributos = [c for c in train_df.columns if c != "target"]
X_train, y_train = train_df[atributos].to_numpy(), train_df["target"].to_numpy()
X_val, y_val = val_df[atributos].to_numpy(), val_df["target"].to_numpy()
X_test, y_test = test_df[atributos].to_numpy(), test_df["target"].to_numpy()
'''},
         lost=[]),
    dict(name="separar_copia_y_pop",
         cells={"pp-separar-sol": '''X_train = train_df.copy()
y_train = X_train.pop("target")
X_val = val_df.copy()
y_val = X_val.pop("target")
X_test = test_df.copy()
y_test = X_test.pop("target")
'''},
         lost=[]),
    dict(name="separar_iloc_y_columna_2d",
         cells={"pp-separar-sol": '''X_train, y_train = train_df.iloc[:, :-1], train_df[["target"]]
X_val, y_val = val_df.iloc[:, :-1], val_df[["target"]]
X_test, y_test = test_df.iloc[:, :-1], test_df[["target"]]
'''},
         lost=[]),

    # ============================ pp-min-max ===================================================
    # --- wrong
    dict(name="min_max_errata_diapositiva_X_menos_Xmax",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    return (X - X_train.min(axis=0)) / (X - X_train.max(axis=0))
'''},
         lost=["pp-min-max"]),
    dict(name="min_max_por_filas_axis1",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X.min(axis=1, keepdims=True)
    rango = X.max(axis=1, keepdims=True) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)
'''},
         lost=["pp-min-max"]),
    dict(name="min_max_ajustado_con_X",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X = np.asarray(X, dtype=float)
    minimo = X.min(axis=0)
    rango = X.max(axis=0) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)
'''},
         lost=["pp-min-max"]),
    dict(name="min_max_minimo_y_maximo_intercambiados",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo, maximo = X_train.min(axis=0), X_train.max(axis=0)
    rango = np.where(minimo == maximo, 1.0, minimo - maximo)
    return (X - maximo) / rango
'''},
         lost=["pp-min-max"]),
    dict(name="min_max_sin_proteger_columna_constante",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X_train.min(axis=0)
    return (X - minimo) / (X_train.max(axis=0) - minimo)
'''},
         lost=["pp-min-max"]),
    dict(name="min_max_modifica_la_entrada",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    minimo = X_train.min(axis=0)
    rango = X_train.max(axis=0) - minimo
    rango = np.where(rango == 0, 1.0, rango)
    if isinstance(X, np.ndarray) and X.dtype == float:
        X -= minimo  # in place: cambia el array del que llama
        X /= rango
        return X
    return (np.asarray(X, dtype=float) - minimo) / rango
'''},
         lost=["pp-min-max"]),
    # --- right
    dict(name="min_max_con_pandas",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = pd.DataFrame(X_train)
    X = pd.DataFrame(X)
    minimo = X_train.min()
    rango = (X_train.max() - minimo).replace(0, 1)
    return (X - minimo) / rango
'''},
         lost=[]),
    dict(name="min_max_con_sklearn",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    return MinMaxScaler().fit(np.asarray(X_train)).transform(np.asarray(X))
'''},
         lost=[]),
    dict(name="min_max_ptp_y_divide_seguro",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    Xtr = np.array(X_train, dtype=float)
    rango = np.ptp(Xtr, axis=0)
    rango[rango == 0] = 1
    return (np.array(X, dtype=float) - np.min(Xtr, axis=0)) / rango
'''},
         lost=[]),

    # ============================ pp-estandarizar ==============================================
    # --- wrong
    dict(name="estandarizar_ddof_1",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    desviacion = X_train.std(axis=0, ddof=1)
    return (X - X_train.mean(axis=0)) / np.where(desviacion == 0, 1.0, desviacion)
'''},
         lost=["pp-estandarizar"]),
    dict(name="estandarizar_std_de_pandas_ddof_1",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = pd.DataFrame(X_train)
    X = pd.DataFrame(X)
    return (X - X_train.mean()) / X_train.std().replace(0, 1)
'''},
         lost=["pp-estandarizar"]),
    dict(name="estandarizar_por_filas_axis1",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X = np.asarray(X, dtype=float)
    desviacion = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(desviacion == 0, 1.0, desviacion)
'''},
         lost=["pp-estandarizar"]),
    dict(name="estandarizar_divide_entre_varianza",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    varianza = X_train.var(axis=0)
    return (X - X_train.mean(axis=0)) / np.where(varianza == 0, 1.0, varianza)
'''},
         lost=["pp-estandarizar"]),
    dict(name="estandarizar_ajustado_con_X",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X = np.asarray(X, dtype=float)
    desviacion = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(desviacion == 0, 1.0, desviacion)
'''},
         lost=["pp-estandarizar"]),
    dict(name="estandarizar_sin_proteger_columna_constante",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)
'''},
         lost=["pp-estandarizar"]),
    # --- right
    dict(name="estandarizar_pandas_ddof_0",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = pd.DataFrame(X_train)
    X = pd.DataFrame(X)
    desviacion = X_train.std(ddof=0)
    desviacion[desviacion == 0] = 1
    return (X - X_train.mean()) / desviacion
'''},
         lost=[]),
    dict(name="estandarizar_con_sklearn",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    return StandardScaler().fit(np.asarray(X_train)).transform(np.asarray(X))
'''},
         lost=[]),
    dict(name="estandarizar_raiz_de_varianza",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    Xtr = np.asarray(X_train, dtype=float)
    sigma = np.sqrt(np.mean((Xtr - np.mean(Xtr, axis=0)) ** 2, axis=0))
    sigma = np.where(sigma > 0, sigma, 1.0)
    return (np.asarray(X, dtype=float) - np.mean(Xtr, axis=0)) / sigma
'''},
         lost=[]),

    # ============================ pp-sklearn ===================================================
    # --- wrong
    dict(name="sklearn_fuga_ajuste_con_todos_los_datos",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler()
escalador.fit(np.vstack([np.asarray(X_train), np.asarray(X_val), np.asarray(X_test)]))
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=["pp-sklearn"]),
    dict(name="sklearn_fit_transform_en_cada_conjunto",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler()
X_train_esc = escalador.fit_transform(X_train)
X_val_esc = escalador.fit_transform(X_val)
X_test_esc = escalador.fit_transform(X_test)
'''},
         lost=["pp-sklearn"]),
    dict(name="sklearn_standard_en_vez_de_min_max",
         cells={"pp-sklearn-sol": '''escalador = StandardScaler().fit(X_train)
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=["pp-sklearn"]),
    dict(name="sklearn_fuga_con_datos_completos",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler().fit(datos.drop(columns="target"))
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=["pp-sklearn"]),
    # --- right
    dict(name="sklearn_a_mano_con_numpy",
         cells={"pp-sklearn-sol": '''minimo = np.min(np.asarray(X_train, dtype=float), axis=0)
rango = np.max(np.asarray(X_train, dtype=float), axis=0) - minimo
X_train_esc = (np.asarray(X_train, dtype=float) - minimo) / rango
X_val_esc = (np.asarray(X_val, dtype=float) - minimo) / rango
X_test_esc = (np.asarray(X_test, dtype=float) - minimo) / rango
'''},
         lost=[]),
    dict(name="sklearn_salida_dataframe_set_output",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler().set_output(transform="pandas")
X_train_esc = escalador.fit_transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=[]),
    dict(name="sklearn_envuelto_en_dataframe",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler().fit(X_train)
X_train_esc, X_val_esc, X_test_esc = (
    pd.DataFrame(escalador.transform(X), columns=escalador.get_feature_names_out())
    for X in (X_train, X_val, X_test)
)
'''},
         lost=[]),

    # ============================ pp-atributos =================================================
    # --- wrong
    dict(name="atributos_minimos_y_maximos_intercambiados",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(X_train)
minimos = escalador_mm.data_max_
maximos = escalador_mm.data_min_
'''},
         lost=["pp-atributos"]),
    dict(name="atributos_escalador_ajustado_con_todo",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(np.vstack([np.asarray(X_train), np.asarray(X_val), np.asarray(X_test)]))
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_max_
'''},
         lost=["pp-atributos"]),
    dict(name="atributos_rango_en_vez_de_maximo",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(X_train)
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_range_
'''},
         lost=["pp-atributos"]),
    # --- right
    dict(name="atributos_con_pandas",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(X_train)
minimos = pd.DataFrame(X_train).min()
maximos = pd.DataFrame(X_train).max()
'''},
         lost=[]),
    dict(name="atributos_con_numpy_en_lista",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler()
escalador_mm.fit(np.asarray(X_train))
minimos = list(escalador_mm.data_min_)
maximos = list(np.max(np.asarray(X_train), axis=0))
'''},
         lost=[]),

    # ============================ pp-preparar ==================================================
    # --- wrong
    dict(name="preparar_fuga_ajuste_con_todo",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    todos = pd.concat([train_df, val_df, test_df])
    escalador = StandardScaler().fit(todos.drop(columns=objetivo))
    return (escalador.transform(train_df.drop(columns=objetivo)), train_df[objetivo],
            escalador.transform(val_df.drop(columns=objetivo)), val_df[objetivo],
            escalador.transform(test_df.drop(columns=objetivo)), test_df[objetivo])
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_fit_transform_en_cada_conjunto",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(StandardScaler().fit_transform(df.drop(columns=objetivo)))
        salida.append(df[objetivo])
    return tuple(salida)
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_objetivo_dentro_de_X",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().fit(train_df)
    return (escalador.transform(train_df), train_df[objetivo],
            escalador.transform(val_df), val_df[objetivo],
            escalador.transform(test_df), test_df[objetivo])
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_min_max_en_vez_de_estandarizar",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = MinMaxScaler().fit(train_df.drop(columns=objetivo))
    return (escalador.transform(train_df.drop(columns=objetivo)), train_df[objetivo],
            escalador.transform(val_df.drop(columns=objetivo)), val_df[objetivo],
            escalador.transform(test_df.drop(columns=objetivo)), test_df[objetivo])
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_objetivo_escalado",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    esc_X = StandardScaler().fit(train_df.drop(columns=objetivo))
    esc_y = StandardScaler().fit(train_df[[objetivo]])
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(esc_X.transform(df.drop(columns=objetivo)))
        salida.append(esc_y.transform(df[[objetivo]]).ravel())
    return tuple(salida)
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_escala_el_dataframe_completo_antes_de_separar",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().set_output(transform="pandas").fit(train_df)
    salida = []
    for df in (train_df, val_df, test_df):
        escalado = escalador.transform(df)
        salida.append(escalado.drop(columns=objetivo))
        salida.append(escalado[objetivo])
    return tuple(salida)
'''},
         lost=["pp-preparar"]),
    dict(name="preparar_objetivo_fijo_target",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().fit(train_df.drop(columns="target"))
    return (escalador.transform(train_df.drop(columns="target")), train_df["target"],
            escalador.transform(val_df.drop(columns="target")), val_df["target"],
            escalador.transform(test_df.drop(columns="target")), test_df["target"])
'''},
         lost=["pp-preparar"]),
    # --- right
    dict(name="preparar_salida_pandas",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    atributos = [c for c in train_df.columns if c != objetivo]
    escalador = StandardScaler().set_output(transform="pandas")
    X_train_std = escalador.fit_transform(train_df[atributos])
    X_val_std = escalador.transform(val_df[atributos])
    X_test_std = escalador.transform(test_df[atributos])
    return X_train_std, train_df[objetivo], X_val_std, val_df[objetivo], X_test_std, test_df[objetivo]
'''},
         lost=[]),
    dict(name="preparar_numpy_puro_y_columna_2d",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    atributos = [c for c in train_df.columns if c != objetivo]
    Xtr = train_df[atributos].to_numpy(dtype=float)
    media, sigma = Xtr.mean(axis=0), Xtr.std(axis=0)
    sigma[sigma == 0] = 1
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append((df[atributos].to_numpy(dtype=float) - media) / sigma)
        salida.append(df[[objetivo]].to_numpy())
    return tuple(salida)
'''},
         lost=[]),
]
