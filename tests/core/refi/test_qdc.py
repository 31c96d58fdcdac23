"""REFI-QDA codebooks: the bundled files, round trips, other tools' files, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import codebook as cb
from app.core import codebook_io as cbio
from app.core.refi.qdc import parse_qdc, split_description, write_qdc
from app.errors import CodebookError

ROOT = Path(__file__).resolve().parents[3]


def _paths(roots, prefix=""):
    out = []
    for r in roots:
        out.append(prefix + r.name)
        out += _paths(r.children, prefix + r.name + "/")
    return out


def test_bundled_ten_characteristics():
    roots = parse_qdc((ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").read_bytes())
    assert [r.name for r in roots] == ["Grunnleggende kjennetegn", "Andre kjennetegn"]
    assert not roots[0].codable and not roots[1].codable
    assert [c.name for c in roots[0].children] == ["Respekt", "Dyktige fagpersoner"]
    assert len(roots[1].children) == 8
    leaves = roots[0].children + roots[1].children
    assert all(c.codable and c.description and c.inclusion and c.exclusion and c.example
               for c in leaves)
    assert len({c.guid for c in leaves}) == 10


@pytest.mark.parametrize("name, count", [("oslo-intervjuguide.qdc", 13),
                                          ("ks-brukerundersokelse.qdc", 7)])
def test_other_bundled_codebooks(name, count):
    roots = parse_qdc((ROOT / "app" / "data" / "codebooks" / name).read_bytes())
    assert len(_paths(roots)) == count


def test_round_trip_through_a_project(project, tmp_path):
    original = parse_qdc((ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").read_bytes())
    with project.write() as s:
        cbio.import_codebook(s, original)
    with project.read() as s:
        again = parse_qdc(write_qdc(cbio.codebook_specs(s)))
    assert again == original


def test_description_carries_criteria_under_sitats_fixed_labels_only():
    parts = split_description("Å bli sett.\n\nInklusjon: hørt\n\nEksklusjon: tid\n\n"
                              "Eksempel: «Hun lyttet.»")
    assert parts == {"description": "Å bli sett.", "inclusion": "hørt", "exclusion": "tid",
                     "example": "«Hun lyttet.»"}
    # Another tool's (or the user's own) English paragraph is text, kept word for word.
    text = "Å bli sett.\n\nExample: «Hun lyttet.»"
    assert split_description(text) == {"description": text, "inclusion": "", "exclusion": "",
                                       "example": ""}


def test_other_tools_namespace_and_project_wrapper():
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
  <CodeBook><Codes>
    <Code guid="not-a-guid" name="Tema" isCodable="0" color="red">
      <Code guid="3f2504e0-4f89-11d3-9a0c-0305e82c3301" name="Undertema" color="#aabbcc"/>
    </Code>
  </Codes></CodeBook>
</Project>"""
    roots = parse_qdc(data)
    assert roots[0].name == "Tema" and not roots[0].codable
    assert roots[0].guid == "" and roots[0].colour == ""  # bad values dropped, not trusted
    assert roots[0].children[0].colour == "#AABBCC"
    assert roots[0].children[0].guid == "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    legacy = b'<CodeBook xmlns="urn:QDA-XML:codebook:0.9"><Codes><Code name="A"/></Codes></CodeBook>'
    assert [r.name for r in parse_qdc(legacy)] == ["A"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&lol2;"/></Codes></CodeBook>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&e;"/></Codes></CodeBook>"""


@pytest.mark.parametrize("data, needle", [
    (b"", "empty"),
    (b"<CodeBook><Codes><Code name='A'>", "not valid XML"),
    (BILLION_LAUGHS, "DTD"),
    (EXTERNAL, "DTD"),
    (b"<Something/>", "no CodeBook"),
    (b"<CodeBook><Codes><Code/></Codes></CodeBook>", "no name"),
    (b"<CodeBook><Codes>" + b"<Code name='a'>" * 60 + b"</Code>" * 60 + b"</Codes></CodeBook>",
     "deeper"),
])
def test_hostile_or_broken_files_are_refused(data, needle):
    with pytest.raises(CodebookError, match=needle):
        parse_qdc(data)


def test_cli_refuses_hostile_codebook_and_leaves_project(cli, project_location, tmp_path):
    from tests.conftest import project_digest

    where = project_location()
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(BILLION_LAUGHS)
    before = project_digest(where)
    r = cli("codebook", "import", where, bad)
    assert r.code == 1 and r.err.startswith("error: ")
    assert project_digest(where) == before


# -- large codebooks -------------------------------------------------------------------------
def _big_codebook(themes: int, per_theme: int) -> list[cbio.CodeSpec]:
    import uuid

    return [cbio.CodeSpec(f"Tema {t}", str(uuid.uuid4()), description=f"Tema nummer {t}.",
                        children=[cbio.CodeSpec(f"Kode {t}.{c}", str(uuid.uuid4()))
                                  for c in range(per_theme)])
            for t in range(themes)]


def _statements_during(project, work) -> int:
    """How many SQL statements `work(session)` sends (executemany counts once)."""
    from sqlalchemy import event

    count = [0]

    def seen(*_args) -> None:
        count[0] += 1

    event.listen(project.engine, "before_cursor_execute", seen)
    try:
        with project.write() as s:
            work(s)
    finally:
        event.remove(project.engine, "before_cursor_execute", seen)
    return count[0]


def test_codebook_import_takes_a_fixed_number_of_statements(project):
    """Quadratic import sent several statements per code (sibling check, next position, one
    insert each); now the tree is read once and new codes are inserted together."""
    small = _statements_during(project, lambda s: cbio.import_codebook(s, _big_codebook(2, 9)))
    large = _statements_during(project, lambda s: cbio.import_codebook(s, _big_codebook(40, 49)))
    again = _statements_during(project, lambda s: cbio.import_codebook(s, _big_codebook(40, 49)))
    assert large <= small + 2 and again <= small + 2, (small, large, again)
    with project.read() as s:
        assert len(cb.code_paths(s)) == 40 * 50  # the small codebook was a part of it


def test_twenty_thousand_codes_from_a_qdc_file(project, tmp_path):
    import time

    from app.core.refi.qdc import read_qdc_file

    path = tmp_path / "stor.qdc"
    path.write_bytes(write_qdc(_big_codebook(200, 99)))
    started = time.perf_counter()
    with project.write() as s:
        report = cbio.import_codebook(s, read_qdc_file(path))
    seconds = time.perf_counter() - started
    assert (report.added, report.matched) == (20_000, 0)
    assert seconds < 15, f"20,000 codes took {seconds:.1f} s"  # 62 s when it was quadratic
    with project.write() as s:  # importing it again matches every code, also in linear time
        again = cbio.import_codebook(s, read_qdc_file(path))
    assert (again.added, again.matched, again.differing) == (0, 20_000, [])
    with project.read() as s:
        events = cb.codelog.events(s)
        paths = cb.code_paths(s)
    assert len(paths) == 20_000 and "Tema 199/Kode 199.98" in paths.values()
    assert len(events) == 20_000 and {e.operation for e in events} == {"import"}
    assert events[-1].path == "Tema 199/Kode 199.98"


@pytest.mark.parametrize("encoding", ["ttf-8", "rot13", "utf-7"])
def test_unknown_declared_encoding_is_refused_with_a_message(encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?><CodeBook/>'.encode()
    with pytest.raises(CodebookError, match="not valid XML"):
        parse_qdc(data)
