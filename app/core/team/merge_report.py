"""The result of a merge: counts, conflicts with a translated message each, and the backup."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

COUNTS = ("documents_added", "documents_matched", "documents_edited", "codes_added",
          "coders_added", "attributes_added", "attribute_values_added", "memos_added",
          "codings_added", "codings_duplicate", "codings_reanchored", "codings_unplaced",
          "code_events_added")


@dataclass
class SourceCounts:
    """The counts for one source file (the report sums them)."""

    path: str
    documents_added: int = 0
    documents_matched: int = 0
    documents_edited: int = 0
    codes_added: int = 0
    coders_added: int = 0
    attributes_added: int = 0
    attribute_values_added: int = 0
    memos_added: int = 0
    codings_added: int = 0
    codings_duplicate: int = 0
    codings_reanchored: int = 0
    codings_unplaced: int = 0
    code_events_added: int = 0  # code operations from the source's log (e.g. a coder copy)
    conflicts: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The source's file name, as messages show it."""
        return Path(self.path).name

    def conflict(self, kind: str, message: str, **where) -> None:
        """Record a conflict: what kind, where (document, code, coder, attribute ...) and a
        message for people (already translated)."""
        self.conflicts.append({"kind": kind, "source": self.name, **where, "message": message})

    def as_json(self) -> dict:
        return {"path": self.path, **{k: getattr(self, k) for k in COUNTS},
                "conflicts": len(self.conflicts)}


@dataclass
class MergeReport:
    """What a merge did (or, for a dry run, would do).

    `codings_added` counts every coding written, `codings_reanchored` those of them that were
    moved onto the edited text of a document (a subset), `codings_duplicate` those already
    present, `codings_unplaced` those that could not be placed (each is also a conflict).
    """

    sources: list[str]
    dry_run: bool
    backup: str | None = None
    per_source: list[SourceCounts] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.per_source)

    @property
    def conflicts(self) -> list[dict]:
        return [x for c in self.per_source for x in c.conflicts]

    def __getattr__(self, name: str):
        if name in COUNTS:
            return self.total(name)
        raise AttributeError(name)

    def as_json(self) -> dict:
        return {**{k: self.total(k) for k in COUNTS}, "conflicts": self.conflicts,
                "backup": self.backup, "sources": list(self.sources), "dry_run": self.dry_run,
                "per_source": [c.as_json() for c in self.per_source]}
