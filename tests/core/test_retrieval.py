"""Retrieval lists the exact coded text (code points, also after emoji and æøå), with the
document's attributes and the coder, for a code and its child codes."""

from __future__ import annotations

from app.core import codebook as cb
from app.core.retrieval import retrieve
from app.models import Coder, Coding, Document


def test_quotes_are_exact_after_emoji_and_follow_children_and_coders(project):
    text = "Intervjuer: Hei 😀👍🏽!\nDeltaker 1: Jeg ble møtt med respekt, ærlig talt.\n"
    quote = "møtt med respekt, ærlig talt"
    start = text.index(quote)
    with project.write() as s:
        top = cb.create_code(s, "Respekt")
        child = cb.create_code(s, "Bli hørt", top)
        doc = Document(name="fg", text=text, length=len(text), sha256="x")
        a, b = Coder(name="Hanne"), Coder(name="Tor")
        s.add_all([doc, a, b])
        s.flush()
        from app.core import attributes as attrs

        attrs.set_values(s, doc, {"bydel": "Alna"})
        s.add_all([Coding(document_id=doc.id, code_id=child.id, coder_id=a.id, start=start,
                          end=start + len(quote)),
                   Coding(document_id=doc.id, code_id=top.id, coder_id=b.id, start=0, end=3)])
        s.flush()
        top_guid, hanne = top.guid, a.id
    with project.read() as s:
        rows = retrieve(s, top_guid)
        assert [(r.quote, r.coder, r.code) for r in rows] == [
            ("Int", "Tor", "Respekt"), (quote, "Hanne", "Bli hørt")]
        assert rows[1].attributes == {"bydel": "Alna"}
        assert [r.quote for r in retrieve(s, top_guid, coder_ids=[hanne])] == [quote]
        assert [r.quote for r in retrieve(s, top_guid, include_children=False)] == ["Int"]
