"""Data produced by the importers: the normalised text of a file and its speaker turns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One speaker's speech: half-open [start, end) in code points of ImportedText.text."""

    start: int
    end: int
    speaker: str


@dataclass
class ImportedText:
    """A file read, normalised (LF line ends, NFC) and split into speaker turns.

    `source_format` is 'txt', 'md', 'docx' or 'odt'; `encoding` is the character encoding
    a text file was decoded with (None for .docx/.odt, which carry their own).
    """

    text: str
    turns: list[Turn] = field(default_factory=list)
    source_format: str = "txt"
    encoding: str | None = None
