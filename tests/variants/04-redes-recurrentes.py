"""Known-wrong and known-right answers for source/04-redes-recurrentes/04-redes-recurrentes.ipynb.

Each variant replaces whole solution cells (by grade_id); `lost` lists the questions that must score 0,
every other question must keep full marks.
"""

# Parts of the solution cells that sit outside the solution markers (the student sees them as given).
_DIVIDIR_DEF = '''def dividir_serie(serie, frac_entrenamiento, frac_validacion):
    """Divide la serie en orden temporal y devuelve (entrenamiento, validacion, prueba)."""
'''
_DIVIDIR_FINAL = '''

entrenamiento, validacion, prueba = dividir_serie(serie, 0.6, 0.2)
print("valores de entrenamiento:", len(entrenamiento), " validación:", len(validacion), " prueba:", len(prueba))
'''

_ESCALAR_DEF = '''def escalar(entrenamiento, validacion, prueba):
    """Estandariza las tres partes con la media y la desviación típica de `entrenamiento`."""
'''
_ESCALAR_FINAL = '''

entrenamiento_esc, validacion_esc, prueba_esc = escalar(entrenamiento, validacion, prueba)
print(f"entrenamiento escalado: media {np.mean(entrenamiento_esc):.3f}, desviación {np.std(entrenamiento_esc):.3f}")
print(f"prueba escalada:        media {np.mean(prueba_esc):.3f}, desviación {np.std(prueba_esc):.3f}")
'''

_VENTANAS_DEF = '''def crear_ventanas(serie, pasos):
    """Devuelve (X, y): X de forma (n - pasos, pasos, 1) con las ventanas, y de forma (n - pasos,) con el valor siguiente."""
'''
_VENTANAS_FINAL = '''

X_train, y_train = crear_ventanas(entrenamiento_esc, PASOS)
X_val, y_val = crear_ventanas(validacion_esc, PASOS)
X_test, y_test = crear_ventanas(prueba_esc, PASOS)
print("X_train:", np.shape(X_train), " y_train:", np.shape(y_train))
print("X_val:  ", np.shape(X_val), " y_val:  ", np.shape(y_val))
print("X_test: ", np.shape(X_test), " y_test: ", np.shape(y_test))
'''

_INGENUA_DEF = '''def prediccion_ingenua(X):
    """Para cada ventana de X (forma (muestras, pasos, 1)) predice su último valor; devuelve forma (muestras,)."""
'''

_FORMAS_DEF = '''def formas_salida(muestras, pasos, unidades):
    """Devuelve (forma_con_secuencias, forma_sin_secuencias), dos tuplas de enteros."""
'''
_FORMAS_FINAL = '''

print("con y sin return_sequences:", formas_salida(32, 10, 8))
'''

_RNN_DEF = '''def construir_rnn(pasos, unidades):
    """keras.Sequential compilado: entrada (pasos, 1) -> SimpleRNN(unidades) -> Dense(1)."""
'''
_RNN_FINAL = '''

construir_rnn(PASOS, UNIDADES).summary()
'''

_APILADA_DEF = '''def construir_apilada(pasos, unidades):
    """keras.Sequential compilado: entrada (pasos, 1) -> LSTM/GRU (secuencia) -> LSTM/GRU -> Dense(1)."""
'''
_APILADA_FINAL = '''

construir_apilada(PASOS, UNIDADES).summary()
'''

_DENSA_DEF = '''def construir_densa(pasos, unidades):
    """keras.Sequential compilado: entrada (pasos, 1) -> Flatten -> Dense(unidades, ReLU) -> Dense(1)."""
'''
_DENSA_FINAL = '''

construir_densa(PASOS, UNIDADES).summary()
'''

_PREDECIR_DEF = '''def predecir_un_paso(modelo, X):
    """Predicción del valor siguiente para cada ventana de X; devuelve un vector de forma (muestras,)."""
'''


def _dividir(cuerpo):
    return _DIVIDIR_DEF + cuerpo + _DIVIDIR_FINAL


def _escalar(cuerpo, antes=""):
    return antes + _ESCALAR_DEF + cuerpo + _ESCALAR_FINAL


def _ventanas(cuerpo):
    return _VENTANAS_DEF + cuerpo + _VENTANAS_FINAL


def _ingenua(cuerpo):
    return _INGENUA_DEF + cuerpo


def _formas(cuerpo):
    return _FORMAS_DEF + cuerpo + _FORMAS_FINAL


def _rnn(cuerpo):
    return _RNN_DEF + cuerpo + _RNN_FINAL


def _apilada(cuerpo):
    return _APILADA_DEF + cuerpo + _APILADA_FINAL


def _densa(cuerpo):
    return _DENSA_DEF + cuerpo + _DENSA_FINAL


_COMPILAR = '''    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return modelo
'''


VARIANTS = [
    # ------------------------------------------------------------------ rr-dividir
    dict(name="barajar_antes_de_dividir", lost=["rr-dividir"],
         says={"rr-dividir": "parece que desordenas la serie antes de dividirla"},
         cells={"rr-dividir-sol": _dividir('''    serie = np.asarray(serie)[np.random.permutation(len(serie))]
    n_entrenamiento = int(len(serie) * frac_entrenamiento)
    fin_validacion = n_entrenamiento + int(len(serie) * frac_validacion)
    return serie[:n_entrenamiento], serie[n_entrenamiento:fin_validacion], serie[fin_validacion:]
''')}),
    dict(name="train_test_split_sin_barajar", lost=["rr-dividir"],
         says={"rr-dividir": "int(len(serie) * (frac_entrenamiento + frac_validacion)) (escrito así o con "
                             "train_test_split, que redondea hacia arriba"},
         never_says={"rr-dividir": "calculas el final"},
         cells={"rr-dividir-sol": "from sklearn.model_selection import train_test_split\n\n" + _dividir('''    resto, prueba = train_test_split(serie, test_size=1 - frac_entrenamiento - frac_validacion, shuffle=False)
    entrenamiento, validacion = train_test_split(
        resto, test_size=frac_validacion / (frac_entrenamiento + frac_validacion), shuffle=False)
    return entrenamiento, validacion, prueba
''')}),
    dict(name="dividir_con_np_split_y_round", lost=["rr-dividir"],
         says={"rr-dividir": "parece que redondeas al entero más cercano (round)"},
         cells={"rr-dividir-sol": _dividir('''    n = len(serie)
    a = round(n * frac_entrenamiento)
    b = a + round(n * frac_validacion)
    return tuple(np.split(np.asarray(serie), [a, b]))
''')}),
    dict(name="dividir_con_fin_de_validacion_acumulado", lost=["rr-dividir"],
         says={"rr-dividir": "int(len(serie) * (frac_entrenamiento + frac_validacion))"},
         never_says={"rr-dividir": "round"},
         cells={"rr-dividir-sol": _dividir('''    n_entrenamiento = int(len(serie) * frac_entrenamiento)
    fin_validacion = int(len(serie) * (frac_entrenamiento + frac_validacion))
    return serie[:n_entrenamiento], serie[n_entrenamiento:fin_validacion], serie[fin_validacion:]
''')}),
    dict(name="dividir_exige_prueba_no_vacia", lost=["rr-dividir"],
         says={"rr-dividir": "las dos fracciones suman 1"},
         cells={"rr-dividir-sol": _dividir('''    a = int(len(serie) * frac_entrenamiento)
    b = a + int(len(serie) * frac_validacion)
    if b >= len(serie):
        raise ValueError("no queda nada para prueba")
    return serie[:a], serie[a:b], serie[b:]
''')}),
    dict(name="dividir_con_floor_y_np_split", lost=[],
         cells={"rr-dividir-sol": "import math\n\n" + _dividir('''    n = len(serie)
    a = math.floor(n * frac_entrenamiento)
    return tuple(np.split(np.asarray(serie), [a, a + math.floor(n * frac_validacion)]))
''')}),
    # ------------------------------------------------------------------ rr-escalar
    dict(name="escalar_con_ddof_1", lost=["rr-escalar"],
         says={"rr-escalar": "ddof=1"},
         never_says={"rr-escalar": "toda la serie"},
         cells={"rr-escalar-sol": _escalar('''    media, desviacion = np.mean(entrenamiento), np.std(entrenamiento, ddof=1)
    return tuple((np.asarray(p) - media) / desviacion for p in (entrenamiento, validacion, prueba))
''')}),
    dict(name="escalar_con_toda_la_serie", lost=["rr-escalar"],
         says={"rr-escalar": "parece que usas la media y la desviación de toda la serie"},
         cells={"rr-escalar-sol": _escalar('''    todo = np.concatenate([entrenamiento, validacion, prueba])
    media, desviacion = todo.mean(), todo.std()
    return (entrenamiento - media) / desviacion, (validacion - media) / desviacion, (prueba - media) / desviacion
''')}),
    dict(name="escalar_cada_parte_por_separado", lost=["rr-escalar"],
         says={"rr-escalar": "parece que escalas cada parte con su propia media y desviación"},
         never_says={"rr-escalar": "toda la serie"},
         cells={"rr-escalar-sol": _escalar('''    return tuple((p - np.mean(p)) / np.std(p) for p in (entrenamiento, validacion, prueba))
''')}),
    dict(name="escalar_con_standardscaler", lost=[],
         cells={"rr-escalar-sol": _escalar('''    escalador = StandardScaler().fit(np.reshape(entrenamiento, (-1, 1)))
    return tuple(escalador.transform(np.reshape(p, (-1, 1))).ravel() for p in (entrenamiento, validacion, prueba))
''', antes="from sklearn.preprocessing import StandardScaler\n\n")}),
    # ------------------------------------------------------------------ rr-ventanas
    dict(name="ventana_incluye_su_objetivo", lost=["rr-ventanas"],
         says={"rr-ventanas": "parece que cada ventana incluye su propio objetivo"},
         cells={"rr-ventanas-sol": _ventanas('''    X = np.array([serie[i + 1:i + pasos + 1] for i in range(len(serie) - pasos)])
    y = np.array([serie[i + pasos] for i in range(len(serie) - pasos)])
    return X[..., np.newaxis], y
''')}),
    dict(name="ventanas_sin_eje_de_caracteristicas", lost=["rr-ventanas"],
         says={"rr-ventanas": "le falta el eje de características"},
         cells={"rr-ventanas-sol": _ventanas('''    X = np.array([serie[i:i + pasos] for i in range(len(serie) - pasos)])
    y = np.asarray(serie)[pasos:]
    return X, y
''')}),
    dict(name="ventanas_en_array_entero_preasignado", lost=["rr-ventanas"],
         says={"rr-ventanas": "tiene tipo int32"},
         never_says={"rr-ventanas": "no son los esperados"},
         cells={"rr-ventanas-sol": _ventanas('''    n = len(serie) - pasos
    X = np.zeros((n, pasos, 1), dtype="int32")
    y = np.zeros(n, dtype="int32")
    for i in range(n):
        X[i, :, 0] = serie[i:i + pasos]
        y[i] = serie[i + pasos]
    return X, y
''')}),
    dict(name="ventanas_en_array_float_preasignado", lost=[],
         cells={"rr-ventanas-sol": _ventanas('''    n = len(serie) - pasos
    X = np.empty((n, pasos, 1))
    y = np.empty(n)
    for i in range(n):
        X[i, :, 0] = serie[i:i + pasos]
        y[i] = serie[i + pasos]
    return X, y
''')}),
    dict(name="ventanas_con_sliding_window_view", lost=[],
         cells={"rr-ventanas-sol": _ventanas('''    serie = np.asarray(serie, dtype="float32")
    X = np.lib.stride_tricks.sliding_window_view(serie, pasos)[:-1]
    return X[:, :, None], serie[pasos:]
''')}),
    dict(name="ventanas_con_timeseries_dataset_from_array", lost=[],
         cells={"rr-ventanas-sol": _ventanas('''    serie = np.asarray(serie, dtype="float32")
    datos = keras.utils.timeseries_dataset_from_array(serie[:-1], serie[pasos:], sequence_length=pasos,
                                                      batch_size=64)
    Xs, ys = [], []
    for X_lote, y_lote in datos:
        Xs.append(np.asarray(X_lote))
        ys.append(np.asarray(y_lote))
    return np.concatenate(Xs).reshape(-1, pasos, 1), np.concatenate(ys)
''')}),
    # ------------------------------------------------------------------ rr-ingenua
    dict(name="ingenua_con_el_primer_valor", lost=["rr-ingenua"],
         says={"rr-ingenua": "parece que usas el primer valor de cada ventana"},
         cells={"rr-ingenua-sol": _ingenua('''    return X[:, 0, 0]
''')}),
    dict(name="ingenua_con_la_media_de_la_ventana", lost=["rr-ingenua"],
         says={"rr-ingenua": "se esperaba [3, 6]"},
         never_says={"rr-ingenua": "parece que"},
         cells={"rr-ingenua-sol": _ingenua('''    return X.mean(axis=(1, 2))
''')}),
    dict(name="ingenua_con_squeeze", lost=["rr-ingenua"],
         says={"rr-ingenua": "no un número suelto"},
         cells={"rr-ingenua-sol": _ingenua('''    return np.squeeze(np.asarray(X)[:, -1, :])
''')}),
    dict(name="ingenua_devuelve_una_lista", lost=["rr-ingenua"],
         says={"rr-ingenua": "el enunciado pide un vector de NumPy"},
         cells={"rr-ingenua-sol": _ingenua('''    return [float(ventana[-1][0]) for ventana in X]
''')}),
    dict(name="ingenua_con_elipsis_y_reshape", lost=[],
         cells={"rr-ingenua-sol": _ingenua('''    return np.asarray(X)[..., -1, :].reshape(-1)
''')}),
    # ------------------------------------------------------------------ rr-secuencias
    dict(name="formas_intercambiadas", lost=["rr-secuencias"],
         says={"rr-secuencias": "parece que intercambias las dos formas"},
         cells={"rr-secuencias-sol": _formas('''    return (muestras, unidades), (muestras, pasos, unidades)
''')}),
    dict(name="formas_con_capas_de_verdad", lost=[],
         cells={"rr-secuencias-sol": _formas('''    lote = np.zeros((muestras, pasos, 1), dtype="float32")
    con = layers.GRU(unidades, return_sequences=True)(lote).shape
    sin = layers.GRU(unidades)(lote).shape
    return tuple(con), tuple(sin)
''')}),
    # ------------------------------------------------------------------ rr-rnn
    dict(name="rnn_con_return_sequences", lost=["rr-rnn"],
         says={"rr-rnn": "devuelve la secuencia completa"},
         cells={"rr-rnn-sol": _rnn('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.SimpleRNN(unidades, return_sequences=True),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="rnn_con_perdida_mae", lost=["rr-rnn"],
         says={"rr-rnn": "La pérdida del modelo de construir_rnn es «mae»"},
         cells={"rr-rnn-sol": _rnn('''    modelo = keras.Sequential([keras.Input(shape=(pasos, 1)), layers.SimpleRNN(unidades), layers.Dense(1)])
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mae", metrics=["mae"])
    return modelo
''')}),
    dict(name="rnn_con_una_capa_densa_de_mas", lost=["rr-rnn"],
         says={"rr-rnn": "tiene una capa Dense de más"},
         never_says={"rr-rnn": "se esperaba 1"},
         cells={"rr-rnn-sol": _rnn('''    modelo = keras.Sequential([keras.Input(shape=(pasos, 1)), layers.SimpleRNN(unidades),
                               layers.Dense(3, activation="relu"), layers.Dense(1)])
''' + _COMPILAR)}),
    dict(name="rnn_con_una_capa_recurrente_de_mas", lost=["rr-rnn"],
         says={"rr-rnn": "tiene una capa recurrente de más"},
         never_says={"rr-rnn": "return_sequences=False"},
         cells={"rr-rnn-sol": _rnn('''    modelo = keras.Sequential([keras.Input(shape=(pasos, 1)), layers.SimpleRNN(unidades, return_sequences=True),
                               layers.SimpleRNN(unidades), layers.Dense(1)])
''' + _COMPILAR)}),
    dict(name="rnn_tf_keras_con_add", lost=[],
         cells={"rr-rnn-sol": "import tensorflow as tf\n\n" + _rnn('''    modelo = tf.keras.Sequential()
    modelo.add(tf.keras.layers.InputLayer(shape=(pasos, 1)))
    modelo.add(tf.keras.layers.SimpleRNN(units=unidades, activation="tanh"))
    modelo.add(tf.keras.layers.Dense(1, activation="linear"))
    modelo.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss=tf.keras.losses.MeanSquaredError(),
                   metrics=[tf.keras.metrics.MeanAbsoluteError()])
    return modelo
''')}),
    dict(name="rnn_con_celda_y_api_funcional", lost=[],
         cells={"rr-rnn-sol": _rnn('''    entradas = keras.Input(shape=(pasos, 1))
    estado_final = layers.RNN(layers.SimpleRNNCell(unidades))(entradas)
    salida = layers.Dense(1)(estado_final)
    modelo = keras.Model(entradas, salida)
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mean_squared_error",
                   metrics=["mean_absolute_error"])
    return modelo
''')}),
    # ------------------------------------------------------------------ rr-apilada
    dict(name="apilada_con_return_sequences_en_la_ultima", lost=["rr-apilada"],
         says={"rr-apilada": "devuelve la secuencia completa"},
         cells={"rr-apilada-sol": _apilada('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.LSTM(unidades, return_sequences=True),
        layers.LSTM(unidades, return_sequences=True),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="apilada_con_simplernn", lost=["rr-apilada"],
         says={"rr-apilada": "la primera capa recurrente es de tipo SimpleRNN; se esperaba LSTM o GRU"},
         cells={"rr-apilada-sol": _apilada('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.SimpleRNN(unidades, return_sequences=True),
        layers.SimpleRNN(unidades),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="apilada_lstm_y_gru_mezcladas", lost=["rr-apilada"],
         says={"rr-apilada": "ambas LSTM o ambas GRU"},
         cells={"rr-apilada-sol": _apilada('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.LSTM(unidades, return_sequences=True),
        layers.GRU(unidades),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="apilada_con_recurrent_dropout", lost=["rr-apilada"],
         says={"rr-apilada": "la segunda capa recurrente tiene recurrent_dropout=0.2"},
         cells={"rr-apilada-sol": _apilada('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.GRU(unidades, return_sequences=True),
        layers.GRU(unidades, recurrent_dropout=0.2),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="apilada_gru_con_opciones_por_defecto_escritas", lost=[],
         cells={"rr-apilada-sol": _apilada('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.GRU(unidades, activation="tanh", dropout=0.0, return_sequences=True),
        layers.GRU(unidades, recurrent_dropout=0.0, return_sequences=False),
        layers.Dense(1, activation="linear"),
    ])
''' + _COMPILAR)}),
    dict(name="apilada_gru_tf_keras_con_add", lost=[],
         cells={"rr-apilada-sol": "import tensorflow as tf\n\n" + _apilada('''    modelo = tf.keras.Sequential()
    modelo.add(tf.keras.Input(shape=(pasos, 1)))
    modelo.add(tf.keras.layers.GRU(unidades, return_sequences=True))
    modelo.add(tf.keras.layers.GRU(unidades, return_sequences=False))
    modelo.add(tf.keras.layers.Dense(1))
    modelo.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="apilada_lstm_funcional", lost=[],
         cells={"rr-apilada-sol": _apilada('''    entradas = keras.Input(shape=(pasos, 1))
    secuencia = layers.LSTM(unidades, return_sequences=True)(entradas)
    estado = layers.LSTM(unidades)(secuencia)
    modelo = keras.Model(inputs=entradas, outputs=layers.Dense(1)(estado))
''' + _COMPILAR)}),
    # ------------------------------------------------------------------ rr-densa
    dict(name="densa_sin_aplanar", lost=["rr-densa"],
         says={"rr-densa": "Aplana la ventana"},
         cells={"rr-densa-sol": _densa('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.Dense(unidades, activation="relu"),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="densa_sin_relu", lost=["rr-densa"],
         says={"rr-densa": "la capa oculta usa la activación «linear»; se esperaba «relu»"},
         cells={"rr-densa-sol": _densa('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.Flatten(),
        layers.Dense(unidades),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="densa_con_capa_relu_aparte", lost=[],
         cells={"rr-densa-sol": _densa('''    modelo = keras.Sequential([
        keras.Input(shape=(pasos, 1)),
        layers.Flatten(),
        layers.Dense(unidades),
        layers.ReLU(),
        layers.Dense(1),
    ])
''' + _COMPILAR)}),
    dict(name="densa_con_reshape_y_tf_keras", lost=[],
         cells={"rr-densa-sol": "import tensorflow as tf\n\n" + _densa('''    modelo = tf.keras.Sequential([
        tf.keras.Input(shape=(pasos, 1)),
        tf.keras.layers.Reshape((pasos,)),
        tf.keras.layers.Dense(unidades, activation=tf.nn.relu),
        tf.keras.layers.Dense(1),
    ])
    modelo.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return modelo
''')}),
    # ------------------------------------------------------------------ rr-predecir
    dict(name="predecir_sin_aplanar", lost=["rr-predecir"],
         says={"rr-predecir": "devuelve forma (2, 1)"},
         cells={"rr-predecir-sol": _PREDECIR_DEF + '''    return modelo.predict(X, verbose=0)
'''}),
    dict(name="predecir_con_squeeze", lost=["rr-predecir"],
         says={"rr-predecir": "una sola ventana, predecir_un_paso devuelve forma ()"},
         cells={"rr-predecir-sol": _PREDECIR_DEF + '''    return np.squeeze(modelo.predict(X, verbose=0))
'''}),
    dict(name="predecir_devuelve_un_tensor", lost=["rr-predecir"],
         says={"rr-predecir": "el enunciado pide un vector de NumPy"},
         cells={"rr-predecir-sol": _PREDECIR_DEF + '''    return modelo(X)[:, 0]
'''}),
    dict(name="predecir_con_un_dataset", lost=[],
         cells={"rr-predecir-sol": _PREDECIR_DEF + '''    import tensorflow as tf
    datos = tf.data.Dataset.from_tensor_slices(tf.convert_to_tensor(X, dtype=tf.float32)).batch(16)
    return modelo.predict(datos, verbose=0).reshape(-1)
'''}),
    dict(name="predecir_llamando_al_modelo", lost=[],
         cells={"rr-predecir-sol": _PREDECIR_DEF + '''    return np.asarray(modelo(X))[:, 0]
'''}),
]
