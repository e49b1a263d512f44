"""The kernel sandbox: `python -m taller.kernel_sandbox -f CONNECTION_FILE`, the argv of the `python3`
kernelspec that the driver gives each engine sandbox.

It starts the ipykernel in a bwrap sandbox nested in the engine's: the kernel sees the Python
environment read-only, its working folder read-write, the connection file and the folders named in
TALLER_KERNEL_RO read-only, and nothing else of the engine's files. It has its own PID namespace
(it cannot signal or trace the engine) and cannot make more user namespaces. It shares the engine
sandbox's network namespace, which has a loopback only, so the kernel protocol runs as usual.
"""

from __future__ import annotations

import os
import sys

from taller import sandbox

KERNELSPEC = {"argv": [sys.executable, "-m", "taller.kernel_sandbox", "-f", "{connection_file}"],
              "display_name": "Python 3 (ipykernel)", "language": "python",
              "metadata": {"debugger": False}}


def command(connection_file: str, cwd: str, read_only: list[str], extra: list[str] = ()) -> list[str]:
    args = [sandbox.bwrap(), "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--disable-userns", "--die-with-parent",
            "--proc", "/proc", "--dev", "/dev", "--size", os.environ.get("TALLER_KERNEL_TMP_BYTES", str(256 * 2**20)),
            "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    args += sandbox.bind_args(sandbox.system_args())
    args += ["--bind", cwd, cwd]
    for path in [connection_file, *read_only]:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    # ipykernel would take bwrap's init (its parent in the new PID namespace) for a dead parent:
    # the sandbox dies with the engine instead (--die-with-parent).
    # Its own root (bwrap's tmpfs, of no set size) read-only: it writes only its folder and its /tmp.
    args += ["--remount-ro", "/", "--unsetenv", "JPY_PARENT_PID", "--chdir", cwd]
    return [*args, "--", sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *extra]


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] != "-f":
        raise SystemExit("usage: python -m taller.kernel_sandbox -f CONNECTION_FILE [KERNEL OPTIONS]")
    read_only = [p for p in os.environ.get("TALLER_KERNEL_RO", "").split(os.pathsep) if p]
    cmd = command(os.path.abspath(argv[1]), os.getcwd(), read_only, argv[2:])
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
