"""The class pages read in a minute: index.html sorts by any column, colours each score by its share of
the maximum (with the percentage written) and flags what was not answered, crashed, refused or late;
resumen.html opens with what could not be graded, then ranks each notebook's questions by their share
of right answers in a chart, links each frequent message to the students who got it and draws the
totals as a chart. The charts are SVG files inside OUT. Both pages fit a desktop and a phone.

The class is graded by a stand-in engine (no kernel, seconds); the browser tests use headless
Chromium through Playwright, and are skipped without them."""

from __future__ import annotations

import csv
import datetime as dt
import html
import os
import re
import shutil
import time
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT, plain_text, questions_of
from taller import cli, engines, grade, late, report
from taller.verdicts import RunResult, Verdict

SLUGS = ("00-conceptos", "01-descenso-gradiente")
STUDENTS = ("ana", "bruno", "carla", "dora", "eva", "fabio")
DUE = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.timezone.utc)
CHROMIUM = os.environ.get("TALLER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def named(student, slug, view="solutions") -> str:
    """`view`'s notebook (solutions: answered; release: nothing answered) with a first cell naming the
    student (what fake_grade reads)."""
    return (ROOT / view / slug / f"{slug}.ipynb").read_text(encoding="utf-8").replace(
        '"cells": [', f'"cells": [{{"cell_type": "code", "execution_count": null, "metadata": {{}}, '
        f'"outputs": [], "source": "# {student}"}},', 1)


def hand_in(folder, student, slug, view="solutions", text=None):
    """SUBMISSIONS/student/slug.ipynb: named(student, slug, view), or `text`."""
    target = folder / student / f"{slug}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(named(student, slug, view) if text is None else text, encoding="utf-8")


def fake_grade(prepared, slug, notebook, *args, **kwargs):
    """ana: all right; bruno: the first question wrong; carla: nothing answered; dora: the second
    answer crashes; eva: the grader fails; fabio: every second question wrong."""
    qs = questions_of(slug)
    text = "".join(c.source for c in notebook.cells)
    student = next(s for s in STUDENTS if text.startswith(f"# {s}"))  # hand_in's first cell
    verdicts = {q.grade_id: Verdict(q.points, q.points) for q in qs}
    run = RunResult(verdicts=verdicts, seconds=0.01)
    if student == "bruno":
        verdicts[qs[0].grade_id] = Verdict(0, qs[0].points, "AssertionError: no")
    elif student == "carla":
        run.verdicts = {q.grade_id: Verdict(0, q.points, "NotImplementedError: ") for q in qs}
    elif student == "dora":
        verdicts[qs[1].grade_id] = Verdict(0, qs[1].points, "NameError: name 'x' is not defined")
        run.answer_errors[qs[1].solution_ids[0]] = "NameError: name 'x' is not defined"
    elif student == "eva":
        run = RunResult(failure="the kernel did not start", seconds=0.01)
    elif student == "fabio":
        for q in qs[::2]:
            verdicts[q.grade_id] = Verdict(0, q.points, "AssertionError: no")
    return run


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """OUT of a class with every state: graded (green, amber, red), not started, crashed answer, grader
    failure, refused, not handed in, and late (fabio's second notebook, two days after its due date)."""
    tmp = tmp_path_factory.mktemp("paginas")
    folder = tmp / "entregas"
    for student in ("ana", "bruno", "fabio"):
        for slug in SLUGS:
            hand_in(folder, student, slug)
    hand_in(folder, "carla", SLUGS[0], view="release")
    hand_in(folder, "dora", SLUGS[0])
    hand_in(folder, "dora", SLUGS[1], text="no soy un cuaderno")
    hand_in(folder, "eva", SLUGS[0])
    for path in folder.rglob("*.ipynb"):
        when = DUE + (dt.timedelta(days=1, hours=12) if path.parent.name == "fabio" else -dt.timedelta(days=1))
        os.utime(path, (when.timestamp(), when.timestamp()))
    course = tmp / "curso.toml"
    course.write_text(f'[due]\n"{SLUGS[1]}" = {DUE.isoformat().replace("+00:00", "Z")}\n'
                      '[late]\npolicy = "percent_per_day"\npercent_per_day = 10\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(engines.ENGINES, "nbgrader", engines.Engine(lambda *a: tmp, fake_grade))
        grade.grade(ROOT, folder, "nbgrader", tmp / "notas", jobs=1, isolate=False, log=lambda *_: None, seed=1,
                    course=course)
    return tmp / "notas"


def canvas_class(tmp, members: dict, due: str) -> Path:
    """OUT of a Canvas archive graded by the stand-in engine. members: Canvas file name -> (student of
    fake_grade, slug, epoch); due: the [due] table of curso.toml (policy: 10 % a day)."""
    from test_lms import make_zip

    archive = make_zip(tmp / "canvas.zip", {name: (named(student, slug).encode(), epoch)
                                            for name, (student, slug, epoch) in members.items()})
    course = tmp / "curso.toml"
    course.write_text(f'[due]\n{due}\n[late]\npolicy = "percent_per_day"\npercent_per_day = 10\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(engines.ENGINES, "nbgrader", engines.Engine(lambda *a: tmp, fake_grade))
        grade.grade(ROOT, archive, "nbgrader", tmp / "notas", jobs=1, isolate=False, log=lambda *_: None, seed=1,
                    course=course)
    return tmp / "notas"


def late_table(out) -> str:
    """The text of resumen.html's late-work section."""
    page = (out / "resumen.html").read_text(encoding="utf-8")
    return plain_text(page.split("<h2>Entregas con retraso</h2>")[1].split("<section")[0])


def test_canvas_late_without_a_time_is_shown_and_never_penalised(tmp_path):
    """A stock Canvas download (every file stamped at the download): the submission times are unknown,
    so Canvas's LATE says late with no days to count. Page, index and summary say so, grades.csv keeps
    it as lms_late, no point is taken; `taller report` rebuilds the same from grades.csv."""
    stamp = int(DUE.timestamp()) + 5 * 86400
    out = canvas_class(tmp_path, {f"garciaana_11_901_{SLUGS[0]}.ipynb": ("ana", SLUGS[0], stamp),
                                  f"lopezbruno_LATE_22_902_{SLUGS[0]}.ipynb": ("bruno", SLUGS[0], stamp + 60),
                                  f"lopezbruno_LATE_22_903_{SLUGS[1]}.ipynb": ("bruno", SLUGS[1], stamp + 120)},
                       f'"{SLUGS[1]}" = {DUE.isoformat().replace("+00:00", "Z")}')
    rows = [r for r in grades_of(out) if r["question"]]
    assert {(r["student"], r["lms_late"]) for r in rows} == {("garciaana_11", "0"), ("lopezbruno_22", "1")}
    assert all(r["submitted"] == "" and r["days_late"] == "" and r["penalty"] == ""
               and r["score"] == r["score_before_penalty"] for r in rows)
    for _ in range(2):
        for slug in SLUGS:
            page = plain_text((out / "feedback" / "lopezbruno_22" / f"{slug}.html").read_text(encoding="utf-8"))
            assert late.marked_note("time") in page and "penalización del" not in page
        assert "Canvas" not in plain_text((out / "feedback" / "garciaana_11" / f"{SLUGS[0]}.html").read_text(
            encoding="utf-8"))
        cells = index_cells(out)
        assert all("retraso según Canvas, días desconocidos" in cells[("lopezbruno_22", slug)] for slug in SLUGS)
        assert "retraso" not in cells[("garciaana_11", SLUGS[0])]
        tardy = late_table(out)
        assert tardy.count("hora de entrega desconocida") == 2 and tardy.count("Ninguna automática: revísala a mano") == 2
        assert "lopezbruno_22" in tardy and "garciaana_11" not in tardy
        cli.main(["report", str(out), "--course", str(tmp_path / "curso.toml")])


def test_canvas_late_with_a_time_keeps_the_count_from_the_due_date(tmp_path):
    """Times known (each file stamped when it came in): the days counted from the due date stand, 0
    included where Canvas says LATE (its grace period), and a penalty where Canvas does not; without a
    due date Canvas's LATE is shown with no penalty."""
    due = int(DUE.timestamp())
    out = canvas_class(tmp_path, {f"garciaana_11_901_{SLUGS[1]}.ipynb": ("ana", SLUGS[1], due + 2 * 86400 - 60),
                                  f"lopezbruno_LATE_22_902_{SLUGS[1]}.ipynb": ("bruno", SLUGS[1], due - 3600),
                                  f"lopezbruno_LATE_22_903_{SLUGS[0]}.ipynb": ("bruno", SLUGS[0], due - 7200)},
                       f'"{SLUGS[1]}" = {DUE.isoformat().replace("+00:00", "Z")}')
    rows = {(r["student"], r["notebook"]): r for r in grades_of(out) if r["question"]}
    assert rows[("garciaana_11", SLUGS[1])]["lms_late"] == "0"
    assert rows[("garciaana_11", SLUGS[1])]["days_late"] == "2" and rows[("garciaana_11", SLUGS[1])]["penalty"] == "20"
    assert rows[("lopezbruno_22", SLUGS[1])]["lms_late"] == "1" and rows[("lopezbruno_22", SLUGS[1])]["days_late"] == ""
    page = plain_text((out / "feedback" / "lopezbruno_22" / f"{SLUGS[1]}.html").read_text(encoding="utf-8"))
    assert "retraso" not in page and "Canvas" not in page
    page = plain_text((out / "feedback" / "lopezbruno_22" / f"{SLUGS[0]}.html").read_text(encoding="utf-8"))
    assert late.marked_note("due") in page
    cells = index_cells(out)
    assert "retraso" not in cells[("lopezbruno_22", SLUGS[1])]
    assert "retraso según Canvas, días desconocidos" in cells[("lopezbruno_22", SLUGS[0])]
    assert "2 días de retraso, −20\u00a0%" in cells[("garciaana_11", SLUGS[1])]
    tardy = late_table(out)
    assert tardy.count("el ejercicio no tiene fecha límite en curso.toml") == 1 and tardy.count("2 días") == 1


def grades_of(out) -> list[dict]:
    with open(out / "grades.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def index_cells(out) -> dict[tuple[str, str], str]:
    """(student, column) -> the <td> of index.html (columns: the notebooks, then "total")."""
    page = (out / "index.html").read_text(encoding="utf-8")
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        tds = re.findall(r"<td[^>]*>.*?</td>", row, flags=re.S)
        student = html.unescape(re.search(r"data-v='([^']*)'", tds[0])[1])
        for column, td in zip((*SLUGS, "total"), tds[1:]):
            cells[(student, column)] = td
    return cells


def test_each_score_is_coloured_by_its_share_with_the_percentage_written(out):
    cells = index_cells(out)
    got, best = defaultdict(float), defaultdict(float)
    for r in grades_of(out):
        if r["question"] and r["status"] != report.FAILED:
            got[(r["student"], r["notebook"])] += float(r["score"])
            best[(r["student"], r["notebook"])] += float(r["max_score"])
    seen = set()
    for key, points in got.items():
        share = points / best[key]
        expected = "alta" if share >= 0.8 else "media" if share >= 0.5 else "baja"
        seen.add(expected)
        assert f"class='{expected}'" in cells[key], (key, share, cells[key])
        assert f"({100 * share:.0f}\u00a0%)" in cells[key]
    assert seen == {"alta", "media", "baja"}  # the class covers every colour


def test_each_state_is_flagged_in_words(out):
    cells = index_cells(out)
    text = {k: html.unescape(re.sub(r"<[^>]+>", " ", v)) for k, v in cells.items()}
    assert "flag sin-empezar" in cells[("carla", SLUGS[0])] and "sin empezar" in text[("carla", SLUGS[0])]
    crashed = [r for r in grades_of(out) if r["student"] == "dora" and r["status"] == "error"]
    assert len(crashed) == 1 and "1 pregunta con error" in text[("dora", SLUGS[0])]
    assert "estado fallo_corrector" in cells[("eva", SLUGS[0])] and "Fallo del corrector" in text[("eva", SLUGS[0])]
    assert "estado rechazada" in cells[("dora", SLUGS[1])] and "Rechazada" in text[("dora", SLUGS[1])]
    assert "estado sin_entregar" in cells[("eva", SLUGS[1])] and "Sin entregar" in text[("eva", SLUGS[1])]
    assert "flag tarde" in cells[("fabio", SLUGS[1])] and "2 días de retraso, −20\u00a0%" in text[("fabio", SLUGS[1])]
    assert "flag" not in cells[("ana", SLUGS[0])]  # nothing to flag
    assert "flag tarde" not in cells[("fabio", SLUGS[0])]  # no due date for it


def test_a_notebook_the_grader_failed_keeps_a_row_per_question(out):
    rows = [r for r in grades_of(out) if r["student"] == "eva" and r["notebook"] == SLUGS[0]]
    assert [r["question"] for r in rows] == [q.grade_id for q in questions_of(SLUGS[0])]
    assert {r["status"] for r in rows} == {report.FAILED}


def ranking_of(out, slug) -> list[int]:
    """The question numbers as the summary's table of `slug` lists them."""
    summary = (out / "resumen.html").read_text(encoding="utf-8")
    section = summary.split(f"<section id='{slug}'>")[1].split("</section>")[0]
    return [int(n) for n in re.findall(r"data-pregunta='(\d+)'", section)]


def test_the_summary_opens_with_what_was_not_graded_then_ranks_the_questions(out):
    summary = (out / "resumen.html").read_text(encoding="utf-8")
    assert summary.index("Entregas sin corregir") < summary.index("Entregas con retraso") < summary.index("<section")
    for slug in SLUGS:
        rows = [r for r in grades_of(out) if r["notebook"] == slug and r["question"]]
        share = {}
        for number, q in enumerate(questions_of(slug), 1):
            mine = [r for r in rows if r["question"] == q.grade_id]
            share[number] = sum(r["status"] == "correcta" for r in mine) / len(mine)
        expected = sorted(share, key=lambda n: (share[n], n))
        assert ranking_of(out, slug) == expected
        assert expected != sorted(expected), "the class should not leave the questions in their order"


def test_each_frequent_message_links_to_the_students_who_got_it(out):
    summary = (out / "resumen.html").read_text(encoding="utf-8")
    rows = grades_of(out)
    checked = 0
    for slug in SLUGS:
        qs = questions_of(slug)
        section = summary.split(f"<section id='{slug}'>")[1].split("</section>")[0]
        for number, row in re.findall(r"<tr[^>]*data-pregunta='(\d+)'>(.*?)</tr>", section, flags=re.S):
            question = qs[int(number) - 1].grade_id
            for count, message, links in re.findall(r"<details><summary class='msg'>(\d+) × (.*?)</summary>(.*?)"
                                                    r"</details>", row, flags=re.S):
                who = {r["student"] for r in rows if r["notebook"] == slug and r["question"] == question
                       and r["status"] != "correcta" and r["message"][:300] == html.unescape(message)}
                pages = re.findall(r"href='feedback/([^/']+)/([^']+)\.html'", links)
                assert {s for s, _ in pages} == who and int(count) == len(who) == len(pages)
                assert all(n == slug and (out / "feedback" / s / f"{n}.html").is_file() for s, n in pages)
                checked += 1
    assert checked >= 3


def test_the_charts_are_svg_files_inside_out_referenced_relatively_and_byte_stable(out, monkeypatch, capsys):
    summary = (out / "resumen.html").read_text(encoding="utf-8")
    sources = re.findall(r"<img[^>]* src='([^']+)'", summary)
    assert sorted(sources) == sorted(f"graficos/{s}-{kind}.svg" for s in SLUGS for kind in ("aciertos", "notas"))
    assert "class='hist'" not in summary  # the histogram is a chart now, not a table
    before = {"resumen.html": summary.encode("utf-8")}
    for source in sources:
        data = (out / source).read_bytes()
        assert data.startswith(b"<?xml") and b"<svg" in data and b"<dc:date>" not in data
        before[source] = data
    for page in ("index.html", "resumen.html"):  # nothing to fetch: the folder opens offline
        text = (out / page).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=['\"]?(https?:|//|/)", text), page
    stale = out / "graficos" / "99-viejo-notas.svg"
    stale.write_text("<svg/>", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    start = time.perf_counter()
    cli.main(["report", str(out), "--course", str(out.parent / "curso.toml")])
    seconds = time.perf_counter() - start
    capsys.readouterr()
    assert {s: (out / s).read_bytes() for s in before} == before  # the same grades, the same bytes
    assert not stale.exists()
    assert seconds < 30, f"taller report took {seconds:.1f} s"


# ---------------------------------------------------------------- in a browser

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("no Chromium on this machine (.ci/run installs it with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed with the test extras")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def students_shown(page) -> list[str]:
    return [t.split("\n")[0].strip() for t in page.locator("table.ordenable tbody tr td:first-child").all_inner_texts()]


def test_a_click_on_a_header_sorts_the_index(browser, out):
    with open(out / "notas-por-estudiante.csv", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    total = {r["student"]: float(r["total"]) if re.fullmatch(r"[\d.]+", r["total"]) else -1 for r in table}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((out / "index.html").as_uri())
    assert students_shown(page) == sorted(total)
    header = page.locator("thead th", has_text="Total").locator("button")
    header.click()
    assert students_shown(page) == sorted(total, key=lambda s: (total[s], s))
    assert page.locator("thead th", has_text="Total").get_attribute("aria-sort") == "ascending"
    header.click()
    assert students_shown(page) == sorted(total, key=lambda s: (-total[s], s))
    page.locator("thead th", has_text="Estudiante").locator("button").click()
    assert students_shown(page) == sorted(total)
    page.close()


def test_the_colours_show_in_the_browser_and_the_charts_load(browser, out):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((out / "index.html").as_uri())
    colours = {kind: page.locator(f"td.{kind}").first.evaluate("e => getComputedStyle(e).backgroundColor")
               for kind in ("alta", "media", "baja", "estado")}
    assert len(set(colours.values())) == 4, colours
    page.goto((out / "resumen.html").as_uri())
    widths = page.locator("img.grafico").evaluate_all("images => images.map(i => i.complete && i.naturalWidth)")
    assert len(widths) == 2 * len(SLUGS) and all(widths), widths
    page.close()


@pytest.mark.parametrize("width", (1280, 390))
@pytest.mark.parametrize("name", ("index.html", "resumen.html"))
def test_the_class_pages_fit_the_screen_with_their_headers_in_view(browser, out, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((out / name).as_uri())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} overflows at {width}px"
    headers = page.locator("thead th")
    assert headers.count() >= 4
    for i in range(headers.count()):
        header = headers.nth(i)
        header.scroll_into_view_if_needed()
        box = header.bounding_box()
        assert header.is_visible() and box["width"] >= 30 and box["height"] >= 10, (name, width, i)
        assert 0 <= box["x"] and box["x"] + box["width"] <= width + 1, (name, width, i, box)
        assert header.inner_text().strip()
    if name == "index.html":  # the student's name stays in view while the table scrolls
        page.locator("div.tabla").first.evaluate("e => e.scrollLeft = e.scrollWidth")
        assert page.locator("tbody td:first-child").first.bounding_box()["x"] >= 0
    page.close()
