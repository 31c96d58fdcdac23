"""Document names: control characters (line breaks, ESC, bidi overrides) are refused where a
user types a name and replaced by a space where Sitat derives it from a file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.documents import import_files, list_documents, rename_document
from app.errors import InvalidInput

TEXT = "Intervjuer: Hei.\nDeltaker 1: Hallo, jeg bor i Alna.\n"


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "fg1.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _names(project) -> list[str]:
    with project.read() as s:
        return [d.name for d in list_documents(s)]


@pytest.mark.parametrize("name", ["Fokus\ngruppe", "Alna\x1b[2J", "rød\u202etekst", "a\tb",
                                  "x\x85y", "linje\u2028skift"])
def test_typed_names_with_control_characters_are_refused(project, transcript, name):
    with pytest.raises(InvalidInput, match="invisible control character"):
        import_files(project, [transcript], name=name)
    assert _names(project) == []
    import_files(project, [transcript], name="fg1")
    with project.write() as s:
        with pytest.raises(InvalidInput, match=r"control character \(U\+"):
            rename_document(s, "fg1", name)
    assert _names(project) == ["fg1"]


def test_names_from_file_names_get_a_space_instead(project, tmp_path: Path) -> None:
    odd = tmp_path / "Fokusgruppe\nAlna\x1b[31m\u202e.txt"
    odd.write_text(TEXT, encoding="utf-8")
    import_files(project, [odd])
    assert _names(project) == ["Fokusgruppe Alna [31m"]


def test_ordinary_names_are_kept_as_typed(project, transcript) -> None:
    import_files(project, [transcript], name="  Fokusgruppe – Grünerløkka 🙂  ")
    assert _names(project) == ["Fokusgruppe – Grünerløkka 🙂"]
