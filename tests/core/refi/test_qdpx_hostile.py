"""REFI-QDA project import of broken and hostile files, and the `sitat refi` commands."""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import pytest

from app.core.coding import list_codings
from app.core.project import Project
from app.core.refi import qdpx_import
from app.core.refi.qdpx_import import import_qdpx
from app.errors import ImportFailed
from tests.core.refi.qdpx_helpers import Sel, Src, make_qdpx, qde

TEXT = "Kari: Jeg ble møtt med respekt.\nKari: Det var bra.\n"


def _good(path: Path, **kw) -> Path:
    start = TEXT.index("respekt")
    return make_qdpx(path, [Src("intervju", TEXT.encode(), [Sel(start, start + 7)])], **kw)


def _only(tmp_path: Path, *names: str) -> None:
    """Nothing but the given files is left in the folder (no output, no temporary files)."""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def _refused(tmp_path: Path, qdpx: Path, *words: str) -> None:
    with pytest.raises(ImportFailed) as err:
        import_qdpx(qdpx, tmp_path / "out.sitat")
    for word in words:
        assert word in str(err.value)
    _only(tmp_path, qdpx.name)


def test_zip_slip_member_name_is_refused(tmp_path):
    qdpx = _good(tmp_path / "a.qdpx", extra_members={"../../evil.txt": b"x"})
    _refused(tmp_path, qdpx, "unsafe name")


def test_absolute_member_name_is_refused(tmp_path):
    qdpx = _good(tmp_path / "a.qdpx", extra_members={"/etc/evil.txt": b"x"})
    _refused(tmp_path, qdpx, "unsafe name")


def test_zip_bomb_is_refused(tmp_path):
    qdpx = _good(tmp_path / "a.qdpx", extra_members={"sources/bomb.txt": bytes(30_000_000)})
    _refused(tmp_path, qdpx, "refused for safety")


def test_too_many_members_are_refused(tmp_path):
    qdpx = _good(tmp_path / "a.qdpx", extra_members={f"x/{i}.txt": b"" for i in range(5001)})
    _refused(tmp_path, qdpx, "too many parts")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "hahahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL])
def test_entities_in_the_qde_are_refused(tmp_path, xml):
    qdpx = make_qdpx(tmp_path / "a.qdpx", [], qde_text=xml)
    _refused(tmp_path, qdpx, "DTD or entities")


def test_not_a_zip_is_refused(tmp_path):
    qdpx = tmp_path / "a.qdpx"
    qdpx.write_text("<Project/>", encoding="utf-8")
    _refused(tmp_path, qdpx, "not a zip archive")


def test_broken_xml_is_refused(tmp_path):
    qdpx = make_qdpx(tmp_path / "a.qdpx", [], qde_text="<Project><Sources>")
    _refused(tmp_path, qdpx, "not valid XML")


def test_no_qde_and_two_qdes_are_refused(tmp_path):
    qdpx = tmp_path / "a.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("sources/x.txt", "tekst")
    _refused(tmp_path, qdpx, ".qde")
    qdpx2 = _good(tmp_path / "b.qdpx", extra_members={"kopi.qde": qde([])})
    with pytest.raises(ImportFailed, match="several"):
        import_qdpx(qdpx2, tmp_path / "out.sitat")
    _only(tmp_path, "a.qdpx", "b.qdpx")


def test_existing_output_is_not_overwritten(tmp_path):
    qdpx = _good(tmp_path / "a.qdpx")
    (tmp_path / "out.sitat").write_bytes(b"mine")
    with pytest.raises(ImportFailed, match="already exists"):
        import_qdpx(qdpx, tmp_path / "out.sitat")
    assert (tmp_path / "out.sitat").read_bytes() == b"mine"


def test_missing_source_file_is_reported_and_the_rest_imported(new_location, tmp_path):
    start = TEXT.index("bra")
    good = Src("intervju", TEXT.encode(), [Sel(start, start + 3)])
    missing = Src("borte", None, [Sel(0, 4)])
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [good, missing]), new_location("o"))
    assert report.documents == 1 and report.codings == 1
    assert report.skipped == [{"source": "borte", "selections": 1, "codings": 1,
                               "reason": "The source's text file is missing from the project "
                                         "file."}]


def test_selection_outside_the_text_is_reported_as_skipped(new_location, tmp_path):
    start = TEXT.index("bra")
    src = Src("intervju", TEXT.encode(), [Sel(start, start + 3), Sel(40, 4000), Sel(-3, 2),
                                          Sel(9, 9)])
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("o"))
    assert report.codings == 1
    assert [(s["start"], s["end"]) for s in report.skipped] == [(40, 4000), (-3, 2), (9, 9)]
    assert all(s["reason"] == "The selection lies outside the text." for s in report.skipped)
    with Project.open(new_location("o"), read_only=True) as p, p.read() as s:
        assert [c.text for c in list_codings(s)] == ["bra"]


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path, monkeypatch):
    qdpx = _good(tmp_path / "a.qdpx")

    def boom(*_a, **_k):
        raise ImportFailed("boom")

    from app.core.refi import qdpx_build

    monkeypatch.setattr(qdpx_build, "add_codings_bulk", boom)
    _refused(tmp_path, qdpx, "boom")


# -- the commands ----------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    from app.cli.refi import add_refi_commands

    parser = argparse.ArgumentParser(prog="sitat")
    sub = parser.add_subparsers()
    add_refi_commands(sub, lambda p: p.add_argument("project"),
                      lambda p: p.add_argument("--json", action="store_true"))
    return parser


def test_cli_export_then_import(tmp_path, project_location, new_location, capsys):
    from app.core.codebook import create_code
    from app.core.coding import code_text
    from app.core.documents import import_files

    project_path = project_location()
    (tmp_path / "intervju.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(project_path) as p:
        import_files(p, [tmp_path / "intervju.txt"])
        with p.write() as s:
            create_code(s, "Respekt")
            code_text(s, "intervju", "Respekt", "Kari", 23, 30)
    a = _parser().parse_args(["refi", "export", str(project_path), str(tmp_path / "x.qdpx")])
    assert a.func(a) == 0
    assert "1 document, 1 code, 1 coding." in capsys.readouterr().out
    a = _parser().parse_args(["refi", "import", str(tmp_path / "x.qdpx"),
                              str(new_location("y")), "--json"])
    assert a.func(a) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"documents": 1, "codes": 1, "coders": 1, "codings": 1, "code_sets": 0,
                   "skipped": [], "skipped_selections": 0, "skipped_codings": 0,
                   "dialect": "codepoints"}


def test_cli_import_lists_what_was_skipped(tmp_path, new_location, capsys):
    src = Src("intervju", TEXT.encode(), [Sel(40, 4000)])
    qdpx = make_qdpx(tmp_path / "a.qdpx", [src])
    a = _parser().parse_args(["refi", "import", str(qdpx), str(new_location("y"))])
    assert a.func(a) == 0
    out = capsys.readouterr().out
    assert "Not imported (1 entry): selections 1, codings 1:" in out
    assert "intervju [40-4000]: The selection lies outside the text." in out


def test_cli_error_goes_through_the_usual_error_path(tmp_path):
    a = _parser().parse_args(["refi", "import", str(tmp_path / "nope.qdpx"),
                              str(tmp_path / "y.sitat")])
    with pytest.raises(ImportFailed, match="does not exist"):
        a.func(a)
    assert not (tmp_path / "y.sitat").exists()


@pytest.mark.parametrize("encoding", ["ttf-8", "rot13"])
def test_unknown_declared_encoding_of_the_qde_is_refused(tmp_path, encoding):
    xml = f'<?xml version="1.0" encoding="{encoding}"?><Project xmlns="urn:QDA-XML:project:1.0"/>'
    qdpx = make_qdpx(tmp_path / "a.qdpx", [], qde_text=xml)
    _refused(tmp_path, qdpx, "not valid XML")
