"""Known-wrong and known-right answers for source/06-ajuste-hiperparametros/06-ajuste-hiperparametros.ipynb.

Each variant replaces whole solution cells (by grade_id); `lost` lists the questions that must score 0,
every other question must keep full marks.
"""

# Parts of the solution cells that sit outside the solution markers (the student sees them as given).
_ESPACIO_DEF = '''def definir_espacio(hp):
    """Registra en hp los hiperparámetros "unidades", "tasa_aprendizaje" y "dropout" y devuelve sus valores."""
'''
_ESPACIO_FINAL = '''

_hp_ejemplo = kt.HyperParameters()
print("valores por defecto:", definir_espacio(_hp_ejemplo))
for _h in _hp_ejemplo.space:
    print(" ", _h)
'''

_CONSTRUIR_DEF = '''def construir_modelo(hp):
    """Devuelve un keras.Sequential compilado con los hiperparámetros de definir_espacio(hp)."""
'''
_CONSTRUIR_FINAL = ''

_BUSCADOR_DEF = '''def crear_buscador(construir, directorio):
    """Devuelve un buscador de Keras Tuner que minimiza val_loss y guarda sus pruebas en `directorio`."""
'''

_REENTRENAR_DEF = '''EPOCAS_FINAL = 20


def reentrenar(construir, mejores_hp, X_ent, y_ent, X_val, y_val, epocas=EPOCAS_FINAL):
    """Construye el modelo con construir(mejores_hp), lo entrena con entrenamiento + validación y devuelve (modelo, historia)."""
'''
_REENTRENAR_FINAL = '''

try:
    modelo_final, historia_final = reentrenar(construir_modelo, mejores_hp, X_ent, y_ent, X_val, y_val)
except Exception as e:  # si falla aquí, la celda de comprobación de abajo te dirá por qué
    modelo_final = historia_final = None
    print(f"⚠ No se pudo reentrenar ({type(e).__name__}: {e}).\\n  Revisa reentrenar, en esta celda, y construir_modelo (pregunta 2), que reentrenar usa.")

if historia_final is not None:
    fig, ejes = plt.subplots(1, 2, figsize=(9, 3.2))
    for eje, clave in zip(ejes, ("loss", "mae")):
        eje.plot(historia_final.history.get(clave, []), label="entrenamiento + validación")
        eje.set_xlabel("época")
        eje.set_ylabel(clave)
        eje.legend()
    ejes[0].set_title("Curva de aprendizaje: pérdida (MSE)")
    ejes[1].set_title("Curva de aprendizaje: MAE")
    plt.tight_layout()
    plt.show()
'''

_EVALUAR_DEF = '''def evaluar(modelo, X_prueba, y_prueba):
    """Devuelve el MSE (la pérdida) de un modelo compilado en (X_prueba, y_prueba), como float."""
'''
_EVALUAR_FINAL = '''

mse_base = float(np.mean((y_prueba - np.concatenate([y_ent, y_val]).mean()) ** 2))
if modelo_final is not None:
    mse_prueba = evaluar(modelo_final, X_prueba, y_prueba)  # una sola vez, al final
    print(f"MSE en prueba: modelo {mse_prueba:.3f}   línea base {mse_base:.3f}")
    print(f"error típico en unidades originales: {np.sqrt(mse_prueba) * desv_y:.1f}")
else:
    print("⚠ No hay modelo reentrenado que evaluar: revisa la pregunta 4 (reentrenar).")
'''


def _espacio(cuerpo):
    return _ESPACIO_DEF + cuerpo + _ESPACIO_FINAL


def _construir(cuerpo):
    return _CONSTRUIR_DEF + cuerpo + _CONSTRUIR_FINAL


def _buscador(cuerpo):
    return _BUSCADOR_DEF + cuerpo


def _reentrenar(cuerpo):
    return _REENTRENAR_DEF + cuerpo + _REENTRENAR_FINAL


def _evaluar(cuerpo):
    return _EVALUAR_DEF + cuerpo + _EVALUAR_FINAL


VARIANTS = [
    # ------------------------------------------------------------------ ah-espacio
    dict(name="unidades_hasta_64", lost=["ah-espacio"],
         says={"ah-espacio": "max_value=64; el enunciado pide max_value=32"},
         cells={"ah-espacio-sol": _espacio('''    return {
        "unidades": hp.Int("unidades", min_value=8, max_value=64, step=8),
        "tasa_aprendizaje": hp.Choice("tasa_aprendizaje", [0.01, 0.001]),
        "dropout": hp.Boolean("dropout"),
    }
''')}),
    dict(name="tasas_de_aprendizaje_distintas", lost=["ah-espacio"],
         says={"ah-espacio": "ofrece los valores [0.1, 0.01, 0.001]"},
         cells={"ah-espacio-sol": _espacio('''    return {
        "unidades": hp.Int("unidades", min_value=8, max_value=32, step=8),
        "tasa_aprendizaje": hp.Choice("tasa_aprendizaje", [0.1, 0.01, 0.001]),
        "dropout": hp.Boolean("dropout"),
    }
''')}),
    dict(name="unidades_fijas_sin_hp", lost=["ah-espacio"],
         says={"ah-espacio": "no registra en hp: «unidades»"},
         never_says={"ah-espacio": "max_value"},
         cells={"ah-espacio-sol": _espacio('''    unidades = 16  # siempre las mismas
    return {
        "unidades": unidades,
        "tasa_aprendizaje": hp.Choice("tasa_aprendizaje", [0.01, 0.001]),
        "dropout": hp.Boolean("dropout"),
    }
''')}),
    dict(name="unidades_con_muestreo_logaritmico", lost=["ah-espacio"],
         says={"ah-espacio": "sampling=\"log\""},
         cells={"ah-espacio-sol": _espacio('''    return {
        "unidades": hp.Int("unidades", min_value=8, max_value=32, step=8, sampling="log"),
        "tasa_aprendizaje": hp.Choice("tasa_aprendizaje", [0.01, 0.001]),
        "dropout": hp.Boolean("dropout"),
    }
''')}),
    dict(name="espacio_con_argumentos_posicionales", lost=[],
         cells={"ah-espacio-sol": _espacio('''    valores = {}
    valores["unidades"] = hp.Int("unidades", 8, 32, 8)
    valores["tasa_aprendizaje"] = hp.Choice("tasa_aprendizaje", values=[1e-2, 1e-3])
    valores["dropout"] = hp.Boolean("dropout", default=False)
    return valores
''')}),
    # ------------------------------------------------------------------ ah-construir
    dict(name="modelo_sin_compilar", lost=["ah-construir"],
         says={"ah-construir": "no está compilado"},
         cells={"ah-construir-sol": _construir('''    valores = definir_espacio(hp)
    modelo = keras.Sequential([
        keras.Input(shape=(N_ENTRADAS,)),
        layers.Dense(valores["unidades"], activation="relu"),
    ])
    if valores["dropout"]:
        modelo.add(layers.Dropout(0.2))
    modelo.add(layers.Dense(1))
    return modelo
''')}),
    dict(name="adam_sin_tasa_de_hp", lost=["ah-construir"],
         says={"ah-construir": "parece que no le pasas learning_rate"},
         cells={"ah-construir-sol": _construir('''    valores = definir_espacio(hp)
    modelo = keras.Sequential([
        keras.Input(shape=(N_ENTRADAS,)),
        layers.Dense(valores["unidades"], activation="relu"),
    ])
    if valores["dropout"]:
        modelo.add(layers.Dropout(0.2))
    modelo.add(layers.Dense(1))
    modelo.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return modelo
''')}),
    # issue 17: a layer too many or too few is named first
    dict(name="dropout_siempre", lost=["ah-construir"],
         says={"ah-construir": "tiene de más una capa Dropout(0.2)"},
         cells={"ah-construir-sol": _construir('''    valores = definir_espacio(hp)
    modelo = keras.Sequential([
        keras.Input(shape=(N_ENTRADAS,)),
        layers.Dense(valores["unidades"], activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(1),
    ])
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=valores["tasa_aprendizaje"]),
                   loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="dropout_en_la_salida", lost=["ah-construir"],
         says={"ah-construir": "donde va el Dropout hay Dense(1, activación «linear»)"},
         cells={"ah-construir-sol": _construir('''    valores = definir_espacio(hp)
    modelo = keras.Sequential([
        keras.Input(shape=(N_ENTRADAS,)),
        layers.Dense(valores["unidades"], activation="relu"),
        layers.Dense(1),
    ])
    if valores["dropout"]:
        modelo.add(layers.Dropout(0.2))
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=valores["tasa_aprendizaje"]),
                   loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="construir_registra_su_propio_espacio", lost=["ah-construir"],
         says={"ah-construir": "construir_modelo(hp) registra «unidades» como"},
         cells={"ah-construir-sol": _construir('''    unidades = hp.Int("unidades", min_value=8, max_value=64, step=8)
    tasa = hp.Choice("tasa_aprendizaje", [0.01, 0.001])
    modelo = keras.Sequential([
        keras.Input(shape=(N_ENTRADAS,)),
        layers.Dense(unidades, activation="relu"),
    ])
    if hp.Boolean("dropout"):
        modelo.add(layers.Dropout(0.2))
    modelo.add(layers.Dense(1))
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=tasa), loss="mse", metrics=["mae"])
    return modelo
''')}),
    dict(name="modelo_tf_keras_con_add", lost=[],
         cells={"ah-construir-sol": _construir('''    import tensorflow as tf
    valores = definir_espacio(hp)
    modelo = tf.keras.Sequential()
    modelo.add(tf.keras.layers.InputLayer(shape=(N_ENTRADAS,)))
    modelo.add(tf.keras.layers.Dense(units=valores["unidades"], activation=tf.nn.relu))
    if valores["dropout"]:
        modelo.add(tf.keras.layers.Dropout(rate=0.2))
    modelo.add(tf.keras.layers.Dense(1, activation="linear"))
    modelo.compile(optimizer=tf.keras.optimizers.Adam(valores["tasa_aprendizaje"]),
                   loss=keras.losses.MeanSquaredError(), metrics=[keras.metrics.MeanAbsoluteError()])
    return modelo
''')}),
    dict(name="modelo_con_lista_sin_input", lost=[],
         cells={"ah-construir-sol": _construir('''    v = definir_espacio(hp)
    capas = [layers.Dense(v["unidades"]), layers.Activation("relu")]
    if v["dropout"]:
        capas.append(layers.Dropout(0.2))
    capas.append(layers.Dense(1))
    modelo = keras.Sequential(capas)
    modelo.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(learning_rate=v["tasa_aprendizaje"]),
                   metrics=["mean_absolute_error"])
    return modelo
''')}),
    # ------------------------------------------------------------------ ah-buscador
    dict(name="objetivo_val_accuracy", lost=["ah-buscador"],
         says={"ah-buscador": "no tiene sentido en una regresión"},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_accuracy", max_trials=4, seed=42,
                           directory=directorio, project_name="ajuste", overwrite=True)
''')}),
    dict(name="carpeta_fija_en_el_proyecto", lost=["ah-buscador"],
         says={"ah-buscador": "pasa directory=directorio"},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_loss", max_trials=4, seed=42,
                           directory="ajuste_hp", project_name="ajuste", overwrite=True)
''')}),
    dict(name="buscador_con_tres_pruebas", lost=["ah-buscador"],
         says={"ah-buscador": "el enunciado pide max_trials=4"},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_loss", max_trials=3, seed=42,
                           directory=directorio, project_name="ajuste", overwrite=True)
''')}),
    dict(name="buscador_sin_semilla", lost=["ah-buscador"],
         says={"ah-buscador": "no tiene una semilla fija: dos llamadas seguidas a crear_buscador dan dos semillas "
                              "distintas"},
         never_says={"ah-buscador": "tiene seed="},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_loss", max_trials=4,
                           directory=directorio, project_name="ajuste", overwrite=True)
''')}),
    dict(name="buscador_con_otro_proyecto", lost=["ah-buscador"],
         says={"ah-buscador": "project_name=\"ajuste\""},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_loss", max_trials=4, seed=42,
                           directory=directorio, project_name="busqueda", overwrite=True)
''')}),
    dict(name="buscador_sin_overwrite", lost=["ah-buscador"],
         says={"ah-buscador": "Pasa overwrite=True"},
         cells={"ah-buscador-sol": _buscador('''    return kt.RandomSearch(construir, objective="val_loss", max_trials=4, seed=42,
                           directory=directorio, project_name="ajuste")
''')}),
    dict(name="hyperband", lost=[],
         cells={"ah-buscador-sol": _buscador('''    return kt.Hyperband(construir, objective="val_loss", max_epochs=3, factor=3, seed=42,
                        directory=directorio, project_name="ajuste", overwrite=True)
''')}),
    dict(name="bayesiana_con_objective", lost=[],
         cells={"ah-buscador-sol": _buscador('''    import keras_tuner
    return keras_tuner.BayesianOptimization(
        hypermodel=construir, objective=keras_tuner.Objective("val_loss", direction="min"),
        max_trials=4, seed=42, directory=directorio, project_name="ajuste", overwrite=True)
''')}),
    # ------------------------------------------------------------------ ah-reentrenar
    dict(name="reentrena_solo_con_entrenamiento", lost=["ah-reentrenar"],
         says={"ah-reentrenar": "parece que reentrenas solo con el conjunto de entrenamiento"},
         cells={"ah-reentrenar-sol": _reentrenar('''    modelo = construir(mejores_hp)
    historia = modelo.fit(X_ent, y_ent, validation_data=(X_val, y_val), epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="reentrena_con_los_datos_globales", lost=["ah-reentrenar"],
         says={"ah-reentrenar": "de las variables X_ent y X_val del cuaderno, no los que recibió reentrenar: "
                                "parece que usas las variables globales"},
         cells={"ah-reentrenar-sol": _reentrenar('''    modelo = construir(mejores_hp)
    X_todo = np.concatenate([globals()["X_ent"], globals()["X_val"]])
    y_todo = np.concatenate([globals()["y_ent"], globals()["y_val"]])
    historia = modelo.fit(X_todo, y_todo, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="reentrena_con_x_ent_dos_veces", lost=["ah-reentrenar"],  # ni globales ni orden: solo lo que difiere
         says={"ah-reentrenar": "fit recibió 100 ejemplos que no son los de X_ent y X_val juntos"},
         never_says={"ah-reentrenar": "globales"},
         cells={"ah-reentrenar-sol": _reentrenar('''    modelo = construir(mejores_hp)
    X_todo = np.concatenate([X_ent, X_ent])
    y_todo = np.concatenate([y_ent, y_ent])
    historia = modelo.fit(X_todo, y_todo, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="reentrena_con_las_salidas_en_otro_orden", lost=["ah-reentrenar"],
         says={"ah-reentrenar": "parece que unes y_ent e y_val en otro orden que X_ent y X_val"},
         cells={"ah-reentrenar-sol": _reentrenar('''    modelo = construir(mejores_hp)
    X_todo = np.concatenate([X_ent, X_val])
    y_todo = np.concatenate([y_val, y_ent])
    historia = modelo.fit(X_todo, y_todo, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="reentrena_con_las_salidas_ordenadas", lost=["ah-reentrenar"],  # no es el orden de la unión
         says={"ah-reentrenar": "las salidas que recibe fit no corresponden a sus entradas: la fila X_"},
         never_says={"ah-reentrenar": "otro orden"},
         cells={"ah-reentrenar-sol": _reentrenar('''    modelo = construir(mejores_hp)
    X_todo = np.concatenate([X_ent, X_val])
    y_todo = np.sort(np.concatenate([y_ent, y_val]))
    historia = modelo.fit(X_todo, y_todo, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    dict(name="reentrena_con_vstack_barajando", lost=[],
         cells={"ah-reentrenar-sol": _reentrenar('''    X_todo = np.vstack((X_val, X_ent))
    y_todo = np.hstack((y_val, y_ent))
    orden = np.random.default_rng(0).permutation(len(X_todo))
    modelo = construir(mejores_hp)
    historia = modelo.fit(x=X_todo[orden], y=y_todo[orden], epochs=epocas, verbose=0, shuffle=True)
    return modelo, historia
''')}),
    dict(name="reentrena_con_tf_concat", lost=[],
         cells={"ah-reentrenar-sol": "import tensorflow as tf\n\n" + _reentrenar('''    modelo = construir(mejores_hp)
    X_todo = tf.concat([X_ent, X_val], axis=0)
    y_todo = tf.concat([y_ent, y_val], axis=0)
    historia = modelo.fit(X_todo, y_todo, epochs=epocas, batch_size=32, verbose=0)
    return modelo, historia
''')}),
    # ------------------------------------------------------------------ ah-evaluar
    dict(name="evaluar_devuelve_el_mae", lost=["ah-evaluar"],
         says={"ah-evaluar": "devolvió el MAE"},
         cells={"ah-evaluar-sol": _evaluar('''    perdida, mae = modelo.evaluate(X_prueba, y_prueba, verbose=0)
    return float(mae)
''')}),
    dict(name="evaluar_con_return_dict", lost=[],
         cells={"ah-evaluar-sol": _evaluar('''    return modelo.evaluate(x=X_prueba, y=y_prueba, return_dict=True, verbose=0)["loss"]
''')}),
]
