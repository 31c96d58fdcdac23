"""Export-time pseudonymisation: anonymised quote exports replace the project's sensitive terms
in the quotes, and the stored text stays as it was."""

from __future__ import annotations

import docx

from app.core import codebook as cb
from app.core.export.quotes import write_quotes_csv, write_quotes_docx
from app.core.privacy.terms import add_term
from app.models import Coder, Coding, Document

TEXT = "Deltaker 1: Jeg heter Kari, og Karis mor bor på Lillehammer 🙂.\n"


def test_anonymised_quotes_use_pseudonyms(project, tmp_path):
    with project.write() as s:
        code = cb.create_code(s, "Familie")
        doc = Document(name="fg", text=TEXT, length=len(TEXT), sha256="x")
        coder = Coder(name="Hanne")
        s.add_all([doc, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=12,
                     end=len(TEXT) - 1))
        add_term(s, "Kari")
        add_term(s, "Lillehammer", kind="place")
    with project.read() as s:
        write_quotes_docx(s, tmp_path / "q.docx", anonymise=True)
        write_quotes_csv(s, tmp_path / "q.csv", anonymise=True)
        write_quotes_docx(s, tmp_path / "plain.docx")
        assert s.query(Document).one().text == TEXT  # stored text untouched
    cells = [c.text for t in docx.Document(str(tmp_path / "q.docx")).tables for r in t.rows
             for c in r.cells]
    quote = next(c for c in cells if c.startswith("«"))
    assert "Kari" not in quote and "Lillehammer" not in quote
    assert "[Navn 1]" in quote and "[Navn 1]s mor" in quote and "[Sted 1]" in quote
    assert "Kari" not in (tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    plain = [c.text for t in docx.Document(str(tmp_path / "plain.docx")).tables
             for r in t.rows for c in r.cells]
    assert any("Kari" in c for c in plain)


def test_refi_export_with_pseudonyms_keeps_codings_on_the_same_words(project, tmp_path):
    import zipfile

    from app.core.refi.qdpx_export import export_qdpx
    from app.core.refi.qdpx_import import import_qdpx

    text = "Intervjuer: Ja? 🙂\nDeltaker 1: Kari sa at Karis lege var god.\n"
    with project.write() as s:
        code = cb.create_code(s, "Lege")
        doc = Document(name="fg", text=text, length=len(text), sha256="x")
        coder = Coder(name="Hanne")
        s.add_all([doc, coder])
        s.flush()
        a = text.index("Karis lege")
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=a,
                     end=a + len("Karis lege var god")))
        add_term(s, "Kari")
    out = tmp_path / "p.qdpx"
    export_qdpx(project, out, pseudonymise=True)
    with zipfile.ZipFile(out) as z:
        assert all(b"Kari" not in z.read(n) for n in z.namelist())
    back = tmp_path / "back.sitat"
    import_qdpx(out, back)
    from app.core.project import Project

    with Project.open(back, read_only=True) as p, p.read() as s:
        c = s.query(Coding).one()
        d = s.query(Document).one()
        assert d.text[c.start:c.end] == "[Navn 1]s lege var god"


def test_quote_display_with_pseudonyms(new_location, cli, tmp_path):
    proj = new_location("m")
    assert cli("new", proj).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", proj, src, "--attr", "bydel=Alna").code == 0
    assert cli("attribute", proj, "Kode").code == 0
    from app.core.project import Project

    with Project.open(proj) as p, p.write() as s:
        cb.create_code(s, "Familie")
        add_term(s, "Kari")
    assert cli("code", proj, "--doc", "fg", "--start", 12, "--end", 40, "--code", "Familie",
               "--coder", "H").code == 0
    plain = cli("matrix", proj, "--cols", "bydel", "--cell", "quotes", "--json").json()
    hidden = cli("matrix", proj, "--cols", "bydel", "--cell", "quotes", "--pseudonymise",
                 "--json").json()
    assert "Kari" in plain["cells"][0][0][0]["text"]
    assert "Kari" not in hidden["cells"][0][0][0]["text"]
    assert "[Navn 1]" in hidden["cells"][0][0][0]["text"]


def test_permanent_replacement_drops_the_search_index(new_location, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    proj = new_location("s")
    assert cli("new", proj).code == 0
    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", proj, src).code == 0
    assert "Kari" in [r["text"] for r in cli("search", proj, "Kari", "--json").json()]
    assert any((tmp_path / "idx").rglob("*.seg"))
    assert cli("pseudonyms", proj, "add", "Kari").code == 0
    assert cli("pseudonyms", proj, "apply", "--key-out", tmp_path / "key.csv").code == 0
    assert not any((tmp_path / "idx").rglob("*.seg"))  # the cached index is gone
    assert cli("search", proj, "Kari", "--json").json() == []


def test_quote_sources_give_speaker_and_place(project):
    from app.core import attributes as attrs
    from app.core.export.quotes import quote_sources
    from app.models import SpeakerTurn

    with project.write() as s:
        doc = Document(name="fg", text=TEXT, length=len(TEXT), sha256="x")
        s.add(doc)
        s.flush()
        s.add(SpeakerTurn(document_id=doc.id, start=12, end=len(TEXT) - 1, speaker="Deltaker 1"))
        attrs.set_values(s, doc, {"bydel": "Alna", "tjeneste": "NAV"})
    with project.read() as s:
        got = quote_sources(s, [{"document": "fg", "start": 20, "end": 30},
                                {"document": "fg", "start": 0, "end": 5}])
    assert got == [("Deltaker 1", "Alna, NAV"), ("", "Alna, NAV")]
