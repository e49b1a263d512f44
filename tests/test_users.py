"""Several users on one machine (issue 16): an unprivileged user grades after root, and two users grade
at once, each with the default engine. CI runs as root, which hides this class of bug, so these tests
grade as `nobody` too.

The tests run as root: the unprivileged run is started through a bwrap view (root's own mount
namespace) in which the Python environment and the repository are reachable by `nobody` even where
one of their folders is not (`/root`, mode 0700, holds pyenv's Python here), then `setpriv` drops to
`nobody`, with no capability left."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, questions_of
from taller import build, sandbox, submissions

SLUG = "00-conceptos"
NOBODY = 65534
TOTAL = sum(q.points for q in questions_of(SLUG))

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                                reason="needs root (to become another user) and setpriv")


def reachable_view(paths: list[Path]) -> list[str]:
    """bwrap options that show the whole machine, with each folder that `nobody` cannot traverse on the
    way to `paths` replaced by an empty traversable one holding just those paths."""
    blocked = set()
    for path in paths:
        for parent in reversed(path.resolve().parents):
            if parent != Path("/") and not parent.stat().st_mode & 0o001:
                blocked.add(parent)
                break
    args = ["--dev-bind", "/", "/"]
    for folder in sorted(blocked):
        args += ["--tmpfs", str(folder)]
        for path in [p.resolve() for p in paths if p.resolve().is_relative_to(folder)]:
            between = [d for d in reversed(path.parents) if d.is_relative_to(folder) and d != folder]
            args += [arg for d in between for arg in ("--perms", "0755", "--dir", str(d))]
            args += ["--dev-bind", str(path), str(path)]
    return args


def as_user(uid: int, argv: list[str], home: Path) -> subprocess.Popen:
    paths = [*sandbox.python_dirs(), ROOT, home]
    view = [sandbox.bwrap(), *reachable_view(paths), "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
    drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"]
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "TMPDIR")}
    env["HOME"] = str(home)
    return subprocess.Popen([*view, *drop, *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def grade_command(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "taller", "grade", str(folder), "--out", str(out), "--jobs", "1"]


@pytest.fixture()
def class_of_one(tmp_path):
    """One honest student's 00, in folders `nobody` may read (the class) and write (its OUT)."""
    folder = tmp_path / "entregas"
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "ana" / f"{SLUG}.ipynb")
    return readable(tmp_path, folder)


def readable(tmp_path, folder):
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o644)
    return folder


def test_a_boundary_attack_earns_nothing_when_nobody_grades(tmp_path):
    """The sandboxes and the verdict boundary hold for an unprivileged driver too (no uid per slot,
    no cgroups): the rewritten probe of tests/test_boundary.py earns nothing, its classmate full marks."""
    from test_boundary import SLUG as SLUG01, hostile_01

    folder = tmp_path / "entregas"
    build.write_notebook(submissions.solved(ROOT, SLUG), folder / "ana" / f"{SLUG}.ipynb")
    build.write_notebook(hostile_01("sonda-pide-exec"), folder / "mallory" / f"{SLUG01}.ipynb")
    readable(tmp_path, folder)
    proc = as_user(NOBODY, grade_command(folder, tmp_path / "de-nobody"), tmp_path)
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "2 graded, 0 refused, 0 failed" in output, output[-3000:]
    assert f"{TOTAL:g} / {TOTAL:g}" in output
    total01 = sum(q.points for q in questions_of(SLUG01))
    assert f"0 / {total01:g}" in output, output[-3000:]


def graded_fully(output: str) -> bool:
    return f"{TOTAL:g} / {TOTAL:g}" in output and "1 graded, 0 refused, 0 failed" in output


def test_an_unprivileged_user_grades_after_root(class_of_one, tmp_path):
    first = subprocess.run(grade_command(class_of_one, tmp_path / "de-root"), cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0 and graded_fully(first.stdout), first.stdout[-2000:] + first.stderr[-2000:]
    proc = as_user(NOBODY, grade_command(class_of_one, tmp_path / "de-nobody"), tmp_path)
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and graded_fully(output), output[-3000:]
    assert "PermissionError" not in output and "Traceback" not in output
    assert (tmp_path / "de-nobody" / "grades.csv").stat().st_uid == NOBODY


def test_two_users_grade_at_once(class_of_one, tmp_path):
    other = as_user(NOBODY, grade_command(class_of_one, tmp_path / "de-nobody"), tmp_path)
    mine = subprocess.Popen(grade_command(class_of_one, tmp_path / "de-root"), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out_mine, _ = mine.communicate(timeout=300)
    out_other, _ = other.communicate(timeout=300)
    assert mine.returncode == 0 and graded_fully(out_mine), out_mine[-3000:]
    assert other.returncode == 0 and graded_fully(out_other), out_other[-3000:]
