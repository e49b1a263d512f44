"""Known-wrong and known-right answers for source/05-regularizacion/05-regularizacion.ipynb.

Each variant replaces whole solution cells (by grade_id); `lost` lists the questions that must score 0,
every other question must keep full marks.
"""

# Parts of the solution cells that sit outside the solution markers (the student sees them as given).
_EPOCA_DEF = '''def epoca_optima(historia):
    # Época (contando desde 1) con la menor pérdida de validación; la primera si hay empate.
'''
_SOBREAJUSTE_DEF = '''

def hay_sobreajuste(historia, margen=0.1):
    # True si tras la época óptima el entrenamiento siguió mejorando y la validación empeoró más del margen.
'''
_SOBREAJUSTE_FINAL = '''

print("época óptima:", epoca_optima(historia_simple), "de", EPOCAS)
print("¿sobreajuste?:", hay_sobreajuste(historia_simple))
'''
_SOBREAJUSTE_BIEN = '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] < perdidas[mejor - 1] and perdidas_val[-1] > (1 + margen) * min(perdidas_val))
'''

_PENALIZACION_DEF = '''def penalizacion_l2(modelo, lam):
    # lam * (suma de los cuadrados de los kernels de todas las capas Dense menos la de salida)
'''
_PENALIZACION_FINAL = '''

_con_l2 = keras.Sequential([
    keras.Input(shape=(X_train.shape[1],)),
    layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L2(0.01)),
    layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L2(0.01)),
    layers.Dense(1),
])
print("tu penalización:        ", penalizacion_l2(_con_l2, 0.01))
print("la de Keras (losses):   ", float(sum(_con_l2.losses)))
'''

_L2_DEF = '''LAMBDA = 0.01


def construir_l2(n_entradas, lam):
    # Como construir_simple, con kernel_regularizer L2(lam) en las dos capas ocultas.
'''

_DROPOUT_DEF = '''TASA_DROPOUT = 0.3


def construir_dropout(n_entradas, tasa):
    # Como construir_simple, con Dropout(tasa) después de cada capa oculta.
'''

_PARADA_DEF = '''PACIENCIA = 10


def crear_parada_temprana(paciencia):
    # EarlyStopping que vigila val_loss, con paciencia `paciencia` y que restaura los mejores pesos.
'''

_MSE_DEF = '''def mse_modelo(modelo, X, y):
    # MSE de las predicciones de `modelo` en (X, y), sin la penalización de los regularizadores.
'''
_MEJOR_DEF = '''

def mejor_modelo(resultados):
    # Nombre (clave) del modelo con menor MSE en el diccionario {nombre: mse}.
'''
_MSE_BIEN = '''    prediccion = modelo.predict(X, verbose=0).reshape(-1)
    return float(np.mean((prediccion - y) ** 2))
'''
_MEJOR_BIEN = '''    return min(resultados, key=resultados.get)
'''


def _sobreajuste(cuerpo_epoca, cuerpo_sobreajuste=_SOBREAJUSTE_BIEN):
    return _EPOCA_DEF + cuerpo_epoca + _SOBREAJUSTE_DEF + cuerpo_sobreajuste + _SOBREAJUSTE_FINAL


def _penalizacion(cuerpo):
    return _PENALIZACION_DEF + cuerpo + _PENALIZACION_FINAL


def _comparar(cuerpo_mse, cuerpo_mejor=_MEJOR_BIEN):
    return _MSE_DEF + cuerpo_mse + _MEJOR_DEF + cuerpo_mejor


VARIANTS = [
    # ------------------------------------------------------------------ rg-sobreajuste
    dict(name="epoca_contada_desde_cero", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "cuentas las épocas desde 0"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"]))
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia) + 1
    return bool(perdidas[-1] < perdidas[mejor - 1] and perdidas_val[-1] > (1 + margen) * min(perdidas_val))
''')}),
    dict(name="epoca_optima_con_la_perdida_de_entrenamiento", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "mínimo de la pérdida de entrenamiento"},
         never_says={"rg-sobreajuste": "desde 0"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    perdidas = historia.history["loss"]
    return perdidas.index(min(perdidas)) + 1
''')}),
    dict(name="sobreajuste_sin_margen", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "hay_sobreajuste devolvió True; se esperaba False. Parece que no usas el margen"},
         never_says={"rg-sobreajuste": "Revisa las dos condiciones"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] < perdidas[mejor - 1] and perdidas_val[-1] > min(perdidas_val))
''')}),
    dict(name="sobreajuste_con_bucles_y_enumerate", lost=[],
         cells={"rg-sobreajuste-sol": _sobreajuste('''    val = historia.history["val_loss"]
    mejor, epoca = None, 0
    for i, v in enumerate(val, start=1):
        if mejor is None or v < mejor:
            mejor, epoca = v, i
    return epoca
''', '''    h = historia.history
    e = epoca_optima(historia)
    if h["loss"][-1] >= h["loss"][e - 1]:
        return False
    return h["val_loss"][-1] > (1 + margen) * h["val_loss"][e - 1]
''')}),
    dict(name="sobreajuste_contra_la_primera_epoca", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "con la de la primera época"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] < perdidas[0] and perdidas_val[-1] > (1 + margen) * min(perdidas_val))
''')}),
    dict(name="sobreajuste_con_la_perdida_minima", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "sea la mínima de todas"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] <= min(perdidas) and perdidas_val[-1] > (1 + margen) * min(perdidas_val))
''')}),
    dict(name="sobreajuste_no_estricto_en_entrenamiento", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "usas «<=» con la pérdida de entrenamiento"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] <= perdidas[mejor - 1] and perdidas_val[-1] > (1 + margen) * min(perdidas_val))
''')}),
    dict(name="sobreajuste_con_margen_sumado", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "sumas el margen al mínimo"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] < perdidas[mejor - 1] and perdidas_val[-1] > min(perdidas_val) + margen)
''')}),
    dict(name="sobreajuste_no_estricto_en_validacion", lost=["rg-sobreajuste"],
         says={"rg-sobreajuste": "usas «>=» con la pérdida de validación"},
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    perdidas, perdidas_val = historia.history["loss"], historia.history["val_loss"]
    mejor = epoca_optima(historia)
    return bool(perdidas[-1] < perdidas[mejor - 1] and perdidas_val[-1] >= (1 + margen) * min(perdidas_val))
''')}),
    dict(name="sobreajuste_con_cociente_y_margen_en_el_minimo", lost=[],
         cells={"rg-sobreajuste-sol": _sobreajuste('''    return int(np.argmin(historia.history["val_loss"])) + 1
''', '''    h = historia.history
    minimo = min(h["val_loss"])
    entrena = h["loss"][-1] < h["loss"][h["val_loss"].index(minimo)]
    return bool(entrena and h["val_loss"][-1] / minimo > 1 + margen)
''')}),
    # ------------------------------------------------------------------ rg-penalizacion
    dict(name="penalizacion_ocultas_por_unidades", lost=["rg-penalizacion"],
         says={"rg-penalizacion": "parece que dejas fuera las capas ocultas de 1 unidad"},
         never_says={"rg-penalizacion": "capa de salida"},
         cells={"rg-penalizacion-sol": _PENALIZACION_DEF + '''    ocultas = [c for c in modelo.layers if isinstance(c, layers.Dense) and c.units > 1]
    return float(lam * sum(np.sum(c.get_weights()[0] ** 2) for c in ocultas))
''' + _PENALIZACION_FINAL}),
    dict(name="penalizacion_sin_cuadrado", lost=["rg-penalizacion"],
         says={"rg-penalizacion": "falta elevar los pesos al cuadrado"},
         cells={"rg-penalizacion-sol": _penalizacion('''    total = 0.0
    for capa in modelo.layers[:-1]:
        total += np.sum(capa.get_weights()[0])
    return float(lam * total)
''')}),
    dict(name="penalizacion_con_media", lost=["rg-penalizacion"],
         says={"rg-penalizacion": "calculas una media de los cuadrados"},
         never_says={"rg-penalizacion": "falta multiplicar"},
         cells={"rg-penalizacion-sol": _penalizacion('''    total = 0.0
    for capa in modelo.layers[:-1]:
        total += np.mean(capa.get_weights()[0] ** 2)
    return float(lam * total)
''')}),
    dict(name="penalizacion_sin_lambda", lost=["rg-penalizacion"],
         says={"rg-penalizacion": "falta multiplicar por lam"},
         cells={"rg-penalizacion-sol": _penalizacion('''    total = 0.0
    for capa in modelo.layers[:-1]:
        total += np.sum(np.square(capa.get_weights()[0]))
    return float(total)
''')}),
    dict(name="penalizacion_tf_con_trainable_weights", lost=[],
         cells={"rg-penalizacion-sol": _penalizacion('''    import tensorflow as tf
    kernels = [w for w in modelo.trainable_weights if "kernel" in w.path]
    return float(lam * tf.add_n([tf.reduce_sum(tf.square(k)) for k in kernels[:-1]] + [tf.constant(0.0)]))
''')}),
    # the prompt fixes a float: a tensor is not one (the visible check says so)
    dict(name="penalizacion_devuelve_un_tensor", lost=["rg-penalizacion"],
         says={"rg-penalizacion": "debe devolver un float (por ejemplo float(...))"},
         cells={"rg-penalizacion-sol": _penalizacion('''    import tensorflow as tf
    kernels = [c.kernel for c in modelo.layers if isinstance(c, layers.Dense)][:-1]
    return lam * tf.add_n([tf.reduce_sum(tf.square(k)) for k in kernels] + [tf.constant(0.0)])
''')}),
    # a NumPy float32 scalar is a float
    dict(name="penalizacion_float32_de_numpy", lost=[],
         cells={"rg-penalizacion-sol": _penalizacion('''    densas = [c for c in modelo.layers if isinstance(c, layers.Dense)]
    return np.float32(lam) * sum((np.square(c.get_weights()[0]).sum() for c in densas[:-1]), np.float32(0))
''')}),
    # ------------------------------------------------------------------ rg-l2
    dict(name="l2_solo_en_la_salida", lost=["rg-l2"],
         says={"rg-l2": "solo en la capa de salida"},
         cells={"rg-l2-sol": _L2_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dense(1, kernel_regularizer=regularizers.L2(lam)),
    ])
'''}),
    dict(name="l1_en_vez_de_l2", lost=["rg-l2"],
         says={"rg-l2": "la primera capa oculta usa un regularizador L1; se esperaba L2"},
         cells={"rg-l2-sol": _L2_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L1(lam)),
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L1(lam)),
        layers.Dense(1),
    ])
'''}),
    dict(name="l2_con_una_capa_densa_de_mas", lost=["rg-l2"],
         says={"rg-l2": "tiene una capa Dense de más"},
         never_says={"rg-l2": "se esperaba 1"},
         cells={"rg-l2-sol": _L2_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L2(lam)),
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=regularizers.L2(lam)),
        layers.Dense(3, activation="relu", kernel_regularizer=regularizers.L2(lam)),
        layers.Dense(1),
    ])
'''}),
    dict(name="l2_sin_ningun_regularizador", lost=["rg-l2"],
         says={"rg-l2": "no tiene ningún kernel_regularizer"},
         never_says={"rg-l2": "de salida"},
         cells={"rg-l2-sol": _L2_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dense(1),
    ])
'''}),
    dict(name="l2_con_tf_keras_add_y_l2_minuscula", lost=[],
         cells={"rg-l2-sol": _L2_DEF + '''    import tensorflow as tf
    modelo = tf.keras.Sequential()
    modelo.add(tf.keras.Input(shape=(n_entradas,)))
    modelo.add(tf.keras.layers.Dense(UNIDADES, activation="relu", kernel_regularizer=tf.keras.regularizers.l2(lam)))
    modelo.add(tf.keras.layers.Dense(UNIDADES, activation="relu", kernel_regularizer=tf.keras.regularizers.l2(lam)))
    modelo.add(tf.keras.layers.Dense(1, activation="linear"))
    return modelo
'''}),
    dict(name="l2_con_l1l2_l1_cero_e_input_shape", lost=[],
         cells={"rg-l2-sol": _L2_DEF + '''    reg = regularizers.L1L2(l1=0.0, l2=lam)
    return keras.Sequential([
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=reg, input_shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu", kernel_regularizer=reg),
        layers.Dense(1),
    ])
'''}),
    # ------------------------------------------------------------------ rg-dropout
    dict(name="dropout_tras_la_salida", lost=["rg-dropout"],
         says={"rg-dropout": "Dropout nunca va después de la capa de salida"},
         cells={"rg-dropout-sol": _DROPOUT_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dropout(tasa),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dropout(tasa),
        layers.Dense(1),
        layers.Dropout(tasa),
    ])
'''}),
    dict(name="dropout_con_tasa_fija", lost=["rg-dropout"],
         says={"rg-dropout": "sus tasas son [0.3, 0.3]"},
         cells={"rg-dropout-sol": _DROPOUT_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dropout(TASA_DROPOUT),
        layers.Dense(UNIDADES, activation="relu"),
        layers.Dropout(TASA_DROPOUT),
        layers.Dense(1),
    ])
'''}),
    dict(name="dropout_antes_de_la_relu", lost=[],
         cells={"rg-dropout-sol": _DROPOUT_DEF + '''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(UNIDADES),
        layers.Dropout(tasa),
        layers.ReLU(),
        layers.Dense(UNIDADES),
        layers.Dropout(tasa),
        layers.Activation("relu"),
        layers.Dense(1),
    ])
'''}),
    dict(name="dropout_con_tf_keras_relu_e_input_shape", lost=[],
         cells={"rg-dropout-sol": _DROPOUT_DEF + '''    import tensorflow as tf
    modelo = tf.keras.Sequential()
    for i in range(2):
        modelo.add(tf.keras.layers.Dense(UNIDADES, input_shape=(n_entradas,)) if i == 0
                   else tf.keras.layers.Dense(UNIDADES))
        modelo.add(tf.keras.layers.ReLU())
        modelo.add(tf.keras.layers.Dropout(rate=tasa))
    modelo.add(tf.keras.layers.Dense(1))
    return modelo
'''}),
    # ------------------------------------------------------------------ rg-parada
    dict(name="parada_vigilando_loss", lost=["rg-parada"],
         says={"rg-parada": "vigila «loss» (la pérdida de entrenamiento)"},
         cells={"rg-parada-sol": _PARADA_DEF + '''    return keras.callbacks.EarlyStopping(monitor="loss", patience=paciencia, restore_best_weights=True)
'''}),
    dict(name="parada_sin_restaurar_pesos", lost=["rg-parada"],
         says={"rg-parada": "restore_best_weights=False"},
         never_says={"rg-parada": "vigila"},
         cells={"rg-parada-sol": _PARADA_DEF + '''    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=paciencia)
'''}),
    dict(name="parada_tf_keras_con_mode_min", lost=[],
         cells={"rg-parada-sol": _PARADA_DEF + '''    import tensorflow as tf
    parada = tf.keras.callbacks.EarlyStopping(restore_best_weights=True, mode="min", patience=paciencia,
                                              min_delta=0.0, verbose=0)
    return parada
'''}),
    # ------------------------------------------------------------------ rg-comparar
    dict(name="mse_con_la_perdida_de_evaluate", lost=["rg-comparar"],
         says={"rg-comparar": "incluye la penalización L2"},
         cells={"rg-comparar-sol": _comparar('''    return float(modelo.evaluate(X, y, verbose=0)[0])
''')}),
    dict(name="mse_sin_aplanar_las_predicciones", lost=["rg-comparar"],
         says={"rg-comparar": "matriz (n, n)"},
         cells={"rg-comparar-sol": _comparar('''    prediccion = modelo.predict(X, verbose=0)
    return float(np.mean((prediccion - y) ** 2))
''')}),
    dict(name="mse_en_modo_entrenamiento", lost=["rg-comparar"],
         says={"rg-comparar": "training=True"},
         cells={"rg-comparar-sol": _comparar('''    prediccion = np.asarray(modelo(X, training=True)).reshape(-1)
    return float(np.mean((prediccion - y) ** 2))
''')}),
    dict(name="mse_con_tensores_de_keras_ops", lost=[],
         cells={"rg-comparar-sol": _comparar('''    prediccion = keras.ops.reshape(modelo(X, training=False), (-1,))
    error = prediccion - keras.ops.cast(keras.ops.convert_to_tensor(y), prediccion.dtype)
    return float(keras.ops.mean(keras.ops.square(error)))
''')}),
    dict(name="mse_devuelve_un_array", lost=["rg-comparar"],
         says={"rg-comparar": "mse_modelo debe devolver un float (por ejemplo float(...)); devuelve ndarray de forma (1,)"},
         cells={"rg-comparar-sol": _comparar('''    prediccion = modelo.predict(X, verbose=0).reshape(-1)
    return np.mean((prediccion - y) ** 2, keepdims=True)
''')}),
    dict(name="mse_float64_de_numpy_sin_convertir", lost=[],
         cells={"rg-comparar-sol": _comparar('''    prediccion = modelo.predict(X, verbose=0).reshape(-1)
    return np.mean((prediccion - y) ** 2)
''')}),
    dict(name="mejor_modelo_con_el_mse_mas_alto", lost=["rg-comparar"],
         says={"rg-comparar": "devuelve 'tres'; se esperaba 'dos'"},
         cells={"rg-comparar-sol": _comparar(_MSE_BIEN, '''    return max(resultados, key=resultados.get)
''')}),
    dict(name="comparar_con_evaluate_return_dict_y_sorted", lost=[],
         cells={"rg-comparar-sol": _comparar('''    return float(modelo.evaluate(X, y, verbose=0, return_dict=True)["mse"])
''', '''    return sorted(resultados.items(), key=lambda par: par[1])[0][0]
''')}),
]
