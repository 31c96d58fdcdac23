"""The STC synthesis as Word: per code, the synthesis text, the condensates (artificial quotes)
and the illustrative quotes with their source - ready to paste into a final report."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codebook import code_paths, ordered_codes, resolve_code, subtree_ids
from app.core.displays import condensation as stc
from app.core.export.docx_base import (
    add_heading,
    long_date,
    new_document,
    normalise_space,
    quoted,
    save_docx,
)
from app.core.export.quotes import display_path
from app.i18n import _
from app.models import Condensate, IllustrativeQuote, Synthesis


def _codes_with_content(s: Session, codes: list[str] | None) -> list:
    wanted = None
    if codes:
        wanted = set()
        for path in codes:
            wanted |= subtree_ids(s, resolve_code(s, path).id)
    has = set(s.scalars(select(Condensate.code_id))) | set(
        s.scalars(select(IllustrativeQuote.code_id))) | {
        cid for cid, text in s.execute(select(Synthesis.code_id, Synthesis.text)) if text}
    return [c for c in ordered_codes(s) if c.id in has and (wanted is None or c.id in wanted)]


def write_report_docx(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                      title: str | None = None):
    """Per code with any synthesis, condensate or illustrative quote: Heading 1 (the code),
    its synthesis, the condensates as «...» and the illustrative quotes with document and
    speaker. Codes without any of these are left out (no empty headings)."""
    from app.core.export.quotes import quote_rows

    d = new_document()
    add_heading(d, title or _("Synthesis"), 0)
    chosen = _codes_with_content(s, codes)
    d.add_paragraph(_("{n} codes. Exported {date}.").format(n=len(chosen), date=long_date()))
    if not chosen:
        d.add_paragraph(_("No code has a synthesis, condensates or illustrative quotes yet."))
        return save_docx(d, out)
    paths = code_paths(s)
    for code in chosen:
        c = stc.condensation(s, code)
        add_heading(d, display_path(paths[code.id]), 1)
        if c.synthesis:
            for para in c.synthesis.split("\n\n"):
                d.add_paragraph(para.strip())
        if c.condensates:
            add_heading(d, _("Condensates"), 2)
            for cond in c.condensates:
                p = d.add_paragraph(style="Quote")
                p.add_run(quoted(normalise_space(cond.text)))
                p.add_run("  " + _("({n} meaning units)").format(n=len(cond.units))).italic = True
        if c.illustrative:
            add_heading(d, _("Illustrative quotes"), 2)
            rows = {r.guid: r for r in quote_rows(s, codes=[paths[code.id]])}
            for guid in c.illustrative:
                r = rows.get(guid)
                if r is None:
                    continue
                p = d.add_paragraph(style="Quote")
                p.add_run(quoted(normalise_space(r.text)))
                source = ", ".join(x for x in (r.speaker, r.document) if x)
                p.add_run(f" ({source})").italic = True
    return save_docx(d, out)
