"""The taller engine's wire format, defined once and used on both sides of the verdict boundary.

The verdict process imports it as `taller.wire`; the runner installs this same source in the student's
kernel as module `_taller_wire`, before the first cell, for the probe. It imports nothing of taller's
and nothing that is not already loaded: numpy, pandas and TensorFlow are used only if the process has
imported them.

Frames: an 8-byte big-endian length, then a JSON object of at most MAX_FRAME bytes. Plain values:

| value | on the wire |
|---|---|
| None, bool, int, float, str | JSON |
| list; tuple, set or frozenset, dict | JSON list; {"$tuple": [...]}, {"$set": [...]}, {"$dict": [[k, v], ...]} |
| numpy.ndarray (exact type, dtype kind biufcUSmM), numpy scalar | {"$nd": .npy base64}, {"$np": .npy base64} |
| numpy object array | {"$list_array": [...]} |
| pandas DataFrame, Series, Index (exact types) | {"$frame"}, {"$series"}, {"$index"}: columns as .npy or lists |
| tf.Tensor, tf.Variable (dense, numeric) | {"$tensor": .npy base64}; read back as a constant tensor |
| a finite tf.data.Dataset, at most MAX_ELEMENTS elements | {"$dataset": [element, ...]}; read back as a dataset of those elements |

Reading is strict: exact JSON types, depth at most MAX_DEPTH, hashable keys, .npy without pickle and
of the kinds above. Anything else raises Refused, a BaseException, so that no `except Exception` in
a hidden test can take it for an error of the student's code. Everything that is not plain data (a
Keras model, a function, a handle) is each side's own business: `encode` and `decode` hand it to the
side's `other` function.
"""

import base64
import io
import json
import struct
import sys

MAX_FRAME = 256 * 2**20
MAX_DEPTH = 30
MAX_ELEMENTS = 100_000
KINDS = "biufcUSmM"  # numpy dtype kinds that cross as .npy: no objects, no void
PLAIN = (type(None), bool, int, float, str)
SAFE_PANDAS_DTYPES = {"object", "string", "category", "bool", "boolean"}


class Refused(BaseException):
    """Data that is not of this format."""


def expect(value, kind):
    if type(value) is not kind:
        raise Refused(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------- frames

def frame(message) -> bytes:
    data = json.dumps(message, allow_nan=True).encode("utf-8")
    if len(data) > MAX_FRAME:
        raise ValueError(f"a frame of {len(data)} bytes")
    return struct.pack(">Q", len(data)) + data


def frame_size(header: bytes) -> int:
    (size,) = struct.unpack(">Q", header)
    if size > MAX_FRAME:
        raise Refused(f"a frame of {size} bytes")
    return size


def parse(payload: bytes) -> dict:
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refused(f"not JSON: {str(exc)[:200]}") from None
    if type(message) is not dict:
        raise Refused("a frame that is not an object")
    return message


# ---------------------------------------------------------------- arrays

def write_npy(array) -> str:
    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def read_npy(text):
    import numpy as np

    try:
        raw = base64.b64decode(expect(text, str), validate=True)
        array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise Refused(f"not an .npy array: {str(exc)[:200]}") from None
    if type(array) is not np.ndarray or array.dtype.kind not in KINDS or array.dtype.fields is not None:
        raise Refused(f"an array of dtype {array.dtype}")
    return array


def _numeric_tensor(value, tf) -> bool:
    return (isinstance(value, (tf.Tensor, tf.Variable)) and hasattr(value, "numpy")
            and not isinstance(value, (tf.SparseTensor, tf.RaggedTensor)) and value.dtype.is_numpy_compatible
            and value.dtype != tf.string)


# ---------------------------------------------------------------- plain values, both ways

def encode(value, other, depth: int = 0):
    """Plain data for a value; `other(value, depth)` for anything else."""
    if depth > MAX_DEPTH:
        raise ValueError("a value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(v, other, depth + 1) for v in value]
    if kind is tuple:
        return {"$tuple": [encode(v, other, depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {"$set": [encode(v, other, depth + 1) for v in value]}
    if kind is dict:
        return {"$dict": [[encode(k, other, depth + 1), encode(v, other, depth + 1)] for k, v in value.items()]}
    np = sys.modules.get("numpy")
    if np is not None:
        if kind is np.ndarray:
            if value.dtype.kind in KINDS and value.dtype.fields is None:
                return {"$nd": write_npy(value)}
            if value.dtype.kind == "O":
                return {"$list_array": [encode(v, other, depth + 1) for v in value.tolist()]}
        if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in KINDS:
            return {"$np": write_npy(np.asarray(value))}
    pd = sys.modules.get("pandas")
    if pd is not None:
        if kind is pd.DataFrame:
            return {"$frame": {"columns": [encode(c.item() if hasattr(c, "item") else c, other, depth + 1)
                                           for c in value.columns],
                               "index": _encode_index(value.index, other, depth),
                               "data": [_encode_values(value.iloc[:, j], other, depth) for j in range(value.shape[1])]}}
        if kind is pd.Series:
            return {"$series": {"values": _encode_values(value, other, depth),
                                "index": _encode_index(value.index, other, depth),
                                "name": encode(value.name, other, depth + 1)}}
        if isinstance(value, pd.Index) and kind.__module__.startswith("pandas"):
            return _encode_index(value, other, depth)
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        if _numeric_tensor(value, tf):
            array = value.numpy()
            if type(array) is not np.ndarray:
                array = np.asarray(array)
            if array.dtype.kind in KINDS:
                return {"$tensor": write_npy(array)}
        if isinstance(value, tf.data.Dataset):
            elements = _dataset_elements(value, tf)
            if elements is not None:
                return {"$dataset": [encode(e, other, depth + 1) for e in elements]}
    return other(value, depth)


def _dataset_elements(dataset, tf):
    """The elements of a finite dataset, or None for an infinite or too long one."""
    if int(dataset.cardinality()) == int(tf.data.INFINITE_CARDINALITY):
        return None
    elements = list(dataset.take(MAX_ELEMENTS + 1))
    return None if len(elements) > MAX_ELEMENTS else elements


def _encode_values(values, other, depth):
    array = values.to_numpy()
    if array.dtype.kind in KINDS:
        return {"$nd": write_npy(array), "dtype": str(values.dtype)}
    return {"$values": [encode(x, other, depth + 2) for x in array.tolist()], "dtype": str(values.dtype)}


def _encode_index(index, other, depth):
    return {"$index": {"values": _encode_values(index, other, depth), "name": encode(index.name, other, depth + 1)}}


def decode(data, other, depth: int = 0):
    """A value from plain data, with exact types; `other(tag, data, depth)` for any other tag."""
    if depth > MAX_DEPTH:
        raise Refused("a value nested too deeply")
    if type(data) in PLAIN:
        return data
    if type(data) is list:
        return [decode(v, other, depth + 1) for v in data]
    if type(data) is not dict or len(data) < 1:
        raise Refused(f"unexpected {type(data).__name__}")
    tag = next(iter(data))
    body = data[tag]
    if tag == "$tuple":
        return tuple(decode(v, other, depth + 1) for v in expect(body, list))
    if tag == "$set":
        return {_hashable(decode(v, other, depth + 1)) for v in expect(body, list)}
    if tag == "$dict":
        result = {}
        for pair in expect(body, list):
            if len(expect(pair, list)) != 2:
                raise Refused("a dict entry that is not a pair")
            result[_hashable(decode(pair[0], other, depth + 1))] = decode(pair[1], other, depth + 1)
        return result
    if tag == "$nd":
        return read_npy(body)
    if tag == "$np":
        array = read_npy(body)
        if array.ndim != 0:
            raise Refused("a numpy scalar with a shape")
        return array[()]
    if tag == "$list_array":
        import numpy as np

        return np.array([decode(v, other, depth + 1) for v in expect(body, list)], dtype=object)
    if tag in ("$frame", "$series", "$index"):
        return _decode_pandas(tag, expect(body, dict), other, depth)
    if tag == "$tensor":
        import tensorflow as tf

        return tf.constant(read_npy(body))
    if tag == "$dataset":
        return _decode_dataset([decode(e, other, depth + 1) for e in expect(body, list)])
    return other(tag, data, depth)


def _decode_dataset(elements):
    import tensorflow as tf

    if len(elements) > MAX_ELEMENTS:
        raise Refused("a dataset with too many elements")
    if not elements:
        return tf.data.Dataset.range(0)
    try:
        dataset = tf.data.Dataset.from_tensors(elements[0])
        for element in elements[1:]:
            dataset = dataset.concatenate(tf.data.Dataset.from_tensors(element))
    except (TypeError, ValueError) as exc:
        raise Refused(f"a dataset whose elements do not fit together: {str(exc)[:200]}") from None
    return dataset


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        raise Refused("an unhashable key") from None
    return value


def _decode_values(body, other, depth):
    import numpy as np

    body = expect(body, dict)
    if "$nd" in body:
        values = read_npy(body["$nd"])
    else:
        items = [decode(v, other, depth + 1) for v in expect(body.get("$values"), list)]
        values = np.empty(len(items), dtype=object)
        values[:] = items
    dtype = body.get("dtype")
    return values, _pandas_dtype(expect(dtype, str)) if dtype is not None else None


def _pandas_dtype(name):
    if name in SAFE_PANDAS_DTYPES or name.rstrip("0123456789").lower() in {"int", "uint", "float", "complex"}:
        return name
    if name.startswith(("datetime64", "timedelta64")):
        return name
    return None


def _decode_pandas(tag, body, other, depth):
    import pandas as pd

    def index(d):
        d = expect(expect(d, dict).get("$index"), dict)
        values, dtype = _decode_values(d.get("values"), other, depth + 1)
        return pd.Index(values, name=_hashable(decode(d.get("name"), other, depth + 1)), dtype=dtype)

    try:
        if tag == "$index":
            return index({"$index": body})
        if tag == "$series":
            values, dtype = _decode_values(body.get("values"), other, depth)
            return pd.Series(values, index=index(body.get("index")), name=_hashable(decode(body.get("name"), other, depth + 1)),
                             dtype=dtype)
        columns = [_hashable(decode(c, other, depth + 1)) for c in expect(body.get("columns"), list)]
        frame = pd.DataFrame(index=index(body.get("index")))
        for j, (column, values) in enumerate(zip(columns, expect(body.get("data"), list))):
            array, dtype = _decode_values(values, other, depth)
            frame.insert(j, column, pd.Series(array, index=frame.index, dtype=dtype), allow_duplicates=True)
        return frame
    except (TypeError, ValueError) as exc:
        raise Refused(f"a pandas value that does not rebuild: {str(exc)[:200]}") from None


def set_optimizer_state(model, state: list) -> None:
    """A Keras model's optimizer variables as the other side has them (part of how a model crosses);
    only its step count if they do not match (an optimizer that was never built has no slots yet)."""
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    if not state or optimizer is None:
        return
    if not optimizer.variables:
        optimizer.build(model.trainable_variables)
    if [tuple(v.shape) for v in optimizer.variables] == [v.shape for v in state]:
        for variable, value in zip(optimizer.variables, state):
            variable.assign(value)
    elif state[0].shape == () and state[0].dtype.kind in "iu":
        optimizer.iterations.assign(int(state[0]))
