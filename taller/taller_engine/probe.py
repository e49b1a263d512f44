"""The probe: the only grading code the taller engine sends into the student's kernel.

The engine runs this file's source in the kernel (as module `_taller_probe`, before the student's
first cell). At each graded question it runs `_taller_probe.serve(PATH)`: the kernel connects to the
verdict process's socket and answers its requests -- look up a name, call a function, read an
attribute, read or set an item -- until the verdict says it is done. Every value goes back as plain
data (wire format below); the verdict process judges it. No grading code, reference or message is
here, and nothing here decides a score: a student who rewrites this module only sends wrong data.

The wire format is wire.py's, installed in the kernel as `_taller_wire` just before this module.
Besides plain data (wire.py), the probe sends {"$module": name}, {"$class": [module, qualname]} (names
only: the verdict never looks them up), {"$fn": handle, "name": str} for a function that stays in
the kernel, {"$obj": handle, "type": str} for any other object that stays here; Keras:
{"$model": config, weights, compile settings, optimizer state, handle}, {"$history": ...},
{"$callback": ...}; Keras Tuner: {"$hp": get_config()}, {"$objective": class, name, direction},
{"$tuner": handle, "class": name}. The verdict sends {"$ref": handle} and {"$cb": id} to name such
objects and its own functions (only the hidden test's) on the way back.
"""

import json
import socket
import sys
import types

try:
    import _taller_wire as wire  # in the kernel: wire.py, installed by the runner
except ImportError:
    from taller.taller_engine import wire

_objects = {}  # handle -> object kept in the kernel for the verdict
_stubs = {}  # verdict callback id -> the kernel-side function that calls it
_conn = [None]
_vid_of = {}  # id(model here) -> id of the verdict's model it is a copy of


def _send(message):
    _conn[0].sendall(wire.frame(message))


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
    return wire.parse(_recv_exact(wire.frame_size(_recv_exact(8))))


_npy, _unnpy = wire.write_npy, wire.read_npy


def _keep(obj):
    handle = id(obj)
    _objects[handle] = obj
    return handle


def _type_name(obj):
    kind = type(obj)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"


def encode(value, depth=0):
    return wire.encode(value, _encode_other, depth)


def _encode_other(value, depth):
    kind = type(value)
    keras = sys.modules.get("keras")
    if keras is not None:
        if isinstance(value, keras.Model):
            return {"$model": _model_data(value)}
        if isinstance(value, keras.callbacks.History):
            model = value.model
            return {"$history": {"history": encode(value.history, depth + 1), "params": encode(dict(value.params or {}), depth + 1),
                                 "epoch": encode(list(getattr(value, "epoch", [])), depth + 1),
                                 "model": None if model is None else encode(model, depth + 1)}}
        if isinstance(value, keras.callbacks.Callback) and kind.__module__.startswith("keras."):
            return {"$callback": [kind.__module__, kind.__qualname__],
                    "attrs": {k: v for k, v in vars(value).items()
                              if not k.startswith("_") and type(v) in (type(None), bool, int, float, str)}}
    kt = sys.modules.get("keras_tuner")
    if kt is not None:
        if kind is kt.HyperParameters:
            return {"$hp": encode(value.get_config(), depth + 1)}
        if kind.__module__ == "keras_tuner.src.engine.objective":
            return {"$objective": kind.__name__, "name": encode(value.name, depth + 1),
                    "direction": encode(value.direction, depth + 1),
                    "objectives": [encode(o, depth + 1) for o in getattr(value, "objectives", [])]}
        if kind in _tuner_classes(kt):
            return {"$tuner": _keep(value), "class": kind.__name__}
    if _conn_stub_id(value) is not None:
        return {"$cb": _conn_stub_id(value)}
    if isinstance(value, types.ModuleType):
        return {"$module": value.__name__}
    if isinstance(value, type):
        return {"$class": [value.__module__, value.__qualname__]}
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType)):
        return {"$fn": _keep(value), "name": str(getattr(value, "__name__", "función"))}
    return {"$obj": _keep(value), "type": _type_name(value)}


def _tuner_classes(kt):
    return tuple(getattr(kt, name) for name in ("RandomSearch", "Hyperband", "BayesianOptimization", "GridSearch")
                 if hasattr(kt, name))


def _model_data(model):
    compiled = model.get_compile_config() if getattr(model, "compiled", False) else None
    try:
        json.dumps(compiled)
    except (TypeError, ValueError):
        compiled = None
    optimizer = getattr(model, "optimizer", None) if compiled else None
    return {"json": model.to_json(), "weights": [_npy(w) for w in model.get_weights()], "compile": compiled,
            "optimizer": [_npy(v.numpy()) for v in optimizer.variables] if optimizer is not None else [],
            "handle": _keep(model), "vid": _vid_of.get(id(model))}


def _set_state(model, data):
    """Weights, compile settings and optimizer state from the verdict's copy of a model."""
    weights = [_unnpy(w) for w in data["weights"]]
    if weights and [tuple(w.shape) for w in model.get_weights()] == [w.shape for w in weights]:
        model.set_weights(weights)
    if data.get("compile") and data["compile"] != (model.get_compile_config() if getattr(model, "compiled", False) else None):
        model.compile_from_config(data["compile"])
    wire.set_optimizer_state(model, [_unnpy(v) for v in data.get("optimizer") or []])


def _decode_model(data):
    import keras

    known = _objects.get(data.get("handle"))
    if known is None and data.get("vid") is not None:
        known = next((m for k, m in _objects.items() if _vid_of.get(k) == data["vid"]), None)
    model = known if known is not None else keras.models.model_from_json(data["json"])
    if known is None:
        _keep(model)
        _vid_of[id(model)] = data.get("vid")
    _set_state(model, data)
    for name, callback_id in (data.get("methods") or {}).items():
        setattr(model, name, _stub(callback_id))  # the verdict's spy on fit: the call goes there
    return model


def _decode_hp(config):
    import keras_tuner

    return keras_tuner.HyperParameters.from_config(decode(config))


def _conn_stub_id(value):
    return getattr(value, "_taller_callback", None) if isinstance(value, types.FunctionType) else None


def decode(data):
    """What the verdict sent: plain data, a kernel object by handle, or one of its functions."""
    return wire.decode(data, _decode_other)


def _decode_other(tag, data, depth):
    if tag == "$ref":
        return _objects[data["$ref"]]
    if tag == "$model":
        return _decode_model(data["$model"])
    if tag == "$history":
        import keras

        h = data["$history"]
        history = keras.callbacks.History()
        history.history, history.params, history.epoch = decode(h["history"]), decode(h["params"]), decode(h["epoch"])
        if h.get("model") is not None:
            history.set_model(decode(h["model"]))
        return history
    if tag == "$cb":
        return _stub(data["$cb"])
    if tag == "$hp":
        return _decode_hp(data["$hp"])
    raise ValueError(f"unknown value {tag[:20]!r}")


def _stub(callback_id):
    """A kernel function that runs one of the verdict's functions (a reference swapped in for an
    earlier answer): it sends the arguments and gets back plain data."""
    if callback_id not in _stubs:
        def referencia(*args, **kwargs):
            _send({"op": "callback", "id": callback_id, "args": [encode(a) for a in args],
                   "kwargs": {k: encode(v) for k, v in kwargs.items()}})
            result, after = _wait_reply()
            for arg, changed in zip(args, after):
                if changed is not None and _mutable(arg):
                    _write_back(arg, decode(changed))  # what the reference did to its copy
            return result

        referencia._taller_callback = callback_id
        _stubs[callback_id] = referencia
    return _stubs[callback_id]


def _mutable(value):
    kind = type(value)
    keras = sys.modules.get("keras")
    kt = sys.modules.get("keras_tuner")
    return (kind.__module__ in ("numpy", "pandas.core.frame", "pandas.core.series") or kind in (list, dict)
            or (keras is not None and isinstance(value, keras.Model))
            or (kt is not None and kind is kt.HyperParameters))


def _write_back(original, changed):
    """A model comes back as the same object with its new state already; the hyperparameters a
    reference registered are copied into the kernel's own HyperParameters."""
    kt = sys.modules.get("keras_tuner")
    if kt is not None and type(original) is kt.HyperParameters and type(changed) is kt.HyperParameters:
        vars(original).clear()
        vars(original).update(vars(changed))


def _changed(value, before):
    """The value as it is after a call, or None if the call left it as it was."""
    now = encode(value)
    return None if json.dumps(now) == before else now


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
        before = [json.dumps(encode(a)) if _mutable(a) else None for a in args]
        before_kw = {k: json.dumps(encode(v)) for k, v in kwargs.items() if _mutable(v)}
        result = target(*args, **kwargs)
        after = [None if b is None else _changed(a, b) for a, b in zip(args, before)]
        after_kw = {k: _changed(kwargs[k], b) for k, b in before_kw.items()}
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
    error = {"type": kind.__name__, "module": kind.__module__, "message": str(exc)[:2000]}
    if getattr(exc, "_taller_token", None) is not None:
        error["token"] = exc._taller_token
    return {"raise": error}


def _rebuilt(info):
    """An exception the verdict's function raised, to raise here; it carries the verdict's token so
    that, if it leaves the student's code, the verdict gets its own exception back."""
    import builtins

    kind = getattr(builtins, str(info.get("type")), None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(str(info.get("type") or "Exception"), (Exception,), {})
    try:
        exc = kind(info.get("message", ""))
    except TypeError:
        exc = Exception(info.get("message", ""))
    exc._taller_token = info.get("token")
    return exc


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
                raise _rebuilt(message["raise"])
            return decode(message.get("ok")), message.get("after") or []
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
