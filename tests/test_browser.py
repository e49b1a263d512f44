"""The pages as a browser shows them (headless Chromium through Playwright): a student's feedback page,
on a desktop and on a phone, and the class summary."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import ENGINES, SLUGS, questions_of, variant_cases

CHROMIUM = os.environ.get("TALLER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is installed with the test extras")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no Chromium on this machine (.ci/run installs it with apt-get)")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def text_of(browser, path, width=1000):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    text = page.inner_text("body")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.close()
    return text, overflow


@pytest.mark.parametrize("engine", ENGINES)
def test_a_feedback_page_reads_well_on_a_desktop_and_on_a_phone(browser, graded, engine):
    slug = SLUGS[1]
    student, group = next((s, g) for sl, s, g in variant_cases() if sl == slug and any(v["lost"] for v in g))
    page = graded[engine]["out"] / "feedback" / student / f"{slug}.html"
    for width in (1000, 390):
        text, overflow = text_of(browser, page, width)
        assert "Nota:" in text and "Corregido el" in text
        assert "Incorrecta" in text or "Tu código lanzó un error" in text
        lost = {q for v in group for q in v["lost"]}
        for number, q in enumerate(questions_of(slug), 1):
            if q.grade_id in lost:
                assert f"{number}. " in text
        assert not overflow, f"the page is wider than a {width}px screen"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_class_summary_shows_every_exercise_and_the_histogram(browser, graded, engine):
    text, _ = text_of(browser, graded[engine]["out"] / "resumen.html")
    assert "Resumen de la clase" in text and "Distribución de notas" in text
    assert "Mensajes más frecuentes" in text and "Correctas" in text
    assert text.count("Distribución de notas") == len(SLUGS)
    index, _ = text_of(browser, graded[engine]["out"] / "index.html")
    assert "Notas de la clase" in index and "Total" in index
