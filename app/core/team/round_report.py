"""Word report of a coding round: the codebook version in force (with its codes), the documents,
the coders, and the inter-coder agreement table of the round."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.team.rounds import round_info
from app.core.team.summaries import number
from app.errors import InvalidInput
from app.i18n import _


def write_round_docx(s: Session, name: str, out: Path, overlap: float = 0.9) -> Path:
    import docx
    from docx.shared import Pt

    from app.core.team.agreement import agreement
    from app.core.team.versions import get_version

    info = round_info(s, name)
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(11)
    d.add_heading(_("Coding round: {name}").format(name=info.name), level=0)
    if info.memo:
        d.add_paragraph(info.memo)

    d.add_heading(_("Codebook version"), level=1)
    if info.version:
        v = get_version(s, info.version)
        d.add_paragraph(_("{name}, frozen {date} by {who}.").format(
            name=v.name, date=v.created_at.strftime("%d.%m.%Y"), who=v.created_by or "-"))
        codes = json.loads(v.snapshot)
        for c in codes:
            depth = c["path"].count("/")
            p = d.add_paragraph(style="List Bullet" if depth == 0 else "List Bullet 2")
            p.add_run(c["name"]).bold = not c["codable"]
            if c.get("description"):
                p.add_run(f" – {c['description']}")
    else:
        d.add_paragraph(_("No codebook version was set for this round."))

    d.add_heading(_("Documents ({n})").format(n=len(info.documents)), level=1)
    for doc in info.documents:
        d.add_paragraph(doc, style="List Bullet")
    d.add_heading(_("Coders"), level=1)
    d.add_paragraph(", ".join(info.coders))

    d.add_heading(_("Inter-coder agreement"), level=1)
    if len(info.coders) < 2:
        d.add_paragraph(_("Agreement needs at least two coders in the round."))
    else:
        data = agreement(s, list(info.coders), None, list(info.documents), overlap).as_json()
        d.add_paragraph(_("Coders {a} and {b} (kappa); alpha over all {n} coders; segments "
                          "match at {overlap} overlap.").format(
            a=data["coders"][0], b=data["coders"][1], n=len(data["coders"]),
            overlap=number(overlap)))
        head = [_("Code"), _("Agreement"), _("Kappa"), _("Alpha"), _("Matched"),
                _("Unmatched")]
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
    return _save(d, out)


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
