"""Verdict processes forked from one that has already imported the libraries: the zygote.

A verdict process needs the libraries the master imports (numpy, sklearn, keras, keras_tuner). Keras
alone takes about 3.5 s of CPU to import, more than most notebooks take to grade, and a fresh
verdict process per submission paid it every time, on the same cores as the kernel. The zygote is
one process per grading process (the driver, or a Dask worker) that imports them once and forks a
verdict process per submission: each gets a copy of the imported libraries and nothing else.

    driver   ──socketpair──>  zygote (python -I, in a verdict sandbox: no work folder, no network,
                              read-only root; a root driver runs it as ZYGOTE_UID)
        │                        └─ fork per submission: namespaces of its own (user, PID, mount,
        │                           network, IPC), a /tmp/home of its own, not dumpable
        └─ the other end of a socketpair per submission ──> the runner (TALLER_VERDICT_FD)

The runner hands its child the probe's listening socket over that socketpair (SCM_RIGHTS) and then
speaks the same line protocol as with a verdict process it starts itself (runner.Verdicts). The
zygote never sees kernel data: it only imports, forks and kills. When the driver is done with a
submission it asks the zygote to kill that submission's verdict process, whatever it is doing.

Where the zygote cannot start or cannot isolate a child (no user namespaces, --no-sandbox), the
runner starts its own verdict process as before: `shared()` returns None.
"""

from __future__ import annotations

import atexit
import ctypes
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = \
    0x00020000, 0x08000000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
TMP_BYTES = 256 * 2**20
ENV_FD = "TALLER_VERDICT_FD"  # the runner's end of its verdict socketpair, when the zygote made one
MAX_MESSAGE = 64 * 1024
MAX_CGROUPS = 8  # cgroup.procs descriptors that come with a fork: one per hierarchy


# ---------------------------------------------------------------- inside the zygote's sandbox

def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def isolate() -> None:
    """In a child just forked (one thread): new user, mount, PID, network and IPC namespaces, then one
    more fork so that the verdict process is the first process of its PID namespace: it cannot
    signal another verdict process, writes only to a /tmp/home of its own (/tmp is read-only), and
    is not dumpable, so that its siblings cannot trace it or read its memory through /proc (the
    zygote's, which the sandbox's /proc shows: a new one cannot be mounted over bwrap's)."""
    libc, uid, gid = _libc(), os.getuid(), os.getgid()
    _call(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _call(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    pid = os.fork()
    if pid:  # the first child only waits: the zygote kills it, and the verdict process goes with it
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0x7F)
    _call(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0), "prctl PDEATHSIG")
    # /tmp read-only (the Python environment may live under it: a clone in /tmp), and a fresh
    # tmpfs of its own at /tmp/home, the verdict process's HOME and TMPDIR
    _call(libc.mount(None, b"/tmp", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None),
          "mount -o remount,ro /tmp")
    _call(libc.mount(b"tmpfs", b"/tmp/home", b"tmpfs", MS_NOSUID | MS_NODEV,
                     f"size={TMP_BYTES},mode=0700".encode()), "mount /tmp/home")
    os.environ.update({"HOME": "/tmp/home", "TMPDIR": "/tmp/home"})
    tempfile.tempdir = None
    _call(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl DUMPABLE")
    _write("/proc/sys/user/max_user_namespaces", "0")  # as bwrap's --disable-userns: no more namespaces
    os.chdir("/tmp/home")


def child(conn: socket.socket) -> None:
    """The forked verdict process: isolate, then serve the runner on `conn` (verdict.serve_socket)."""
    try:
        isolate()
        from taller.taller_engine import verdict

        code = verdict.serve_socket(conn)
    except BaseException as exc:  # noqa: BLE001  (a forked child must never return into the zygote's loop)
        sys.stderr.write(f"[zygote child] {type(exc).__name__}: {exc}\n")
        code = 1
    sys.stderr.flush()
    os._exit(code)


def fork_child(conn_fd: int, cgroups: list[int], control: socket.socket) -> int:
    """Fork a verdict process that first joins the submission's cgroup (the driver opened each
    hierarchy's cgroup.procs for it: writing "0" moves the writer), then isolates itself."""
    pid = os.fork()
    if pid:
        return pid
    control.close()
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    try:
        for fd in cgroups:
            os.write(fd, b"0\n")
            os.close(fd)
    except OSError as exc:
        sys.stderr.write(f"[zygote child] cannot join the submission's cgroup: {exc}\n")
        os._exit(1)
    child(socket.socket(fileno=conn_fd))
    os._exit(1)  # not reached


def self_test(control: socket.socket) -> str:
    """Fork one child that isolates itself and exits: "" if that works here, else why not."""
    pid = os.fork()
    if pid == 0:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            isolate()
        except OSError as exc:
            sys.stderr.write(f"{exc}\n")
            os._exit(3)
        os._exit(0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _, status = os.waitpid(pid, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    code = os.waitstatus_to_exitcode(status)
    return "" if code == 0 else f"a forked verdict process cannot isolate itself here (exit status {code})"


def import_libraries(statements: list[str]) -> None:
    """The master's import statements of the libraries the verdict knows, done once for every child."""
    from taller.taller_engine import verdict

    verdict.trusted_names({"imports": statements})
    if any("keras" in s for s in statements):
        import keras  # noqa: F401


def main(control_fd: str) -> int:
    control = socket.socket(fileno=int(control_fd))
    os.dup2(2, 1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    import numpy  # noqa: F401  (what every verdict process imports)
    from taller.taller_engine import verdict  # noqa: F401

    problem = self_test(control)
    control.send(json.dumps({"ready": not problem, "why": problem}).encode())
    if problem:
        return 0
    children: dict[int, int] = {}
    while True:
        message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 1 + MAX_CGROUPS)
        if not message:
            return 0
        request = json.loads(message)
        if "imports" in request:
            import_libraries(request["imports"])
            control.send(b'{"imported": true}')
        elif "fork" in request and len(fds) >= 1:
            children[request["fork"]] = fork_child(fds[0], fds[1:], control)
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"forked": request["fork"]}).encode())
        elif "end" in request:
            pid = children.pop(request["end"], None)
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        else:
            for fd in fds:
                os.close(fd)


# ---------------------------------------------------------------- the driver's side

ZYGOTE_UID = 60999  # a root driver runs the zygote as this uid (sandbox.UID_BASE - 1), never as root
DROP_TO = ("import ctypes, os, signal, sys\n"
           "u = int(sys.argv[1])\n"
           "os.setgroups([]); os.setgid(u); os.setuid(u)\n"
           "ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)\n"
           "os.execv(sys.argv[2], sys.argv[2:])\n")


def command(args: list[str]) -> list[str]:
    """`python -I ARGS` in the zygote's sandbox: the verdict sandbox, allowed to make namespaces. A root
    driver does as for the engine sandbox: a privileged bwrap lays out the view, the zygote's uid is
    taken, and the verdict sandbox inside it is an unprivileged bwrap of that uid."""
    from taller import sandbox
    from taller.taller_engine.runner import verdict_sandbox

    argv = verdict_sandbox([sys.executable, "-I", *args], nested_namespaces=True)
    if os.geteuid() != 0:
        return argv
    view = [sandbox.bwrap(), "--die-with-parent", *sandbox.bind_args(sandbox.system_args()),
            "--bind", "/proc", "/proc", "--dev", "/dev", "--dir", "/tmp",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return [*view, "--", sys.executable, "-S", "-c", DROP_TO, str(ZYGOTE_UID), *argv]


class Zygote:
    """The driver's handle on a zygote: fork a verdict process for a submission, kill it after."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.imported: set[str] = set()
        self.forked = 0  # verdict processes forked so far
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv = command(["-m", "taller.taller_engine.zygote", str(theirs.fileno())])
        from taller import sandbox

        env = sandbox.environment({"TF_CPP_MIN_LOG_LEVEL": "3"}, sandbox.Limits(threads=1))
        self.proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd="/",
                                     start_new_session=True)
        theirs.close()
        reply = self._receive()
        self.why = "" if reply.get("ready") is True else str(reply.get("why") or "the zygote did not start")

    def _receive(self) -> dict:
        message = self.control.recv(MAX_MESSAGE)
        if not message:
            raise EOFError("the zygote ended")
        return json.loads(message)

    def fork(self, imports: list[str], cgroup_procs=()) -> tuple[socket.socket, int]:
        """A new verdict process with these imports done, in the cgroup whose cgroup.procs files are
        given: (the runner's end of its socket, its id)."""
        with self.lock:
            missing = [s for s in imports if s not in self.imported]
            if missing:
                self.control.send(json.dumps({"imports": missing}).encode())
                if self._receive() != {"imported": True}:
                    raise EOFError("the zygote did not import")
                self.imported.update(missing)
            procs = [os.open(path, os.O_WRONLY | os.O_CLOEXEC) for path in cgroup_procs[:MAX_CGROUPS]]
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            number = next(self.ids)
            try:
                socket.send_fds(self.control, [json.dumps({"fork": number}).encode()], [theirs.fileno(), *procs])
            finally:
                theirs.close()
                for fd in procs:
                    os.close(fd)
            if self._receive() != {"forked": number}:
                raise EOFError("the zygote did not fork")
            self.forked += 1
            return ours, number

    def end(self, number: int) -> None:
        with self.lock:
            try:
                self.control.send(json.dumps({"end": number}).encode())
            except OSError:
                pass

    def close(self) -> None:
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


_shared: list = []  # [Zygote or None]: this process's, once tried
_shared_lock = threading.Lock()


def _start() -> Zygote | None:
    """A new zygote, started from a thread that lives as long as it does: bwrap's --die-with-parent
    (a parent-death signal) is tied to the thread that started it, and a grading pool's threads end
    with each run."""
    made: list = []
    ready = threading.Event()

    def keeper() -> None:
        try:
            made.append(Zygote())
        except (OSError, EOFError, ValueError) as exc:
            made.append(exc)
        ready.set()
        if isinstance(made[0], Zygote):
            made[0].proc.wait()

    threading.Thread(target=keeper, name="taller-zygote", daemon=True).start()
    ready.wait()
    zygote = made[0]
    if not isinstance(zygote, Zygote):
        sys.stderr.write(f"taller: verdict processes start one by one ({zygote})\n")
        return None
    if zygote.why:
        sys.stderr.write(f"taller: verdict processes start one by one ({zygote.why})\n")
        zygote.close()
        return None
    atexit.register(zygote.close)
    return zygote


def shared() -> Zygote | None:
    """This process's zygote, started on first use and again if it ended; None where there can be
    none (then each runner starts its own verdict process). TALLER_NO_ZYGOTE set: never."""
    with _shared_lock:
        if not _shared:
            wanted = os.environ.get("TALLER_NO_ZYGOTE", "") in ("", "0")
            _shared.append(_start() if wanted else None)
        elif _shared[0] is not None and _shared[0].proc.poll() is not None:
            _shared[0] = _start()
        return _shared[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
