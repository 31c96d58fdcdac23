"""REFI-QDA fidelity (#17): selection names never drop codings, the skip list counts selections
and codings, imports keep guids, times, unnamed sources, users, descriptions and code groups,
and codebook text comes back as the user wrote it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.core.coding import list_codings
from app.core.project import Project
from app.core.refi.qdpx_import import import_qdpx
from app.core.refi.qdpx_offsets import CODEPOINTS, UTF16
from app.models import Coder, Coding, Document, ProjectInfo
from tests.core.refi.qdpx_helpers import CODE_A, CODE_B, USER, Sel, Src, make_qdpx, u16

# Long quotes (over 60 characters) after emoji, so a name cut at 60 characters is not the text.
TEXT = ("Intervjuer: Kan du fortelle om det første møtet med NAV-kontoret? 😀\n"
        "Kari: Jeg ble møtt med respekt, og saksbehandleren hadde god tid til å høre på meg. 👍🏽\n"
        "Intervjuer: Og hvordan var det på legevakten den natten du var der alene?\n"
        "Kari: Der ble jeg ikke trodd, de sendte meg hjem uten at noen så ordentlig på foten.\n")
QUOTES = ["Jeg ble møtt med respekt, og saksbehandleren hadde god tid til å høre på meg.",
          "Der ble jeg ikke trodd, de sendte meg hjem uten at noen så ordentlig på foten.",
          "respekt", "legevakten"]


def _coded(path: Path) -> list[str]:
    with Project.open(path, read_only=True) as p, p.read() as s:
        return sorted(c.text for c in list_codings(s))


def _shortened(quote: str) -> str:
    return quote[:60] if len(quote) > 60 else quote


# -- defect 1: a name is a label, never evidence against an offset --------------------------
def test_names_cut_at_60_characters_drop_no_coding(new_location, tmp_path):
    sels = [Sel(TEXT.index(q), TEXT.index(q) + len(q), name=_shortened(q)) for q in QUOTES]
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [Src("intervju", TEXT.encode(), sels)]),
                         new_location("a"))
    assert report.skipped == [] and report.codings == 4 and report.dialect == CODEPOINTS
    assert _coded(new_location("a")) == sorted(QUOTES)


def test_names_cut_at_60_characters_in_nvivos_utf16_dialect(new_location, tmp_path):
    raw = TEXT.replace("\n", "\r\n")
    sels = [Sel(u16(raw, raw.index(q)), u16(raw, raw.index(q) + len(q)), name=_shortened(q))
            for q in QUOTES]
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [Src("intervju", raw.encode(), sels)]),
                         new_location("a"))
    assert report.skipped == [] and report.dialect == UTF16
    assert _coded(new_location("a")) == sorted(QUOTES)


def test_a_single_renamed_quotation_is_kept(new_location, tmp_path):
    sels = [Sel(TEXT.index(q), TEXT.index(q) + len(q), name=q) for q in QUOTES]
    sels[0].name = "Min favoritt"
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [Src("intervju", TEXT.encode(), sels)]),
                         new_location("a"))
    assert report.skipped == [] and _coded(new_location("a")) == sorted(QUOTES)


def test_names_settle_the_dialect_only_where_the_offsets_leave_a_doubt(new_location, tmp_path):
    # "😀 x y z": [2, 5) is "x y" in code points and " x " in UTF-16 units; both lie inside
    # and on word edges, so the offsets cannot tell. The names say which reading is meant.
    raw = "😀 x y z"
    src = Src("x", raw.encode(), [Sel(2, 5, name="x")])
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.dialect == UTF16 and _coded(new_location("a")) == [" x "]
    # A selection that lies inside its text only in one reading decides it, whatever the name.
    src = Src("x", raw.encode(), [Sel(2, 5, name="x"), Sel(5, 8, name="noe annet")])
    report = import_qdpx(make_qdpx(tmp_path / "b.qdpx", [src]), new_location("b"))
    assert report.dialect == UTF16 and report.skipped == []
    assert _coded(new_location("b")) == [" x ", "y z"]


# -- defect 2: the skip list says how many selections and codings were lost ----------------
def _coding(code: str = CODE_A) -> str:
    return f'<Coding guid="{_g()}" creatingUser="{USER}"><CodeRef targetGUID="{code}"/></Coding>'


def _g() -> str:
    import uuid

    return str(uuid.uuid4())


def _project_xml(sources: str, extra_top: str = "", users: str = "",
                 after_sources: str = "", codes: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="Fidelity" origin="Other tool 3.1" creationDateTime="2024-05-06T07:08:09Z">'
            f'<Users><User guid="{USER}" name="Kari"/>{users}</Users>'
            f'<CodeBook><Codes><Code guid="{CODE_A}" name="Respekt" isCodable="true">'
            f'<Code guid="{CODE_B}" name="Møtt" isCodable="true"/></Code>{codes}</Codes>'
            f'</CodeBook><Sources>{sources}</Sources>{after_sources}{extra_top}</Project>')


def _qdpx(path: Path, qde: str, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        for name, text in members.items():
            zf.writestr(f"sources/{name}", text)
    return path


def test_the_skip_list_counts_selections_and_codings(new_location, tmp_path, cli):
    start = TEXT.index("respekt")
    sources = (
        f'<TextSource guid="{_g()}" name="intervju" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="{_g()}" startPosition="{start}" endPosition="{start + 7}">'
        f'{_coding()}</PlainTextSelection>'
        f'<PlainTextSelection guid="{_g()}" startPosition="10" endPosition="9000">'
        f'{_coding()}{_coding(CODE_B)}{_coding()}</PlainTextSelection></TextSource>'
        f'<TextSource guid="{_g()}" name="borte" plainTextPath="internal://borte.txt">'
        f'<PlainTextSelection guid="{_g()}" startPosition="0" endPosition="4">'
        f'{_coding()}{_coding(CODE_B)}</PlainTextSelection>'
        f'<PlainTextSelection guid="{_g()}" startPosition="5" endPosition="9">'
        f'{_coding()}{_coding(CODE_B)}</PlainTextSelection></TextSource>')
    qdpx = _qdpx(tmp_path / "a.qdpx", _project_xml(sources), {"a.txt": TEXT})
    report = import_qdpx(qdpx, new_location("a"))
    assert report.codings == 1
    assert report.skipped_selections == 3 and report.skipped_codings == 7
    by_source = {x["source"]: (x["selections"], x["codings"]) for x in report.skipped}
    assert by_source == {"intervju": (1, 3), "borte": (2, 4)}
    r = cli("--lang", "en", "refi", "import", str(qdpx), str(new_location("b")))
    assert r.code == 0 and "selections 3, codings 7:" in r.out
    r = cli("refi", "import", str(qdpx), str(new_location("c")), "--json")
    assert (r.json()["skipped_selections"], r.json()["skipped_codings"]) == (3, 7)


# -- defect 4: what an import used to lose -------------------------------------------------
def test_coding_guids_and_creation_times_are_kept(new_location, tmp_path):
    start = TEXT.index("respekt")
    sel, first, second = _g(), _g(), _g()
    sources = (
        f'<TextSource guid="{_g()}" name="intervju" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="{sel}" startPosition="{start}" endPosition="{start + 7}" '
        f'creatingUser="{USER}" creationDateTime="2023-01-02T03:04:05Z">'
        f'<Coding guid="{first}" creatingUser="{USER}" creationDateTime="2022-12-31T23:59:58Z">'
        f'<CodeRef targetGUID="{CODE_A}"/></Coding>'
        f'<Coding guid="{second}" creatingUser="{USER}"><CodeRef targetGUID="{CODE_B}"/>'
        f'</Coding></PlainTextSelection></TextSource>')
    import_qdpx(_qdpx(tmp_path / "a.qdpx", _project_xml(sources), {"a.txt": TEXT}),
                new_location("a"))
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        rows = {c.code.name: (c.guid, c.created_at.isoformat()) for c in s.query(Coding)}
    # The selection's guid goes to its first coding (a Sitat export's coding guid), the
    # others keep their Coding's guid; a Coding without a time takes its selection's.
    assert rows == {"Respekt": (sel, "2022-12-31T23:59:58"),
                    "Møtt": (second, "2023-01-02T03:04:05")}


def test_a_source_without_a_name_is_named_after_its_text_file(new_location, tmp_path):
    sources = (f'<TextSource guid="{_g()}" plainTextPath="board_2017.txt"/>'
               f'<TextSource guid="{_g()}" plainTextPath="internal://intervjuer/Kari 3.txt"/>')
    qdpx = _qdpx(tmp_path / "a.qdpx", _project_xml(sources),
                 {"board_2017.txt": TEXT, "intervjuer/Kari 3.txt": TEXT})
    import_qdpx(qdpx, new_location("a"))
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        assert sorted(d.name for d in s.query(Document)) == ["Kari 3", "board_2017"]


def test_users_who_made_no_codings_become_coders(new_location, tmp_path):
    lone = "44444444-4444-4444-8444-444444444444"
    users = f'<User guid="{lone}" name="Ola"/><User guid="{_g()}" name="Kari"/>'
    sources = f'<TextSource guid="{_g()}" name="intervju" plainTextPath="internal://a.txt"/>'
    report = import_qdpx(_qdpx(tmp_path / "a.qdpx", _project_xml(sources, users=users),
                               {"a.txt": TEXT}), new_location("a"))
    assert report.coders == 2  # Kari twice is one coder
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        assert {c.name: c.guid for c in s.query(Coder)} == {"Ola": lone, "Kari": USER}


def test_descriptions_become_memos_after_the_notes(new_location, tmp_path):
    start = TEXT.index("respekt")
    note = "aaaaaaaa-0000-4000-8000-000000000001"
    sources = (
        f'<TextSource guid="{_g()}" name="intervju" plainTextPath="internal://a.txt">'
        f'<Description>Intervju nr. 3, tatt opp i Alna.</Description>'
        f'<PlainTextSelection guid="{_g()}" startPosition="{start}" endPosition="{start + 7}">'
        f'<Description>Sterkt sitat.</Description>{_coding()}'
        f'<NoteRef targetGUID="{note}"/></PlainTextSelection>'
        f'<NoteRef targetGUID="{note}"/></TextSource>')
    extra = (f'<Notes><Note guid="{note}" name="n"><PlainTextContent>Notat</PlainTextContent>'
             f'</Note></Notes><Description>Prosjekt om møter med NAV.</Description>')
    import_qdpx(_qdpx(tmp_path / "a.qdpx", _project_xml(sources, after_sources=extra),
                      {"a.txt": TEXT}), new_location("a"))
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        info = s.query(ProjectInfo).one()
        assert info.memo == "Prosjekt om møter med NAV."
        assert info.created_at.isoformat() == "2024-05-06T07:08:09"
        assert s.query(Document).one().memo == "Notat\n\nIntervju nr. 3, tatt opp i Alna."
        assert s.query(Coding).one().memo == "Notat\n\nSterkt sitat."


def test_code_groups_become_code_sets(new_location, tmp_path):
    from app.core.codesets import list_code_sets

    src = _g()
    sources = f'<TextSource guid="{src}" name="intervju" plainTextPath="internal://a.txt"/>'
    sets = (f'<Sets><Set guid="{_g()}" name="Møter"><Description>Alt om møter</Description>'
            f'<MemberCode targetGUID="{CODE_A}"/><MemberCode targetGUID="{CODE_B}"/>'
            f'<MemberSource targetGUID="{src}"/></Set>'
            f'<Set guid="{_g()}" name="Bare kilder"><MemberSource targetGUID="{src}"/></Set>'
            f'</Sets>')
    report = import_qdpx(_qdpx(tmp_path / "a.qdpx", _project_xml(sources, after_sources=sets),
                               {"a.txt": TEXT}), new_location("a"))
    assert report.code_sets == 1
    assert sorted(x["source"] for x in report.skipped) == ["Bare kilder", "Møter"]
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        (found,) = list_code_sets(s)
    assert (found.name, found.description, found.codes) == (
        "Møter", "Alt om møter", ["Respekt", "Respekt/Møtt"])


# -- defect 5: codebook text is the user's text --------------------------------------------
FOREIGN_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti 23">
 <Codes>
  <Code guid="5a3c1f5e-1111-4111-8111-000000000001" name="Trust" isCodable="true">
   <Description>Feeling taken seriously.

Example: "She listened to me."

Counter-example: being sent home.</Description>
  </Code>
 </Codes>
 <Sets><Set guid="5a3c1f5e-1111-4111-8111-0000000000aa" name="Relations">
  <MemberCode guid="5a3c1f5e-1111-4111-8111-000000000001"/></Set></Sets>
</CodeBook>"""
DESCRIPTION = ('Feeling taken seriously.\n\nExample: "She listened to me."\n\n'
               'Counter-example: being sent home.')


def test_another_tools_example_paragraph_comes_back_as_written(new_location, tmp_path, cli):
    from app.core.refi.qdc import parse_codebook

    (tmp_path / "in.qdc").write_text(FOREIGN_QDC, encoding="utf-8")
    proj = new_location("p")
    assert cli("new", str(proj)).code == 0
    assert cli("codebook", "import", str(proj), str(tmp_path / "in.qdc")).code == 0
    for lang in ("en", "nb"):
        out = tmp_path / f"out-{lang}.qdc"
        assert cli("--lang", lang, "codebook", "export", str(proj), str(out)).code == 0
        (code,), _sets = parse_codebook(out.read_bytes())
        assert code.description == DESCRIPTION and code.example == ""
        assert "Eksempel" not in out.read_text(encoding="utf-8")


# -- defect 3: what NVivo-style readers read -----------------------------------------------
@pytest.fixture(scope="module")
def sample_exports(tmp_path_factory):
    from app.core.refi.qdpx_export import export_qdpx
    from app.core.sample import build_sample

    d = tmp_path_factory.mktemp("dialects")
    p = build_sample(d / "s.sitat")
    try:
        reports = {off: export_qdpx(p, d / f"{off}.qdpx", offsets=off)
                   for off in ("codepoints", "utf16")}
    finally:
        p.close()
    return d, reports


def _texts_by_guid(path: Path) -> dict[str, str]:
    with Project.open(path, read_only=True) as p, p.read() as s:
        return {c.guid: c.text for c in list_codings(s)}


def test_a_utf16_export_puts_every_coding_on_its_words_in_a_third_party_reader(sample_exports):
    from tests.core.refi.third_party import pyqdpx_selections

    d, reports = sample_exports
    want = _texts_by_guid(d / "s.sitat")
    assert len(want) == 1085 + 42 and reports["utf16"].shifted == 538  # the sample has emoji
    read = pyqdpx_selections(d / "utf16.qdpx")
    assert read == want
    # The code point export is for other readers: pyqdpx misplaces exactly the codings the
    # report warned about (those after an emoji).
    misplaced = {g for g, t in pyqdpx_selections(d / "codepoints.qdpx").items() if want[g] != t}
    assert len(misplaced) == reports["codepoints"].shifted == 538


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_both_dialects_validate_and_come_back_into_sitat_unchanged(sample_exports, offsets,
                                                                  new_location):
    from tests.core.refi.test_qdpx_roundtrip import schema

    d, _reports = sample_exports
    with zipfile.ZipFile(d / f"{offsets}.qdpx") as zf:
        schema().validate(zf.read("project.qde").decode("utf-8"))
    report = import_qdpx(d / f"{offsets}.qdpx", new_location(f"back-{offsets}"))
    assert report.dialect == offsets and report.skipped == []
    assert _texts_by_guid(new_location(f"back-{offsets}")) == _texts_by_guid(d / "s.sitat")


def test_cli_export_names_the_dialect_and_warns_when_it_matters(sample_exports, tmp_path, cli,
                                                                copy_of):
    d, _reports = sample_exports
    source = copy_of(d / "s.sitat", "s")  # the sample on the test's backend
    source.close()
    r = cli("--lang", "en", "refi", "export", str(source.path), str(tmp_path / "n.qdpx"),
            "--offsets", "utf16", "--json")
    assert r.code == 0 and r.json()["offsets"] == "utf16"
    assert r.json()["codings_after_astral"] == 538
    (line,) = [x for x in r.err.splitlines() if x.startswith("warning: ")]
    assert "538 codings in 14 documents" in line and "for NVivo" in line
    r = cli("--lang", "en", "refi", "export", str(source.path), str(tmp_path / "a.qdpx"))
    assert r.code == 0 and "warning: 538 codings" in r.err and "NVivo would put" in r.err
    with zipfile.ZipFile(tmp_path / "a.qdpx") as zf:
        assert 'origin="Sitat"' in zf.read("project.qde").decode("utf-8")
    r = cli("refi", "export", str(source.path), str(tmp_path / "x.qdpx"), "--offsets", "bytes")
    assert r.code == 2 and not (tmp_path / "x.qdpx").exists()


def test_no_warning_when_no_coding_comes_after_an_emoji(new_location, tmp_path, cli):
    proj = new_location("p")
    (tmp_path / "fg.txt").write_text("Kari: Jeg ble møtt med respekt.\nOla: Fint 😀\n",
                                     encoding="utf-8")
    assert cli("new", str(proj)).code == 0
    assert cli("import", str(proj), str(tmp_path / "fg.txt")).code == 0
    assert cli("codebook", "add", str(proj), "Respekt").code == 0
    r = cli("code", str(proj), "--doc", "fg", "--start", "23", "--end", "30", "--code",
            "Respekt", "--coder", "Kari")
    assert r.code == 0, r.err
    r = cli("refi", "export", str(proj), str(tmp_path / "n.qdpx"), "--offsets", "utf16",
            "--json")
    assert r.code == 0 and "warning" not in r.err and r.json()["codings"] == 1
