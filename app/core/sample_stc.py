"""The sample project's STC work (systematic text condensation): condensates, illustrative
quotes and a synthesis for some codes, from the reviewable file stc.json beside the sample's
transcripts, so the demo's STC report has something to show.

A meaning unit or illustrative quote is named by a piece of its text: the sample coder's
coding of that code (or a child code) whose text holds the piece. A piece found in no coding,
or in several, is an error naming it, so the file cannot drift from the codings unnoticed.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codebook import resolve_code, subtree_ids
from app.core.displays import condensation as stc
from app.errors import InvalidInput
from app.i18n import _
from app.models import Coder, Coding, Document


def add_sample_stc(s: Session, path: Path) -> int:
    """Write the STC work in `path` (if it exists) into the open transaction; returns how
    many codes got some."""
    if not path.is_file():
        return 0
    spec = json.loads(path.read_text(encoding="utf-8"))
    coder = spec["coder"]
    for entry in spec["codes"]:
        code = entry["code"]
        find = _finder(s, code, coder)
        for cond in entry.get("condensates", []):
            stc.add_condensate(s, code, cond["text"], [find(piece) for piece in cond["units"]])
        for piece in entry.get("illustrative", []):
            stc.set_illustrative(s, code, find(piece))
        if entry.get("synthesis"):
            stc.set_synthesis(s, code, entry["synthesis"])
    return len(spec["codes"])


def _finder(s: Session, code: str, coder: str):
    ids = subtree_ids(s, resolve_code(s, code).id)
    rows = s.execute(
        select(Coding.guid, Coding.start, Coding.end, Document.text)
        .join(Document, Document.id == Coding.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.code_id.in_(ids), Coder.name == coder)).all()

    def find(piece: str) -> str:
        found = [guid for guid, start, end, text in rows if piece in text[start:end]]
        if len(found) != 1:
            raise InvalidInput(_("stc.json: «{piece}» should be in exactly one coding of "
                                 "{code}; it is in {n}.").format(piece=piece, n=len(found),
                                                                 code=code))
        return found[0]

    return find
