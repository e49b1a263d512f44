"""Grade the kit's own known-wrong variants and list the feedback each failing question got (issue 17).

    python benchmarks/message_audit.py [--slugs 04-redes-recurrentes,...|--all] [--engine taller] [--out DIR]

Builds the class the test suite builds (tests/conftest.py: variants packed so that no two in a
submission touch the same question, plus the published solutions and the untouched release), grades
it with `taller grade --jobs 2`, and writes DIR/mensajes.csv and DIR/mensajes.md: one row per variant
and question it touches, with the score, whether that is what the variant expects, and the message.
The rows are then read by hand against each variant's mistake (its name says it): a message is
specific, generic or misleading. Default slugs: 04, 05 and 06.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import conftest  # noqa: E402  (the suite's own packing of variants into submissions)

from taller import build, submissions  # noqa: E402

DEFAULT_SLUGS = ("04-redes-recurrentes", "05-regularizacion", "06-ajuste-hiperparametros")


def make_class(folder: Path, slugs: list[str]) -> dict[tuple[str, str], list[dict]]:
    """Write the class; return (student, slug) -> the variants in that submission."""
    packed = {}
    for slug in slugs:
        for i, group in enumerate(conftest.packs(slug)):
            name = f"variantes-{i:02d}"
            changes = {cell: src for v in group for cell, src in v["cells"].items()}
            build.write_notebook(submissions.solved(ROOT, slug, changes), folder / name / f"{slug}.ipynb")
            packed[(name, slug)] = group
        for student, view in (("sin-empezar", "release"), ("solucion-publicada", "solutions")):
            (folder / student).mkdir(parents=True, exist_ok=True)
            (folder / student / f"{slug}.ipynb").write_bytes((ROOT / view / slug / f"{slug}.ipynb").read_bytes())
    return packed


def audit_rows(grades: dict, packed: dict) -> list[dict]:
    """One row per (variant, question it touches): score, expected or not, message."""
    rows = []
    for (student, slug), group in sorted(packed.items()):
        for v in group:
            for question in sorted(conftest.touched(slug, v)):
                g = grades.get((student, slug, question), {})
                score, full = float(g.get("score") or 0), float(g.get("max_score") or 0)
                lost = question in v["lost"]
                rows.append(dict(slug=slug, variant=v["name"], question=question, score=g.get("score", ""),
                                 max_score=g.get("max_score", ""), expected="lost" if lost else "kept",
                                 ok=(score == 0) if lost else (score == full > 0),
                                 message=" ".join((g.get("message") or "").split())))
    return rows


def whole_notebooks(grades: dict, slugs: list[str]) -> list[str]:
    """Problems with the solutions (must keep full marks) and the untouched release (must score 0)."""
    problems = []
    for (student, slug, question), g in sorted(grades.items()):
        if slug not in slugs:
            continue
        if student == "solucion-publicada" and float(g["score"] or 0) != float(g["max_score"]):
            problems.append(f"{slug} {question}: la solución saca {g['score']} de {g['max_score']}")
        if student == "sin-empezar" and float(g["score"] or 0) != 0:
            problems.append(f"{slug} {question}: la versión sin empezar saca {g['score']}")
    return problems


def write_tables(rows: list[dict], out: Path) -> None:
    with open(out / "mensajes.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| slug | variant | question | score | expected | ok | message |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        message = r["message"].replace("|", "\\|")
        lines.append(f"| {r['slug']} | {r['variant']} | {r['question']} | {r['score']}/{r['max_score']} "
                     f"| {r['expected']} | {'yes' if r['ok'] else 'NO'} | {message} |")
    (out / "mensajes.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slugs", default=",".join(DEFAULT_SLUGS))
    parser.add_argument("--all", action="store_true", help="every exercise")
    parser.add_argument("--engine", default="taller", choices=("nbgrader", "otter", "taller"))
    parser.add_argument("--out", default="auditoria-mensajes")
    args = parser.parse_args()
    slugs = conftest.SLUGS if args.all else [s for s in args.slugs.split(",") if s]
    out = Path(args.out).resolve()
    folder = out / "entregas"
    packed = make_class(folder, slugs)
    subprocess.run(["taller", "grade", str(folder), "--engine", args.engine, "--out", str(out / "notas"),
                    "--jobs", "2", "--seed", str(conftest.TALLER_SEED), "--regrade"], check=True)
    grades = conftest.read_grades(out / "notas" / "grades.csv")
    rows = audit_rows(grades, packed)
    write_tables(rows, out)
    failing = [r for r in rows if r["expected"] == "lost"]
    wrong = [r for r in rows if not r["ok"]] + whole_notebooks(grades, slugs)
    print(f"{len(rows)} rows, {len(failing)} failing cases; {out / 'mensajes.md'}")
    for r in wrong:
        print("UNEXPECTED:", r if isinstance(r, str) else f"{r['slug']} {r['variant']} {r['question']} {r['score']}")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
