"""The axes of a matrix display (codes with roll-up by level, documents, attribute values,
coders) and the filters that choose its documents, coders and codes. Attribute names and values
are compared in NFC, so a value typed with combining accents finds the stored one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.attribute_filter import filter_values
from app.core.codebook import code_paths, resolve_code, subtree_ids
from app.core.lookup import nfc, suggestion
from app.core.scope import AnalysisScope, ResolvedScope
from app.core.team.rounds import round_info
from app.errors import NotFound
from app.i18n import _
from app.models import AttributeDefinition, AttributeValue, Code, Coder, Document

AXES = ("codes", "documents", "coders")
NO_VALUE = ""  # attribute-axis key of documents without a value (stored values are never "")


@dataclass
class Scope:
    """What the filters leave to count: documents, coders and codes (None: no restriction),
    and the analysis scope (which codings, united into passages or not; its coders and round
    are the coder and round filters)."""

    docs: dict[int, str]  # the filtered documents: id -> name
    doc_ids: set[int] | None  # None: every document
    coder_ids: set[int] | None
    code_ids: set[int] | None
    coders: dict[int, str]  # every coder: id -> name
    filters: dict
    analysis: ResolvedScope


# -- axes: key(code, document, coder) -> row/column key; keys(present) in display order ------
class _Axis:
    need = ""  # the coding column the key is computed from

    def group(self, key) -> set[int] | None:
        """The documents behind a key (document axes); None: all filtered documents."""
        return None


class Codes(_Axis):
    need = "code"

    def __init__(self, s: Session, scope: Scope, level: int | None, roll_up: bool):
        self.paths = code_paths(s)
        self.order = {cid: i for i, cid in enumerate(self.paths)}
        info = {r.id: (r.parent_id, r.codable) for r in
                s.execute(select(Code.id, Code.parent_id, Code.codable))}
        depth: dict[int, int] = {}
        for cid in self.paths:  # parents come before their children
            depth[cid] = depth.get(info[cid][0], 0) + 1
        members = set(self.paths) if scope.code_ids is None else scope.code_ids & set(self.paths)
        self.map: dict[int, int] = {}
        for cid in members:
            target = cid
            if level is not None and roll_up:
                while depth[target] > level:
                    target = info[target][0]
            self.map[cid] = target
        self.base = {self.map[c] for c in members if info[c][1]}

    def key(self, code_id, doc_id, coder_id):
        return self.map.get(code_id)

    def keys(self, present: set, as_rows: bool) -> list:
        return sorted(self.base | present, key=self.order.__getitem__)

    def label(self, key) -> str:
        return self.paths[key]


class _Documents(_Axis):
    need = "doc"

    def __init__(self, scope: Scope):
        self.names = scope.docs

    def key(self, code_id, doc_id, coder_id):
        return doc_id

    def keys(self, present: set, as_rows: bool) -> list:
        keys = present if as_rows else set(self.names) | present
        return sorted(keys, key=lambda k: (self.names.get(k, ""), k))

    def label(self, key) -> str:
        return self.names.get(key, "")

    def group(self, key) -> set[int]:
        return {key}


class _Attribute(_Axis):
    need = "doc"

    def __init__(self, s: Session, d: AttributeDefinition, scope: Scope):
        self.d = d
        q = select(AttributeValue.document_id, AttributeValue.value).where(
            AttributeValue.attribute_id == d.id)
        self.values = {doc: nfc(v) for doc, v in s.execute(q) if doc in scope.docs}
        self.groups: dict[str, set[int]] = {}
        for doc in scope.docs:
            self.groups.setdefault(self.values.get(doc, NO_VALUE), set()).add(doc)

    def key(self, code_id, doc_id, coder_id):
        return self.values.get(doc_id, NO_VALUE)

    def keys(self, present: set, as_rows: bool) -> list:
        keys = present if as_rows else set(self.groups) | present
        return attrs.value_order(self.d, keys)

    def label(self, key) -> str:
        return key if key != NO_VALUE else _("(none)")

    def group(self, key) -> set[int]:
        return self.groups.get(key, set())


class _Coders(_Axis):
    need = "coder"

    def __init__(self, scope: Scope):
        self.names = scope.coders
        self.base = set(scope.coders) if scope.coder_ids is None else scope.coder_ids

    def key(self, code_id, doc_id, coder_id):
        return coder_id

    def keys(self, present: set, as_rows: bool) -> list:
        return sorted(self.base | present, key=lambda k: (self.names.get(k, "").casefold(), k))

    def label(self, key) -> str:
        return self.names.get(key, "")


def make_axis(s: Session, spec: str, scope: Scope, level: int | None, roll_up: bool):
    """The axis named by `spec`: "codes", "documents", "coders" or an attribute name."""
    spec = (spec or "").strip()
    if spec == "codes":
        return Codes(s, scope, level, roll_up)
    if spec == "documents":
        return _Documents(scope)
    if spec == "coders":
        return _Coders(scope)
    d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == spec))
    if d is None:
        names = list(s.scalars(select(AttributeDefinition.name))) + list(AXES)
        raise NotFound(_("There is no attribute named {name}.").format(name=spec)
                       + suggestion(spec, names))
    return _Attribute(s, d, scope)


# -- filters ---------------------------------------------------------------------------------
def make_scope(s: Session, coders: list[str] | None, where: dict[str, str] | None,
               codes: list[str] | None, round_name: str | None,
               kind: str | None = None) -> Scope:
    """Resolve the filters and the analysis scope `kind` (segments when None); unknown names
    raise NotFound with a did-you-mean. A round keeps its documents and coders and, of their
    codings, those made in it."""
    names = dict(s.execute(select(Document.id, Document.name)).all())
    all_coders = dict(s.execute(select(Coder.id, Coder.name)).all())
    filters: dict = {}
    doc_ids: set[int] | None = None
    round_coders: set[int] | None = None
    if round_name is not None:
        info = round_info(s, round_name)
        by_name = {n: i for i, n in names.items()}
        doc_ids = {by_name[n] for n in info.documents if n in by_name}
        in_round = set(info.coders)
        round_coders = {i for i, n in all_coders.items() if n in in_round}
        filters["round"] = round_name = info.name
    analysis = AnalysisScope.of(kind, coders, round_name).resolve(s)
    if coders:
        filters["coders"] = list(dict.fromkeys(  # as stored, however they were typed
            n for n in (_stored(s, c) for c in coders)))
    analysis = analysis.narrowed(round_coders)
    if where:
        clean: dict[str, str] = {}
        for name, raw in where.items():
            # canonical for the type; a text value ignoring case when not stored as typed
            d, values = filter_values(s, name, str(raw))
            clean[d.name] = values[0]
            have = {doc for doc, stored in s.execute(
                select(AttributeValue.document_id, AttributeValue.value).where(
                    AttributeValue.attribute_id == d.id)) if nfc(stored) in values}
            doc_ids = have if doc_ids is None else doc_ids & have
        filters["where"] = clean
    code_ids: set[int] | None = None
    if codes:
        code_ids, shown = set(), []
        paths = code_paths(s)
        for ref in codes:
            code = resolve_code(s, ref)
            code_ids |= subtree_ids(s, code.id)
            shown.append(paths.get(code.id, ref))
        filters["codes"] = shown
    docs = names if doc_ids is None else {i: n for i, n in names.items() if i in doc_ids}
    coder_ids = set(analysis.coder_ids) if analysis.coder_ids is not None else None
    return Scope(docs, doc_ids, coder_ids, code_ids, all_coders, filters, analysis)


def _stored(s: Session, name: str) -> str:
    from app.core.lookup import get_coder

    return get_coder(s, name).name
