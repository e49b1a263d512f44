"""The probe: the only grading code the taller engine sends into the student's kernel.

The engine runs this file's source in the kernel (as module `_taller_probe`, before the student's
first cell). At each graded question it runs `_taller_probe.serve(PATH)`: the kernel connects to the
verdict process's socket and answers its requests -- look up a name, call a function, read an
attribute, read or set an item -- until the verdict says it is done. Every value goes back as plain
data (wire format below); the verdict process judges it. No grading code, reference or message is
here, and nothing here decides a score: a student who rewrites this module only sends wrong data.

Wire format (JSON frames, 8-byte big-endian length first):
  None, bool, int, float, str as JSON; list as a JSON list; {"$tuple": [...]}, {"$set": [...]},
  {"$dict": [[key, value], ...]}; {"$nd": base64 .npy} for numpy arrays (no pickle) and
  {"$np": base64 .npy} for numpy scalars; {"$index": ...}, {"$series": ...}, {"$frame": ...} for
  pandas; {"$module": name}, {"$class": [module, qualname]}; {"$fn": handle, "name": str} for a
  function that stays in the kernel, {"$obj": handle, "type": str} for any other object that stays
  here; {"$ref": handle} and {"$cb": id} name such objects, and the verdict's own functions, on the
  way back.
"""

import base64
import io
import json
import socket
import struct
import sys
import types

MAX_FRAME = 256 * 2**20

_objects = {}  # handle -> object kept in the kernel for the verdict
_stubs = {}  # verdict callback id -> the kernel-side function that calls it
_conn = [None]


def _send(message):
    data = json.dumps(message, allow_nan=True).encode("utf-8")
    _conn[0].sendall(struct.pack(">Q", len(data)) + data)


def _recv_exact(n):
    chunks = []
    while n:
        chunk = _conn[0].recv(min(n, 1 << 20))
        if not chunk:
            raise ConnectionError("verdict closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv():
    (size,) = struct.unpack(">Q", _recv_exact(8))
    if size > MAX_FRAME:
        raise ConnectionError("frame too large")
    return json.loads(_recv_exact(size).decode("utf-8"))


def _npy(array):
    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _unnpy(text):
    import numpy as np

    return np.lib.format.read_array(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _keep(obj):
    handle = id(obj)
    _objects[handle] = obj
    return handle


def _type_name(obj):
    kind = type(obj)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"


def encode(value, depth=0):
    if depth > 30:
        raise ValueError("value nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"$tuple": [encode(v, depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {"$set": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        return {"$dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if kind is numpy.ndarray:
            if value.dtype.kind in "biufcUSmM":
                return {"$nd": _npy(value)}
            return {"$list_array": [encode(v, depth + 1) for v in value.tolist()], "shape": list(value.shape)}
        if isinstance(value, numpy.generic) and kind.__module__ == "numpy" and value.dtype.kind in "biufcUSmM":
            return {"$np": _npy(numpy.asarray(value))}
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if kind is pandas.DataFrame:
            return {"$frame": {"columns": _encode_column_labels(value.columns, depth),
                               "index": _encode_index(value.index, depth),
                               "data": [_encode_values(value.iloc[:, j], depth) for j in range(value.shape[1])]}}
        if kind is pandas.Series:
            return {"$series": {"values": _encode_values(value, depth), "index": _encode_index(value.index, depth),
                                "name": encode(value.name, depth + 1)}}
        if isinstance(value, pandas.Index) and kind.__module__.startswith("pandas"):
            return _encode_index(value, depth)
    if _conn_stub_id(value) is not None:
        return {"$cb": _conn_stub_id(value)}
    if isinstance(value, types.ModuleType):
        return {"$module": value.__name__}
    if isinstance(value, type):
        return {"$class": [value.__module__, value.__qualname__]}
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType)):
        return {"$fn": _keep(value), "name": str(getattr(value, "__name__", "función"))}
    return {"$obj": _keep(value), "type": _type_name(value)}


def _encode_values(series, depth):
    values = series.to_numpy()
    if values.dtype.kind in "biufcUSmM":
        return {"$nd": _npy(values), "dtype": str(series.dtype)}
    return {"$values": [encode(v, depth + 2) for v in values.tolist()], "dtype": str(series.dtype)}


def _encode_index(index, depth):
    return {"$index": {"values": _encode_values(index, depth), "name": encode(index.name, depth + 1)}}


def _encode_column_labels(columns, depth):
    return [encode(c.item() if hasattr(c, "item") else c, depth + 1) for c in columns]


def _conn_stub_id(value):
    return getattr(value, "_taller_callback", None) if isinstance(value, types.FunctionType) else None


def decode(data):
    """What the verdict sent: plain data, a kernel object by handle, or one of its functions."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$set" in data:
        return set(decode(v) for v in data["$set"])
    if "$dict" in data:
        return {decode(k): decode(v) for k, v in data["$dict"]}
    if "$nd" in data:
        return _unnpy(data["$nd"])
    if "$np" in data:
        return _unnpy(data["$np"])[()]
    if "$frame" in data or "$series" in data or "$index" in data:
        return _decode_pandas(data)
    if "$ref" in data:
        return _objects[data["$ref"]]
    if "$cb" in data:
        return _stub(data["$cb"])
    raise ValueError(f"unknown value {sorted(data)[:3]}")


def _decode_values(data):
    import numpy as np

    if "$nd" in data:
        values = _unnpy(data["$nd"])
    else:
        values = np.array([decode(v) for v in data["$values"]], dtype=object)
    return values, data.get("dtype")


def _decode_pandas(data):
    import pandas as pd

    def index(d):
        values, dtype = _decode_values(d["$index"]["values"])
        return pd.Index(values, name=decode(d["$index"]["name"]), dtype=dtype)

    if "$index" in data:
        return index(data)
    if "$series" in data:
        s = data["$series"]
        values, dtype = _decode_values(s["values"])
        return pd.Series(values, index=index(s["index"]), name=decode(s["name"]), dtype=dtype)
    f = data["$frame"]
    columns = [decode(c) for c in f["columns"]]
    frame = pd.DataFrame(index=index(f["index"]))
    for j, (column, values) in enumerate(zip(columns, f["data"])):
        array, dtype = _decode_values(values)
        frame.insert(j, column, pd.Series(array, index=frame.index, dtype=dtype), allow_duplicates=True)
    return frame


def _stub(callback_id):
    """A kernel function that runs one of the verdict's functions (a reference swapped in for an
    earlier answer): it sends the arguments and gets back plain data."""
    if callback_id not in _stubs:
        def referencia(*args, **kwargs):
            _send({"op": "callback", "id": callback_id, "args": [encode(a) for a in args],
                   "kwargs": {k: encode(v) for k, v in kwargs.items()}})
            return _wait_reply()

        referencia._taller_callback = callback_id
        _stubs[callback_id] = referencia
    return _stubs[callback_id]


def _mutable(value):
    kind = type(value)
    return kind.__module__ in ("numpy", "pandas.core.frame", "pandas.core.series") or kind in (list, dict)


def _answer(request):
    op = request["op"]
    if op == "get":
        namespace = _user_namespace()
        if request["name"] not in namespace:
            return {"missing": True}
        return {"ok": encode(namespace[request["name"]])}
    target = _objects[request["target"]] if "target" in request else None
    if op == "call":
        args = [decode(a) for a in request["args"]]
        kwargs = {k: decode(v) for k, v in request["kwargs"].items()}
        result = target(*args, **kwargs)
        after = [encode(a) if _mutable(a) else None for a in args]
        after_kw = {k: encode(v) for k, v in kwargs.items() if _mutable(v)}
        return {"ok": encode(result), "after": after, "after_kw": after_kw}
    if op == "getattr":
        value = getattr(target, request["name"])
        if request["name"] == "__globals__":
            return {"ok": {"$obj": _keep(value), "type": "builtins.dict"}}
        return {"ok": encode(value)}
    if op == "getitem":
        key = decode(request["key"])
        if request.get("default_missing") and key not in target:
            return {"missing": True}
        return {"ok": encode(target[key])}
    if op == "setitem":
        target[decode(request["key"])] = decode(request["value"])
        return {"ok": None}
    if op == "delitem":
        key = decode(request["key"])
        if key not in target:
            return {"missing": True}
        value = target.pop(key)
        return {"ok": encode(value)}
    if op == "contains":
        return {"ok": bool(decode(request["key"]) in target)}
    if op == "len":
        return {"ok": int(len(target))}
    raise ValueError(f"unknown request {op!r}")


def _user_namespace():
    shell = sys.modules["IPython"].get_ipython()
    return shell.user_ns


def _error(exc):
    kind = type(exc)
    return {"raise": {"type": kind.__name__, "module": kind.__module__, "message": str(exc)[:2000]}}


def _serve_one(request):
    try:
        reply = _answer(request)
    except Exception as exc:  # the student's code raised: the verdict decides what that means
        reply = _error(exc)
    _send(reply)


def _wait_reply():
    """Answer the verdict's requests until it replies to ours."""
    while True:
        message = _recv()
        if "op" not in message:
            if "raise" in message:
                raise RuntimeError(message["raise"].get("message", ""))
            return decode(message.get("ok"))
        if message["op"] == "done":
            raise ConnectionError("verdict finished during a call")
        _serve_one(message)


def serve(path):
    """Answer the verdict's requests for one question, until it says it is done."""
    _conn[0] = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        _conn[0].connect(path)
        while True:
            message = _recv()
            if message.get("op") == "done":
                break
            _serve_one(message)
    finally:
        _conn[0].close()
        _conn[0] = None
