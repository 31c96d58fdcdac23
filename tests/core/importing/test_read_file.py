"""read_file: choosing the reader, plain text and Markdown, and every bad path or file a user can pick."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from app.core.importing import ImportedText, Turn, read_file
from app.core.importing.limits import MAX_TEXT_BYTES
from app.errors import ImportFailed
from app.i18n import set_language

TRANSCRIPT = (
    "Fokusgruppe 2 🙂 – Tromsø\r\n\r\n"
    "Moderator: Velkommen alle sammen!\r\n"
    "D1: Takk. Jeg heter Åse 🙂\r\n"
    "og jeg bor på Tøyen.\r\n"
    "D2: Hei, jeg er Øystein.\r\n"
)
EXPECTED = TRANSCRIPT.replace("\r\n", "\n")


def failure(path: Path) -> str:
    with pytest.raises(ImportFailed) as err:
        read_file(path)
    return str(err.value)


@pytest.mark.parametrize("name", ["t.txt", "t.TXT", "t.text"])
def test_plain_text_with_turns(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(TRANSCRIPT.encode("utf-8"))
    result = read_file(str(path))
    assert isinstance(result, ImportedText)
    assert (result.text, result.source_format, result.encoding) == (EXPECTED, "txt", "utf-8")
    assert [(t.speaker, result.text[t.start:t.end]) for t in result.turns] == [
        ("Moderator", "Velkommen alle sammen!"),
        ("D1", "Takk. Jeg heter Åse 🙂\nog jeg bor på Tøyen."),
        ("D2", "Hei, jeg er Øystein."),
    ]
    assert result.turns[0] == Turn(37, 59, "Moderator")  # code points: the emoji counts one


def test_cp1252_text_file(tmp_path: Path) -> None:
    path = tmp_path / "gammel.txt"
    path.write_bytes(EXPECTED.replace("🙂", ":)").encode("cp1252"))
    result = read_file(path)
    assert result.text == EXPECTED.replace("🙂", ":)") and result.encoding == "cp1252"


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "word-eksport.txt"
    path.write_bytes(TRANSCRIPT.encode("utf-16"))
    result = read_file(path)
    assert result.text == EXPECTED and result.encoding.startswith("utf-16")


@pytest.mark.parametrize("name", ["notat.md", "notat.markdown"])
def test_markdown_is_imported_with_its_markup(tmp_path: Path, name: str) -> None:
    text = "# Intervju\n\n**Merk:** *lydfil* [lenke](http://x.no)\n\nIntervjuer: Hei\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read_file(path)
    assert (result.text, result.source_format) == (text, "md")
    assert [result.text[t.start:t.end] for t in result.turns] == ["Hei"]


def test_missing_file_names_the_file_not_the_folder(tmp_path: Path) -> None:
    message = failure(tmp_path / "finnes-ikke.txt")
    assert message == (
        'Could not import "finnes-ikke.txt": The file does not exist. Check the name and the folder.'
    )
    assert str(tmp_path) not in message


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "mappe.txt"
    folder.mkdir()
    assert failure(folder) == 'Could not import "mappe.txt": This is a folder, not a file.'


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "ror.txt"
    os.mkfifo(pipe)
    assert "not an ordinary file" in failure(pipe)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "hemmelig.txt"
    path.write_text("hei")
    path.chmod(0)
    assert "not allowed to read" in failure(path)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("bilde.png", "Files of type .png cannot be imported. Sitat can import these types: "
                      ".txt, .text, .md, .markdown, .docx, .odt."),
        ("README", "has no extension"),
        ("rapport.pdf", "This is a PDF file"),
        ("brev.rtf", "This is an RTF file"),
        ("gammel.doc", "old Word format (.doc)"),
    ],
)
def test_unsupported_types(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"data")
    assert expected in failure(path)


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "The file is empty."),
        (b"  \r\n\t\n   \n", "The file contains no text."),
        (b"\xef\xbb\xbf\n", "The file contains no text."),
        (bytes(range(256)) * 8, "not a text file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "not a text file"),
        (b"Intervjuer: hei\x00\nInformant: ja\n", "not a text file"),
        ("én\nto\ntre æ\n".encode() + b"fire \xf8\n", "damaged: it is UTF-8 text"
                                                       ", but it contains invalid characters, the first on line 4"),
        (b"linje 1\nlinje 2 \x07 pling\n", "invisible control character (U+0007) on line 2"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "This is a PDF file"),
        (b"{\\rtf1\\ansi Hei}", "This is an RTF file"),
        (b"PK\x03\x04" + bytes(40), "Word or OpenDocument file, not plain text"),
    ],
    ids=["empty", "blank", "bom-only", "binary", "png", "nul", "damaged-utf8", "control",
         "pdf", "rtf", "zip"],
)
def test_bad_text_files(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "fil.txt"
    path.write_bytes(data)
    message = failure(path)
    assert message.startswith('Could not import "fil.txt": ')
    assert expected in message


def test_twenty_megabyte_text_file(tmp_path: Path) -> None:
    path = tmp_path / "stor.txt"
    path.write_bytes(b"Intervjuer: bla bla bla\n" * (20 * 1024 * 1024 // 24))
    assert failure(path) == (
        'Could not import "stor.txt": The file is 20 MB, more than the limit of 10 MB. '
        "Split it into smaller files and import them one at a time."
    )


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "enorm.txt"
    with path.open("wb") as f:
        f.truncate(8 * 1024**3)  # sparse: reading it all would take minutes and 8 GB
    assert "more than the limit of 10 MB" in failure(path)


def test_file_at_the_limit_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "akkurat.txt"
    line = ("Intervjuer: " + "blåbær og rødgrøt med fløte " * 8 + "\n").encode()
    path.write_bytes(line * (MAX_TEXT_BYTES // len(line)))
    assert len(read_file(path).turns) == MAX_TEXT_BYTES // len(line)


def test_messages_in_norwegian(tmp_path: Path) -> None:
    set_language("nb")
    assert failure(tmp_path / "borte.txt") == (
        "Kunne ikke importere «borte.txt»: Filen finnes ikke. Sjekk navnet og mappen."
    )
    path = tmp_path / "stor.md"
    with path.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 512 * 1024)
    assert "Filen er på 20,5 MB, mer enn grensen på 10 MB" in failure(path)


def test_docx_and_odt_dispatch_by_extension_case_insensitively(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Intervjuer: Hei")
    document.save(str(tmp_path / "A.DOCX"))
    assert read_file(tmp_path / "A.DOCX").source_format == "docx"
    with zipfile.ZipFile(tmp_path / "B.Odt", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:'
            '1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
            "<office:text><text:p>Hei</text:p></office:text></office:body>"
            "</office:document-content>",
        )
    result = read_file(tmp_path / "B.Odt")
    assert (result.text, result.source_format) == ("Hei", "odt")
