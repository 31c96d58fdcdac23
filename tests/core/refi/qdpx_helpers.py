"""Build small REFI-QDA .qdpx files by hand for the import tests."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

CODE_A = "11111111-1111-4111-8111-111111111111"
CODE_B = "22222222-2222-4222-8222-222222222222"
USER = "33333333-3333-4333-8333-333333333333"


def u16(text: str, index: int) -> int:
    """UTF-16 code units before code point `index` of `text`."""
    return len(text[:index].encode("utf-16-le")) // 2


@dataclass
class Sel:
    start: int
    end: int
    code: str = CODE_A
    name: str | None = None


@dataclass
class Src:
    name: str
    data: bytes | None
    selections: list[Sel] = field(default_factory=list)
    guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    path: str | None = None  # plainTextPath; default internal://GUID.txt


def qde(sources: list[Src], ns: str = "urn:QDA-XML:project:1.0", origin: str = "Test",
        extra: str = "") -> str:
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{ns}" name="Hand made" '
             f'origin={quoteattr(origin)}>',
             f'<Users><User guid="{USER}" name="Kari"/></Users>',
             f'<CodeBook><Codes><Code guid="{CODE_A}" name="Respekt" isCodable="true" '
             f'color="#FF0000"><Code guid="{CODE_B}" name="Møtt" isCodable="true"/></Code>'
             '</Codes></CodeBook>', extra, "<Sources>"]
    for src in sources:
        path = src.path if src.path is not None else f"internal://{src.guid}.txt"
        parts.append(f'<TextSource guid="{src.guid}" name={quoteattr(src.name)} '
                     f'plainTextPath={quoteattr(path)}>')
        for sel in src.selections:
            name = f" name={quoteattr(sel.name)}" if sel.name is not None else ""
            parts.append(f'<PlainTextSelection guid="{uuid.uuid4()}"{name} '
                         f'startPosition="{sel.start}" endPosition="{sel.end}" '
                         f'creatingUser="{USER}"><Coding guid="{uuid.uuid4()}" '
                         f'creatingUser="{USER}"><CodeRef targetGUID="{sel.code}"/></Coding>'
                         '</PlainTextSelection>')
        parts.append("</TextSource>")
    parts.append("</Sources></Project>")
    return "\n".join(parts)


def make_qdpx(path: Path, sources: list[Src], *, qde_name: str = "project.qde",
              folder: str = "sources", qde_text: str | None = None,
              extra_members: dict[str, bytes] | None = None, **kw) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, (qde_text or qde(sources, **kw)).encode("utf-8"))
        for src in sources:
            if src.data is not None:
                member = (src.path or "").replace("internal://", "") or f"{src.guid}.txt"
                zf.writestr(f"{folder}/{member}", src.data)
        for name, data in (extra_members or {}).items():
            zf.writestr(name, data)
    return path
