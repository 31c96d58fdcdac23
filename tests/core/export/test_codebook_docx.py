"""The codebook in Word: codes in tree order, heading level by depth, group codes marked,
labelled criteria and example, counts of codings and documents."""

from __future__ import annotations

from app.core import codebook as cb
from app.core.export.codebook_docx import write_codebook_docx
from tests.core.export.conftest import blocks, headings


def test_sample_codebook(sample, tmp_path):
    out = tmp_path / "kodebok.docx"
    with sample.read() as s:
        write_codebook_docx(s, out, title="Kodebok")
    hs = headings(out)
    assert hs[0] == ("Title", "Kodebok")
    assert hs[1:4] == [("Heading 1", "Grunnleggende kjennetegn"), ("Heading 2", "Respekt"),
                       ("Heading 2", "Dyktige fagpersoner")]
    assert [h for h in hs if h[0] == "Heading 1"] == [
        ("Heading 1", "Grunnleggende kjennetegn"), ("Heading 1", "Andre kjennetegn")]
    assert len(hs) == 1 + 12
    body = blocks(out)
    texts = [b[2] for b in body if b[0] == "p"]
    i = texts.index("Grunnleggende kjennetegn")
    assert "Groups other codes; not applied to text." in texts[i + 1]
    assert "Including child codes: 254 codings in 26 documents." in texts[i + 1]  # 16 + comments
    j = texts.index("Respekt")
    assert texts[j + 1] == "\u25a0 156 codings in 23 documents."  # 7 in the survey's comments
    assert texts[j + 2].startswith("Brukeren blir sett, hørt og tatt på alvor")
    assert texts[j + 3].startswith("Include when: Å bli lyttet til")
    assert texts[j + 4].startswith("Exclude when: ")
    assert texts[j + 5].startswith("Example: «Hun ser på meg")


def test_deep_codes_and_a_coder_filter(project, tmp_path):
    with project.write() as s:
        a = cb.create_code(s, "A")
        b = cb.create_code(s, "B", a)
        c = cb.create_code(s, "C", b)
        cb.create_code(s, "D", c)
    out = tmp_path / "k.docx"
    with project.read() as s:
        write_codebook_docx(s, out)
    assert headings(out) == [("Title", "Codebook"), ("Heading 1", "A"), ("Heading 2", "B"),
                             ("Heading 3", "C"), ("Heading 3", "D")]
    texts = [b[2] for b in blocks(out) if b[0] == "p"]
    assert "\u25a0 0 codings in 0 documents." in texts
    assert not any(t.startswith(("Include when", "Example")) for t in texts)


def test_empty_codebook(project, tmp_path):
    out = tmp_path / "k.docx"
    with project.read() as s:
        write_codebook_docx(s, out)
    assert [b[2] for b in blocks(out)] == ["Codebook", "Project: Test",
                                           "The codebook has no codes."]
