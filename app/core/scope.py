"""The analysis scope of every count, display and export: which codings it rests on and the
passages it counts, so that no passage is counted or printed twice by accident.

A passage is one stretch of one document coded with one code. The scopes:

- `segments` (the default): the overlapping codings of a code by the coders in scope are
  united into one passage (s < e' and s' < e; codings that merely touch stay apart), which
  lists its coders, coding guids, memos and valence;
- `consensus`: the same, over the consensus coder's codings (coders named like
  `app.core.team.review.DEFAULT_CONSENSUS`, or the coders given);
- `codings`: every coding is a passage of its own (a passage coded by two coders counts
  twice, once per coder).

`coders` narrows any scope to those coders, `round` to the codings made in that round.
`passages` and `passage_counts` read the codings with one query per call (passage counts
from one row per document and code, the spans packed into one string by the database) and
unite them in Python per document and code, in start order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from sqlalchemy import BigInteger, String, cast, func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import CodebookVersion, Coder, Coding, Round

SEGMENTS, CONSENSUS, CODINGS = "segments", "consensus", "codings"
SCOPE_KINDS = (SEGMENTS, CONSENSUS, CODINGS)
MIXED = "mixed"  # the valence of a passage whose coders set different ones
_SHIFT, _LOW = 1 << 32, (1 << 32) - 1  # a span packed into one number: start * _SHIFT + end


def scope_label(kind: str) -> str:
    """A scope's short name, for lists to choose from."""
    return {SEGMENTS: _("passages (united across coders)"), CONSENSUS: _("consensus"),
            CODINGS: _("every coding")}.get(kind, kind)


def describe_scope(kind: str, coders: Iterable[str] = (), round: str | None = None) -> str:
    """The scope in a sentence, as tables, displays and Word files print it."""
    coders = list(coders)
    parts = [{SEGMENTS: _("Passages: overlapping codings of one code by different coders "
                          "count once"),
              CONSENSUS: _("Consensus: the consensus coder's codings"),
              CODINGS: _("Every coding: a passage coded by several coders counts once per "
                         "coder")}[kind]]
    if kind == CONSENSUS:
        parts.append(_("consensus coder: {names}").format(names=", ".join(coders) or "-"))
    elif coders:
        parts.append(_("coders: {names}").format(names=", ".join(coders)))
    else:
        parts.append(_("all coders"))
    if round:
        parts.append(_("only codings made in round {name}").format(name=round))
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class AnalysisScope:
    """What a count or listing rests on: `kind` (segments, consensus or codings), the coders
    it is narrowed to (names as typed; none: every coder) and the round whose codings it
    takes (None: every coding)."""

    kind: str = SEGMENTS
    coders: tuple[str, ...] = ()
    round: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise InvalidInput(_("Unknown scope {kind}; use one of: {kinds}.").format(
                kind=self.kind, kinds=", ".join(SCOPE_KINDS)))
        object.__setattr__(self, "coders", tuple(self.coders or ()))

    @classmethod
    def of(cls, kind: str | None = None, coders: Iterable[str] | None = None,
           round: str | None = None) -> "AnalysisScope":
        """A scope from loose arguments (the CLI's flags): no kind means segments."""
        return cls((kind or SEGMENTS).strip().lower(), tuple(coders or ()), round or None)

    @property
    def unites(self) -> bool:
        return self.kind != CODINGS

    def describe(self) -> str:
        return describe_scope(self.kind, self.coders, self.round)

    def resolve(self, s: Session) -> "ResolvedScope":
        """The scope with its coders and round found in the project (NotFound, with a
        did-you-mean, for a name that is not there)."""
        from app.core.lookup import get_coder

        coder_ids: frozenset[int] | None = None
        names: tuple[str, ...] = ()
        if self.coders:
            found = {c.id: c.name for c in (get_coder(s, n) for n in self.coders)}
            coder_ids, names = frozenset(found), _sorted_names(found.values())
        elif self.kind == CONSENSUS:
            found = consensus_coders(s)
            if not found:
                from app.core.team.review import DEFAULT_CONSENSUS

                raise NotFound(_("This project has no consensus coder (a coder named {name}). "
                                 "Build the consensus first, or name the consensus coder with "
                                 "--coder.").format(name=DEFAULT_CONSENSUS))
            coder_ids, names = frozenset(found), _sorted_names(found.values())
        round_id = None
        round_name = None
        if self.round:
            from app.core.team.rounds import get_round

            r = get_round(s, self.round)
            round_id, round_name = r.id, r.name
        return ResolvedScope(self.kind, coder_ids, names, round_name, round_id)


def consensus_coders(s: Session) -> dict[int, str]:
    """The coders named like the default consensus coder ("Konsensus", "Konsensus 2" ...)."""
    from app.core.lookup import nfc
    from app.core.team.review import DEFAULT_CONSENSUS

    stem = DEFAULT_CONSENSUS.casefold()
    return {i: n for i, n in s.execute(select(Coder.id, Coder.name))
            if nfc(n).casefold().startswith(stem)}


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names), key=lambda n: (n.casefold(), n)))


@dataclass(frozen=True)
class ResolvedScope:
    """An `AnalysisScope` found in one project: coder ids (None: every coder) and names as
    stored, and the round's id."""

    kind: str
    coder_ids: frozenset[int] | None
    coders: tuple[str, ...]
    round: str | None = None
    round_id: int | None = None

    @property
    def unites(self) -> bool:
        return self.kind != CODINGS

    def describe(self) -> str:
        return describe_scope(self.kind, self.coders, self.round)

    def as_json(self) -> dict:
        out = {"kind": self.kind, "coders": list(self.coders), "description": self.describe()}
        if self.round:
            out["round"] = self.round
        return out

    def restrict(self, q, coding=Coding):
        """`q` narrowed to the scope's coders and round."""
        if self.coder_ids is not None:
            q = q.where(coding.coder_id.in_(sorted(self.coder_ids)))
        if self.round_id is not None:
            q = q.where(coding.round_id == self.round_id)
        return q

    def narrowed(self, coder_ids: set[int] | None) -> "ResolvedScope":
        """This scope with its coders narrowed further (a round's coders, say)."""
        if coder_ids is None:
            return self
        ids = set(coder_ids) if self.coder_ids is None else self.coder_ids & set(coder_ids)
        return ResolvedScope(self.kind, frozenset(ids), self.coders, self.round, self.round_id)


def resolve(s: Session, scope: "AnalysisScope | ResolvedScope | None") -> ResolvedScope:
    """Any scope (None: segments over every coder) found in the project."""
    if isinstance(scope, ResolvedScope):
        return scope
    return (scope or AnalysisScope()).resolve(s)


# -- passages --------------------------------------------------------------------------------
@dataclass(slots=True)
class Passage:
    """One passage: its document, code (after roll-up when asked), span, coders and codings;
    with `details`, also coder names, guids, memos and the codings' rounds and versions."""

    document_id: int
    code_id: int
    start: int
    end: int
    coder_ids: tuple[int, ...]
    coding_ids: tuple[int, ...]
    valence: int | str | None = None  # +1, -1, None (not set) or MIXED
    coders: tuple[str, ...] = ()
    guids: tuple[str, ...] = ()
    memo: str = ""
    rounds: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    code_ids: tuple[int, ...] = field(default=())  # the codes of its codings (before roll-up)


def passage_valence(values: Iterable[int | None]) -> int | str | None:
    """The common valence of a passage's codings: the value all set ones agree on, MIXED when
    they disagree, None when none is set."""
    found = {v for v in values if v}
    if not found:
        return None
    return found.pop() if len(found) == 1 else MIXED


def _span_groups(members: list[tuple], unite: bool) -> Iterator[tuple[list[tuple], int]]:
    """Members (start, end, ...) of one document and code sorted by start: the groups that
    form one passage each, with the passage's end."""
    if not unite:
        for m in members:
            yield [m], m[1]
        return
    group: list[tuple] | None = None
    hi = -1
    for m in members:
        if group is not None and m[0] < hi:
            group.append(m)
            if m[1] > hi:
                hi = m[1]
            continue
        if group is not None:
            yield group, hi
        group, hi = [m], m[1]
    if group is not None:
        yield group, hi


def _where(q, r: ResolvedScope, code_ids, doc_ids):
    q = r.restrict(q)
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(sorted(code_ids)))
    if doc_ids is not None:
        q = q.where(Coding.document_id.in_(sorted(doc_ids)))
    return q


def _packed(s: Session, r: ResolvedScope, code_ids, doc_ids, fields: list) -> Iterator[tuple]:
    """(document id, code id, [values of `fields` of every coding, in order]) per document
    and code: one row per pair, the numbers packed into one string by the database."""
    text = None
    for col in fields:
        part = cast(col, String)
        text = part if text is None else text + " " + part
    q = _where(select(Coding.document_id, Coding.code_id, func.aggregate_strings(text, " "))
               .group_by(Coding.document_id, Coding.code_id), r, code_ids, doc_ids)
    for doc_id, code_id, packed in s.connection().execute(q):
        yield doc_id, code_id, list(map(int, packed.split()))


def passage_counts(s: Session, scope=None, *, code_ids: set[int] | None = None,
                   doc_ids: set[int] | None = None,
                   code_map: dict[int, int] | None = None) -> dict[tuple[int, int], int]:
    """(document id, code id) -> number of passages in `scope`, for codes in `code_ids` and
    documents in `doc_ids` (None: all); with `code_map` (code -> code it is counted under,
    codes missing from it left out) the passages of codes counted under one code are united
    as one code's."""
    r = resolve(s, scope)
    if not r.unites:
        q = _where(select(Coding.document_id, Coding.code_id, func.count())
                   .group_by(Coding.document_id, Coding.code_id), r, code_ids, doc_ids)
        out: dict[tuple[int, int], int] = {}
        for doc_id, code_id, n in s.execute(q):
            key = (doc_id, code_id if code_map is None else code_map.get(code_id))
            if key[1] is not None:
                out[key] = out.get(key, 0) + n
        return out
    # start and end packed into one number (start * 2**32 + end) sort as (start, end) pairs;
    # 64-bit arithmetic (PostgreSQL's integer is 32 bits)
    packed = cast(Coding.start, BigInteger) * _SHIFT + Coding.end
    rows = _packed(s, r, code_ids, doc_ids, [packed])
    if code_map is not None and all(k == v for k, v in code_map.items()):
        rows = (row for row in rows if row[1] in code_map)  # no roll-up: codes on their own
    elif code_map is not None:
        spans: dict[tuple[int, int], list[int]] = {}
        for doc_id, code_id, values in rows:
            target = code_map.get(code_id)
            if target is not None:
                spans.setdefault((doc_id, target), []).extend(values)
        rows = ((doc_id, code_id, values) for (doc_id, code_id), values in spans.items())
    out = {}
    for doc_id, code_id, values in rows:
        values.sort()
        n, hi = 0, -1
        for x in values:
            if x >> 32 >= hi:  # starts at or after every earlier one's end: a new passage
                n += 1
                hi = x & _LOW
            elif x & _LOW > hi:
                hi = x & _LOW
        out[(doc_id, code_id)] = n
    return out


def passages(s: Session, scope=None, *, code_ids: set[int] | None = None,
             doc_ids: set[int] | None = None, code_map: dict[int, int] | None = None,
             details: bool = False) -> list[Passage]:
    """The passages of `scope` for codes in `code_ids` and documents in `doc_ids` (None: all),
    in document id, code id and text order. `code_map` as in `passage_counts`. With
    `details`, each passage also carries its coders' names, its codings' guids, memos
    (distinct, joined by a blank line) and the names of their rounds and codebook versions."""
    r = resolve(s, scope)
    cols = [Coding.start, Coding.end, Coding.coder_id, func.coalesce(Coding.valence, 0),
            Coding.id, Coding.code_id]
    groups: dict[tuple[int, int], list[tuple]] = {}
    extra: dict[int, tuple] = {}
    if details:
        q = _where(select(Coding.document_id, *cols, Coding.guid, Coding.memo,
                          Coding.round_id, Coding.codebook_version_id), r, code_ids, doc_ids)
        for row in s.execute(q):
            target = row[6] if code_map is None else code_map.get(row[6])
            if target is not None:
                groups.setdefault((row[0], target), []).append(tuple(row[1:7]))
                extra[row[5]] = tuple(row[7:])
    else:
        for doc_id, code_id, values in _packed(s, r, code_ids, doc_ids, cols[:5]):
            target = code_id if code_map is None else code_map.get(code_id)
            if target is None:
                continue
            members = groups.setdefault((doc_id, target), [])
            members.extend(zip(values[0::5], values[1::5], values[2::5], values[3::5],
                               values[4::5], [code_id] * (len(values) // 5)))
    names = _names(s, details, extra)
    out: list[Passage] = []
    for (doc_id, code_id) in sorted(groups):
        members = groups[(doc_id, code_id)]
        members.sort()
        for group, hi in _span_groups(members, r.unites):
            out.append(_passage(doc_id, code_id, group, hi, extra, names))
    return out


def _names(s: Session, details: bool, extra: dict[int, tuple]) -> dict[str, dict]:
    if not details:
        return {}
    coders = dict(s.execute(select(Coder.id, Coder.name)).all())
    rounds = {i: (pos, n) for i, n, pos in s.execute(select(Round.id, Round.name,
                                                            Round.position))}
    versions = {i: (str(at), n) for i, n, at in s.execute(
        select(CodebookVersion.id, CodebookVersion.name, CodebookVersion.created_at))}
    return {"coders": coders, "rounds": rounds, "versions": versions}


def _passage(doc_id: int, code_id: int, group: list[tuple], hi: int, extra: dict,
             names: dict) -> Passage:
    first = group[0]
    if len(group) == 1:
        p = Passage(doc_id, code_id, first[0], hi, (first[2],), (first[4],),
                    first[3] or None, code_ids=(first[5],))
    else:
        coders, values, codes = set(), set(), set()
        for m in group:
            coders.add(m[2])
            codes.add(m[5])
            if m[3]:
                values.add(m[3])
        valence = None if not values else values.pop() if len(values) == 1 else MIXED
        p = Passage(doc_id, code_id, first[0], hi, tuple(sorted(coders)),
                    tuple(m[4] for m in group), valence, code_ids=tuple(sorted(codes)))
    if names:
        coders = names["coders"]
        p.coders = _sorted_names(coders.get(i, "") for i in p.coder_ids)
        info = [extra[i] for i in p.coding_ids]
        p.guids = tuple(x[0] for x in info)
        memos: list[str] = []
        for x in info:
            memo = (x[1] or "").strip()
            if memo and memo not in memos:
                memos.append(memo)
        p.memo = "\n\n".join(memos)
        p.rounds = _ordered(names["rounds"], (x[2] for x in info))
        p.versions = _ordered(names["versions"], (x[3] for x in info))
    return p


def _ordered(known: dict[int, tuple], ids: Iterable[int | None]) -> tuple[str, ...]:
    """The names of the distinct ids, in their order (round position, version date)."""
    found = {known[i] for i in ids if i is not None and i in known}
    return tuple(n for _k, n in sorted(found))
