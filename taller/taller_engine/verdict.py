"""The verdict process of the taller engine: `python -I -m taller.taller_engine.verdict HIDDEN.json`.

A fresh interpreter, started by the engine runner (runner.py) inside the engine sandbox, that
never executes student code. It holds the hidden tests of one exercise; the student's kernel never
receives them. For each graded question the runner sends one JSON line on stdin,
`{"question": grade_id, "socket": path}`; this process listens on that socket, the kernel's probe
(probe.py) connects, and the question's hidden code runs *here*, with every name it takes from the
notebook replaced by its value (plain data, read with exact types and bounds) or by a proxy whose
calls go to the kernel and come back as plain data. When the kernel's cell has finished, the runner
sends `{"cell_finished": error}` and this process answers one line `{"passed": bool, "error": str}`.

So the comparisons, the reference helpers and the Spanish messages run with this process's own
builtins and numpy: nothing the student patches, transforms or traces in the kernel reaches them.
The hidden inputs are drawn from the master's seeds mixed with a per-run seed the kernel never sees.
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib
import json
import os
import select
import socket
import sys
import types

import numpy as np

from taller.taller_engine import wire

MAX_DEPTH = wire.MAX_DEPTH
MAX_MESSAGE = 2000
LIBRARIES = {"numpy", "pandas", "sklearn", "scipy", "math", "os", "tempfile", "random", "keras", "tensorflow",
             "keras_tuner", "matplotlib", "statistics", "collections", "itertools", "functools"}


# The kernel stopped answering, or answered something that is not plain data. A BaseException, so
# that a hidden test's `except Exception` cannot take it for an error of the student's code.
ProbeBroken = wire.Refused


class BadData(ProbeBroken):
    pass


# ---------------------------------------------------------------- the connection to the kernel

class Channel:
    def __init__(self, conn: socket.socket, runner_fd: int | None = None):
        self.conn = conn
        self.runner_fd = runner_fd  # the runner's commands: a line there means the kernel's cell ended
        self.callbacks: dict[int, object] = {}  # id -> this process's function, lent to the kernel
        self.by_object: dict[int, int] = {}
        self.models: dict[int, tuple[object, int]] = {}  # id(model here) -> (model, handle of its original there)
        self.by_handle: dict[int, object] = {}  # handle there -> model here
        self.own_models: dict[int, object] = {}  # models made here and lent to the kernel, by id
        self.raised: dict[int, BaseException] = {}  # exceptions this process's functions raised in a call

    def send(self, message) -> None:
        try:
            self.conn.sendall(wire.frame(message))
        except (OSError, ValueError) as exc:
            raise ProbeBroken(f"send: {exc}") from None

    def _exact(self, n: int) -> bytes:
        chunks = []
        while n:
            watched = [self.conn] if self.runner_fd is None else [self.conn, self.runner_fd]
            if self.conn not in select.select(watched, [], [])[0]:
                raise ProbeBroken("the kernel's cell ended while this process waited for an answer")
            try:
                chunk = self.conn.recv(min(n, 1 << 20))
            except OSError as exc:
                raise ProbeBroken(f"recv: {exc}") from None
            if not chunk:
                raise ProbeBroken("the kernel closed the connection")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def recv(self):
        return wire.parse(self._exact(wire.frame_size(self._exact(8))))

    def request(self, message):
        """Send a request; serve the kernel's callbacks until its reply comes; return the reply."""
        self.send(message)
        while True:
            reply = self.recv()
            if reply.get("op") == "callback":
                self.serve_callback(reply)
                continue
            return reply

    def serve_callback(self, message) -> None:
        function = self.callbacks.get(message.get("id"))
        if function is None:
            raise BadData("a callback that was never lent")
        try:
            args = [decode(a, self) for a in expect(message.get("args"), list)]
            kwargs = {expect(k, str): decode(v, self) for k, v in expect(message.get("kwargs"), dict).items()}
            before = [call_state(a) for a in args]
            result = function(*args, **kwargs)
            reply = {"ok": encode(result, self),
                     "after": [None if b is None or call_state(a) == b else encode(a, self) for a, b in zip(args, before)]}
        except ProbeBroken:
            raise
        except Exception as exc:  # the reference raised on the student's arguments: tell the kernel
            self.raised[id(exc)] = exc
            reply = {"raise": {"type": type(exc).__name__, "message": str(exc)[:MAX_MESSAGE], "token": id(exc)}}
        self.send(reply)

    def lend(self, function) -> int:
        if not lendable(function):
            raise TypeError("only the hidden test's own functions are lent to the kernel")
        key = id(function)
        if key not in self.by_object:
            self.by_object[key] = len(self.callbacks) + 1
            self.callbacks[self.by_object[key]] = function
        return self.by_object[key]


def call_state(value):
    """A Keras model's weights, compile settings and optimizer state, or the space and values of
    Keras Tuner hyperparameters, to tell whether a call changed them."""
    keras, kt = sys.modules.get("keras"), sys.modules.get("keras_tuner")
    if kt is not None and type(value) is kt.HyperParameters:
        return json.dumps(value.get_config(), sort_keys=True, default=repr)
    if keras is None or not isinstance(value, keras.Model):
        return None
    return json.dumps(model_data(value), sort_keys=True)


def model_data(model) -> dict:
    compiled = model.get_compile_config() if getattr(model, "compiled", False) else None
    optimizer = getattr(model, "optimizer", None) if compiled else None
    return {"json": model.to_json(), "weights": [write_npy(w) for w in model.get_weights()], "compile": compiled,
            "optimizer": [write_npy(v.numpy()) for v in optimizer.variables] if optimizer is not None else []}


set_optimizer_state = wire.set_optimizer_state
expect = wire.expect
read_npy, write_npy, PLAIN = wire.read_npy, wire.write_npy, wire.PLAIN


def decode(data, channel: Channel, depth: int = 0):
    """A value the kernel sent: plain data rebuilt with exact types (wire.py); a Keras model, history
    or callback, Keras Tuner values, or a proxy for what stays in the kernel."""
    return wire.decode(data, lambda tag, d, depth: decode_other(tag, d, channel, depth), depth)


def decode_other(tag, data, channel: Channel, depth: int):
    body = data[tag]
    if tag == "$model":
        return decode_model(expect(body, dict), channel)
    if tag == "$history":
        return decode_history(expect(body, dict), channel, depth)
    if tag == "$callback":
        return decode_callback(data, channel)
    if tag == "$hp":
        return decode_hyperparameters(decode(body, channel, depth + 1))
    if tag == "$objective":
        return decode_objective(data, channel, depth)
    if tag == "$tuner":
        return remote_tuner(channel, expect(body, int), expect(data.get("class"), str))
    if tag == "$module":
        return KernelName(expect(body, str), "")
    if tag == "$class":
        module, qualname = expect(body, list)
        return KernelName(expect(module, str), expect(qualname, str))
    if tag == "$fn":
        return RemoteFunction(channel, expect(body, int), str(data.get("name", ""))[:100])
    if tag == "$obj":
        return RemoteObject(channel, expect(body, int), str(data.get("type", ""))[:200])
    if tag == "$cb":
        function = channel.callbacks.get(body)
        if function is None:
            raise BadData("a callback that was never lent")
        return function
    raise BadData(f"unknown tag {tag[:20]!r}")


def decode_model(body, channel):
    """A Keras model the kernel sent: its JSON config rebuilt with Keras's safe mode (no lambdas, no
    code), then its weights (same shapes), compile settings and optimizer state. A model that has
    crossed before is the same object here, with its new state, as it is the same object there."""
    import keras

    handle, vid = body.get("handle"), body.get("vid")
    known = channel.own_models.get(vid) if type(vid) is int else None
    if known is None and type(handle) is int and handle in channel.by_handle:
        known = channel.by_handle[handle]
    try:
        if known is not None:
            model = known
        else:
            model = keras.saving.deserialize_keras_object(json.loads(expect(body.get("json"), str)), safe_mode=True)
            if not isinstance(model, keras.Model):
                raise BadData("a model config that is not a model")
        weights = [read_npy(w) for w in expect(body.get("weights"), list)]
        if weights:
            if [tuple(w.shape) for w in model.get_weights()] != [w.shape for w in weights]:
                raise BadData("model weights of other shapes than its config")
            model.set_weights(weights)
        compiled = body.get("compile")
        if compiled is not None and compiled != (model.get_compile_config() if getattr(model, "compiled", False) else None):
            model.compile_from_config(expect(compiled, dict))
        if compiled is not None:
            set_optimizer_state(model, [read_npy(v) for v in expect(body.get("optimizer") or [], list)])
    except ProbeBroken:
        raise
    except Exception as exc:  # the config is the kernel's: anything it makes Keras raise is bad data
        raise BadData(f"a model that does not rebuild: {type(exc).__name__}: {str(exc)[:300]}") from None
    if type(handle) is int:
        channel.models[id(model)] = (model, handle)
        channel.by_handle[handle] = model
    return model


def decode_history(body, channel, depth):
    import keras

    history = keras.callbacks.History()
    history.history = expect(decode(body.get("history"), channel, depth + 1), dict)
    history.params = expect(decode(body.get("params"), channel, depth + 1), dict)
    history.epoch = expect(decode(body.get("epoch"), channel, depth + 1), list)
    if body.get("model") is not None:
        model = decode(body["model"], channel, depth + 1)
        if not isinstance(model, keras.Model):
            raise BadData("a history whose model is not a model")
        history.set_model(model)
    return history


def decode_callback(data, channel):
    """A Keras callback (EarlyStopping...) rebuilt from its class and its plain attributes."""
    import inspect

    module, qualname = expect(data.get("$callback"), list)
    kind = callback_class(expect(module, str), expect(qualname, str))
    attrs = {expect(k, str): v for k, v in expect(data.get("attrs"), dict).items() if type(v) in PLAIN}
    try:
        accepted = inspect.signature(kind).parameters
        callback = kind(**{k: v for k, v in attrs.items() if k in accepted})
        for k, v in attrs.items():
            setattr(callback, k, v)
    except (TypeError, ValueError) as exc:
        raise BadData(f"a callback that does not rebuild: {exc}") from None
    return callback


HP_CLASSES = {"Boolean", "Choice", "Fixed", "Float", "Int"}


def plain_tree(value, depth=0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if type(value) in PLAIN or (isinstance(value, np.generic) and value.dtype.kind in "biuf"):
        return True
    if type(value) in (list, tuple):
        return all(plain_tree(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and plain_tree(v, depth + 1) for k, v in value.items())
    return False


def decode_hyperparameters(config):
    """A Keras Tuner HyperParameters from its `get_config()`: the registered space (Int, Float, Choice,
    Boolean, Fixed, conditions on a parent value) and the values, nothing else."""
    import keras_tuner as kt

    config = expect(config, dict)
    space = expect(config.get("space"), list)
    if set(config) != {"space", "values"} or not plain_tree(config):
        raise BadData("hyperparameters that are not a HyperParameters config")
    for item in space:
        item = expect(item, dict)
        if item.get("class_name") not in HP_CLASSES or type(item.get("config")) is not dict:
            raise BadData("a hyperparameter of an unknown kind")
        for condition in item["config"].get("conditions") or []:
            if type(condition) is not dict or condition.get("class_name") != "Parent":
                raise BadData("a hyperparameter condition of an unknown kind")
    expect(config.get("values"), dict)
    try:
        return kt.HyperParameters.from_config(config)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BadData(f"hyperparameters that do not rebuild: {exc}") from None


def decode_objective(data, channel, depth):
    """A Keras Tuner objective: its name and direction (or the list of them)."""
    import keras_tuner as kt

    kind = expect(data.get("$objective"), str)
    name, direction = expect(data.get("name"), str), expect(data.get("direction"), str)
    if kind == "Objective":
        return kt.Objective(name, direction)
    objectives = [decode(o, channel, depth + 1) for o in expect(data.get("objectives"), list)]
    if not all(type(o) is kt.Objective for o in objectives):
        raise BadData("a multi-objective made of other things than objectives")
    module = importlib.import_module("keras_tuner.src.engine.objective")
    if kind == "MultiObjective":
        return module.MultiObjective(objectives)
    if kind == "DefaultObjective":
        return module.DefaultObjective()
    raise BadData(f"an objective of kind {kind[:40]!r}")


CALLBACKS = ("EarlyStopping", "ReduceLROnPlateau", "TerminateOnNaN")


def callback_class(module: str, qualname: str):
    """The Keras callback class a kernel's callback names, from an exact table of public
    `keras.callbacks` classes whose settings are plain values. Nothing else is looked up."""
    import keras

    for name in CALLBACKS:
        kind = getattr(keras.callbacks, name)
        if (kind.__module__, kind.__qualname__) == (module, qualname):
            return kind
    raise BadData(f"a callback of class {module[:60]}.{qualname[:60]}, not one the hidden tests take")


class KernelName:
    """A module or class the kernel named. It is data: it stays a name, compares equal to nothing
    and is never looked up here, so the kernel cannot name this process's objects."""

    __slots__ = ("module", "qualname")

    def __init__(self, module, qualname):
        self.module, self.qualname = module[:200], qualname[:200]

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<nombre {self.module}.{self.qualname} del cuaderno>".replace(". del", " del")


HIDDEN_FILE = "<pruebas ocultas>"


def lendable(value) -> bool:
    """Only functions the hidden test itself wrote (references, spies) are lent to the kernel: never a
    builtin, a library function, or anything that came from the kernel."""
    return type(value) is types.FunctionType and value.__code__.co_filename == HIDDEN_FILE


def encode(value, channel: Channel, depth: int = 0):
    """What this process sends to the kernel: arguments for the student's functions."""
    return wire.encode(value, lambda v, d: encode_other(v, channel, d), depth)


def encode_other(value, channel: Channel, depth: int):
    if isinstance(value, (RemoteFunction, RemoteObject)):
        return {"$ref": value._handle}
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(value, keras.Model):
        data = model_data(value)
        origin = channel.models.get(id(value))
        if origin is not None and origin[0] is value:
            data["handle"] = origin[1]
        else:
            channel.own_models[id(value)] = value
            data["vid"] = id(value)
        methods = {k: f for k, f in vars(value).items() if not k.startswith("_") and lendable(f)}
        if methods:  # a test's spy put on the model (`m.fit = espia`): the kernel's copy calls it here
            data["methods"] = {k: channel.lend(f) for k, f in methods.items()}
        return {"$model": data}
    kt = sys.modules.get("keras_tuner")
    if kt is not None and type(value) is kt.HyperParameters:
        return {"$hp": encode(value.get_config(), channel, depth + 1)}
    if keras is not None and type(value) is keras.callbacks.History:
        return {"$history": {"history": encode(value.history, channel, depth + 1),
                             "params": encode(dict(value.params or {}), channel, depth + 1),
                             "epoch": encode(list(getattr(value, "epoch", [])), channel, depth + 1),
                             "model": None if value.model is None else encode(value.model, channel, depth + 1)}}
    if lendable(value):
        return {"$cb": channel.lend(value)}
    raise TypeError(f"the hidden test passes a {type(value).__name__} to the student's code: only plain data can go")


# ---------------------------------------------------------------- what stays in the kernel

def raised(reply, channel=None):
    """The student's exception, rebuilt as an exception of this process with the same type name; or
    this process's own exception, if one of its functions raised it and it went through the student's
    code unchanged."""
    info = expect(reply.get("raise"), dict)
    if channel is not None and type(info.get("token")) is int and info["token"] in channel.raised:
        return channel.raised[info["token"]]
    name = str(info.get("type", "Exception"))[:100]
    message = str(info.get("message", ""))[:MAX_MESSAGE]
    kind = getattr(builtins, name, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = type(name if name.isidentifier() else "Exception", (Exception,), {})
        kind.__module__ = str(info.get("module", "alumno"))[:100]
    return kind(message)


def answer(channel, reply):
    if "raise" in reply:
        raise raised(reply, channel)
    if "ok" not in reply:
        raise BadData("a reply without a value")
    return decode(reply["ok"], channel)


class RemoteFunction:
    """A function of the notebook. Calling it runs it in the kernel, on copies of the arguments; the
    result comes back as plain data, and arrays, frames, lists and dicts the call changed are changed
    here too, so that a test can see that the student's code modified its inputs."""

    __slots__ = ("_channel", "_handle", "__name__")

    def __init__(self, channel, handle, name):
        self._channel, self._handle, self.__name__ = channel, handle, name or "función"

    def __call__(self, *args, **kwargs):
        ch = self._channel
        reply = ch.request({"op": "call", "target": self._handle, "args": [encode(a, ch) for a in args],
                            "kwargs": {k: encode(v, ch) for k, v in kwargs.items()}})
        result = answer(ch, reply)
        after = reply.get("after") or []
        for original, changed in zip(args, after if type(after) is list else []):
            if changed is not None:
                write_back(original, decode(changed, ch))
        after_kw = reply.get("after_kw") or {}
        for key, changed in (after_kw.items() if type(after_kw) is dict else []):
            if key in kwargs and changed is not None:
                write_back(kwargs[key], decode(changed, ch))
        return result

    def __getattr__(self, name):
        if name.startswith("_") and name not in ("__globals__", "__doc__", "__module__", "__qualname__"):
            raise AttributeError(name)
        return answer(self._channel, self._channel.request({"op": "getattr", "target": self._handle, "name": name}))

    def __repr__(self):
        return f"<función {self.__name__} del cuaderno>"


def write_back(original, changed) -> None:
    """Make this process's argument show what the student's code did to its copy."""
    import pandas as pd

    keras, kt = sys.modules.get("keras"), sys.modules.get("keras_tuner")
    if kt is not None and type(original) is kt.HyperParameters and type(changed) is kt.HyperParameters:
        vars(original).clear()  # the space the student's code registered, and its values
        vars(original).update(vars(changed))
        return
    if keras is not None and isinstance(original, keras.Model) and isinstance(changed, keras.Model):
        if [w.shape for w in original.get_weights()] == [w.shape for w in changed.get_weights()]:
            original.set_weights(changed.get_weights())
        if getattr(changed, "compiled", False):
            if changed.get_compile_config() != (original.get_compile_config() if getattr(original, "compiled", False) else None):
                original.compile_from_config(changed.get_compile_config())
            set_optimizer_state(original, [v.numpy() for v in changed.optimizer.variables])
        return
    if type(original) is np.ndarray:
        if type(changed) is np.ndarray and changed.shape == original.shape:
            if original.flags.writeable:
                np.copyto(original, changed, casting="unsafe")
    elif type(original) is list and type(changed) is list:
        original[:] = changed
    elif type(original) is dict and type(changed) is dict:
        original.clear()
        original.update(changed)
    elif type(original) is pd.DataFrame and type(changed) is pd.DataFrame and not original.equals(changed):
        for column in [c for c in original.columns if c not in changed.columns]:
            del original[column]
        gone = original.index.difference(changed.index)
        if len(gone):
            original.drop(index=gone, inplace=True)
        for column in changed.columns:
            original[column] = changed[column].reindex(original.index)
    elif type(original) is pd.Series and type(changed) is pd.Series and not original.equals(changed):
        if changed.index.equals(original.index):
            original[:] = changed.to_numpy()


class RemoteObject:
    """Any other object of the notebook (a namespace, a fitted transformer...). Reading an attribute or
    an item brings back plain data. It never answers comparisons, truth or hashing with the student's
    code: those are this process's own (identity), so an object that says it equals everything does
    not equal anything here."""

    __slots__ = ("_channel", "_handle", "_type")

    def __init__(self, channel, handle, type_name):
        self._channel, self._handle, self._type = channel, handle, type_name

    def _ask(self, **request):
        return self._channel.request({"target": self._handle, **request})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return answer(self._channel, self._ask(op="getattr", name=name))

    def __getitem__(self, key):
        return answer(self._channel, self._ask(op="getitem", key=encode(key, self._channel)))

    def __setitem__(self, key, value):
        answer(self._channel, self._ask(op="setitem", key=encode(key, self._channel), value=encode(value, self._channel)))

    def __contains__(self, key):
        return answer(self._channel, self._ask(op="contains", key=encode(key, self._channel))) is True

    def __len__(self):
        n = answer(self._channel, self._ask(op="len"))
        if type(n) is not int or n < 0:
            raise BadData("len() that is not a count")
        return n

    def __bool__(self):
        raise TypeError(f"tu código devolvió un objeto de tipo {self._type.rsplit('.', 1)[-1]}, no un valor simple "
                        "(número, texto, lista, array...)")

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def get(self, key, default=None):
        reply = self._ask(op="getitem", key=encode(key, self._channel), default_missing=True)
        return default if reply.get("missing") is True else answer(self._channel, reply)

    def pop(self, key, *default):
        reply = self._ask(op="delitem", key=encode(key, self._channel))
        if reply.get("missing") is True:
            if default:
                return default[0]
            raise KeyError(key)
        return answer(self._channel, reply)

    def update(self, other=(), **more):
        for key, value in dict(other, **more).items():
            self[key] = value

    def __repr__(self):
        return f"<objeto {self._type} del cuaderno>"


class RemoteTuner(RemoteObject):
    """A Keras Tuner tuner of the notebook (RandomSearch, Hyperband...). It is an instance of that
    class here, so `isinstance(b, kt.Tuner)` holds, but none of the tuner's code runs here: every
    public attribute (`oracle`, `project_dir`, `hypermodel`...) is read in the kernel and comes back as
    plain data or as another proxy."""

    __slots__ = ()

    def __getattribute__(self, name):
        if name.startswith("_"):
            return object.__getattribute__(self, name)
        return answer(self._channel, self._ask(op="getattr", name=name))


TUNER_CLASSES: dict[str, type] = {}


def remote_tuner(channel, handle, class_name):
    import keras_tuner as kt

    if class_name not in ("RandomSearch", "Hyperband", "BayesianOptimization", "GridSearch") or not hasattr(kt, class_name):
        raise BadData(f"a tuner of class {class_name[:40]!r}")
    if class_name not in TUNER_CLASSES:
        TUNER_CLASSES[class_name] = type(class_name, (RemoteTuner, getattr(kt, class_name)), {"__slots__": ()})
    tuner = object.__new__(TUNER_CLASSES[class_name])
    RemoteObject.__init__(tuner, channel, handle, f"keras_tuner.{class_name}")
    return tuner


# ---------------------------------------------------------------- running one question

def free_names(code: str) -> list[str]:
    """Names a hidden block reads without defining them: what it takes from the notebook."""
    tree = ast.parse(code)
    assigned, loaded = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                assigned.add(node.id)
            elif node.id not in loaded:
                loaded.append(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            assigned.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            assigned.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            assigned.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            assigned.add(node.name)
    return [n for n in loaded if n not in assigned and not hasattr(builtins, n)]


def trusted_names(spec: dict) -> dict:
    """What a hidden block may read without asking the kernel: the master's imports of the libraries
    this grader knows (`np`, `pd`, `keras`, `kt`, `StandardScaler`...), done here, and the constants
    its given cells set (`EPOCAS = 60`). The kernel is never asked for these names."""
    names = {}
    for statement in spec.get("imports", []):
        tree = ast.parse(statement)
        node = tree.body[0]
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if len(tree.body) != 1 or not isinstance(node, (ast.Import, ast.ImportFrom)) or \
                any(m.split(".")[0] not in LIBRARIES for m in modules):
            continue
        scope = {"__builtins__": builtins}
        try:
            exec(compile(tree, "<importaciones>", "exec"), scope)
        except ImportError as exc:
            sys.stderr.write(f"[verdict] {statement}: {exc}\n")
            continue
        names.update({k: v for k, v in scope.items() if k != "__builtins__"})
    for name, value in spec.get("constants", {}).items():
        names[name] = value
    return names


def namespace_for(code: str, channel: Channel, trusted: dict) -> dict:
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for name in free_names(code):
        if name in trusted:
            value = trusted[name]
            namespace[name] = copy.deepcopy(value) if type(value) in (list, dict, set) else value
            continue
        reply = channel.request({"op": "get", "name": name})
        if reply.get("missing") is True:
            continue  # the hidden code meets a NameError, as it would in the kernel
        namespace[name] = answer(channel, reply)
    return namespace


def run_question(code: str, channel: Channel, trusted: dict | None = None) -> tuple[bool, str]:
    """Run a hidden block against the kernel; (passed, "Type: message")."""
    try:
        compiled = compile(code, HIDDEN_FILE, "exec")
        exec(compiled, namespace_for(code, channel, trusted or {}))
    except ProbeBroken:
        raise
    except Exception as exc:  # the hidden test failed: its message is the feedback
        return False, f"{type(exc).__name__}: {exc}"[:MAX_MESSAGE * 2]
    return True, ""


def seeded_generators(run_seed: int) -> None:
    """The master's `np.random.default_rng(k)` draws from (run_seed, k): inputs the kernel cannot know
    in advance, the same for every submission of one run, reproducible from the recorded seed."""
    original = np.random.default_rng

    def default_rng(seed=None):
        if type(seed) is int:
            return original([run_seed, seed])
        return original(seed)

    np.random.default_rng = default_rng


class Lines:
    """JSON lines from the runner on a file descriptor, readable with select (no hidden read-ahead)."""

    def __init__(self, fd: int):
        self.fd, self.buffer = fd, b""

    def waiting(self) -> bool:
        return b"\n" in self.buffer

    def read(self):
        while b"\n" not in self.buffer:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


def judge(grade_id: str, code: str, server: socket.socket, commands: Lines, trusted: dict) -> dict:
    """Wait for the kernel's probe (or for its cell to end without it), run the hidden block.

    The answer says whether the kernel kept the question from being judged (`interfered`): it broke
    or never opened the channel, or answered something that is not plain data."""
    result = None
    ready = [] if commands.waiting() else select.select([server, commands.fd], [], [])[0]
    if server in ready:
        conn, _ = server.accept()
        channel = Channel(conn, commands.fd)
        try:
            result = run_question(code, channel, trusted)
            channel.send({"op": "done"})
        except ProbeBroken as exc:
            sys.stderr.write(f"[verdict] {grade_id}: {exc}\n")
            result = None
        conn.close()
    finished = commands.read() or {}
    cell_error = str(finished.get("cell_finished") or "")
    if result is None:
        return {"question": grade_id, "passed": False, "error": cell_error[:MAX_MESSAGE], "interfered": True}
    return {"question": grade_id, "passed": result[0], "error": result[1], "interfered": False}


def main(listening_fd: str) -> int:
    """The spec comes as the first line of standard input; the probe's socket is inherited, already
    listening: this process opens no file and no socket of its own."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # what the hidden code prints never mixes with the protocol
    return serve(Lines(0), protocol, int(listening_fd))


def serve_socket(conn: socket.socket) -> int:
    """A verdict process forked by the zygote (zygote.py): the runner's commands and this process's
    answers go over `conn`, which first brings the probe's listening socket (one byte, one descriptor)."""
    _, fds, _, _ = socket.recv_fds(conn, 1, 1)
    if len(fds) != 1:
        return 1
    protocol = os.fdopen(os.dup(conn.fileno()), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    return serve(Lines(conn.fileno()), protocol, fds[0])


def serve(commands: "Lines", protocol, listening_fd: int) -> int:
    spec = commands.read()
    server = socket.socket(fileno=listening_fd)
    seeded_generators(int(spec["seed"]))
    trusted = trusted_names(spec)
    if any("keras" in code for code in spec["questions"].values()):
        import keras  # noqa: F401  (now, while the kernel starts and runs the first cells, not at the first question)
    while (command := commands.read()) is not None:
        grade_id = command["question"]
        protocol.write(json.dumps({"listening": grade_id}) + "\n")
        protocol.write(json.dumps(judge(grade_id, spec["questions"][grade_id], server, commands, trusted)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
