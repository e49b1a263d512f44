"""Known-wrong and known-right answers for source/00-conceptos/00-conceptos.ipynb.

Each variant replaces whole solution cells (by solution grade_id); `lost` lists the questions
(test-cell grade_ids) that must score zero. Every other question must keep full marks.
"""

_ID = "# Diccionario con las claves \"IA\", \"ML\" y \"DL\"; cada valor es una letra: \"a\", \"b\" o \"c\".\n"
_TIPOS = (
    "# Claves: \"chatbot\", \"spam\", \"coche\", \"facial\", \"clientes\", \"juego\".\n"
    "# Valores: \"supervisado\", \"no supervisado\" o \"refuerzo\".\n"
)
_LETRA = "# Una letra: \"a\", \"b\", \"c\" o \"d\".\n"
_LISTA = "# Lista con las letras de todas las afirmaciones verdaderas (el orden no importa).\n"


def _tipos(**cambios):
    base = {
        "chatbot": "supervisado",
        "spam": "supervisado",
        "coche": "refuerzo",
        "facial": "supervisado",
        "clientes": "no supervisado",
        "juego": "refuerzo",
    }
    base.update(cambios)
    return _TIPOS + "tipos_aprendizaje = " + repr(base) + "\n"


VARIANTS = [
    # ------------------------------------------------------------------ known-wrong
    dict(name="ml_y_dl_intercambiados",
         cells={"cc-ia-ml-dl-sol": _ID + 'definiciones = {"IA": "b", "ML": "a", "DL": "c"}\n'},
         lost=["cc-ia-ml-dl"],
         says={"cc-ia-ml-dl": "Has intercambiado las letras de ML y DL."}, never_says={"cc-ia-ml-dl": "Repasa la IA"}),
    dict(name="ia_y_ml_intercambiados",
         cells={"cc-ia-ml-dl-sol": _ID + 'definiciones = {"IA": "c", "ML": "b", "DL": "a"}\n'},
         lost=["cc-ia-ml-dl"],
         says={"cc-ia-ml-dl": "Has intercambiado las letras de IA y ML."}, never_says={"cc-ia-ml-dl": "Repasa el deep learning"}),
    dict(name="definiciones_como_lista",
         cells={"cc-ia-ml-dl-sol": _ID + 'definiciones = ["b", "c", "a"]\n'},
         lost=["cc-ia-ml-dl"]),
    dict(name="relacion_ml_dentro_de_dl",
         cells={"cc-relacion-sol": _LETRA + 'respuesta_relacion = "b"\n'},
         lost=["cc-relacion"],
         says={"cc-relacion": "La b pone el machine learning dentro del deep learning, y es al revés"}),
    dict(name="relacion_campos_independientes",
         cells={"cc-relacion-sol": _LETRA + 'respuesta_relacion = "d"\n'},
         lost=["cc-relacion"],
         says={"cc-relacion": "La d los trata como campos independientes"}, never_says={"cc-relacion": "al revés"}),
    dict(name="relacion_como_numero",
         cells={"cc-relacion-sol": _LETRA + 'respuesta_relacion = 1\n'},
         lost=["cc-relacion"]),
    dict(name="clustering_supervisado",
         cells={"cc-tipos-aprendizaje-sol": _tipos(clientes="supervisado")},
         lost=["cc-tipos-aprendizaje"]),
    dict(name="spam_no_supervisado",
         cells={"cc-tipos-aprendizaje-sol": _tipos(spam="no supervisado")},
         lost=["cc-tipos-aprendizaje"]),
    dict(name="juego_supervisado",
         cells={"cc-tipos-aprendizaje-sol": _tipos(juego="supervisado")},
         lost=["cc-tipos-aprendizaje"]),
    dict(name="coche_que_aparca_supervisado",
         cells={"cc-tipos-aprendizaje-sol": _tipos(coche="supervisado")},
         lost=["cc-tipos-aprendizaje"]),
    dict(name="tipos_falta_un_escenario",
         cells={"cc-tipos-aprendizaje-sol": _TIPOS + 'tipos_aprendizaje = {"chatbot": "supervisado", '
                '"spam": "supervisado", "coche": "refuerzo", "facial": "supervisado", '
                '"clientes": "no supervisado"}\n'},
         lost=["cc-tipos-aprendizaje"]),
    dict(name="forward_calcula_gradientes",
         cells={"cc-forward-sol": _LETRA + 'respuesta_forward = "a"\n'},
         lost=["cc-forward"]),
    dict(name="backprop_calcula_prediccion",
         cells={"cc-backprop-sol": _LETRA + 'respuesta_backprop = "a"\n'},
         lost=["cc-backprop"]),
    dict(name="backprop_pesos_al_azar",
         cells={"cc-backprop-sol": _LETRA + 'respuesta_backprop = "b"\n'},
         lost=["cc-backprop"]),
    dict(name="tasa_como_epocas",
         cells={"cc-tasa-sol": _LETRA + 'respuesta_tasa = "a"\n'},
         lost=["cc-tasa"],
         says={"cc-tasa": "La a describe el número de épocas"}, never_says={"cc-tasa": "La b describe"}),
    dict(name="tasa_como_neuronas",
         cells={"cc-tasa-sol": _LETRA + 'respuesta_tasa = "b"\n'},
         lost=["cc-tasa"],
         says={"cc-tasa": "La b describe el tamaño de las capas"}, never_says={"cc-tasa": "La a describe"}),
    dict(name="tasa_efectos_solo_una",
         cells={"cc-tasa-efectos-sol": _LISTA + 'respuestas_tasa_efectos = ["a"]\n'},
         lost=["cc-tasa-efectos"]),
    dict(name="tasa_efectos_incluye_epocas",
         cells={"cc-tasa-efectos-sol": _LISTA + 'respuestas_tasa_efectos = ["a", "b", "d"]\n'},
         lost=["cc-tasa-efectos"]),
    dict(name="tasa_efectos_texto_en_vez_de_lista",
         cells={"cc-tasa-efectos-sol": _LISTA + 'respuestas_tasa_efectos = "ab"\n'},
         lost=["cc-tasa-efectos"]),
    dict(name="confunde_forward_y_backprop",
         cells={"cc-forward-sol": _LETRA + 'respuesta_forward = "a"\n',
                "cc-backprop-sol": _LETRA + 'respuesta_backprop = "a"\n'},
         lost=["cc-forward", "cc-backprop"]),
    # ------------------------------------------------------------------ known-right
    dict(name="letras_en_mayuscula_con_espacios",
         cells={"cc-relacion-sol": _LETRA + 'respuesta_relacion = " A "\n',
                "cc-forward-sol": _LETRA + 'respuesta_forward = "B"\n',
                "cc-backprop-sol": _LETRA + 'respuesta_backprop = "d\\n"\n',
                "cc-tasa-sol": _LETRA + 'respuesta_tasa = " C"\n'},
         lost=[]),
    dict(name="definiciones_claves_minusculas_otro_orden",
         cells={"cc-ia-ml-dl-sol": _ID + 'definiciones = {"dl": "A ", " ml": "C", "Ia": " b"}\n'},
         lost=[]),
    dict(name="tipos_con_otra_escritura",
         cells={"cc-tipos-aprendizaje-sol": _TIPOS + 'tipos_aprendizaje = {\n'
                '    "Juego": "Aprendizaje por refuerzo",\n'
                '    " clientes ": "No_Supervisado",\n'
                '    "FACIAL": "Supervisado ",\n'
                '    "coche": "por refuerzo",\n'
                '    "spam": "aprendizaje supervisado",\n'
                '    "chatbot": "SUPERVISADO",\n'
                '}\n'},
         lost=[]),
    dict(name="tasa_efectos_tupla_desordenada",
         cells={"cc-tasa-efectos-sol": _LISTA + 'respuestas_tasa_efectos = (" B", "a")\n'},
         lost=[]),
    dict(name="tasa_efectos_conjunto_mayusculas",
         cells={"cc-tasa-efectos-sol": _LISTA + 'respuestas_tasa_efectos = {"A", "B"}\n'},
         lost=[]),
]
