"""Zip-bomb guards shared by .docx and .odt: sizes, ratio, member count, lying headers, encryption."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from app.core.importing import read_file
from app.core.importing.limits import MAX_ZIP_MEMBERS, MiB
from app.errors import ImportFailed

from .builders import make_docx, make_odt, rewrite_zip

# zip guards on the files read for import (no project involved)
pytestmark = pytest.mark.sqlite_only


def _patch_sizes(path: Path, member: str, declared: int, local_too: bool = False) -> None:
    """Overwrite the unpacked size a zip declares for one member (central directory, maybe local)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + name_len]) == name:
            struct.pack_into("<L", data, pos + 24, declared)
            if local_too:
                local = struct.unpack_from("<L", data, pos + 42)[0]
                struct.pack_into("<L", data, local + 22, declared)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    path = rewrite_zip(src, tmp_path / "bombe.docx", add={"word/media/nuller.bin": bytes(5 * MiB)})
    with pytest.raises(ImportFailed, match="packed in a suspicious way"):
        read_file(path)


@pytest.mark.slow
def test_zip_bomb_with_one_huge_member(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "stor.odt", "<text:p>Hei</text:p>",
                    extra={"Pictures/nuller.bin": bytes(101 * MiB)})
    with pytest.raises(ImportFailed, match="unpacks to 101 MB, more than the limit of 100 MB"):
        read_file(path)


def test_declared_total_size_too_large(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    path = rewrite_zip(src, tmp_path / "total.docx",
                       add={f"word/media/{i}.bin": b"x" for i in range(3)})
    for i in range(3):
        _patch_sizes(path, f"word/media/{i}.bin", 90 * MiB)
    with pytest.raises(ImportFailed, match=r"unpacks to 270(\.\d)? MB, more than the limit of 200 MB"):
        read_file(path)


def test_header_that_understates_the_size_cannot_blow_memory(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    path = rewrite_zip(src, tmp_path / "lyver.docx", add={"word/extra.xml": b"<a/>" * MiB})
    _patch_sizes(path, "word/extra.xml", 1000, local_too=True)
    with pytest.raises(ImportFailed, match="damaged or incomplete"):
        read_file(path)


def test_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "mange.odt"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"x/{i}", b"")
    with pytest.raises(ImportFailed, match=f"too many parts \\({MAX_ZIP_MEMBERS + 1}; the limit"):
        read_file(path)


def test_encrypted_member(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "passord.odt", "<text:p>Hemmelig</text:p>")
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # set the 'encrypted' flag in the central directory (zipfile cannot write it)
        struct.pack_into("<H", data, pos + 8, struct.unpack_from("<H", data, pos + 8)[0] | 1)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFailed, match="password-protected"):
        read_file(path)
