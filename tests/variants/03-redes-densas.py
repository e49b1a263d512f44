"""Known-wrong and known-right answers for source/03-redes-densas/03-redes-densas.ipynb.

Each variant replaces whole solution cells (by grade_id); `lost` lists the questions that must score 0,
every other question must keep full marks.
"""

# Parts of the solution cells that sit outside the solution markers (the student sees them as given).
_RESUMEN = "\n\n\nconstruir_modelo(X_train.shape[1]).summary()\n"

_ENTRENAR_DEF = '''def entrenar(X_tr, y_tr, X_va, y_va, epocas=EPOCAS):
    """Construye, compila y entrena el modelo de regresión; devuelve (modelo, historia)."""
'''
_ENTRENAR_LLAMADA = '''

modelo, historia = entrenar(X_train, y_train, X_val, y_val)
print("claves de historia.history:", list(historia.history))
'''

_EVALUAR_DEF = '''def mae_en_prueba(modelo):
    """Devuelve el MAE de `modelo` (ya compilado) en el conjunto de prueba (X_test, y_test)."""
'''
_EVALUAR_BASE = '''

# MAE de la línea base que predice siempre la media de y_train
'''
_EVALUAR_FINAL = '''
mae_test = mae_en_prueba(modelo)
print(f"MAE en prueba: red {mae_test:.1f}   línea base {mae_base:.1f}")
'''

_PREDECIR_GRAFICO = '''print("forma de y_pred:", np.shape(y_pred), "  forma de y_pred_vec:", np.shape(y_pred_vec))

plt.figure(figsize=(4.5, 4.5))
plt.scatter(y_test, y_pred_vec, alpha=0.7)
_lim = [float(min(y_test.min(), np.nanmin(y_pred_vec))), float(max(y_test.max(), np.nanmax(y_pred_vec)))]
plt.plot(_lim, _lim, "k--", label="predicción perfecta")
plt.xlabel("valor real (y_test)")
plt.ylabel("predicción")
plt.title("Predicción frente a valor real (prueba)")
plt.legend()
plt.show()
'''

_CLASIFICADOR_DEF = '''def construir_clasificador(n_entradas):
    """Devuelve un keras.Sequential compilado: n_entradas -> Dense(16, ReLU) -> Dense(1, sigmoide)."""
'''

_CALIDAD_DEF = '''def entrenar_clasificador(X_tr, y_tr, X_va, y_va, epocas=EPOCAS_CLF):
    """Construye y entrena el clasificador; devuelve (clasificador, historia)."""
'''
_EXACTITUD_DEF = '''

def exactitud_en_prueba(clasificador):
    """Devuelve la exactitud (entre 0 y 1) del clasificador en el conjunto de prueba (Xc_test, yc_test)."""
'''
_CALIDAD_FINAL = '''

clasificador, historia_clf = entrenar_clasificador(Xc_train, yc_train, Xc_val, yc_val)
exactitud_test = exactitud_en_prueba(clasificador)
print(f"exactitud en prueba: {exactitud_test:.3f}")
'''


def _modelo(cuerpo):
    return ('''def construir_modelo(n_entradas):
    """Devuelve un keras.Sequential sin compilar: n_entradas -> Dense(32, ReLU) -> Dense(16, ReLU) -> Dense(1)."""
''' + cuerpo + _RESUMEN)


def _compilar(cuerpo):
    return ('''def compilar_modelo(modelo):
    """Compila el modelo (Adam + InverseTimeDecay, pérdida MSE, métrica MAE) y lo devuelve."""
''' + cuerpo)


def _entrenar(cuerpo):
    return _ENTRENAR_DEF + cuerpo + _ENTRENAR_LLAMADA


def _evaluar(cuerpo_funcion, base):
    return _EVALUAR_DEF + cuerpo_funcion + _EVALUAR_BASE + base + _EVALUAR_FINAL


def _calidad(cuerpo_entrenar, cuerpo_exactitud):
    return _CALIDAD_DEF + cuerpo_entrenar + _EXACTITUD_DEF + cuerpo_exactitud + _CALIDAD_FINAL


_ENTRENAR_BIEN = '''    clasificador = construir_clasificador(X_tr.shape[1])
    historia = clasificador.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                                epochs=epocas, batch_size=32, verbose=0)
    return clasificador, historia
'''
_EXACTITUD_BIEN = '''    perdida, exactitud = clasificador.evaluate(Xc_test, yc_test, verbose=0)
    return exactitud
'''
_MAE_BIEN = '''    perdida, mae = modelo.evaluate(X_test, y_test, verbose=0)
    return mae
'''
_BASE_BIEN = "mae_base = float(np.mean(np.abs(y_test - y_train.mean())))\n"


VARIANTS = [
    # ------------------------------------------------------------------ rd-modelo
    dict(name="relu_en_la_salida", lost=["rd-modelo"], says={"rd-modelo": "«relu»; se esperaba «linear»"}, cells={"rd-modelo-sol": _modelo('''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="relu"),
    ])
''')}),
    dict(name="capas_ocultas_invertidas", lost=["rd-modelo"], says={"rd-modelo": "la primera capa oculta tiene 16 unidades"}, cells={"rd-modelo-sol": _modelo('''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(1),
    ])
''')}),
    # issue 17: what is extra or missing is said first, never as "layer N has 8 units"
    dict(name="capa_oculta_de_mas", lost=["rd-modelo"],
         says={"rd-modelo": "tiene de más una capa Dense(8, «relu»)"}, never_says={"rd-modelo": "tiene 8 unidades"},
         cells={"rd-modelo-sol": _modelo('''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(8, activation="relu"),
        layers.Dense(1),
    ])
''')}),
    dict(name="falta_la_segunda_capa_oculta", lost=["rd-modelo"],
         says={"rd-modelo": "le falta una capa Dense(16, «relu»)"},
         cells={"rd-modelo-sol": _modelo('''    return keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(1),
    ])
''')}),
    dict(name="entrada_fija_de_10", lost=["rd-modelo"], says={"rd-modelo": "la primera capa oculta recibe 10 entradas; se esperaban 7. La entrada del modelo debe tener las n_entradas = 7 columnas"}, cells={"rd-modelo-sol": _modelo('''    return keras.Sequential([
        keras.Input(shape=(10,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
''')}),
    dict(name="modelo_con_add_e_inputlayer", lost=[], cells={"rd-modelo-sol": _modelo('''    modelo = keras.Sequential()
    modelo.add(layers.InputLayer(shape=(n_entradas,)))
    modelo.add(layers.Dense(32, activation="relu"))
    modelo.add(layers.Dense(16, activation="relu"))
    modelo.add(layers.Dense(1, activation="linear"))
    return modelo
''')}),
    dict(name="modelo_tf_keras_y_tf_nn_relu", lost=[], cells={"rd-modelo-sol": _modelo('''    import tensorflow as tf
    return tf.keras.Sequential([
        tf.keras.Input(shape=(n_entradas,)),
        tf.keras.layers.Dense(32, activation=tf.nn.relu),
        tf.keras.layers.Dense(16, activation=keras.activations.relu),
        tf.keras.layers.Dense(1, activation=None),
    ])
''')}),
    dict(name="modelo_sin_input_con_build", lost=[], cells={"rd-modelo-sol": _modelo('''    modelo = keras.Sequential([
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    modelo.build((None, n_entradas))
    return modelo
''')}),
    dict(name="modelo_api_funcional_y_capas_de_activacion", lost=[], cells={"rd-modelo-sol": _modelo('''    entradas = keras.Input(shape=(n_entradas,))
    h = layers.Dense(32)(entradas)
    h = layers.ReLU()(h)
    h = layers.Dense(16)(h)
    h = layers.Activation("relu")(h)
    salida = layers.Dense(1)(h)
    return keras.Model(entradas, salida)
''')}),
    # ------------------------------------------------------------------ rd-compilar
    dict(name="mae_como_perdida", lost=["rd-compilar"], says={"rd-compilar": "La pérdida es «mae»"}, cells={"rd-compilar-sol": _compilar('''    programa = keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=300, decay_rate=1.0)
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=programa), loss="mae", metrics=["mae"])
    return modelo
''')}),
    dict(name="sgd_en_vez_de_adam", lost=["rd-compilar"], says={"rd-compilar": "El optimizador es SGD"}, cells={"rd-compilar-sol": _compilar('''    programa = keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=300, decay_rate=1.0)
    modelo.compile(optimizer=keras.optimizers.SGD(learning_rate=programa), loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="tasa_de_aprendizaje_constante", lost=["rd-compilar"], says={"rd-compilar": "La tasa de aprendizaje es constante"}, cells={"rd-compilar-sol": _compilar('''    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="programa_con_otro_decay_rate", lost=["rd-compilar"], says={"rd-compilar": "tras t = 300 pasos la tasa de aprendizaje vale 0.01 / (1 + 300/300) = 0.005; la de tu optimizador vale 0.00666667"}, cells={"rd-compilar-sol": _compilar('''    programa = keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=300, decay_rate=0.5)
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=programa), loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="compilar_con_objetos_de_perdida_y_metrica", lost=[], cells={"rd-compilar-sol": _compilar('''    programa = keras.optimizers.schedules.InverseTimeDecay(0.01, 300, 1.0)
    modelo.compile(optimizer=keras.optimizers.Adam(programa),
                   loss=keras.losses.MeanSquaredError(),
                   metrics=[keras.metrics.MeanAbsoluteError()])
    return modelo
''')}),
    dict(name="compilar_tf_keras_y_nombres_largos", lost=[], cells={"rd-compilar-sol": _compilar('''    import tensorflow as tf
    programa = tf.keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=300, decay_rate=1.0, staircase=False)
    modelo.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=programa),
                   loss="mean_squared_error",
                   metrics=["mean_absolute_error"])
    return modelo
''')}),
    # ------------------------------------------------------------------ rd-entrenar
    dict(name="validacion_con_el_conjunto_de_prueba", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que validas con el conjunto de prueba"}, cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_test, y_test),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="validation_split_en_vez_de_validacion", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que validas con una parte de X_tr (validation_split)"}, cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_tr, y_tr, validation_split=0.2, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_en_dos_pasos_con_palabras_clave", lost=[], cells={"rd-entrenar-sol": _entrenar('''    modelo = construir_modelo(n_entradas=X_tr.shape[1])
    compilar_modelo(modelo)
    historia = modelo.fit(x=X_tr, y=y_tr, batch_size=32, epochs=epocas,
                          validation_data=[X_va, y_va], verbose=0)
    return modelo, historia
''')}),
    # tf data: the model may be the grader's (its construir_modelo is a spy), so tensors and datasets cross
    dict(name="entrenar_con_tf_data", lost=[], cells={"rd-entrenar-sol": _entrenar('''    import tensorflow as tf
    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    datos = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(32)
    validacion = tf.data.Dataset.from_tensor_slices((X_va, y_va)).batch(32)
    historia = modelo.fit(datos, validation_data=validacion, epochs=epocas, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_con_tensores", lost=[], cells={"rd-entrenar-sol": _entrenar('''    import tensorflow as tf
    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(tf.constant(X_tr), tf.constant(y_tr), batch_size=32, epochs=epocas,
                          validation_data=(tf.constant(X_va), tf.constant(y_va)), verbose=0)
    return modelo, historia
''')}),
    # ------------------------------------------------------------------ rd-evaluar
    dict(name="mae_en_validacion", lost=["rd-evaluar"], says={"rd-evaluar": "parece que lo mides en el conjunto de validación"}, cells={"rd-evaluar-sol": _evaluar('''    perdida, mae = modelo.evaluate(X_val, y_val, verbose=0)
    return mae
''', _BASE_BIEN)}),
    dict(name="devuelve_la_perdida_en_vez_del_mae", lost=["rd-evaluar"],
         says={"rd-evaluar": "parece que devuelves la pérdida"}, cells={"rd-evaluar-sol": _evaluar('''    return modelo.evaluate(X_test, y_test, verbose=0)[0]
''', _BASE_BIEN)}),
    dict(name="linea_base_con_la_media_de_prueba", lost=["rd-evaluar"],
         says={"rd-evaluar": "parece que usas la media de y_test"}, cells={"rd-evaluar-sol": _evaluar(
        _MAE_BIEN, "mae_base = float(np.mean(np.abs(y_test - y_test.mean())))\n")}),
    dict(name="evaluar_con_return_dict_y_sklearn", lost=[], cells={"rd-evaluar-sol": "from sklearn.metrics import mean_absolute_error\n\n" + _evaluar(
        '''    resultado = modelo.evaluate(X_test, y_test, verbose=0, return_dict=True)
    return resultado["mae"]
''', "mae_base = mean_absolute_error(y_test, np.full_like(y_test, y_train.mean()))\n")}),
    dict(name="mae_con_predict_y_numpy", lost=[], cells={"rd-evaluar-sol": _evaluar(
        '''    return float(np.mean(np.abs(modelo.predict(X_test, verbose=0).ravel() - y_test)))
''', "mae_base = float(np.abs(y_test - np.mean(y_train)).mean())\n")}),
    # ------------------------------------------------------------------ rd-predecir
    dict(name="predecir_en_entrenamiento", lost=["rd-predecir"], says={"rd-predecir": "filas"}, cells={"rd-predecir-sol": '''y_pred = modelo.predict(X_train, verbose=0)
y_pred_vec = y_pred.ravel()
''' + _PREDECIR_GRAFICO.replace("plt.scatter(y_test, y_pred_vec", "plt.scatter(y_train, y_pred_vec")}),
    dict(name="y_pred_aplanado", lost=["rd-predecir"], says={"rd-predecir": "sin cambiarle la forma"}, cells={"rd-predecir-sol": '''y_pred = modelo.predict(X_test, verbose=0).ravel()
y_pred_vec = y_pred
''' + _PREDECIR_GRAFICO}),
    dict(name="y_pred_vec_como_lista", lost=["rd-predecir"],
         says={"rd-predecir": "y_pred_vec debe ser un array de NumPy de una dimensión; es list"},
         never_says={"rd-predecir": "AttributeError"},
         cells={"rd-predecir-sol": '''y_pred = modelo.predict(X_test, verbose=0)
y_pred_vec = y_pred.ravel().tolist()
''' + _PREDECIR_GRAFICO}),
    dict(name="predecir_llamando_al_modelo", lost=[], cells={"rd-predecir-sol": '''y_pred = np.asarray(modelo(X_test))
y_pred_vec = y_pred[:, 0]
''' + _PREDECIR_GRAFICO}),
    # ------------------------------------------------------------------ rd-clasificador
    dict(name="softmax_en_la_salida_del_clasificador", lost=["rd-clasificador"],
         says={"rd-clasificador": "«softmax»; se esperaba «sigmoid»"}, cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="softmax"),
    ])
    clasificador.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return clasificador
'''}),
    dict(name="salida_lineal_en_el_clasificador", lost=["rd-clasificador"],
         says={"rd-clasificador": "Su capa de salida no tiene activación (es lineal)"}, cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    clasificador.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return clasificador
'''}),
    dict(name="mse_en_el_clasificador", lost=["rd-clasificador"],
         says={"rd-clasificador": "La pérdida del clasificador es «mse»"}, cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    clasificador.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return clasificador
'''}),
    dict(name="clasificador_tf_keras_con_objetos", lost=[], cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    import tensorflow as tf
    clasificador = tf.keras.Sequential()
    clasificador.add(tf.keras.layers.InputLayer(shape=(n_entradas,)))
    clasificador.add(tf.keras.layers.Dense(16, activation=tf.nn.relu))
    clasificador.add(tf.keras.layers.Dense(1, activation=tf.nn.sigmoid))
    clasificador.compile(optimizer=tf.keras.optimizers.Adam(),
                         loss=tf.keras.losses.BinaryCrossentropy(),
                         metrics=[tf.keras.metrics.BinaryAccuracy()])
    return clasificador
'''}),
    dict(name="clasificador_con_funciones_de_perdida_y_binary_accuracy", lost=[], cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation=keras.activations.sigmoid),
    ])
    clasificador.build((None, n_entradas))
    clasificador.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                         loss=keras.losses.binary_crossentropy,
                         metrics=["binary_accuracy"])
    return clasificador
'''}),
    # ------------------------------------------------------------------ rd-clasif-calidad
    dict(name="exactitud_en_entrenamiento", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "parece que la mides en el conjunto de entrenamiento"}, cells={"rd-clasif-calidad-sol": _calidad(
        _ENTRENAR_BIEN, '''    perdida, exactitud = clasificador.evaluate(Xc_train, yc_train, verbose=0)
    return exactitud
''')}),
    dict(name="clasificador_valida_con_prueba", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "parece que validas con el conjunto de prueba"}, cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = construir_clasificador(X_tr.shape[1])
    historia = clasificador.fit(X_tr, y_tr, validation_data=(Xc_test, yc_test),
                                epochs=epocas, batch_size=32, verbose=0)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    dict(name="clasificador_un_paso_por_epoca", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "pasos de optimización; con 2 épocas"}, never_says={"rd-clasif-calidad": "parece que"}, cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = construir_clasificador(X_tr.shape[1])
    historia = clasificador.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                                epochs=epocas, batch_size=32, verbose=0, steps_per_epoch=1)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    dict(name="exactitud_con_return_dict", lost=[], cells={"rd-clasif-calidad-sol": _calidad(
        _ENTRENAR_BIEN, '''    return clasificador.evaluate(Xc_test, yc_test, verbose=0, return_dict=True)["accuracy"]
''')}),
    dict(name="exactitud_con_predict_y_umbral", lost=[], cells={"rd-clasif-calidad-sol": _calidad(
        _ENTRENAR_BIEN, '''    probabilidades = clasificador.predict(Xc_test, verbose=0)[:, 0]
    return float(np.mean((probabilidades > 0.5) == yc_test))
''')}),
    # ------------------------------------------------------------------ issue 7: arguments, helpers, settings
    dict(name="entrenar_con_los_arrays_globales", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que entrenas con X_train, y_train (las variables globales)"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_train, y_train, validation_data=(X_va, y_va),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_con_la_constante_EPOCAS", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que usas la constante global EPOCAS en vez del argumento epocas"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                          epochs=EPOCAS, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_con_entrada_fija_de_10", lost=["rd-entrenar"],
         says={"rd-entrenar": "construyó el modelo con construir_modelo(10)"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(10))
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_compila_sin_compilar_modelo", lost=["rd-entrenar"],
         says={"rd-entrenar": "entrenar no llama a compilar_modelo"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = construir_modelo(X_tr.shape[1])
    programa = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=300, decay_rate=1.0)
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=programa), loss="mse", metrics=["mae"])
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_valida_con_X_val_global", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que validas con (X_val, y_val), las variables globales"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_val, y_val),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_con_datos_sin_escalar", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que entrenaste y validaste con los datos sin escalar"},
         never_says={"rd-entrenar": "la validación no se hizo con el conjunto de validación"},
         cells={"rd-entrenar-sol": _ENTRENAR_DEF + '''    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia


X_train_crudo, X_val_crudo = escalador.inverse_transform(X_train), escalador.inverse_transform(X_val)
modelo, historia = entrenar(X_train_crudo, y_train, X_val_crudo, y_val)
print("claves de historia.history:", list(historia.history))
'''}),
    dict(name="entrenar_con_shape_menos_uno_y_lotes_por_defecto", lost=[],
         cells={"rd-entrenar-sol": _entrenar('''    n = X_tr.shape[-1]
    red = construir_modelo(n)
    red = compilar_modelo(red)
    h = red.fit(X_tr, y_tr, epochs=epocas, verbose=0, validation_data=(X_va, y_va), shuffle=True)
    return red, h
''')}),
    dict(name="mae_en_prueba_devuelve_rmse", lost=["rd-evaluar"],
         says={"rd-evaluar": "parece que devuelves la raíz del error cuadrático medio (RMSE)"},
         never_says={"rd-evaluar": "valor absoluto"},
         cells={"rd-evaluar-sol": _evaluar('''    return float(np.sqrt(modelo.evaluate(X_test, y_test, verbose=0)[0]))
''', _BASE_BIEN)}),
    dict(name="linea_base_rmse", lost=["rd-evaluar"],
         says={"rd-evaluar": "parece que calculas la raíz del error cuadrático medio (RMSE)"},
         never_says={"rd-evaluar": "valor absoluto"},
         cells={"rd-evaluar-sol": _evaluar(_MAE_BIEN,
                                           "mae_base = float(np.sqrt(np.mean((y_test - y_train.mean()) ** 2)))\n")}),
    dict(name="clasificador_adam_con_tasa_0_01", lost=["rd-clasificador"],
         says={"rd-clasificador": "no es la tasa por defecto de Adam"},
         cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    clasificador.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                         loss="binary_crossentropy", metrics=["accuracy"])
    return clasificador
'''}),
    dict(name="clasificador_con_programa_de_tasa", lost=["rd-clasificador"],
         says={"rd-clasificador": "es una programación (InverseTimeDecay)"},
         cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    programa = keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=300, decay_rate=1.0)
    clasificador.compile(optimizer=keras.optimizers.Adam(learning_rate=programa),
                         loss="binary_crossentropy", metrics=["accuracy"])
    return clasificador
'''}),
    dict(name="clasificador_entrena_con_los_arrays_globales", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "parece que entrenas con Xc_train, yc_train (las variables globales)"},
         cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = construir_clasificador(X_tr.shape[1])
    historia = clasificador.fit(Xc_train, yc_train, validation_data=(X_va, y_va),
                                epochs=epocas, batch_size=32, verbose=0)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    dict(name="clasificador_con_la_constante_EPOCAS_CLF", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "parece que usas la constante global EPOCAS_CLF"},
         cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = construir_clasificador(X_tr.shape[1])
    historia = clasificador.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                                epochs=EPOCAS_CLF, batch_size=32, verbose=0)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    dict(name="clasificador_con_entrada_fija_de_30", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "construir_clasificador(30)"},
         cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = construir_clasificador(30)
    historia = clasificador.fit(X_tr, y_tr, validation_data=(X_va, y_va),
                                epochs=epocas, batch_size=32, verbose=0)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    dict(name="clasificador_con_datos_sin_escalar", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "parece que entrenaste y validaste con los datos sin escalar"},
         never_says={"rd-clasif-calidad": "la validación no se hizo con el conjunto de validación"},
         cells={"rd-clasif-calidad-sol": _CALIDAD_DEF + _ENTRENAR_BIEN + _EXACTITUD_DEF + _EXACTITUD_BIEN + '''

clasificador, historia_clf = entrenar_clasificador(escalador_c.inverse_transform(Xc_train), yc_train,
                                                   escalador_c.inverse_transform(Xc_val), yc_val)
exactitud_test = exactitud_en_prueba(clasificador)
print(f"exactitud en prueba: {exactitud_test:.3f}")
'''}),
    dict(name="clasificador_con_len_y_keywords", lost=[],
         cells={"rd-clasif-calidad-sol": _calidad('''    modelo = construir_clasificador(n_entradas=len(X_tr[0]))
    h = modelo.fit(x=X_tr, y=y_tr, epochs=epocas, validation_data=(X_va, y_va), verbose=0)
    return modelo, h
''', _EXACTITUD_BIEN)}),
    dict(name="entrenar_reescala_dentro", lost=["rd-entrenar"],
         says={"rd-entrenar": "parece que validas con (X_va, y_va) escalados otra vez dentro de entrenar"},
         never_says={"rd-entrenar": "la validación no se hizo con el conjunto de validación"},
         cells={"rd-entrenar-sol": "from sklearn.preprocessing import StandardScaler\n\n" + _entrenar('''    esc = StandardScaler().fit(X_tr)
    modelo = compilar_modelo(construir_modelo(X_tr.shape[1]))
    historia = modelo.fit(esc.transform(X_tr), y_tr, validation_data=(esc.transform(X_va), y_va),
                          epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="entrenar_construye_sin_construir_modelo", lost=["rd-entrenar"],
         says={"rd-entrenar": "entrenar no llama a construir_modelo"},
         cells={"rd-entrenar-sol": _entrenar('''    modelo = keras.Sequential([keras.Input(shape=(X_tr.shape[1],)), layers.Dense(32, activation="relu"),
                               layers.Dense(16, activation="relu"), layers.Dense(1)])
    modelo = compilar_modelo(modelo)
    historia = modelo.fit(X_tr, y_tr, validation_data=(X_va, y_va), epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="clasificador_sin_construir_clasificador", lost=["rd-clasif-calidad"],
         says={"rd-clasif-calidad": "entrenar_clasificador no llama a construir_clasificador"},
         cells={"rd-clasif-calidad-sol": _calidad('''    clasificador = keras.Sequential([keras.Input(shape=(X_tr.shape[1],)), layers.Dense(16, activation="relu"),
                                     layers.Dense(1, activation="sigmoid")])
    clasificador.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    historia = clasificador.fit(X_tr, y_tr, validation_data=(X_va, y_va), epochs=epocas, batch_size=32, verbose=0)
    return clasificador, historia
''', _EXACTITUD_BIEN)}),
    # softmax on the classifier's one-unit output, everything else right: only rd-clasificador is lost and
    # rd-clasif-calidad keeps its points under both engines (its reference answer is set so that no other
    # rd-clasif-calidad variant shares this pack).
    dict(name="softmax_con_el_resto_bien", lost=["rd-clasificador"],
         says={"rd-clasificador": "«softmax»; se esperaba «sigmoid»"},
         cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="softmax"),
    ])
    clasificador.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return clasificador
''', "rd-clasif-calidad-sol": _calidad(_ENTRENAR_BIEN, _EXACTITUD_BIEN)}),
    # Black-box audit (issue 17): the prompt asks for a model "sin compilar"; a compiled one kept full marks.
    dict(name="modelo_ya_compilado_en_construir", lost=["rd-modelo"],
         says={"rd-modelo": "el tuyo ya viene compilado"},
         cells={"rd-modelo-sol": '''def construir_modelo(n_entradas):
    """Construye el modelo y además lo compila."""
    modelo = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    modelo.compile(optimizer="sgd", loss="mae")
    return modelo
''' + _RESUMEN}),
    # Two softmax outputs crashed the rd-clasif-calidad check itself (a broadcast ValueError), costing
    # question 7 too; question 7 now judges the notebook's classifier only when it gives one number per example.
    dict(name="clasificador_dos_salidas_softmax_y_sparse", lost=["rd-clasificador"],
         says={"rd-clasificador": "devuelve forma (5, 2)"},
         cells={"rd-clasificador-sol": _CLASIFICADOR_DEF + '''    clasificador = keras.Sequential([
        keras.Input(shape=(n_entradas,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ])
    clasificador.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return clasificador
'''}),
]
