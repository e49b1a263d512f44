"""The instructor's nbgrader route, driven with nbgrader's own commands (what formgrader's buttons
run): Generate gives the same release bytes as `taller build`, and Generate Feedback hands out no
hidden test, no reference helper and no traceback through them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SLUGS, packs, plain_text, questions_of
from taller import build, masters, submissions

FEEDBACK_SLUG = "01-descenso-gradiente"  # no TensorFlow: autograde takes seconds


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Exception while loading config file" not in proc.stderr, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course directory as an instructor clones it: masters and nbgrader_config.py."""
    course = tmp_path_factory.mktemp("curso")
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    return course


@pytest.mark.parametrize("slug", SLUGS)
def test_generate_assignment_writes_the_release_taller_build_writes(course, slug):
    nbgrader(course, "generate_assignment", slug, "--force")
    made = course / "release" / slug / f"{slug}.ipynb"
    assert made.read_bytes() == (ROOT / "release" / slug / f"{slug}.ipynb").read_bytes()


def test_generated_feedback_shows_no_hidden_test(course):
    """A student who fails hidden tests: autograde, then generate_feedback, as formgrader does."""
    slug = FEEDBACK_SLUG
    if not (course / "release" / slug).exists():
        nbgrader(course, "generate_assignment", slug, "--force")
    wrong = [v for group in packs(slug) for v in group if v["lost"]][:3]
    changes = {cell: src for v in wrong for cell, src in v["cells"].items()}
    assert len(changes) == sum(len(v["cells"]) for v in wrong), "the chosen variants overlap"
    student = "alumna-con-fallos"
    build.write_notebook(submissions.solved(ROOT, slug, changes),
                         course / "submitted" / student / slug / f"{slug}.ipynb")
    nbgrader(course, "autograde", slug, "--create", "--force")
    nbgrader(course, "generate_feedback", slug, "--force")
    page = plain_text((course / "feedback" / student / slug / f"{slug}.html").read_text(encoding="utf-8"))

    # The page shows the student's own code, so reference lines the student wrote are fine there;
    # anything else from the hidden tests is a leak.
    handed_in = (course / "submitted" / student / slug / f"{slug}.ipynb").read_text(encoding="utf-8")
    handed_in_lines = {line.strip() for cell in json.loads(handed_in)["cells"]
                       for line in "".join(cell["source"]).splitlines()}
    hidden = {line for q in questions_of(slug) for line in masters.hidden_lines(q.source)
              if len(line) >= masters.MIN_SECRET_LINE} - handed_in_lines
    assert hidden, "no hidden line to look for: the check could not fail"
    leaked = sorted(line for line in hidden if line in page)
    assert not leaked, f"the feedback page shows hidden tests: {leaked[:5]}"
    assert "_ref_" not in page and "Traceback" not in page
    # what the student must still read: the visible checks and the message of each failed test
    assert "Comprobaciones visibles superadas" in page
    assert "AssertionError" in page
    # and the autograded copy the instructor keeps still has the hidden tests (nothing lost)
    autograded = (course / "autograded" / student / slug / f"{slug}.ipynb").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" in autograded


def test_a_colab_badge_appears_once_the_repository_is_set(course, tmp_path):
    """No repository in nbgrader_config.py (as committed): no badge and no broken link. Once the
    instructor sets it, each release notebook starts with a link to its own file on that branch."""
    slug = SLUGS[0]
    for path in (ROOT / "release").rglob("*.ipynb"):
        assert "colab.research.google.com" not in path.read_text(encoding="utf-8"), path
    mine = tmp_path / "curso"
    shutil.copytree(course / "source", mine / "source")
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert 'c.ColabBadge.repository = ""' in config
    (mine / "nbgrader_config.py").write_text(config.replace('c.ColabBadge.repository = ""',
                                                            'c.ColabBadge.repository = "profe/taller-ml"'))
    nbgrader(mine, "generate_assignment", slug, "--force")
    first = json.loads((mine / "release" / slug / f"{slug}.ipynb").read_text(encoding="utf-8"))["cells"][0]
    assert first["cell_type"] == "markdown"
    url = f"https://colab.research.google.com/github/profe/taller-ml/blob/main/release/{slug}/{slug}.ipynb"
    assert f'href="{url}"' in "".join(first["source"]) and "Abrir en Colab" in "".join(first["source"])
    assert build.has_colab_badge(mine / "release" / slug / f"{slug}.ipynb")  # then `taller build` reminds nothing
    assert not build.has_colab_badge(ROOT / "release" / slug / f"{slug}.ipynb")  # as committed: it reminds


def test_the_jupyterhub_exchange_route_on_one_machine(tmp_path):
    """release -> fetch -> submit -> collect -> autograde -> feedback, with a local exchange folder
    and nbgrader's own commands, as README's JupyterHub section says; the gradebook is migrated."""
    slug = FEEDBACK_SLUG
    course, home, exchange = tmp_path / "curso", tmp_path / "alumna", tmp_path / "exchange"
    shutil.copytree(ROOT / "source" / slug, course / "source" / slug)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    home.mkdir()
    exchange.mkdir()
    exchange.chmod(0o777)
    where = f"--Exchange.root={exchange}"
    course_id = "--course=taller-ml-tensorflow"
    nbgrader(course, "db", "upgrade")
    nbgrader(course, "generate_assignment", slug, "--force")
    nbgrader(course, "release_assignment", slug, where, "--force")
    nbgrader(home, "fetch_assignment", slug, course_id, where)
    fetched = home / slug / f"{slug}.ipynb"
    assert fetched.read_bytes() == (course / "release" / slug / f"{slug}.ipynb").read_bytes()
    wrong = next(v for group in packs(slug) for v in group if v["lost"])
    build.write_notebook(submissions.solved(ROOT, slug, wrong["cells"]), fetched)
    nbgrader(home, "submit", slug, course_id, where)
    nbgrader(course, "collect", slug, where, "--update")
    collected = list((course / "submitted").glob(f"*/{slug}/{slug}.ipynb"))
    assert len(collected) == 1
    nbgrader(course, "autograde", slug, "--create")
    nbgrader(course, "generate_feedback", slug)
    nbgrader(course, "release_feedback", slug, where)
    nbgrader(home, "fetch_feedback", slug, course_id, where)
    pages = list((home / slug / "feedback").rglob(f"{slug}.html"))
    assert len(pages) == 1
    page = plain_text(pages[0].read_text(encoding="utf-8"))
    assert "BEGIN HIDDEN TESTS" not in page and "_ref_" not in page
    assert "AssertionError" in page
