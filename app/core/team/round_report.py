"""Word report of a coding round: the codebook version in force (with its codes), the documents,
the coders, and the inter-coder agreement table of the round - a closed round's stored record,
or an open round's figures as they are now (said in the title)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.team.round_records import CLOSED, round_record
from app.core.team.summaries import number
from app.errors import InvalidInput
from app.i18n import _


def write_round_docx(s: Session, name: str, out: Path, overlap: float | None = None) -> Path:
    """The round's Word report: for a closed round exactly its stored record, for an open one
    the figures as they are now, said in the title."""
    return render_docx(round_record(s, name, overlap), out)


def render_docx(record: dict, out: Path) -> Path:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    title = _("Coding round: {name}").format(name=record["name"])
    if record["status"] != CLOSED:
        title += " " + _("(open)")
    d.add_heading(title, level=0)
    if record["status"] == CLOSED:
        d.add_paragraph(_("Closed {date} by {who}; the figures below are the round's record as "
                          "it was closed.").format(date=_date(record["closed_at"]),
                                                   who=record["closed_by"] or "-"))
    else:
        d.add_paragraph(_("The round is still open; the figures are as they are now and may "
                          "change."))
    if record.get("memo"):
        d.add_paragraph(record["memo"])

    book = record["codebook"]
    d.add_heading(_("Codebook version"), level=1)
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

    d.add_heading(_("Documents ({n})").format(n=len(record["documents"])), level=1)
    for doc in record["documents"]:
        d.add_paragraph(doc, style="List Bullet")
    d.add_heading(_("Coders"), level=1)
    d.add_paragraph(", ".join(record["coders"]))
    counts = record.get("codings") or {}
    d.add_paragraph(_("Codings made in the round: {list}.").format(
        list=", ".join(f"{c} {counts.get(c, 0)}" for c in record["coders"])))

    d.add_heading(_("Inter-coder agreement"), level=1)
    data = record.get("agreement")
    if not data:
        d.add_paragraph(_("Agreement needs at least two coders in the round."))
    else:
        _agreement_table(d, data, record["overlap"])
    return _save(d, out)


def _date(iso: str | None) -> str:
    """'2026-12-05T21:40:00Z' -> '05.12.2026'."""
    if not iso:
        return "-"
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


def _agreement_table(d, data: dict, overlap: float) -> None:
    d.add_paragraph(_("Coders {a} and {b} (kappa); alpha over all {n} coders; segments "
                      "match at {overlap} overlap; only codings made in the round count.").format(
        a=data["coders"][0], b=data["coders"][1], n=len(data["coders"]),
        overlap=number(overlap)))
    head = [_("Code"), _("Agreement"), _("Kappa"), _("Alpha"), _("Matched"), _("Unmatched")]
    table = d.add_table(rows=1, cols=len(head))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    rows = data["codes"] + [{"code": _("Overall"), **data["overall"]}]
    for r in rows:
        cells = table.add_row().cells
        values = (r["code"], number(r.get("percent_agreement"), True),
                  number(r.get("kappa")), number(r.get("alpha")),
                  str(r.get("segments_matched", "")), str(r.get("segments_unmatched", "")))
        for cell, text in zip(cells, values):
            cell.text = text
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _save(d, out: Path) -> Path:
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {folder} does not exist.").format(folder=out.parent))
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".sitat-", suffix=".docx")
    os.close(fd)
    try:
        d.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=out.name, reason=exc.strerror or exc)) from exc
    return out
