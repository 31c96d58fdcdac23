"""A plain summary of a project (documents, words, codings per coder and code, and passages per
code in an analysis scope) for the CLI and the demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.codebook import code_paths, ordered_codes
from app.core.documents import list_documents
from app.core.project import Project
from app.i18n import _
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
            _("{docs} documents, {words} words, {chars} characters.").format(
                docs=self.documents, words=f"{self.words:,}".replace(",", "\u00a0"),
                chars=f"{self.characters:,}".replace(",", "\u00a0")),
            "",
            _("Codings per coder:"),
        ]
        lines += [f"  {name}: {n}" for name, n in self.coders.items()]
        for attr, values in self.attributes.items():
            lines += ["", _("Documents by {attribute}:").format(attribute=attr)]
            lines += [f"  {value}: {n}" for value, n in values.items()]
        coders = list(self.coders)
        lines += ["", _("Codes: codings per coder ({coders}) and passages").format(
            coders=", ".join(coders)) + ":"]
        if self.scope.get("description"):
            lines.append("  " + _("Passages: {description}").format(
                description=self.scope["description"]))
        width = max((len(c["path"]) for c in self.codes), default=10)
        for c in self.codes:
            counts = "  ".join(f"{c['by_coder'].get(k, 0):>4}" for k in coders)
            lines.append(f"  {c['path']:<{width}}  {counts}  {c.get('passages', 0):>5}")
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
    attributes = {k: dict(sorted(v.items())) for k, v in attributes.items()}
    return ProjectReport(project.title, project.id, len(docs), sum(d.chars for d in docs), words,
                         coders, codes, attributes, resolved.as_json())
