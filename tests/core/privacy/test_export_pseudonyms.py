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
