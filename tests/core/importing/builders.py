"""Builders for test files: .docx with python-docx, .odt and odd zips written by hand."""

from __future__ import annotations

import zipfile
from pathlib import Path

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
)
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A .docx whose body is these paragraphs (python-docx turns \\t and \\n into w:tab/w:br)."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def odt_content(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {ODT_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )


def make_odt(path: Path, body: str, mimetype: str = ODT_MIMETYPE,
             extra: dict[str, bytes | str] | None = None, content: str | None = None) -> Path:
    """A minimal .odt: mimetype (stored first), content.xml with `body` in office:text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content if content is not None else odt_content(body))
        zf.writestr("META-INF/manifest.xml",
                    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes | str] | None = None,
                add: dict[str, bytes | str] | None = None) -> Path:
    """A copy of a zip with some members replaced or added."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, None)
            zout.writestr(info.filename, zin.read(info) if data is None else data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def docx_xml(src: Path) -> str:
    with zipfile.ZipFile(src) as zf:
        return zf.read("word/document.xml").decode("utf-8")
