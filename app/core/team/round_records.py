"""Closing a round as a record: its agreement figures (counting only the round's codings),
codebook snapshot, documents and coders, stored once when the round is closed and shown from
then on exactly as stored; an open round's figures are computed live."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.team.agreement import check_overlap, agreement
from app.core.team.provenance import iso_utc
from app.core.team.rounds import RoundInfo, get_round, round_info
from app.errors import InvalidInput
from app.i18n import _
from app.models import Coder, Coding, utcnow

OPEN, CLOSED = "open", "closed"


def _codebook(s: Session, info: RoundInfo) -> dict:
    """The round's codebook: its frozen version's snapshot, else the codebook now."""
    from app.core.team.versions import get_version, snapshot

    if info.version:
        v = get_version(s, info.version)
        return {"version": v.name, "frozen_at": iso_utc(v.created_at),
                "frozen_by": v.created_by or "", "codes": json.loads(v.snapshot)}
    return {"version": None, "frozen_at": None, "frozen_by": None, "codes": snapshot(s)}


def _codings_per_coder(s: Session, round_id: int) -> dict[str, int]:
    return {name: int(n) for name, n in s.execute(
        select(Coder.name, func.count()).join(Coding, Coding.coder_id == Coder.id)
        .where(Coding.round_id == round_id).group_by(Coder.name).order_by(Coder.name))}


def build_record(s: Session, info: RoundInfo, overlap: float = 0.9) -> dict:
    """The round as it stands now (figures from its own codings only)."""
    r = get_round(s, info.name)
    overlap = check_overlap(overlap)
    figures = None
    if len(info.coders) >= 2:
        figures = agreement(s, list(info.coders), None, list(info.documents), overlap,
                            round_name=info.name).as_json()
    return {
        "name": info.name, "guid": info.guid, "memo": info.memo,
        "status": CLOSED if info.closed else OPEN,
        "created_at": iso_utc(r.created_at), "closed_at": iso_utc(info.closed_at),
        "closed_by": info.closed_by,
        "documents": list(info.documents), "coders": list(info.coders),
        "codings": _codings_per_coder(s, r.id),
        "codebook": _codebook(s, info), "overlap": overlap, "agreement": figures,
    }


def close_round(s: Session, name: str, overlap: float = 0.9) -> RoundInfo:
    """Close a round as a record (caller's transaction): its agreement figures (only the
    round's codings), codebook snapshot, documents and coders are stored as they are now, with
    who closed it and when. From then on no new coding gets this round. Closing twice is
    refused."""
    r = get_round(s, name)
    if r.closed_at is not None:
        raise InvalidInput(_("The round {name} was closed on {date} by {who}; a closed round "
                             "cannot be closed again.").format(
            name=r.name, date=iso_utc(r.closed_at), who=r.closed_by or "-"))
    r.closed_at, r.closed_by = utcnow().replace(microsecond=0), codelog.current_actor()
    record = build_record(s, round_info(s, r.name), overlap)
    r.record = json.dumps(record, ensure_ascii=False, sort_keys=True)
    s.flush()
    return round_info(s, r.name)


def round_record(s: Session, name: str, overlap: float | None = None) -> dict:
    """A closed round's stored record, exactly; an open round's figures computed now
    (status "open"). Asking a closed round for another overlap than it was closed with is
    refused: its figures are a record."""
    r = get_round(s, name)
    if r.closed_at is not None and r.record:
        record = json.loads(r.record)
        if overlap is not None and abs(float(overlap) - float(record["overlap"])) > 1e-9:
            raise InvalidInput(_("The round {name} was closed with the figures at {overlap} "
                                 "overlap; a closed round's figures are a record and are not "
                                 "computed again.").format(name=name,
                                                           overlap=record["overlap"]))
        return record
    return build_record(s, round_info(s, name), 0.9 if overlap is None else overlap)
