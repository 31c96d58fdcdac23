"""Names and values typed in decomposed Unicode (NFD: "A" + combining ring for "Å", as macOS
file names and some keyboards give them) find the same documents, coders and attribute values
as the composed form Sitat stores."""

from __future__ import annotations

import unicodedata

from app.core import attributes as attrs
from app.core.displays.matrix import build_matrix
from app.core.export.quotes import quote_rows
from app.core.lookup import get_coder, get_document
from app.core.team.agreement import agreement
from app.models import Coder, Coding, Document
from tests.core.displays import matrix_data as data


def nfd(text: str) -> str:
    out = unicodedata.normalize("NFD", text)
    assert out != text
    return out


def _add(project):
    """fg1..ind4 of the matrix data, plus 'Åsgård' (bydel Årvoll, coder Åse) with 2 codings."""
    data.build(project)
    with project.write() as s:
        text = "Deltaker 1: Hun så på meg. Det var godt.\n"
        doc = Document(name="Åsgård", text=text, length=len(text), sha256="å")
        coder = Coder(name="Åse")
        s.add_all([doc, coder])
        s.flush()
        attrs.define_attribute(s, "bydel", "choice", ["Stovner", "Alna", "Årvoll"])
        attrs.set_values(s, doc, {"bydel": "Årvoll", "område": "Nordre Åsen"})
        code = s.query(data.Code).filter_by(name="A").one()
        for start, end in ((12, 26), (27, 40)):
            s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
                         end=end))


def test_where_values_and_names_in_nfd_find_the_documents(project):
    _add(project)
    with project.read() as s:
        composed = build_matrix(s, "codes", "documents", "count", where={"bydel": "Årvoll"})
        decomposed = build_matrix(s, "codes", "documents", "count",
                                  where={"bydel": nfd("Årvoll")})
        text_value = build_matrix(s, "codes", "documents", "count",
                                  where={nfd("område"): nfd("Nordre Åsen")})
    assert composed.cols == ["Åsgård"] and composed.total == 2
    assert decomposed.as_json() == composed.as_json()
    assert text_value.cols == ["Åsgård"] and text_value.total == 2
    assert text_value.filters["where"] == {"område": "Nordre Åsen"}


def test_coders_and_documents_typed_in_nfd_are_found(project):
    _add(project)
    with project.read() as s:
        assert get_document(s, nfd("Åsgård")).name == "Åsgård"
        assert get_coder(s, nfd("Åse")).name == "Åse"
        by_coder = build_matrix(s, "codes", "documents", "count", coders=[nfd("Åse")])
        rows = quote_rows(s, coders=[nfd("Åse")], documents=[nfd("Åsgård")])
        report = agreement(s, [nfd("Åse"), "Hanne"], documents=[nfd("Åsgård"), "Åsgård"])
    assert by_coder.total == 2 and by_coder.col_totals[by_coder.cols.index("Åsgård")] == 2
    assert by_coder.filters["coders"] == ["Åse"]
    assert [r.text for r in rows] == ["Hun så på meg.", "Det var godt."]
    assert [d.document for d in report.codes[0].documents] == ["Åsgård"]
    assert report.overall.b == len("Hun så på meg.Det var godt.")


def test_values_set_in_nfd_are_stored_in_nfc(project):
    _add(project)
    with project.write() as s:
        doc = s.query(Document).filter_by(name="fg1").one()
        attrs.set_values(s, doc, {nfd("område"): nfd("Søndre Åsen")})
        attrs.set_values(s, doc, {"bydel": nfd("Årvoll")})
    with project.read() as s:
        values = attrs.values_by_document(s)[s.query(Document).filter_by(name="fg1").one().id]
        assert values["område"] == "Søndre Åsen" and values["bydel"] == "Årvoll"
        assert [d.name for d in attrs.definitions(s)].count("område") == 1
