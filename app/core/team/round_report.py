"""Word report of a coding round: the codebook version in force (with its codes), the documents,
the coders, and the inter-coder agreement table of the round - a closed round's stored record,
or an open round's figures as they are now (said in the title). Written like the other Word
exports (A4, page numbers, headings kept with what follows, columns sized to their content,
rows never split, saved atomically with the mode the user's umask gives)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.core.export import docx_base as base
from app.core.export.quotes import display_path
from app.core.team.round_records import CLOSED, round_record
from app.core.team.summaries import agreement_explained, agreement_headers, agreement_rows
from app.i18n import _


def write_round_docx(s: Session, name: str, out: Path, overlap: float | None = None) -> Path:
    """The round's Word report: for a closed round exactly its stored record, for an open one
    the figures as they are now, said in the title."""
    return render_docx(round_record(s, name, overlap), out)


def render_docx(record: dict, out: Path) -> Path:
    d = base.new_document()
    title = _("Coding round: {name}").format(name=record["name"])
    if record["status"] != CLOSED:
        title += " " + _("(open)")
    base.add_heading(d, title, 0)
    if record["status"] == CLOSED:
        d.add_paragraph(_("Closed {date} by {who}; the figures below are the round's record as "
                          "it was closed.").format(date=_date(record["closed_at"]),
                                                   who=record["closed_by"] or "-"))
    else:
        d.add_paragraph(_("The round is still open; the figures are as they are now and may "
                          "change."))
    if record.get("memo"):
        d.add_paragraph(base.xml_safe(record["memo"]))

    book = record["codebook"]
    base.add_heading(d, _("Codebook version"), 1)
    if book["version"]:
        d.add_paragraph(_("{name}, frozen {date} by {who}.").format(
            name=book["version"], date=_date(book["frozen_at"]), who=book["frozen_by"] or "-"))
    else:
        d.add_paragraph(_("No codebook version was set for this round; the codebook below "
                          "is the one in use when the report was made."))
    for c in book["codes"]:
        depth = c["path"].count("/")
        p = d.add_paragraph(style="List Bullet" if depth == 0 else "List Bullet 2")
        p.add_run(c["name"]).bold = not c["codable"]
        if c.get("description"):
            p.add_run(f" – {c['description']}")

    base.add_heading(d, _("Documents ({n})").format(n=len(record["documents"])), 1)
    for doc in record["documents"]:
        d.add_paragraph(base.xml_safe(doc), style="List Bullet")
    base.add_heading(d, _("Coders"), 1)
    d.add_paragraph(", ".join(record["coders"]))
    counts = record.get("codings") or {}
    d.add_paragraph(_("Codings made in the round: {list}.").format(
        list=", ".join(f"{c} {counts.get(c, 0)}" for c in record["coders"])))

    base.add_heading(d, _("Inter-coder agreement"), 1)
    data = record.get("agreement")
    if not data:
        d.add_paragraph(_("Agreement needs at least two coders in the round."))
    else:
        _agreement_table(d, data, record["overlap"])
    return base.save_docx(d, out)


def _date(iso: str | None) -> str:
    """'2026-12-05T21:40:00Z' -> '05.12.2026'."""
    if not iso:
        return "-"
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


def _agreement_table(d, data: dict, overlap: float) -> None:
    coders = list(data["coders"])
    for line in agreement_explained(coders, overlap)[1:]:  # the coders are listed above
        d.add_paragraph(base.xml_safe(line))
    d.add_paragraph(_("Only codings made in the round count."))
    table = base.add_fitted_table(d, agreement_headers(coders),
                                  agreement_rows(data, display_path), flex=[0],
                                  right=range(1, 6))
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
