"""Sitat -> REFI-QDA -> Sitat keeps everything that has a REFI element, identically: guids,
times, users (also without codings), names, texts, memos, definitions, attributes, codings and
code sets. What has no element (the README's list) is named here too, so a change to either
list shows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.core import attributes as attrs
from app.core import codesets
from app.core.codebook import code_paths, create_code, ordered_codes, resolve_code
from app.core.coding import apply_coding, get_or_create_coder
from app.core.documents import PreparedDocument, add_prepared, text_sha256
from app.core.importing.model import ImportedText
from app.core.lookup import get_document
from app.core.project import Project
from app.core.refi.qdpx_export import export_qdpx
from app.core.refi.qdpx_import import import_qdpx
from app.core.sample import build_sample
from app.models import Coder, Coding, Document, ProjectInfo
from tests.core.refi.test_qdpx_roundtrip import schema

TEXT = ("Intervjuer: Hva tenker du om møtet? 😀\n"
        "Kari: Det var 👍🏽 bra, jeg ble møtt med respekt på Grünerløkka. Æ ø å!\n")
# What has no REFI element, as the README lists it; each is left out of the fingerprint below.
NOT_KEPT = {"project id", "coder colours", "valence", "rounds", "codebook versions", "code log",
            "coding's round and codebook version", "condensation", "saved displays",
            "pseudonyms", "review decisions", "original file names", "attribute choices"}


def _enrich(p: Project) -> None:
    """The sample plus one of everything a REFI file can carry."""
    with p.write() as s:
        add_prepared(s, [PreparedDocument("emoji", Path("emoji.txt"), ImportedText(TEXT),
                                          text_sha256(TEXT))])
        doc = get_document(s, "emoji")
        doc.memo = "Dokumentnotat æøå 😀"
        parent = resolve_code(s, "Grunnleggende kjennetegn/Respekt")
        code = create_code(s, "Møtt med respekt", parent, "#1A2B3C",
                           "Å bli sett.\n\nExample: et eget avsnitt", inclusion="hørt",
                           exclusion="ikke hørt", example="«Hun lyttet.»")
        code.memo = "Kodenotat"
        create_code(s, "Bare en gruppe", None, "#ABCDEF").codable = False
        coder = get_or_create_coder(s, "Åse")
        get_or_create_coder(s, "Ingen kodinger")
        for word in ("respekt", "bra", "Grünerløkka", "👍🏽"):
            start = TEXT.index(word)
            c = apply_coding(s, doc, code, coder, start, start + len(word))
        c.memo = "Kodingsnotat 😀"
        s.query(ProjectInfo).one().memo = "Prosjektnotat"
        attrs.define_attribute(s, "tom", "number")  # a variable no document has a value for
        codesets.create_code_set(s, "Relasjoner", "Om å bli sett",
                                 ["Grunnleggende kjennetegn/Respekt/Møtt med respekt",
                                  "Andre kjennetegn"])
        codesets.create_code_set(s, "Tomt sett")


def fingerprint(path: Path) -> dict:
    with Project.open(path, read_only=True) as p, p.read() as s:
        info = s.query(ProjectInfo).one()
        paths = code_paths(s)
        code_guid = {c.id: c.guid for c in ordered_codes(s)}
        doc_guid = {d.id: d.guid for d in s.query(Document)}
        coder_guid = {c.id: c.guid for c in s.query(Coder)}
        values = attrs.values_by_document(s)
        return {
            "project": (info.title, info.memo, info.created_at),
            "documents": {d.guid: (d.name, d.text, d.memo, d.imported_at, values.get(d.id, {}))
                          for d in s.query(Document)},
            # A choice attribute travels as a Text variable (its choices have no element).
            "attributes": {a.name: "text" if a.type == "choice" else a.type
                           for a in attrs.definitions(s)},
            "codes": [(c.guid, paths[c.id], c.color, c.codable, c.description, c.inclusion,
                       c.exclusion, c.example, c.memo) for c in ordered_codes(s)],
            "coders": {c.guid: c.name for c in s.query(Coder)},
            "codings": {c.guid: (doc_guid[c.document_id], code_guid[c.code_id],
                                 coder_guid[c.coder_id], c.start, c.end, c.memo, c.created_at)
                        for c in s.query(Coding)},
            "code sets": codesets.checkpoint(s),
        }


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    d = tmp_path_factory.mktemp("full")
    p = build_sample(d / "s.sitat")
    try:
        _enrich(p)
    finally:
        p.close()
    return d


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_sitat_refi_sitat_is_identical_for_everything_with_an_element(original, offsets,
                                                                      copy_of, new_location,
                                                                      tmp_path):
    source = copy_of(original / "s.sitat", "s")  # exported from, and imported into, the backend
    export_qdpx(source, tmp_path / f"{offsets}.qdpx", offsets=offsets)
    source.close()
    with zipfile.ZipFile(tmp_path / f"{offsets}.qdpx") as zf:  # code sets and all
        schema().validate(zf.read("project.qde").decode("utf-8"))
    report = import_qdpx(tmp_path / f"{offsets}.qdpx", new_location(offsets))
    assert report.skipped == [] and report.dialect == offsets
    want, got = fingerprint(source.path), fingerprint(new_location(offsets))
    assert want["codings"] and len(want["code sets"]) == 2 and "Ingen kodinger" in \
        want["coders"].values()
    for part in want:
        assert got[part] == want[part], part
    # The times really carry fractions of a second (the sample was just built).
    assert any(t[-1].microsecond for t in want["codings"].values())


def test_readme_lists_what_has_no_refi_element():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("### REFI-QDA projects", 1)[1].split("\n### ", 1)[0]
                       .lower().split())
    for item in NOT_KEPT:
        assert item in section, item
