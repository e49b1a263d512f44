"""Moodle and Canvas "download all submissions" archives, zipped and unpacked: students, exercises
and submission times (lms.py, intake.collect), and hostile zips refused member by member.
Fast: release notebooks as submissions, no kernels."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from taller import intake, lms, masters

ROOT = Path(__file__).resolve().parents[1]
RELEASES = {slug: ROOT / "release" / slug / f"{slug}.ipynb" for slug in sorted(masters.find_masters(ROOT))}
C0, C1 = "00-conceptos", "01-descenso-gradiente"
NB = {slug: RELEASES[slug].read_bytes() for slug in (C0, C1)}

# Submission times, days apart (UTC), as epoch seconds.
T = {n: int(datetime(2026, 11, d, 10 + n, 30, tzinfo=timezone.utc).timestamp()) for n, d in enumerate((2, 3, 5, 9))}


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def ut_extra(epoch: int) -> bytes:
    """An extended timestamp field (0x5455) holding mtime: what Info-ZIP and most zippers write."""
    return struct.pack("<HHBi", 0x5455, 5, 1, epoch)


def member(name: str, epoch: int | None, extended: bool = True) -> zipfile.ZipInfo:
    """A zip member stamped at epoch: with an extended UTC timestamp, else its DOS time in local time
    (how a DOS time is read back)."""
    info = zipfile.ZipInfo(name, time.localtime(epoch)[:6] if epoch else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    if epoch and extended:
        info.extra = ut_extra(epoch)
    return info


def make_zip(path: Path, members: dict) -> Path:
    """members: name -> (bytes, epoch) or (bytes, epoch, extended)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (data, epoch, *extended) in members.items():
            zf.writestr(member(name, epoch, *extended), data)
    return path


def unpack(path: Path, members: dict) -> Path:
    """The same layout as make_zip, unpacked: each file's modification time set to its epoch."""
    for name, (data, epoch, *_) in members.items():
        file = path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        os.utime(file, (epoch, epoch))
    return path


def rows(tasks) -> list[tuple]:
    return [(t.student, t.student_id, t.student_name, t.lms, t.slug, t.source_name, t.submitted, t.late)
            for t in tasks]


MOODLE = {  # Moodle >= 4.1 folders, one of 3.1-4.0 (trailing "_"), a subfolder, an online text, a flat file
    f"Ana García_12345_assignsubmission_file/{C0}.ipynb": (NB[C0], T[0]),
    f"Ana García_12345_assignsubmission_file/Copia de {C1}.ipynb": (NB[C1], T[1]),
    "Ana García_12345_assignsubmission_onlinetext/onlinetext.html": (b"<p>hola</p>", T[1]),
    f"Luis Pérez_23456_assignsubmission_file_/entrega/{C0}.ipynb": (NB[C0], T[2]),
    f"Participant_34567_assignsubmission_file_{C1}.ipynb": (NB[C1], T[3]),
}
MOODLE_ROWS = [
    ("Ana García_12345", "12345", "Ana García", "moodle", C0, f"{C0}.ipynb", iso(T[0]), None),
    ("Ana García_12345", "12345", "Ana García", "moodle", C1, f"Copia de {C1}.ipynb", iso(T[1]), None),
    ("Luis Pérez_23456", "23456", "Luis Pérez", "moodle", C0, f"{C0}.ipynb", iso(T[2]), None),
    ("Participant_34567", "34567", "Participant", "moodle", C1, f"{C1}.ipynb", iso(T[3]), None),
]
CANVAS = {  # flat: name, LATE, user id, file id, original name; anonymous; a resubmitted "-1"
    f"garciaana_12345_901_{C0}.ipynb": (NB[C0], T[0]),
    f"garciaana_12345_902_{C1}.ipynb": (NB[C1], T[1]),
    f"perezluis_LATE_23456_903_Copia de {C0}.ipynb": (NB[C0], T[3]),
    f"LATE_anon_x7Kq2_904_{C1}.ipynb": (NB[C1], T[3]),
    f"nuñezbea_34567_905_{C0}-1.ipynb": (NB[C0], T[2]),
    "garciaana_12345_906_notas.txt": (b"notas", T[0]),
}
CANVAS_ROWS = [
    ("garciaana_12345", "12345", "garciaana", "canvas", C0, f"{C0}.ipynb", iso(T[0]), False),
    ("garciaana_12345", "12345", "garciaana", "canvas", C1, f"{C1}.ipynb", iso(T[1]), False),
    ("nuñezbea_34567", "34567", "nuñezbea", "canvas", C0, f"{C0}-1.ipynb", iso(T[2]), False),
    ("anon_x7Kq2", "anon_x7Kq2", "", "canvas", C1, f"{C1}.ipynb", iso(T[3]), True),
    ("perezluis_23456", "23456", "perezluis", "canvas", C0, f"Copia de {C0}.ipynb", iso(T[3]), True),
]


def by_student(tasks) -> list[tuple]:
    return sorted(rows(tasks), key=lambda r: (r[0], r[4]))


@pytest.mark.parametrize("layout, expected", [(MOODLE, MOODLE_ROWS), (CANVAS, CANVAS_ROWS)], ids=["moodle", "canvas"])
@pytest.mark.parametrize("packed", [True, False], ids=["zip", "unpacked"])
def test_an_lms_archive_maps_files_to_students_exercises_and_times(tmp_path, layout, expected, packed):
    where = make_zip(tmp_path / "entregas.zip", layout) if packed else unpack(tmp_path / "entregas", layout)
    tasks, refusals = intake.collect(where, RELEASES)
    assert refusals == []
    assert by_student(tasks) == sorted(expected, key=lambda r: (r[0], r[4]))
    assert all(t.notebook is not None for t in tasks)
    if packed:
        assert all(str(t.path).startswith(str(where) + os.sep) for t in tasks)


def test_the_keys_of_a_moodle_and_a_canvas_name():
    assert lms.moodle_folder("María José de la Fuente_7_assignsubmission_file_") == {
        "lms": "moodle", "student": "María José de la Fuente_7", "student_id": "7",
        "student_name": "María José de la Fuente"}
    assert lms.moodle_folder("Default group_assignsubmission_file")["student"] == "Default group"
    assert lms.moodle_folder("Ana_12345") is None
    assert lms.canvas_file("garciaana_12345_901_mi_archivo_2_3_x.ipynb")["original"] == "mi_archivo_2_3_x.ipynb"
    assert lms.canvas_file("de_la_fuente_maria_LATE_7_8_a.ipynb") | {} == {
        "lms": "canvas", "student": "de_la_fuente_maria_7", "student_id": "7", "student_name": "de_la_fuente_maria",
        "late": True, "original": "a.ipynb", "copy_of": ""}
    assert lms.canvas_file(f"{C0}.ipynb") is None and lms.canvas_file("ana_12_x.ipynb") is None


def test_entry_times_extended_ntfs_and_dos(tmp_path, monkeypatch):
    """UTC from the extended or NTFS field; a bare DOS time (no zone) read as this machine's local
    time, here Madrid's; the DOS zero is no time."""
    monkeypatch.setenv("TZ", "Europe/Madrid")
    time.tzset()
    try:
        ntfs = struct.pack("<HHIHHQQQ", 0x000A, 32, 0, 1, 24, (T[1] + 11644473600) * 10**7, 0, 0)
        path = tmp_path / "a.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(member("ut", T[0]), b"x")
            info = member("ntfs", T[2], extended=False)  # DOS time wrong on purpose: NTFS wins
            info.extra = ntfs
            zf.writestr(info, b"x")
            zf.writestr(member("dos", T[3], extended=False), b"x")
            zf.writestr(member("cero", None), b"x")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            assert infos[2].date_time[3] == 13 + 1  # 13:30 UTC is 14:30 in Madrid in November
            assert [lms.zip_time(i) for i in infos] == [iso(T[0]), iso(T[1]), iso(T[3]), None]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_plain_layout_is_unchanged_and_keeps_each_files_mtime(tmp_path):
    unpack(tmp_path, {f"ana/{C0}.ipynb": (NB[C0], T[0]), f"bea/Copia de {C0}.ipynb": (NB[C0], T[0] + 60)})
    tasks, refusals = intake.collect(tmp_path, RELEASES)
    assert refusals == []
    assert rows(tasks) == [("ana", "", "", "", C0, f"{C0}.ipynb", iso(T[0]), None),
                           ("bea", "", "", "", C0, f"Copia de {C0}.ipynb", iso(T[0] + 60), None)]


def test_a_plain_layout_zipped_even_inside_one_folder(tmp_path):
    layout = {f"entregas/ana/{C0}.ipynb": (NB[C0], T[0]), f"entregas/bea/{C1}.ipynb": (NB[C1], T[1]),
              "entregas/.DS_Store": (b"", T[1]), f"__MACOSX/entregas/ana/._{C0}.ipynb": (b"", T[1])}
    tasks, refusals = intake.collect(make_zip(tmp_path / "e.zip", layout), RELEASES)
    assert refusals == [] and [(t.student, t.slug, t.submitted) for t in tasks] == [
        ("ana", C0, iso(T[0])), ("bea", C1, iso(T[1]))]


def test_a_loose_notebook_in_a_zip_is_misplaced(tmp_path):
    layout = {f"garciaana_12345_901_{C0}.ipynb": (NB[C0], T[0]), f"{C1}.ipynb": (NB[C1], T[1])}
    tasks, [r] = intake.collect(make_zip(tmp_path / "e.zip", layout), RELEASES)
    assert [t.student for t in tasks] == ["garciaana_12345"]
    assert (r.student, r.reason, r.submitted) == (C1, "misplaced", iso(T[1]))


def test_a_plain_folder_beside_moodle_folders_is_a_student(tmp_path):
    layout = {**MOODLE, f"tardía/{C0}.ipynb": (NB[C0], T[3])}
    tasks, _ = intake.collect(unpack(tmp_path, layout), RELEASES)
    assert ("tardía", C0, iso(T[3])) in [(t.student, t.slug, t.submitted) for t in tasks]


@pytest.mark.parametrize("packed", [True, False], ids=["zip", "unpacked"])
def test_times_shared_by_the_whole_archive_are_its_download_not_submissions(tmp_path, packed):
    """Stock Moodle and Canvas stamp every member with the time the zip was made: such times are
    dropped (None), with one line saying so; Canvas's LATE marker stays."""
    layout = {name: (data, T[0] + i * 90) for i, (name, (data, *_)) in enumerate(CANVAS.items())}
    where = make_zip(tmp_path / "e.zip", layout) if packed else unpack(tmp_path / "e", layout)
    lines = []
    tasks, _ = intake.collect(where, RELEASES, log=lines.append)
    assert [t.submitted for t in tasks] == [None] * len(CANVAS_ROWS)
    assert sorted(t.late for t in tasks) == [False, False, False, True, True]
    assert len(lines) == 1 and "download" in lines[0]


def test_one_students_times_are_kept_whatever_they_are(tmp_path):
    layout = {f"Ana García_12345_assignsubmission_file/{C0}.ipynb": (NB[C0], T[0]),
              f"Ana García_12345_assignsubmission_file/{C1}.ipynb": (NB[C1], T[0] + 2)}
    tasks, _ = intake.collect(make_zip(tmp_path / "e.zip", layout), RELEASES, log=pytest.fail)
    assert [t.submitted for t in tasks] == [iso(T[0]), iso(T[0] + 2)]


def test_the_same_exercise_twice_is_ambiguous_and_refusals_keep_the_archive_facts(tmp_path):
    layout = {f"garciaana_12345_901_{C0}.ipynb": (NB[C0], T[0]),
              f"garciaana_LATE_12345_902_{C0}-1.ipynb": (NB[C0], T[3]),
              f"perezluis_23456_903_{C1}.ipynb": (NB[C0], T[1]),  # another exercise under this name
              f"perezluis_23456_904_tarea.ipynb": (NB[C1], T[1])}
    tasks, refusals = intake.collect(make_zip(tmp_path / "e.zip", layout), RELEASES)
    assert tasks == []
    got = sorted((r.student, r.student_id, r.slug, r.reason, r.name, r.submitted, r.late) for r in refusals)
    assert got == [
        ("garciaana_12345", "12345", C0, "ambiguous", f"{C0}-1.ipynb", iso(T[3]), True),
        ("garciaana_12345", "12345", C0, "ambiguous", f"{C0}.ipynb", iso(T[0]), False),
        ("perezluis_23456", "23456", "", "unknown_file", "tarea.ipynb", iso(T[1]), False),
        ("perezluis_23456", "23456", C1, "wrong_exercise", f"{C1}.ipynb", iso(T[1]), False)]
    for r in refusals:  # the student reads the name they gave, the console the member's
        assert f"«{r.name}»" in r.message_es and r.path.name in r.console and "garciaana_" not in r.message_es


# --- hostile zips: each member refused with its reason, the classmates graded, nothing written ----------


def hostile_zip(path: Path, extra: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    make_zip(path, {f"Ana García_1_assignsubmission_file/{C0}.ipynb": (NB[C0], T[0]),
                    f"zoilaramos_2_900_{C1}.ipynb": (NB[C1], T[1])})
    with zipfile.ZipFile(path, "a") as zf:
        for info, data in extra:
            zf.writestr(info, data)
    return path


def link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = member(name, T[2])
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


@pytest.mark.parametrize("name", [f"../../{C0}.ipynb", f"/tmp/{C0}.ipynb", f"C:/x/{C0}.ipynb",
                                  f"Bea_3_assignsubmission_file/../../{C0}.ipynb", f"..\\..\\{C0}.ipynb",
                                  "../../.bashrc", "Bea_3_assignsubmission_file/.."])
def test_a_member_outside_its_folder_is_refused(tmp_path, name):
    archive = hostile_zip(tmp_path / "e.zip", [(member(name, T[2]), NB[C0])])
    tasks, refusals = intake.collect(archive, RELEASES)
    assert [t.student for t in tasks] == ["Ana García_1", "zoilaramos_2"]
    [r] = refusals
    assert r.reason == "unsafe_path" and "apunta fuera de su carpeta" in r.message_es and r.message_es.endswith(".")
    assert r.student == "e" and r.page not in ("", ".", "..") and "/" not in r.page  # the archive's, not a path
    assert "unsafe member name" in r.console and "\n" not in r.console


@pytest.mark.parametrize("name", [f"Bea_3_assignsubmission_file/{C0}.ipynb", f"beasanz_3_907_{C0}.ipynb",
                                  "Bea_3_assignsubmission_file/datos"])
def test_a_symlink_member_is_refused_and_never_followed(tmp_path, name):
    archive = hostile_zip(tmp_path / "e.zip", [link(name, "/etc/passwd")])
    tasks, [r] = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and r.reason == "symlink" and r.student.endswith("_3")


def test_a_zip_bomb_is_refused_without_being_inflated(tmp_path, monkeypatch):
    bomb = NB[C0][:-2] + b" " * (30 * 2**20) + NB[C0][-2:]  # valid JSON, 30 MiB of blanks
    archive = hostile_zip(tmp_path / "e.zip", [(member(f"Bea_3_assignsubmission_file/{C0}.ipynb", T[2]), bomb)])
    assert archive.stat().st_size < 2**20
    tasks, [r] = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and (r.reason, r.slug) == ("too_large", C0)  # past 20 MiB: not even its ratio matters
    read = []
    real = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, m, *a, **k: read.append(m) or real(self, m, *a, **k))
    tasks, [r] = intake.collect(archive, RELEASES, max_bytes=50 * 2**20)  # under the size limit: the ratio
    assert len(tasks) == 2 and r.reason == "zip_bomb" and "veces lo que ocupa comprimido" in r.message_es
    assert not [m for m in read if "Bea" in getattr(m, "filename", m)]


def test_a_member_whose_size_lies_is_refused(tmp_path):
    archive = hostile_zip(tmp_path / "e.zip", [(member(f"Bea_3_assignsubmission_file/{C0}.ipynb", T[2]), NB[C0])])
    data = bytearray(archive.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # Bea's central header, the last one
    struct.pack_into("<I", data, central + 24, 100)  # its uncompressed size says 100 bytes
    archive.write_bytes(bytes(data))
    tasks, [r] = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and r.reason == "not_a_notebook" and "member not readable" in r.console


def test_a_corrupt_member_is_refused(tmp_path):
    archive = hostile_zip(tmp_path / "e.zip", [(member(f"Bea_3_assignsubmission_file/{C0}.ipynb", T[2]), NB[C0])])
    data = bytearray(archive.read_bytes())
    local = data.rindex(b"PK\x03\x04")  # Bea's local header, the last one
    start = local + 30 + struct.unpack_from("<H", data, local + 26)[0] + struct.unpack_from("<H", data, local + 28)[0]
    data[start:start + 64] = b"\xff" * 64  # deflate data broken
    archive.write_bytes(bytes(data))
    tasks, [r] = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and r.reason == "not_a_notebook"


def test_a_file_that_is_no_zip_is_refused_whole(tmp_path):
    bad = tmp_path / "entregas.zip"
    bad.write_bytes(b"PK\x03\x04 roto")
    tasks, [r] = intake.collect(bad, RELEASES)
    assert tasks == [] and (r.student, r.reason) == ("entregas", "unreadable_archive")
    assert "«entregas.zip»" in r.message_es and "Avisa al profesorado." in r.message_es


def test_an_archive_is_read_in_memory_never_extracted_nor_changed(tmp_path, monkeypatch):
    archive = hostile_zip(tmp_path / "e.zip", [(member(f"../../{C0}.ipynb", T[2]), NB[C0]),
                                               link(f"beasanz_3_907_{C0}.ipynb", "/etc/passwd")])
    before = hashlib.sha256(archive.read_bytes()).hexdigest(), archive.stat().st_mtime_ns
    monkeypatch.setattr(zipfile.ZipFile, "extract", lambda *a, **k: pytest.fail("extracted"))
    monkeypatch.setattr(zipfile.ZipFile, "extractall", lambda *a, **k: pytest.fail("extracted"))
    listing = sorted(p for p in tmp_path.parent.rglob("*") if tmp_path.parent in p.parents)
    tasks, refusals = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and sorted(r.reason for r in refusals) == ["symlink", "unsafe_path"]
    assert (hashlib.sha256(archive.read_bytes()).hexdigest(), archive.stat().st_mtime_ns) == before
    assert sorted(p for p in tmp_path.parent.rglob("*") if tmp_path.parent in p.parents) == listing


def test_anything_unexpected_with_one_member_refuses_that_member_only(tmp_path, monkeypatch):
    real = intake.parse
    monkeypatch.setattr(intake, "parse", lambda data: 1 / 0 if b'"bea"' in data else real(data))
    import json
    raw = json.loads(NB[C0])
    raw["metadata"]["bea"] = True
    archive = hostile_zip(tmp_path / "e.zip", [(member(f"Bea_3_assignsubmission_file/{C0}.ipynb", T[2]),
                                                json.dumps(raw).encode())])
    tasks, [r] = intake.collect(archive, RELEASES)
    assert len(tasks) == 2 and (r.student, r.reason) == ("Bea_3", "unprocessable")
    assert r.console.endswith("intake failed (unexpected): ZeroDivisionError: division by zero")


def test_is_archive():
    assert not lms.is_archive(ROOT / "release") and not lms.is_archive(RELEASES[C0])
    assert not lms.is_archive(ROOT / "no-existe.zip")


def test_is_archive_of_a_zip(tmp_path):
    assert lms.is_archive(make_zip(tmp_path / "e.zip", {"a": (b"x", T[0])}))


def test_taller_grade_takes_a_zip_but_not_any_file(tmp_path):
    from taller import grade
    archive = make_zip(tmp_path / "e.zip", {"a": (b"x", T[0])})
    grade.check_paths(archive, tmp_path / "notas")  # no error
    with pytest.raises(grade.GradingError, match="neither a folder of submissions nor a Moodle or Canvas zip"):
        grade.check_paths(RELEASES[C0], tmp_path / "notas")
