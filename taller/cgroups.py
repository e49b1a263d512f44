"""One cgroup per submission: the whole engine sandbox (the engine, the kernel sandbox nested in it and
every process the student starts) shares one memory limit, one process limit and one CPU share.

The RLIMITs that sandbox.LIMIT_AND_EXEC sets bound each process; a submission that starts many
processes, each under its limit, is bounded only here:

- memory: `memory.max` (v2) / `memory.limit_in_bytes` (v1) = --memory-mb for the sum of the
  sandbox's processes and of what it wrote in its in-memory folders (tmpfs pages are charged to the
  cgroup of the writer). Swap is bounded too: `memory.swap.max` = 0 (v2), `memory.memsw.limit_in_bytes`
  = the same limit (v1). Past the limit the kernel's OOM killer kills a process of this cgroup only.
- pids: `pids.max` = --processes, processes and threads together.
- cpu: a quota of `Limits.cpus` CPUs (cores / jobs): `cpu.max` (v2) / `cpu.cfs_quota_us` (v1). However
  many processes a submission starts, it gets its slot's share of the machine and no more, so the
  submissions graded beside it keep theirs.

Where: under the driver's own cgroup of each hierarchy, in a folder `taller` with one child per
submission, so that any limit already set on the driver's cgroup (a service's, a container's) still
holds for the sandboxes. A controller is taken from cgroup v2 when the unified hierarchy offers it,
else from the v1 hierarchy it is mounted on (machines with both exist: this is decided per controller).

How a sandbox enters: Sandbox.popen starts `/bin/sh -c JOIN`, which writes its own pid into the
cgroup.procs of each hierarchy and only then execs bwrap: nothing of the sandbox runs outside.
When the sandbox is gone, what is left in the cgroup is killed and the cgroup is removed.

Where no cgroup can be made (not root and nothing delegated, no such controller, not Linux, or
TALLER_NO_CGROUPS set) `support()` says why in one line and grading falls back to the per-process
limits alone.
"""

from __future__ import annotations

import errno
import itertools
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

WANTED = ("memory", "pids", "cpu")
PARENT = "taller"  # taller's folder under the driver's cgroup, in each hierarchy
DISABLE = "TALLER_NO_CGROUPS"  # set (to anything but "" or "0"): behave as if no cgroup could be made
PERIOD_US = 100_000  # CPU quota period

# The first process of a sandbox: join each cgroup given (count, then the cgroup.procs files), then
# exec the sandbox. `$$` is this shell's pid, which exec keeps.
JOIN = ('n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done; '
        'exec "$@"')


class CgroupError(OSError):
    """A cgroup could not be made or set."""


@dataclass(frozen=True)
class Hierarchy:
    """One mounted cgroup hierarchy that taller uses: its version, the controllers it gives taller,
    and taller's parent folder in it."""

    version: int
    controllers: tuple[str, ...]
    parent: Path


@dataclass(frozen=True)
class Support:
    """What this machine allows. `reason` is '' when every wanted controller is there."""

    hierarchies: tuple[Hierarchy, ...] = ()
    reason: str = ""

    @property
    def controllers(self) -> set[str]:
        return {c for h in self.hierarchies for c in h.controllers}

    @property
    def usable(self) -> bool:
        """A cgroup is made for each submission (memory is the one limit it cannot go without)."""
        return "memory" in self.controllers

    @property
    def complete(self) -> bool:
        return not self.reason and self.controllers >= set(WANTED)

    def describe(self) -> str:
        version = "/".join(sorted({f"v{h.version}" for h in self.hierarchies}))
        return f"cgroup {version}: {', '.join(c for c in WANTED if c in self.controllers)}"


@dataclass
class Usage:
    """What a submission's cgroup saw, read just before it was removed."""

    peak_bytes: int | None = None  # highest memory charged (None: the kernel does not say)
    oom_kills: int = 0  # processes the OOM killer killed in it
    limit_bytes: int | None = None


def _read(path: Path) -> str:
    with open(path, encoding="ascii", errors="replace") as f:
        return f.read()


def _write(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, value.encode("ascii"))
    finally:
        os.close(fd)


def _unescape(field_: str) -> str:
    """A path field of /proc/self/mountinfo (spaces and the like come octal-escaped)."""
    return field_.encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


def _mounts() -> list[tuple[str, Path, str, set[str]]]:
    """(type, mount point, root within the hierarchy, super options) of each cgroup mount."""
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) < 5 or len(tail) < 3 or tail[0] not in ("cgroup", "cgroup2"):
                continue
            found.append((tail[0], Path(_unescape(fields[4])), _unescape(fields[3]), set(tail[2].split(","))))
    return found


def _own() -> dict[str, str]:
    """controller -> this process's cgroup path in that controller's hierarchy; '' -> the v2 path."""
    own = {}
    with open("/proc/self/cgroup", encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split(":", 2)
            if len(parts) != 3:
                continue
            _, names, path = parts
            for name in names.split(",") if names else [""]:
                own[name] = path
    return own


def _within(point: Path, root: str, path: str) -> Path | None:
    """The folder of cgroup `path` under a mount of the hierarchy's `root` at `point`."""
    root, path = root.rstrip("/") or "/", path or "/"
    if root == "/":
        rel = path.lstrip("/")
    elif path == root or path.startswith(root + "/"):
        rel = path[len(root):].lstrip("/")
    else:
        return None
    folder = point / rel
    return folder if folder.is_dir() else None


def _controllers_v2(folder: Path) -> set[str]:
    try:
        return set(_read(folder / "cgroup.controllers").split())
    except OSError:
        return set()


def _enable_v2(folder: Path, controllers: list[str]) -> None:
    """Let `folder`'s children use these controllers. A cgroup that holds processes cannot (the "no
    internal processes" rule): if the only one is this driver, it moves into a leaf of its own."""
    wanted = [c for c in controllers if c not in _read(folder / "cgroup.subtree_control").split()]
    if not wanted:
        return
    line = " ".join(f"+{c}" for c in wanted)
    try:
        _write(folder / "cgroup.subtree_control", line)
        return
    except OSError as exc:
        if exc.errno != errno.EBUSY:
            raise
    others = {int(p) for p in _read(folder / "cgroup.procs").split()} - {os.getpid()}
    if others:
        raise CgroupError(errno.EBUSY, f"{folder} holds other processes, so its children cannot get controllers; "
                          "start taller in a delegated cgroup of its own (systemd-run --scope -p Delegate=yes)")
    leaf = folder / f"{PARENT}-driver"
    leaf.mkdir(exist_ok=True)
    _write(leaf / "cgroup.procs", str(os.getpid()))
    _write(folder / "cgroup.subtree_control", line)


def _probe() -> Support:
    if not os.path.exists("/proc/self/cgroup"):
        return Support(reason="no cgroups (not Linux)")
    try:
        mounts, own = _mounts(), _own()
    except OSError as exc:
        return Support(reason=f"cgroups not readable: {exc}")
    hierarchies, problems, left = [], [], list(WANTED)
    for kind, point, root, _ in mounts:  # v2 first: one hierarchy for every controller it offers
        if kind != "cgroup2" or "" not in own or not left:
            continue
        folder = _within(point, root, own[""])
        offered = [c for c in left if folder is not None and c in _controllers_v2(folder)]
        if not offered:
            continue
        hierarchy = Hierarchy(2, tuple(offered), folder / PARENT)
        try:
            _enable_v2(folder, offered)
            _make_parent(hierarchy)
        except OSError as exc:
            problems.append(f"cgroup v2 at {folder}: {exc.strerror or exc}")
            continue
        hierarchies.append(hierarchy)
        left = [c for c in left if c not in offered]
    for controller in list(left):  # then v1: one hierarchy per mount, with the controllers on it
        if controller not in left:  # taken with another one (a mount of cpu,cpuacct or the like)
            continue
        for kind, point, root, options in mounts:
            if kind != "cgroup" or controller not in options or controller not in own:
                continue
            folder = _within(point, root, own[controller])
            if folder is None:
                continue
            hierarchy = Hierarchy(1, tuple(c for c in left if c in options), folder / PARENT)
            try:
                _make_parent(hierarchy)
                if not os.access(hierarchy.parent / "cgroup.procs", os.W_OK):
                    raise PermissionError(errno.EACCES, "cgroup.procs is not writable")
            except OSError as exc:
                problems.append(f"cgroup v1 {controller} at {folder}: {exc.strerror or exc}")
                break
            on_it = hierarchy.controllers
            hierarchies.append(hierarchy)
            left = [c for c in left if c not in on_it]
            break
    reason = ""
    if left:
        reason = f"no writable cgroup for {', '.join(left)}" + (f" ({'; '.join(problems)})" if problems else "")
    support = Support(tuple(hierarchies), reason)
    _sweep(support.hierarchies)
    if support.usable:  # one trial: what cannot be made now would fail every submission later
        try:
            Cgroup.create(support, 256 * 2**20, 64, 0.5).remove()
        except OSError as exc:
            return Support(reason=f"a cgroup could not be set up: {exc}")
    else:
        _remove_parents(support.hierarchies)
    return support


def _sweep(hierarchies) -> None:
    """Remove the cgroups that drivers which died before cleaning up left (named s<pid>-...)."""
    for hierarchy in hierarchies:
        try:
            children = [c for c in hierarchy.parent.iterdir() if c.is_dir() and c.name.startswith("s")]
        except OSError:
            continue
        for child in children:
            try:
                pid = int(child.name[1:].split("-")[0])
                os.kill(pid, 0)
                continue  # its driver is alive
            except ValueError:
                continue  # not one of taller's names
            except PermissionError:
                continue  # alive, another user's
            except ProcessLookupError:
                pass
            Cgroup(folders=[(hierarchy, child)]).remove()


def _make_parent(hierarchy: Hierarchy) -> None:
    hierarchy.parent.mkdir(exist_ok=True)
    if hierarchy.version == 2:
        _enable_v2(hierarchy.parent, list(hierarchy.controllers))


def _remove_parents(hierarchies) -> None:
    """taller's parent folders, when no submission of any driver uses them: nothing is left behind
    under the driver's cgroup once it has graded."""
    for hierarchy in hierarchies:
        try:
            hierarchy.parent.rmdir()
        except OSError:
            pass  # another driver's submission is in it, or it is gone already


_cache: dict[str, Support] = {}
_cache_lock = threading.Lock()


def support() -> Support:
    """What this machine allows, probed once per process (and again if TALLER_NO_CGROUPS changes)."""
    if os.environ.get(DISABLE, "") not in ("", "0"):
        return Support(reason=f"{DISABLE} is set")
    with _cache_lock:
        if "probe" not in _cache:
            _cache["probe"] = _probe()
        return _cache["probe"]


_names = itertools.count(1)
_live = [0]  # cgroups of this process not yet removed; taller's parent folders go when it is 0
_live_lock = threading.Lock()


@dataclass
class Cgroup:
    """One submission's cgroup: a folder in each hierarchy."""

    folders: list[tuple[Hierarchy, Path]] = field(default_factory=list)
    usage: Usage | None = None  # read by remove()
    counted: bool = False  # in _live until removed
    hierarchies: tuple[Hierarchy, ...] = ()

    @classmethod
    def create(cls, where: Support, memory_bytes: int, processes: int, cpus: float) -> "Cgroup":
        """A new cgroup with these limits (cpus <= 0, or all the machine's: no CPU quota)."""
        name = f"s{os.getpid()}-{next(_names)}-{secrets.token_hex(3)}"
        group = cls(hierarchies=tuple(where.hierarchies))
        with _live_lock:
            _live[0] += 1
            group.counted = True
        try:
            for hierarchy in where.hierarchies:
                folder = hierarchy.parent / name
                for attempt in (1, 2):  # another driver may remove the parent between the two steps
                    _make_parent(hierarchy)
                    try:
                        folder.mkdir()
                        break
                    except FileNotFoundError:
                        if attempt == 2:
                            raise
                group.folders.append((hierarchy, folder))
                for controller in hierarchy.controllers:
                    group._limit(hierarchy.version, controller, folder, memory_bytes, processes, cpus)
        except OSError:
            group.remove()
            raise
        return group

    @staticmethod
    def _limit(version: int, controller: str, folder: Path, memory_bytes: int, processes: int,
               cpus: float) -> None:
        if controller == "memory":
            if version == 2:
                _write(folder / "memory.max", str(memory_bytes))
                if (folder / "memory.swap.max").exists():
                    _write(folder / "memory.swap.max", "0")
            else:
                _write(folder / "memory.limit_in_bytes", str(memory_bytes))
                if (folder / "memory.memsw.limit_in_bytes").exists():  # memory and swap together: no swap
                    _write(folder / "memory.memsw.limit_in_bytes", str(memory_bytes))
        elif controller == "pids":
            _write(folder / "pids.max", str(max(1, processes)))
        elif controller == "cpu" and 0 < cpus < (os.cpu_count() or 1):
            quota = max(1000, int(PERIOD_US * cpus))
            if version == 2:
                _write(folder / "cpu.max", f"{quota} {PERIOD_US}")
            else:
                _write(folder / "cpu.cfs_period_us", str(PERIOD_US))
                _write(folder / "cpu.cfs_quota_us", str(quota))

    def join_command(self, argv: list[str]) -> list[str]:
        """argv, started so that its first process is in this cgroup before it runs."""
        procs = [str(folder / "cgroup.procs") for _, folder in self.folders]
        return ["/bin/sh", "-c", JOIN, "taller-join", str(len(procs)), *procs, *argv]

    def procs_files(self) -> list[Path]:
        """Each hierarchy's cgroup.procs: a process that writes "0" to it joins this cgroup."""
        return [folder / "cgroup.procs" for _, folder in self.folders]

    def pids(self) -> set[int]:
        found = set()
        for _, folder in self.folders:
            try:
                found |= {int(p) for p in _read(folder / "cgroup.procs").split()}
            except OSError:
                pass
        return found

    def read_usage(self) -> Usage:
        usage = Usage()
        for hierarchy, folder in self.folders:
            if "memory" not in hierarchy.controllers:
                continue
            try:
                if hierarchy.version == 2:
                    if (folder / "memory.peak").exists():
                        usage.peak_bytes = int(_read(folder / "memory.peak"))
                    events = dict(line.split() for line in _read(folder / "memory.events").splitlines())
                    usage.oom_kills = int(events.get("oom_kill", 0))
                    limit = _read(folder / "memory.max").strip()
                    usage.limit_bytes = None if limit == "max" else int(limit)
                else:
                    usage.peak_bytes = int(_read(folder / "memory.max_usage_in_bytes"))
                    control = dict(line.split() for line in _read(folder / "memory.oom_control").splitlines())
                    usage.oom_kills = int(control.get("oom_kill", 0))
                    usage.limit_bytes = int(_read(folder / "memory.limit_in_bytes"))
            except (OSError, ValueError):
                pass
        return usage

    def kill(self, patience: float = 5.0) -> None:
        """SIGKILL whatever is still in the cgroup (the sandbox's PID namespace normally took it all)."""
        for hierarchy, folder in self.folders:
            if hierarchy.version == 2 and (folder / "cgroup.kill").exists():
                try:
                    _write(folder / "cgroup.kill", "1")
                except OSError:
                    pass
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            left = self.pids()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Read the usage, kill what is left, remove the folders (and taller's parent once empty)."""
        if self.usage is None and self.folders:
            self.usage = self.read_usage()
        self.kill()
        for _, folder in reversed(self.folders):
            for wait in (0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0):  # killed processes leave the cgroup a moment later
                time.sleep(wait)
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
        self.folders = []
        if self.counted:
            with _live_lock:
                self.counted = False
                _live[0] -= 1
                if _live[0] == 0:
                    _remove_parents(self.hierarchies)


def notice(where: Support) -> str:
    """One line for the console when a submission's limits are not all per submission; '' otherwise."""
    if where.complete:
        return ""
    if not where.usable:
        return (f"no cgroups here ({where.reason}): memory, processes and CPU are limited per process, "
                "not per submission")
    missing = ", ".join(c for c in WANTED if c not in where.controllers)
    return (f"cgroups without {missing} here ({where.reason}): {missing} limited per process, "
            "not per submission")
