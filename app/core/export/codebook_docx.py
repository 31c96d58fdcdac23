"""The codebook as a Word file: every code in tree order with definition, criteria and counts.

Heading level follows depth (Heading 1, 2, 3); each code gets a colour swatch and its counts
(codings and documents), then its definition, inclusion and exclusion criteria and example;
group codes (not applied to text) are marked as such.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codetree import code_nodes
from app.core.export import docx_base as base
from app.core.lookup import get_coder
from app.i18n import _, counts
from app.models import Code, ProjectInfo

SWATCH = "\u25a0"  # ■


def write_codebook_docx(s: Session, out: str | os.PathLike, title: str | None = None, *,
                        coders: list[str] | None = None) -> Path:
    """Write the codebook to `out`; counts cover all coders, or only `coders` if given."""
    from docx.shared import RGBColor

    coder_ids = [get_coder(s, name).id for name in coders] if coders else None
    nodes = code_nodes(s, coder_ids)
    details = {guid: (inc, exc, ex) for guid, inc, exc, ex in s.execute(
        select(Code.guid, Code.inclusion, Code.exclusion, Code.example))}
    d = base.new_document()
    base.add_heading(d, title or _("Codebook"), level=0)
    project = s.scalar(select(ProjectInfo.title)) or ""
    if project:
        d.add_paragraph(base.xml_safe(_("Project: {title}").format(title=project)))
    if not nodes:
        d.add_paragraph(_("The codebook has no codes."))
        return base.save_docx(d, out)
    d.add_paragraph(_("{codes}. Exported {date}.").format(codes=counts.codes(len(nodes)),
                                                          date=base.long_date()))
    if coders:
        d.add_paragraph(base.xml_safe(_("Counts for coders: {names}.").format(
            names=", ".join(coders))))

    for node in nodes:
        base.add_heading(d, node.name, level=min(node.depth + 1, 3))
        p = d.add_paragraph()
        swatch = p.add_run(SWATCH + " ")
        swatch.font.color.rgb = RGBColor.from_string(_rgb(node.colour))
        p.add_run(_counts(node)).italic = True
        for line in _lines(node.description):
            d.add_paragraph(base.xml_safe(line))
        inclusion, exclusion, example = details.get(node.guid, ("", "", ""))
        for label, text, italic in ((_("Include when:"), inclusion, False),
                                    (_("Exclude when:"), exclusion, False),
                                    (_("Example:"), example, True)):
            text = " ".join(_lines(text))
            if text:
                base.add_labelled(d, label, text, italic=italic)
    return base.save_docx(d, out)


def _counts(node) -> str:
    own = _("{codings} in {documents}.").format(codings=counts.codings(node.codings),
                                                  documents=counts.documents(node.documents))
    sub = _("Including child codes: {codings} in {documents}.").format(
        codings=counts.codings(node.total_codings),
        documents=counts.documents(node.total_documents))
    if not node.codable:
        return _("Groups other codes; not applied to text.") + " " + sub
    if node.total_codings != node.codings or node.total_documents != node.documents:
        return own + " " + sub
    return own


def _lines(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split("\n") if x.strip()]


def _rgb(colour: str) -> str:
    colour = (colour or "").lstrip("#")
    return colour.upper() if len(colour) == 6 and all(
        c in "0123456789abcdefABCDEF" for c in colour) else "888888"
