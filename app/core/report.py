"""A plain summary of a project (documents, words, codings per coder and code, and passages per
code in an analysis scope) for the CLI and the demo.

Attributes are summarised by what they are: one that groups documents (a choice, or a text
with few values) by its values with counts; dates and numbers by their range; a text that
differs from document to document by how many values it has."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.codebook import code_paths, ordered_codes
from app.core.documents import list_documents
from app.core.project import Project
from app.core import attributes as attrs
from app.i18n import _, counts, n_
from app.i18n.numbers import number
from app.models import Coder, Coding, Document


@dataclass
class ProjectReport:
    title: str
    project_id: str
    documents: int
    characters: int
    words: int
    coders: dict[str, int]
    codes: list[dict] = field(default_factory=list)
    attributes: dict[str, dict[str, int]] = field(default_factory=dict)
    scope: dict = field(default_factory=dict)  # the scope the passages are counted in
    types: dict[str, str] = field(default_factory=dict)  # attribute -> text/choice/date/number

    def as_json(self) -> dict:
        return {
            "title": self.title, "id": self.project_id, "documents": self.documents,
            "characters": self.characters, "words": self.words, "codings_per_coder": self.coders,
            "codes": self.codes, "attributes": self.attributes, "scope": self.scope,
        }

    def as_text(self) -> str:
        lines = [
            self.title,
            "=" * len(self.title),
            _("{documents}, {words}, {characters}.").format(
                documents=counts.documents(self.documents), words=counts.words(self.words),
                characters=counts.characters(self.characters)),
            "",
            _("Codings per coder:"),
        ]
        lines += [f"  {name}: {number(n)}" for name, n in self.coders.items()]
        for attr, values in self.attributes.items():
            lines += [""] + attribute_lines(attr, self.types.get(attr, "text"), values,
                                            self.documents)
        coders = list(self.coders)
        lines += ["", _("Codes: codings per coder ({coders}) and passages").format(
            coders=", ".join(coders)) + ":"]
        if self.scope.get("description"):
            lines.append("  " + _("Scope: {description}").format(
                description=self.scope["description"]))
        width = max((len(c["path"]) for c in self.codes), default=10)
        for c in self.codes:
            figures = "  ".join(f"{c['by_coder'].get(k, 0):>4}" for k in coders)
            lines.append(f"  {c['path']:<{width}}  {figures}  {c.get('passages', 0):>5}")
        return "\n".join(lines)


def project_report(project: Project, scope=None,
                   coders: list[str] | None = None) -> ProjectReport:
    """The summary; passages per code (each code on its own, without its children) are
    counted in `scope` (a kind or an AnalysisScope; default segments) narrowed to `coders`."""
    from app.core.scope import AnalysisScope, passage_counts

    with project.read() as s:
        if not isinstance(scope, AnalysisScope):
            scope = AnalysisScope.of(scope, coders)
        elif coders:
            scope = AnalysisScope(scope.kind, tuple(coders), scope.round)
        resolved = scope.resolve(s)
        per_code: dict[int, int] = {}
        for (_doc, code_id), n in passage_counts(s, resolved).items():
            per_code[code_id] = per_code.get(code_id, 0) + n
        docs = list_documents(s)
        words = sum(len(t.split()) for t in s.scalars(select(Document.text)))
        coders = dict(
            s.execute(
                select(Coder.name, func.count(Coding.id))
                .join(Coding, Coding.coder_id == Coder.id, isouter=True)
                .group_by(Coder.id).order_by(Coder.name)
            ).all()
        )
        by_code: dict[int, dict[str, int]] = {}
        for code_id, coder, n in s.execute(
            select(Coding.code_id, Coder.name, func.count())
            .join(Coder, Coder.id == Coding.coder_id)
            .group_by(Coding.code_id, Coder.name)
        ):
            by_code.setdefault(code_id, {})[coder] = n
        paths = code_paths(s)
        codes = [
            {"path": paths[c.id], "codable": c.codable, "by_coder": by_code.get(c.id, {}),
             "passages": per_code.get(c.id, 0)}
            for c in ordered_codes(s)
        ]
    attributes: dict[str, dict[str, int]] = {}
    for d in docs:
        for k, v in d.attributes.items():
            attributes.setdefault(k, {})
            attributes[k][v] = attributes[k].get(v, 0) + 1
    with project.read() as s:
        defined = attrs.definitions(s)
        types = {d.name: d.type for d in defined}
        order = {d.name: i for i, d in enumerate(defined)}
        attributes = {k: {v: values[v] for v in _value_order(defined, k, values)}
                      for k, values in sorted(attributes.items(), key=lambda kv: (
                          order.get(kv[0], len(order)), kv[0]))}
    return ProjectReport(project.title, project.id, len(docs), sum(d.chars for d in docs), words,
                         coders, codes, attributes, resolved.as_json(), types)


GROUPING = 12  # a text attribute with at most this many values (and repeats) groups documents


def attribute_lines(name: str, type_: str, values: dict[str, int], documents: int) -> list[str]:
    """The summary of one attribute: values with counts, a range, or how many values."""
    have = sum(values.values())
    missing = documents - have
    tail = ([_("  (no value): {documents}").format(documents=counts.documents(missing))]
            if missing > 0 else [])
    keys = list(values)
    if type_ in ("date", "number") and keys:
        ordered = sorted(keys, key=_sort_key(type_))
        low, high = ordered[0], ordered[-1]
        if type_ == "number":
            low, high = number(_as_number(low)), number(_as_number(high))
        span = low if low == high else _("{low} to {high}").format(low=low, high=high)
        return [_("{attribute}: {span} ({documents}).").format(
            attribute=name, span=span, documents=counts.documents(have))] + tail
    groups = type_ == "choice" or (len(keys) <= GROUPING and len(keys) < have)
    if not groups:
        return [n_("{attribute}: {n} different value ({documents}).",
                   "{attribute}: {n} different values ({documents}).", len(keys)).format(
            attribute=name, n=len(keys), documents=counts.documents(have))] + tail
    width = max((len(k) for k in keys), default=0)
    return ([_("Documents by {attribute}:").format(attribute=name)]
            + [f"  {k:<{width}}  {number(n):>4}" for k, n in values.items()] + tail)


def _as_number(text: str):
    value = float(text)
    return int(value) if value.is_integer() else value


def _sort_key(type_: str):
    return (lambda v: _as_number(v)) if type_ == "number" else (lambda v: v)


def _value_order(defined, name: str, values: dict[str, int]) -> list[str]:
    """Values in the attribute's order (choices as defined, numbers by size, else
    alphabetical)."""
    d = next((d for d in defined if d.name == name), None)
    return attrs.value_order(d, values) if d is not None else sorted(values)
