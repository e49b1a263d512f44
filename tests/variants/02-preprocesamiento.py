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
         lost=["pp-division"],
         says={"pp-division": "Revisa las proporciones"}),
    dict(name="division_conjuntos_solapados",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train = df.sample(frac=0.70, random_state=semilla)
    val = df.sample(frac=0.15, random_state=semilla + 1)
    test = df.sample(frac=0.15, random_state=semilla + 2)
    return train, val, test
'''},
         lost=["pp-division"],
         says={"pp-division": "filas repetidas: los conjuntos se solapan. Reparte cada fila en un solo conjunto"}),
    dict(name="division_sin_mezclar",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    n = len(df)
    n_train = int(0.70 * n)
    n_val = int(0.15 * n)
    return df.iloc[:n_train], df.iloc[n_train:n_train + n_val], df.iloc[n_train + n_val:]
'''},
         lost=["pp-division"],
         says={"pp-division": "Con semillas distintas sale siempre la misma división"}),
    dict(name="division_semilla_ignorada_no_reproducible",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train, resto = train_test_split(df, test_size=0.30)
    val, test = train_test_split(resto, test_size=0.50)
    return train, val, test
'''},
         lost=["pp-division"],
         says={"pp-division": "la división debe ser reproducible"}),
    dict(name="division_semilla_fija_42",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    train, resto = train_test_split(df, test_size=0.30, random_state=42)
    val, test = train_test_split(resto, test_size=0.50, random_state=42)
    return train, val, test
'''},
         lost=["pp-division"],
         says={"pp-division": "Con semillas distintas sale siempre la misma división"}),
    dict(name="division_con_reemplazo",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    n = len(df)
    rng = np.random.default_rng(semilla)
    posiciones = rng.integers(0, n, size=n)  # con reemplazo: filas repetidas y filas perdidas
    n_train, n_val = round(0.70 * n), round(0.15 * n)
    return (df.iloc[posiciones[:n_train]], df.iloc[posiciones[n_train:n_train + n_val]],
            df.iloc[posiciones[n_train + n_val:]])
'''},
         lost=["pp-division"],
         says={"pp-division": "Hay filas repetidas"}),
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
         lost=["pp-separar"],
         says={"pp-separar": "todas las columnas menos 'target'"}),
    dict(name="separar_X_val_desde_train",
         cells={"pp-separar-sol": '''X_train = train_df.drop(columns="target")
y_train = train_df["target"]
X_val = train_df.drop(columns="target").iloc[:len(val_df)]
y_val = val_df["target"]
X_test = test_df.drop(columns="target")
y_test = test_df["target"]
'''},
         lost=["pp-separar"],
         says={"pp-separar": "X_val no coincide con los atributos de val_df"}),
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
         lost=["pp-min-max"],
         says={"pp-min-max": "divides entre X − X_max"}, never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_por_filas_axis1",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X.min(axis=1, keepdims=True)
    rango = X.max(axis=1, keepdims=True) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)
'''},
         lost=["pp-min-max"],
         says={"pp-min-max": "de cada fila (axis=1)"}, never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_ajustado_con_X",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X = np.asarray(X, dtype=float)
    minimo = X.min(axis=0)
    rango = X.max(axis=0) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)
'''},
         lost=["pp-min-max"],
         says={"pp-min-max": "con X en lugar de con X_train"}, never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_minimo_y_maximo_intercambiados",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo, maximo = X_train.min(axis=0), X_train.max(axis=0)
    rango = np.where(minimo == maximo, 1.0, minimo - maximo)
    return (X - maximo) / rango
'''},
         lost=["pp-min-max"],
         says={"pp-min-max": "intercambiado el mínimo y el máximo"}, never_says={"pp-min-max": "fuga"}),
    dict(name="min_max_sin_proteger_columna_constante",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X_train.min(axis=0)
    return (X - minimo) / (X_train.max(axis=0) - minimo)
'''},
         lost=["pp-min-max"],
         says={"pp-min-max": "columnas constantes"}, never_says={"pp-min-max": "intercambiado"}),
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
         lost=["pp-min-max"],
         says={"pp-min-max": "no debe modificar sus entradas"}, never_says={"pp-min-max": "Parece"}),
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
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "muestral (ddof=1"}, never_says={"pp-estandarizar": "varianza"}),
    dict(name="estandarizar_std_de_pandas_ddof_1",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = pd.DataFrame(X_train)
    X = pd.DataFrame(X)
    return (X - X_train.mean()) / X_train.std().replace(0, 1)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "muestral (ddof=1"}, never_says={"pp-estandarizar": "varianza"}),
    dict(name="estandarizar_por_filas_axis1",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X = np.asarray(X, dtype=float)
    desviacion = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(desviacion == 0, 1.0, desviacion)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "de cada fila (axis=1)"}, never_says={"pp-estandarizar": "ddof"}),
    dict(name="estandarizar_divide_entre_varianza",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    varianza = X_train.var(axis=0)
    return (X - X_train.mean(axis=0)) / np.where(varianza == 0, 1.0, varianza)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "divides entre la varianza"}, never_says={"pp-estandarizar": "ddof=1"}),
    dict(name="estandarizar_ajustado_con_X",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X = np.asarray(X, dtype=float)
    desviacion = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(desviacion == 0, 1.0, desviacion)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "con X en lugar de con X_train"}, never_says={"pp-estandarizar": "ddof=1"}),
    dict(name="estandarizar_sin_proteger_columna_constante",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "columnas constantes"}, never_says={"pp-estandarizar": "ddof=1"}),
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
         lost=["pp-sklearn"],
         says={"pp-sklearn": "ajustado con todos los datos"}, never_says={"pp-sklearn": "vuelto a ajustar"}),
    dict(name="sklearn_fit_transform_en_cada_conjunto",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler()
X_train_esc = escalador.fit_transform(X_train)
X_val_esc = escalador.fit_transform(X_val)
X_test_esc = escalador.fit_transform(X_test)
'''},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "vuelto a ajustar (fit) con X_val"}, never_says={"pp-sklearn": "fuga"}),
    dict(name="sklearn_standard_en_vez_de_min_max",
         cells={"pp-sklearn-sol": '''escalador = StandardScaler().fit(X_train)
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "has estandarizado (StandardScaler)"}, never_says={"pp-sklearn": "fuga"}),
    dict(name="sklearn_fuga_con_datos_completos",
         cells={"pp-sklearn-sol": '''escalador = MinMaxScaler().fit(datos.drop(columns="target"))
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
'''},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "ajustado con todos los datos"}, never_says={"pp-sklearn": "vuelto a ajustar"}),
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
         lost=["pp-atributos"],
         says={"pp-atributos": "intercambiado data_min_ y data_max_"}, never_says={"pp-atributos": "data_range_"}),
    dict(name="atributos_escalador_ajustado_con_todo",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(np.vstack([np.asarray(X_train), np.asarray(X_val), np.asarray(X_test)]))
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_max_
'''},
         lost=["pp-atributos"],
         says={"pp-atributos": "ajustado con todos los datos"}, never_says={"pp-atributos": "intercambiado"}),
    dict(name="atributos_rango_en_vez_de_maximo",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler().fit(X_train)
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_range_
'''},
         lost=["pp-atributos"],
         says={"pp-atributos": "has guardado data_range_ en lugar de data_max_"}, never_says={"pp-atributos": "intercambiado"}),
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
         lost=["pp-preparar"],
         says={"pp-preparar": "ajustado con todos los datos"}, never_says={"pp-preparar": "vuelto a ajustar"}),
    dict(name="preparar_fit_transform_en_cada_conjunto",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(StandardScaler().fit_transform(df.drop(columns=objetivo)))
        salida.append(df[objetivo])
    return tuple(salida)
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "vuelto a ajustar con ese conjunto"}, never_says={"pp-preparar": "fuga"}),
    dict(name="preparar_objetivo_dentro_de_X",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().fit(train_df)
    return (escalador.transform(train_df), train_df[objetivo],
            escalador.transform(val_df), val_df[objetivo],
            escalador.transform(test_df), test_df[objetivo])
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "todas las columnas menos el objetivo"}, never_says={"pp-preparar": "Parece"}),
    dict(name="preparar_min_max_en_vez_de_estandarizar",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = MinMaxScaler().fit(train_df.drop(columns=objetivo))
    return (escalador.transform(train_df.drop(columns=objetivo)), train_df[objetivo],
            escalador.transform(val_df.drop(columns=objetivo)), val_df[objetivo],
            escalador.transform(test_df.drop(columns=objetivo)), test_df[objetivo])
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "escalado min-max en lugar de estandarizar"}, never_says={"pp-preparar": "fuga"}),
    dict(name="preparar_objetivo_escalado",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    esc_X = StandardScaler().fit(train_df.drop(columns=objetivo))
    esc_y = StandardScaler().fit(train_df[[objetivo]])
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(esc_X.transform(df.drop(columns=objetivo)))
        salida.append(esc_y.transform(df[[objetivo]]).ravel())
    return tuple(salida)
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "también has estandarizado el objetivo"}, never_says={"pp-preparar": "fuga"}),
    dict(name="preparar_escala_el_dataframe_completo_antes_de_separar",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().set_output(transform="pandas").fit(train_df)
    salida = []
    for df in (train_df, val_df, test_df):
        escalado = escalador.transform(df)
        salida.append(escalado.drop(columns=objetivo))
        salida.append(escalado[objetivo])
    return tuple(salida)
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "también has estandarizado el objetivo"}, never_says={"pp-preparar": "fuga"}),
    dict(name="preparar_objetivo_fijo_target",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    escalador = StandardScaler().fit(train_df.drop(columns="target"))
    return (escalador.transform(train_df.drop(columns="target")), train_df["target"],
            escalador.transform(val_df.drop(columns="target")), val_df["target"],
            escalador.transform(test_df.drop(columns="target")), test_df["target"])
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "busca una columna 'target' (KeyError), que aquí no existe: el objetivo se llama 'precio'. Usas el nombre 'target' en lugar del parámetro objetivo."},
         never_says={"pp-preparar": "fuga"}),
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

# --- Issue 7: more scaling mistakes, leakage, hard-coded sizes and fresh-data checks. Every wrong
# variant pins its message: a diagnosis only where the check confirmed it (the student's output
# equals that wrong formula's output), otherwise "se esperaba ... y tu función devolvió ...".
VARIANTS += [
    # ============================ pp-division ==================================================
    # --- wrong: ignores its argument and splits the notebook's global data
    dict(name="division_usa_datos_del_cuaderno",
         cells={"pp-division-sol": _DIVISION_CABECERA + """    train, resto = train_test_split(datos, test_size=0.30, random_state=semilla)
    val, test = train_test_split(resto, test_size=0.50, random_state=semilla)
    return train, val, test
"""},
         lost=["pp-division"],
         says={"pp-division": "Con un DataFrame de 20 filas"},
         never_says={"pp-division": "semilla"}),

    # ============================ pp-min-max ===================================================
    # --- wrong
    dict(name="min_max_divide_entre_el_maximo",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo, maximo = X_train.min(axis=0), X_train.max(axis=0)
    return (X - minimo) / np.where(maximo == 0, 1.0, maximo)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "pero tus columnas van de"},
         never_says={"pp-min-max": "Parece"}),
    dict(name="min_max_sin_restar_el_minimo",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    rango = np.ptp(X_train, axis=0)
    return np.asarray(X, dtype=float) / np.where(rango == 0, 1.0, rango)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "pero tus columnas van de"},
         never_says={"pp-min-max": "Parece"}),
    dict(name="min_max_fuga_X_train_y_X_juntos",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    todo = np.vstack([np.asarray(X_train, dtype=float), np.asarray(X, dtype=float)])
    minimo = todo.min(axis=0)
    rango = todo.max(axis=0) - minimo
    return (np.asarray(X, dtype=float) - minimo) / np.where(rango == 0, 1.0, rango)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "con X_train y X juntos: fuga de información"},
         never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_un_minimo_y_maximo_globales",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    minimo, maximo = X_train.min(), X_train.max()
    return (np.asarray(X, dtype=float) - minimo) / (maximo - minimo)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "pero tus columnas van de"},
         never_says={"pp-min-max": "Parece"}),
    dict(name="min_max_data_range_tomado_como_maximo",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X_train.min(axis=0)
    rango = X_train.max(axis=0) - minimo
    denominador = rango - minimo  # confunde el rango con el máximo
    return (X - minimo) / np.where(denominador == 0, 1.0, denominador)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "pero tus columnas van de"},
         never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_maximo_de_X_en_vez_de_X_train",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    minimo = X_train.min(axis=0)
    rango = X.max(axis=0) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "usas el máximo de X en lugar del de X_train"},
         never_says={"pp-min-max": "intercambiado"}),
    dict(name="min_max_numero_de_columnas_fijo",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float).copy()
    for j in range(10):  # las 10 columnas de diabetes
        minimo, maximo = X_train[:, j].min(), X_train[:, j].max()
        X[:, j] = (X[:, j] - minimo) / ((maximo - minimo) or 1.0)
    return X
"""},
         lost=["pp-min-max"],
         says={"pp-min-max": "escalar_min_max lanzó IndexError: index 3 is out of bounds for axis 1 with size 3. Con el X_train del cuaderno (10 columnas) tu función sí funciona"},
         never_says={"pp-min-max": "Parece"}),
    # --- right
    dict(name="min_max_bucle_por_columnas",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    salida = np.empty_like(X)
    for j in range(X.shape[1]):
        minimo, maximo = np.min(X_train[:, j]), np.max(X_train[:, j])
        rango = maximo - minimo if maximo > minimo else 1.0
        salida[:, j] = (X[:, j] - minimo) / rango
    return salida
"""},
         lost=[]),
    dict(name="min_max_np_divide_con_where",
         cells={"pp-min-max-sol": _MIN_MAX_CABECERA + """    Xtr = np.asarray(X_train, dtype=float)
    minimo = Xtr.min(axis=0, keepdims=True)
    rango = Xtr.max(axis=0, keepdims=True) - minimo
    centrado = np.asarray(X, dtype=float) - minimo
    return np.divide(centrado, rango, out=centrado.copy(), where=rango != 0)
"""},
         lost=[]),

    # ============================ pp-estandarizar ==============================================
    # --- wrong
    dict(name="estandarizar_fuga_X_train_y_X_juntos",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    todo = np.vstack([np.asarray(X_train, dtype=float), np.asarray(X, dtype=float)])
    desviacion = todo.std(axis=0)
    return (np.asarray(X, dtype=float) - todo.mean(axis=0)) / np.where(desviacion == 0, 1.0, desviacion)
"""},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "con X_train y X juntos: fuga de información"},
         never_says={"pp-estandarizar": "ddof=1"}),
    dict(name="estandarizar_solo_resta_la_media",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    return np.asarray(X, dtype=float) - np.asarray(X_train, dtype=float).mean(axis=0)
"""},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "pero las tuyas valen"},
         never_says={"pp-estandarizar": "Parece"}),
    dict(name="estandarizar_media_de_X_y_sigma_de_X_train",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    desviacion = X_train.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(desviacion == 0, 1.0, desviacion)
"""},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "y tu función devolvió"},
         never_says={"pp-estandarizar": "Parece"}),
    dict(name="estandarizar_min_max_en_vez_de_estandarizar",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    rango = np.ptp(X_train, axis=0)
    return (np.asarray(X, dtype=float) - X_train.min(axis=0)) / np.where(rango == 0, 1.0, rango)
"""},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "pero tus columnas tienen media"},
         never_says={"pp-estandarizar": "ddof"}),
    dict(name="estandarizar_numero_de_columnas_fijo",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float).copy()
    for j in range(10):  # las 10 columnas de diabetes
        sigma = X_train[:, j].std() or 1.0
        X[:, j] = (X[:, j] - X_train[:, j].mean()) / sigma
    return X
"""},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "estandarizar lanzó IndexError: index 3 is out of bounds for axis 1 with size 3. Con el X_train del cuaderno (10 columnas) tu función sí funciona"},
         never_says={"pp-estandarizar": "Parece"}),
    # --- right
    dict(name="estandarizar_bucle_por_columnas",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + """    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    salida = np.empty_like(X)
    for j in range(X.shape[1]):
        mu = X_train[:, j].mean()
        sigma = np.sqrt(((X_train[:, j] - mu) ** 2).sum() / len(X_train))
        salida[:, j] = (X[:, j] - mu) / (sigma if sigma > 0 else 1.0)
    return salida
"""},
         lost=[]),

    # ============================ pp-sklearn ===================================================
    # --- wrong
    dict(name="sklearn_fuga_ajuste_con_X_test",
         cells={"pp-sklearn-sol": """escalador = MinMaxScaler().fit(X_test)
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
"""},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "ajustado con X_test en lugar de con X_train"},
         never_says={"pp-sklearn": "vuelto a ajustar"}),
    dict(name="sklearn_fuga_ajuste_con_X_val",
         cells={"pp-sklearn-sol": """escalador = MinMaxScaler().fit(X_val)
X_train_esc = escalador.transform(X_train)
X_val_esc = escalador.transform(X_val)
X_test_esc = escalador.transform(X_test)
"""},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "ajustado con X_val en lugar de con X_train"},
         never_says={"pp-sklearn": "todos los datos"}),
    dict(name="sklearn_fuga_train_y_val_juntos",
         cells={"pp-sklearn-sol": """escalador = MinMaxScaler().fit(np.vstack([np.asarray(X_train), np.asarray(X_val)]))
X_train_esc = escalador.transform(np.asarray(X_train))
X_val_esc = escalador.transform(np.asarray(X_val))
X_test_esc = escalador.transform(np.asarray(X_test))
"""},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "entrenamiento y validación juntos"},
         never_says={"pp-sklearn": "todos los datos"}),
    dict(name="sklearn_val_y_test_sin_escalar",
         cells={"pp-sklearn-sol": """escalador = MinMaxScaler().fit(X_train)
X_train_esc = escalador.transform(X_train)
X_val_esc = np.asarray(X_val, dtype=float)
X_test_esc = np.asarray(X_test, dtype=float)
"""},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "Tu X_val_esc es X_val tal cual, sin escalar"},
         never_says={"pp-sklearn": "Parece"}),
    dict(name="sklearn_con_escalar_min_max_rota",
         cells={"pp-sklearn-sol": """def escalar_min_max(X_train, X):  # reescrita aquí, por filas
    X = np.asarray(X, dtype=float)
    minimo = X.min(axis=1, keepdims=True)
    rango = X.max(axis=1, keepdims=True) - minimo
    return (X - minimo) / np.where(rango == 0, 1.0, rango)


X_train_esc = escalar_min_max(X_train, X_train)
X_val_esc = escalar_min_max(X_train, X_val)
X_test_esc = escalar_min_max(X_train, X_test)
"""},
         lost=["pp-sklearn"],
         says={"pp-sklearn": "tu función escalar_min_max, pero esa función (pregunta 3)"},
         never_says={"pp-sklearn": "fuga"}),
    # --- right
    dict(name="sklearn_fit_transform_y_transform",
         cells={"pp-sklearn-sol": """escalador = MinMaxScaler()
X_train_esc = escalador.fit_transform(np.asarray(X_train, dtype=float))
X_val_esc, X_test_esc = (escalador.transform(np.asarray(X, dtype=float)) for X in (X_val, X_test))
"""},
         lost=[]),

    # ============================ pp-atributos =================================================
    # --- wrong
    dict(name="atributos_fuga_ajuste_con_X_test",
         cells={"pp-atributos-sol": """escalador_mm = MinMaxScaler().fit(X_test)
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_max_
"""},
         lost=["pp-atributos"],
         says={"pp-atributos": "ajustado con X_test en lugar de con X_train"},
         never_says={"pp-atributos": "intercambiado"}),
    dict(name="atributos_fuga_con_datos_completos",
         cells={"pp-atributos-sol": """escalador_mm = MinMaxScaler().fit(datos.drop(columns="target"))
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_max_
"""},
         lost=["pp-atributos"],
         says={"pp-atributos": "ajustado con todos los datos"},
         never_says={"pp-atributos": "intercambiado"}),
    dict(name="atributos_minimos_con_data_range",
         cells={"pp-atributos-sol": """escalador_mm = MinMaxScaler().fit(X_train)
minimos = escalador_mm.data_range_
maximos = escalador_mm.data_max_
"""},
         lost=["pp-atributos"],
         says={"pp-atributos": "has guardado data_range_ en lugar de data_min_"},
         never_says={"pp-atributos": "intercambiado"}),
    # --- right
    dict(name="atributos_con_fit_transform",
         cells={"pp-atributos-sol": """escalador_mm = MinMaxScaler()
_ = escalador_mm.fit_transform(X_train)
minimos, maximos = escalador_mm.data_min_.copy(), escalador_mm.data_max_.copy()
"""},
         lost=[]),

    # ============================ pp-preparar ==================================================
    # --- wrong
    dict(name="preparar_fuga_ajuste_con_test",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + """    escalador = StandardScaler().fit(test_df.drop(columns=objetivo))
    return (escalador.transform(train_df.drop(columns=objetivo)), train_df[objetivo],
            escalador.transform(val_df.drop(columns=objetivo)), val_df[objetivo],
            escalador.transform(test_df.drop(columns=objetivo)), test_df[objetivo])
"""},
         lost=["pp-preparar"],
         says={"pp-preparar": "ajustado con el conjunto de prueba"},
         never_says={"pp-preparar": "vuelto a ajustar"}),
    dict(name="preparar_fuga_train_y_val_juntos",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + """    escalador = StandardScaler().fit(pd.concat([train_df, val_df]).drop(columns=objetivo))
    return (escalador.transform(train_df.drop(columns=objetivo)), train_df[objetivo],
            escalador.transform(val_df.drop(columns=objetivo)), val_df[objetivo],
            escalador.transform(test_df.drop(columns=objetivo)), test_df[objetivo])
"""},
         lost=["pp-preparar"],
         says={"pp-preparar": "entrenamiento y validación juntos"},
         never_says={"pp-preparar": "todos los datos"}),
    dict(name="preparar_ddof_1_con_pandas",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + """    atributos = train_df.drop(columns=objetivo)
    media, sigma = atributos.mean(), atributos.std()
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append((df.drop(columns=objetivo) - media) / sigma)
        salida.append(df[objetivo])
    return tuple(salida)
"""},
         lost=["pp-preparar"],
         says={"pp-preparar": "muestral (ddof=1"},
         never_says={"pp-preparar": "fuga"}),
    dict(name="preparar_ajusta_con_X_train_del_cuaderno",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + """    escalador = StandardScaler().fit(np.asarray(X_train, dtype=float))  # la global, no train_df
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(escalador.transform(df.drop(columns=objetivo).to_numpy(dtype=float)))
        salida.append(df[objetivo])
    return tuple(salida)
"""},
         lost=["pp-preparar"],
         says={"pp-preparar": "El escalador se ajustó con datos de 10 columnas, y los atributos de este caso tienen 2"},
         never_says={"pp-preparar": "Parece"}),
    # --- right: judged on its own merit, even when the student's own estandarizar is broken
    dict(name="preparar_con_estandarizar_propia",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + """    atributos = [c for c in train_df.columns if c != objetivo]
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(estandarizar(train_df[atributos], df[atributos]))
        salida.append(df[objetivo])
    return tuple(salida)
"""},
         lost=[]),
    dict(name="preparar_con_estandarizar_rota_de_la_pregunta_4",
         cells={"pp-preparar-sol": """def estandarizar(X_train, X):  # reescrita aquí con ddof=1: la pregunta 4 ya se corrigió antes
    X_train = pd.DataFrame(X_train)
    return (pd.DataFrame(X) - X_train.mean()) / X_train.std()


""" + _PREPARAR_CABECERA + """    atributos = [c for c in train_df.columns if c != objetivo]
    salida = []
    for df in (train_df, val_df, test_df):
        salida.append(estandarizar(train_df[atributos], df[atributos]))
        salida.append(df[objetivo])
    return tuple(salida)
"""},
         lost=[]),
    # Black-box audit (issue 17). A helper column added to df made the visible check say that train
    # lost 'target' (it compared with datos, which had gained the column); it now says that df was
    # modified (visible check under nbgrader and taller, hidden check under otter, which runs the test
    # after the notebook already changed datos).
    dict(name="division_columna_auxiliar_en_df",
         cells={"pp-division-sol": _DIVISION_CABECERA + '''    rng = np.random.default_rng(semilla)
    df["orden"] = rng.permutation(len(df))
    mezclado = df.sort_values("orden").drop(columns="orden")
    n_train = round(0.70 * len(df))
    n_val = round(0.15 * len(df))
    return (mezclado.iloc[:n_train], mezclado.iloc[n_train:n_train + n_val],
            mezclado.iloc[n_train + n_val:])
'''},
         lost=["pp-division"],
         says={"pp-division": "no debe modificar el DataFrame que recibe"},
         never_says={"pp-division": "incluida 'target'"}),
    # An epsilon instead of dividing by 1 differs by 5e-9 on the visible small case, whose message then
    # printed two equal matrices; the hidden check now names the epsilon it confirmed.
    dict(name="estandarizar_suma_epsilon_a_sigma",
         cells={"pp-estandarizar-sol": _ESTANDARIZAR_CABECERA + '''    X_train = np.asarray(X_train, dtype=float)
    X = np.asarray(X, dtype=float)
    return (X - X_train.mean(axis=0)) / (X_train.std(axis=0) + 1e-8)
'''},
         lost=["pp-estandarizar"],
         says={"pp-estandarizar": "Parece que sumas 1e-08 a la desviación típica"}),
    # columns.difference sorts the columns; the message said only how many values differ.
    dict(name="preparar_columns_difference_reordena",
         cells={"pp-preparar-sol": _PREPARAR_CABECERA + '''    atributos = train_df.columns.difference([objetivo])
    escalador = StandardScaler().fit(train_df[atributos])
    res = []
    for df in (train_df, val_df, test_df):
        res += [escalador.transform(df[atributos]), df[objetivo]]
    return tuple(res)
'''},
         lost=["pp-preparar"],
         says={"pp-preparar": "pero en otro orden"}),
    dict(name="atributos_feature_range_menos_uno_uno",
         cells={"pp-atributos-sol": '''escalador_mm = MinMaxScaler(feature_range=(-1, 1)).fit(X_train)
minimos = escalador_mm.data_min_
maximos = escalador_mm.data_max_
'''},
         lost=[]),
]
