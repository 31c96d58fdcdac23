"""Coder names and code paths typed in decomposed Unicode (NFD, as some keyboards and macOS
file names give them) find what is stored in NFC instead of making a second coder."""

from __future__ import annotations

import unicodedata

from app.core.codebook import create_code, resolve_code
from app.core.coding import get_or_create_coder

NFD_ASE = unicodedata.normalize("NFD", "Åse")
NFD_PATH = unicodedata.normalize("NFD", "Forutsigbarhet/Å slippe å forklare alt på nytt")


def test_decomposed_coder_name_is_the_same_coder(project):
    with project.write() as s:
        first = get_or_create_coder(s, "Åse")
        again = get_or_create_coder(s, NFD_ASE)
        assert again.id == first.id and again.name == "Åse"
        assert get_or_create_coder(s, NFD_ASE + " ").name == "Åse"


def test_decomposed_code_path_finds_the_code(project):
    with project.write() as s:
        parent = create_code(s, "Forutsigbarhet")
        child = create_code(s, "Å slippe å forklare alt på nytt", parent=parent)
        assert resolve_code(s, NFD_PATH).id == child.id
