"""REFI-QDA project import from other tools: offset dialects, BOMs, CRLF, folder and file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.coding import list_codings
from app.core.project import Project
from app.core.refi.qdpx_import import import_qdpx
from app.core.refi.qdpx_offsets import CODEPOINTS, UTF16, SourceMap
from tests.core.refi.qdpx_helpers import CODE_B, Sel, Src, make_qdpx, u16

# LF text with emoji and a decomposed "å" (a + combining ring) before the coded words.
LF_TEXT = ("Intervjuer: Hvordan ble du møtt? 😀🙂\n"
           "Kari: Jeg ble møtt med respekt, og på NAV fikk jeg hjelp.\n"
           "Intervjuer: Og på legevakten? 👍🏽\n"
           "Kari: Der ble jeg ikke trodd.\n")
WORDS = ["respekt", "fikk jeg hjelp", "ikke trodd", "Kari"]
STORED = LF_TEXT  # already NFC with LF line ends


def _coded(path: Path) -> list[tuple[str, str, str]]:
    with Project.open(path, read_only=True) as p, p.read() as s:
        return sorted((c.document, c.text, c.coder) for c in list_codings(s))


def _cp_selections(text: str, names: bool = False) -> list[Sel]:
    return [Sel(text.index(w), text.index(w) + len(w), name=w if names else None) for w in WORDS]


def _expected(doc: str = "intervju") -> list[tuple[str, str, str]]:
    return sorted((doc, w, "Kari") for w in WORDS)


def test_code_points_on_lf_text(new_location, tmp_path):
    src = Src("intervju", LF_TEXT.encode(), _cp_selections(LF_TEXT))
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.skipped == [] and report.dialect == CODEPOINTS
    assert _coded(new_location("a")) == _expected()


def test_code_points_on_crlf_text_count_a_line_end_once(new_location, tmp_path):
    raw = LF_TEXT.replace("\n", "\r\n")
    src = Src("intervju", raw.encode(), _cp_selections(LF_TEXT, names=True))
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.skipped == [] and report.dialect == CODEPOINTS
    assert _coded(new_location("a")) == _expected()


@pytest.mark.parametrize("names", [True, False])
def test_nvivo_utf16_units_with_crlf_counted_twice(new_location, tmp_path, names):
    raw = LF_TEXT.replace("\n", "\r\n")
    sels = [Sel(u16(raw, raw.index(w)), u16(raw, raw.index(w) + len(w)),
                name=w if names else None) for w in WORDS]
    src = Src("intervju", raw.encode(), sels)
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.skipped == [] and report.dialect == UTF16
    assert _coded(new_location("a")) == _expected()
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        from app.models import Document

        assert s.query(Document).one().text == STORED


def test_byte_order_mark_on_the_source(new_location, tmp_path):
    src = Src("intervju", b"\xef\xbb\xbf" + LF_TEXT.encode(), _cp_selections(LF_TEXT))
    import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert _coded(new_location("a")) == _expected()


def test_decomposed_letters_are_composed_and_offsets_follow(new_location, tmp_path):
    raw = "Kari: Jeg bodde på Grünerløkka.\nKari: Det var bra der.\n"
    decomposed = raw.replace("å", "a\u030a").replace("ü", "u\u0308")
    word = "bra"
    start = decomposed.index(word)
    src = Src("intervju", decomposed.encode(), [Sel(start, start + 3),
                                                Sel(decomposed.index("Gr"),
                                                    decomposed.index("løkka") + 5)])
    import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert [t for _d, t, _c in _coded(new_location("a"))] == ["Grünerløkka", "bra"]


def test_namespace_0_9_upper_case_sources_and_other_qde_name(new_location, tmp_path):
    src = Src("intervju", LF_TEXT.encode(), _cp_selections(LF_TEXT))
    path = make_qdpx(tmp_path / "a.qdpx", [src], ns="urn:QDA-XML:project:0.9",
                     folder="Sources", qde_name="Mitt prosjekt.qde")
    report = import_qdpx(path, new_location("a"))
    assert report.skipped == [] and report.documents == 1 and report.codes == 2
    assert _coded(new_location("a")) == _expected()


def test_relative_plain_text_path(new_location, tmp_path):
    src = Src("intervju", LF_TEXT.encode(), _cp_selections(LF_TEXT), path="intervju.txt")
    import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert _coded(new_location("a")) == _expected()


def test_codes_users_and_child_codes(new_location, tmp_path):
    sels = [Sel(LF_TEXT.index("respekt"), LF_TEXT.index("respekt") + 7, code=CODE_B)]
    import_qdpx(make_qdpx(tmp_path / "a.qdpx", [Src("intervju", LF_TEXT.encode(), sels)]),
                new_location("a"))
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        (row,) = list_codings(s)
    assert (row.code, row.coder, row.text) == ("Respekt/Møtt", "Kari", "respekt")


def test_ambiguous_positions_are_reported_not_guessed(new_location, tmp_path):
    # One emoji before the words: code points give "aa ", UTF-16 units " aa"; both are on
    # word edges, there are no names and no NVivo origin: nothing tells which is meant.
    raw = "😀 aa bb cc dd"
    src = Src("x", raw.encode(), [Sel(2, 5)])
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.codings == 0 and len(report.skipped) == 1
    assert "ambiguous" in report.skipped[0]["reason"]
    # The same file from NVivo is read as UTF-16 units.
    report = import_qdpx(make_qdpx(tmp_path / "b.qdpx", [src], origin="NVivo 14"),
                         new_location("b"))
    assert report.dialect == UTF16 and [t for _d, t, _c in _coded(new_location("b"))] == [" aa"]


def test_a_selection_whose_name_differs_from_its_text_is_kept(new_location, tmp_path):
    # A name is a label (a renamed quotation), never evidence against a position that fits.
    sels = _cp_selections(LF_TEXT, names=True)
    sels.append(Sel(0, 10, name="noe helt annet"))
    src = Src("intervju", LF_TEXT.encode(), sels)
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src]), new_location("a"))
    assert report.codings == len(WORDS) + 1 and report.skipped == []
    assert "Intervjuer" in [t for _d, t, _c in _coded(new_location("a"))]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab æøå\r\n😀👍🏽\u030a")), max_size=40),
       st.data())
def test_both_dialects_map_onto_the_same_stored_characters(raw, data):
    if not raw.replace("\r", "").replace("\n", "").strip() or raw.startswith("\u030a"):
        return
    smap = SourceMap(raw)
    lf = raw.replace("\r\n", "\n").replace("\r", "\n")
    i = data.draw(st.integers(0, len(lf)))
    j = data.draw(st.integers(0, len(lf)))
    a, b = min(i, j), max(i, j)
    span = smap.place(CODEPOINTS, a, b)
    if a == b:
        assert span is None
        return
    assert span is not None and 0 <= span[0] < span[1] <= len(smap.text)
    # The same characters counted the NVivo way land on the same stored span.
    crlf = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    rs = len(lf[:a].replace("\n", "\r\n"))
    re_ = len(lf[:b].replace("\n", "\r\n"))
    assert SourceMap(crlf).place(UTF16, u16(crlf, rs), u16(crlf, re_)) == span


NOTES_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Notater" origin="Other">
 <Users><User guid="{{33333333-3333-4333-8333-333333333333}}" name="Kari"/></Users>
 <CodeBook><Codes>
  <Code guid="11111111-1111-4111-8111-111111111111" name="Respekt" isCodable="true">
   <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-000000000003"/></Code>
 </Codes></CodeBook>
 <Variables>
  <Variable guid="bbbbbbbb-0000-4000-8000-000000000001" name="alder" typeOfVariable="Integer"/>
  <Variable guid="bbbbbbbb-0000-4000-8000-000000000002" name="bydel" typeOfVariable="Text"/>
  <Variable guid="bbbbbbbb-0000-4000-8000-000000000003" name="dato" typeOfVariable="Date"/>
 </Variables>
 <Cases>
  <Case guid="cccccccc-0000-4000-8000-000000000001" name="Kari">
   <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-4000-8000-000000000001"/>
    <IntegerValue>42</IntegerValue></VariableValue>
   <SourceRef targetGUID="dddddddd-0000-4000-8000-000000000001"/>
  </Case>
  <Case guid="cccccccc-0000-4000-8000-000000000002" name="Gruppe">
   <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-4000-8000-000000000002"/>
    <TextValue>Alna</TextValue></VariableValue>
   <SourceRef targetGUID="dddddddd-0000-4000-8000-000000000001"/>
   <SourceRef targetGUID="dddddddd-0000-4000-8000-000000000002"/>
  </Case>
 </Cases>
 <Sources>
  <TextSource guid="dddddddd-0000-4000-8000-000000000001" name="intervju"
              plainTextPath="internal://a.txt">
   <PlainTextSelection guid="eeeeeeee-0000-4000-8000-000000000001" startPosition="{start}"
       endPosition="{end}" creatingUser="33333333-3333-4333-8333-333333333333">
    <Coding guid="eeeeeeee-0000-4000-8000-000000000002">
     <CodeRef targetGUID="11111111-1111-4111-8111-111111111111"/>
     <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-000000000002"/></Coding>
   </PlainTextSelection>
   <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001"/>
   <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-4000-8000-000000000003"/>
    <DateValue>2025-03-14</DateValue></VariableValue>
  </TextSource>
  <PDFSource guid="dddddddd-0000-4000-8000-000000000002" name="skjema.pdf"/>
 </Sources>
 <Notes>
  <Note guid="aaaaaaaa-0000-4000-8000-000000000001" name="d"><PlainTextContent>Dokumentnotat
</PlainTextContent></Note>
  <Note guid="aaaaaaaa-0000-4000-8000-000000000002" name="c" plainTextPath="internal://n.txt"/>
  <Note guid="aaaaaaaa-0000-4000-8000-000000000003" name="k"><PlainTextContent>Kodenotat
</PlainTextContent></Note>
 </Notes>
 <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001"/>
</Project>"""


def test_variables_cases_notes_and_other_sources(new_location, tmp_path):
    import zipfile

    from app.core.attributes import definitions
    from app.core.documents import list_documents
    from app.models import Code, Document, ProjectInfo

    start = LF_TEXT.index("respekt")
    qdpx = tmp_path / "a.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", NOTES_QDE.format(start=start, end=start + 7))
        zf.writestr("sources/a.txt", LF_TEXT)
        zf.writestr("sources/n.txt", "\ufeffKodingsnotat\r\nlinje 2")
    report = import_qdpx(qdpx, new_location("a"))
    assert report.codings == 1 and report.coders == 1
    assert sorted(s["source"] for s in report.skipped) == ["Gruppe", "skjema.pdf"]
    with Project.open(new_location("a"), read_only=True) as p, p.read() as s:
        (info,) = list_documents(s)
        assert info.attributes == {"alder": "42", "dato": "2025-03-14"}
        # bydel's only value is on a case of two sources (not imported); the variable stays.
        assert ({d.name: d.type for d in definitions(s)}
                == {"alder": "number", "bydel": "text", "dato": "date"})
        doc = s.query(Document).one()
        assert doc.memo == "Dokumentnotat" and doc.guid == "dddddddd-0000-4000-8000-000000000001"
        assert s.query(Code).one().memo == "Kodenotat"
        assert s.query(ProjectInfo).one().memo == "Dokumentnotat"
        (row,) = list_codings(s)
        assert (row.text, row.coder, row.memo) == ("respekt", "Kari", "Kodingsnotat\nlinje 2")
