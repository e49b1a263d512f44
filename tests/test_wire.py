"""The taller engine's boundary, without a kernel: what the verdict process accepts from the kernel.

Everything the kernel sends is untrusted: it is rebuilt with exact types and bounds, never unpickled,
and anything else is refused (ProbeBroken, which no `except Exception` in a hidden test can swallow)."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pandas as pd
import pytest

from taller.taller_engine import verdict as vp
from taller.taller_engine.probe import decode as kernel_decode
from taller.taller_engine.probe import encode as kernel_encode


class NoKernel:
    """A channel with no kernel behind it: enough for values that stay plain."""

    callbacks: dict = {}
    models: dict = {}
    by_handle: dict = {}
    own_models: dict = {}
    raised: dict = {}

    def lend(self, function):
        return 1


def across(value):
    """What the verdict process rebuilds of a value the kernel's probe sent (through JSON)."""
    return vp.decode(json.loads(json.dumps(kernel_encode(value))), NoKernel())


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "ñandú", [1, [2, 3]], (1, "a"), {1, 2}, {"a": 1, 2: (3, 4)},
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array(["a", "bc"]), np.float32(1.5), np.int64(7),
    np.array([True, False]),
])
def test_plain_values_cross_unchanged(value):
    got = across(value)
    assert type(got) is type(value)
    if isinstance(value, np.ndarray):
        assert got.dtype == value.dtype and np.array_equal(got, value)
    elif isinstance(value, float) or isinstance(value, np.floating):
        assert got == value
    else:
        assert got == value


def test_pandas_values_cross_unchanged():
    frame = pd.DataFrame({"x": [1.0, 2.0], "nombre": ["a", "b"], "n": [1, 2]}, index=[10, 20])
    assert across(frame).equals(frame)
    series = pd.Series([1.5, 2.5], index=["a", "b"], name="y")
    assert across(series).equals(series) and across(series).name == "y"


def test_subclasses_and_lying_objects_do_not_cross_as_values():
    class Mentira(np.ndarray):
        def __eq__(self, other):
            return True

    class Siempre(str):
        def __eq__(self, other):
            return True

    for liar in (np.zeros(3).view(Mentira), Siempre("x")):
        data = kernel_encode(liar)
        assert "$obj" in data  # stays in the kernel
        proxy = vp.decode(json.loads(json.dumps(data)), NoKernel())
        assert isinstance(proxy, vp.RemoteObject)
        assert proxy != "x" and not (proxy == np.zeros(3)) and not isinstance(proxy, np.ndarray)
        with pytest.raises(TypeError):
            bool(proxy)


def pickled_npy() -> str:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("data", [
    {"$nd": pickled_npy()},                       # an object array: only with pickle
    {"$nd": "esto no es base64 ni npy"},
    {"$desconocido": 1},
    {"$dict": [[[1, 2], 3]]},                     # an unhashable key
    {"$callback": ["subprocess", "Popen"], "attrs": {}},   # not a callback of the table
    {"$cb": 999},                                  # a callback never lent
    {"$tuple": "no es una lista"},
])
def test_malformed_data_is_refused(data):
    with pytest.raises(vp.ProbeBroken):
        vp.decode(data, NoKernel())


def test_a_refusal_is_not_an_exception_a_hidden_test_can_catch():
    assert not issubclass(vp.ProbeBroken, Exception)


def test_values_the_verdict_sends_rebuild_in_the_kernel():
    frame = pd.DataFrame({"a": [1, 2]})
    sent = json.loads(json.dumps(vp.encode((np.arange(3.0), frame, {"k": [1, 2]}), NoKernel())))
    arr, got, d = kernel_decode(sent)
    assert np.array_equal(arr, np.arange(3.0)) and got.equals(frame) and d == {"k": [1, 2]}


def test_free_names_are_what_a_hidden_block_takes_from_the_notebook():
    code = ("import numpy as np\ndef _ref(x):\n    return x + b\n_r = np.random.default_rng(1)\n"
            "for _i in range(3):\n    assert predecir(_r.normal(size=3), _i) == _ref(_i)\n")
    assert vp.free_names(code) == ["b", "predecir"]


def test_integer_seeds_are_mixed_with_the_run_seed_and_sequences_are_not():
    original = np.random.default_rng
    try:
        vp.seeded_generators(1)
        a = np.random.default_rng(42).normal(size=3)
        fixed = np.random.default_rng(np.random.SeedSequence(42)).normal(size=3)
        vp.seeded_generators(2)
        b = np.random.default_rng(42).normal(size=3)
    finally:
        np.random.default_rng = original
    assert not np.allclose(a, b)
    assert np.allclose(fixed, original(42).normal(size=3))


def test_a_model_that_carries_code_is_refused_by_keras_safe_mode():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 0 + 1)])
    data = json.loads(json.dumps(kernel_encode(model)))
    with pytest.raises(vp.ProbeBroken, match="(?i)lambda|safe"):
        vp.decode(data, NoKernel())


def test_hyperparameters_cross_by_their_config_and_write_back_in_place():
    import keras_tuner as kt

    hp = kt.HyperParameters()
    hp.Int("unidades", 8, 32, step=8)
    hp.Choice("tasa_aprendizaje", [0.01, 0.001])
    hp.Fixed("dropout", True)
    got = across(hp)
    assert type(got) is kt.HyperParameters and got.values == hp.values
    assert [(type(h).__name__, h.get_config()) for h in got.space] == [(type(h).__name__, h.get_config()) for h in hp.space]
    # the kernel's copy, after the student's code registered one more: the verdict's object shows it
    original = kt.HyperParameters()
    copy = kernel_decode(json.loads(json.dumps(vp.encode(original, NoKernel()))))
    copy.Boolean("dropout")
    vp.write_back(original, across(copy))
    assert [h.name for h in original.space] == ["dropout"] and original.values == {"dropout": False}


@pytest.mark.parametrize("config", [
    {"space": [{"class_name": "Lambda", "config": {"name": "x"}}], "values": {}},   # not a hyperparameter kind
    {"space": [{"class_name": "Int", "config": {"name": "x", "min_value": 1, "max_value": 2,
                                                 "conditions": [{"class_name": "Evil", "config": {}}]}}],
     "values": {}},
    {"space": [], "values": {}, "extra": 1},
    {"space": "no", "values": {}},
])
def test_hyperparameters_of_unknown_kinds_are_refused(config):
    data = json.loads(json.dumps({"$hp": kernel_encode(config)}))
    with pytest.raises(vp.ProbeBroken):
        vp.decode(data, NoKernel())


def test_objectives_cross_by_name_and_direction(tmp_path):
    import keras_tuner as kt

    got = across(kt.Objective("val_loss", "min"))
    assert type(got) is kt.Objective and (got.name, got.direction) == ("val_loss", "min")
    multi = across(kt.RandomSearch(lambda hp: None, objective=["val_loss", "val_mae"], max_trials=1,
                                   directory=str(tmp_path), overwrite=True).oracle.objective)
    assert type(multi).__name__ == "MultiObjective" and [o.name for o in multi.objectives] == ["val_loss", "val_mae"]


@pytest.mark.parametrize("data", [
    {"$objective": "Malicioso", "name": "val_loss", "direction": "min", "objectives": []},
    {"$objective": "MultiObjective", "name": "m", "direction": "min", "objectives": [{"$nd": "x"}]},
    {"$objective": "MultiObjective", "name": "m", "direction": "min", "objectives": [1.0]},
    {"$objective": "Objective", "name": ["val_loss"], "direction": "min", "objectives": []},
])
def test_forged_objectives_are_refused(data):
    with pytest.raises(vp.ProbeBroken):
        vp.decode(data, NoKernel())


def test_a_tuner_stays_in_the_kernel_and_runs_none_of_its_code_here(tmp_path):
    import keras_tuner as kt

    class Preguntas:
        """A channel that records what the verdict asks the kernel."""

        callbacks: dict = {}
        asked: list = []

        def request(self, message):
            self.asked.append(message["name"])
            return {"ok": str(tmp_path / "fuera" / "proyecto")}

    channel = Preguntas()
    tuner = vp.decode({"$tuner": 12, "class": "Hyperband"}, channel)
    assert isinstance(tuner, kt.Tuner) and isinstance(tuner, kt.Hyperband) and tuner != tuner._handle
    assert tuner.project_dir == str(tmp_path / "fuera" / "proyecto") and channel.asked == ["project_dir"]
    assert not (tmp_path / "fuera").exists()  # kt's own project_dir would have created it here
    with pytest.raises(vp.ProbeBroken):
        vp.decode({"$tuner": 12, "class": "Tuner"}, channel)


def test_tensors_and_finite_datasets_cross_as_data():
    """A valid answer may train or predict on `tf.concat` tensors, a `tf.Variable` or a finite
    `tf.data.Dataset`: they cross as data, not as proxies Keras would reject (issue 17)."""
    import tensorflow as tf

    tensor = tf.concat([tf.ones((2, 3)), tf.zeros((1, 3))], axis=0)
    got = across(tensor)
    assert tf.is_tensor(got) and got.dtype == tf.float32 and np.array_equal(got.numpy(), tensor.numpy())
    variable = tf.Variable(np.arange(4, dtype=np.int32))
    assert np.array_equal(across(variable).numpy(), np.arange(4))
    x, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    rebuilt = across(dataset)
    assert isinstance(rebuilt, tf.data.Dataset)
    batches = [(a.numpy(), b.numpy()) for a, b in rebuilt]
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert np.array_equal(np.concatenate([b[0] for b in batches]), x)
    assert np.array_equal(np.concatenate([b[1] for b in batches]), y)


def test_an_infinite_dataset_stays_in_the_kernel():
    import tensorflow as tf

    data = kernel_encode(tf.data.Dataset.range(3).repeat())
    assert "$obj" in data
