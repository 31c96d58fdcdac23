"""Property: after apply_permanently every coding covers the same words, with terms replaced."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.privacy.replace import apply_permanently
from app.core.privacy.terms import add_term
from app.models import Coding, Document
from tests.core.privacy.privacy_fixtures import add_document

# word -> what it must become with Kari (name), Per (name) and Tromsø (place) listed
WORDS = {
    "Kari": "[Navn 1]", "Karis": "[Navn 1]s", "Kari's": "[Navn 1]'s", "Karin": "Karin",
    "Kari-mor": "[Navn 1]-mor", "Per": "[Navn 2]", "Pers": "[Navn 2]s", "per": "per",
    "Perle": "Perle", "Tromsø": "[Sted 1]", "tromsøs": "[Sted 1]s", "Tromsøya": "Tromsøya",
    "og": "og", "æøå": "æøå", "blåbær": "blåbær", "NAV-kontoret": "NAV-kontoret",
}
EXAMPLES = itertools.count()
SEPARATORS = [" ", "\n", ", ", ". ", " 😀 ", "😀", " 👩‍👧 ", " – "]

pieces_st = st.lists(
    st.tuples(st.sampled_from(sorted(WORDS)), st.sampled_from(SEPARATORS)),
    min_size=1, max_size=25)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])  # new_project: a factory
@given(pieces=pieces_st, data=st.data(),
       lead=st.sampled_from(["", "😀", "æøå ", "🇳🇴 å "]))
def test_codings_cover_the_same_words(new_project, pieces, data, lead):
    old_parts, new_parts = [lead] if lead else [], [lead] if lead else []
    for word, sep in pieces:
        old_parts += [word, sep]
        new_parts += [WORDS[word], sep]
    text = "".join(old_parts)
    bounds = [0]
    for part in old_parts:
        bounds.append(bounds[-1] + len(part))
    n = len(old_parts)
    pairs = data.draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda p: p[0] < p[1]),
        min_size=1, max_size=8, unique=True))
    spans = sorted({(bounds[i], bounds[j]) for i, j in pairs})
    expected = sorted("".join(new_parts[i:j]) for i, j in pairs)
    with tempfile.TemporaryDirectory() as tmp:
        with new_project("Test", f"p{next(EXAMPLES)}") as project:  # one per example
            with project.write() as s:
                add_document(s, "fg", text, codings=spans,
                             turns=[(0, len(text), "Kari")])
                add_document(s, "fg2", "Kari bor i Tromsø.", codings=[(0, 4)])
                add_term(s, "Kari")
                add_term(s, "Per")
                add_term(s, "Tromsø", kind="place")
            with project.write() as s:
                apply_permanently(s, Path(tmp) / "key.csv")
            with project.read() as s:
                doc = s.scalar(select(Document).where(Document.name == "fg"))
                assert doc.text == "".join(new_parts)
                assert doc.length == len(doc.text)
                got = sorted(doc.text[c.start:c.end] for c in
                             s.scalars(select(Coding).where(Coding.document_id == doc.id)))
                other = s.scalar(select(Document).where(Document.name == "fg2"))
                assert other.text == "[Navn 1] bor i [Sted 1]."
    assert got == expected
