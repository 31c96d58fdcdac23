"""Matrix displays saved by name in the project: their specification (rows, columns, cell kind,
filters), so a report writer can reopen the same display later."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.lookup import suggestion
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import SavedDisplay


@dataclass(frozen=True)
class DisplaySpec:
    """What a matrix display shows: its axes, its cell kind and its filters. The CLI, the
    displays window and saved displays all go through this one type."""

    rows: str = "codes"
    cols: str = "documents"
    cell: str = "count"
    coders: tuple[str, ...] = ()
    where: dict[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    round: str | None = None
    level: int | None = None
    roll_up: bool = True
    scope: str | None = None  # segments (None: older saved displays), consensus or codings
    # Code sets by name, read when the display is built, so a saved display follows the set
    # as it is edited (their codes are added to `codes`).
    codesets: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> "DisplaySpec":
        """A spec from its stored form (unknown keys, as a newer Sitat may write, are ignored)."""
        if not isinstance(data, dict):
            raise InvalidInput(_("A saved display is damaged; save it again."))
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        for key in ("coders", "codes", "codesets"):
            if key in values:
                values[key] = tuple(str(x) for x in values[key])
        if "where" in values:
            values["where"] = {str(k): str(v) for k, v in dict(values["where"]).items()}
        return cls(**values)

    def as_json(self) -> dict:
        """The stored form: only what differs from an empty filter, keys sorted."""
        out = {"rows": self.rows, "cols": self.cols, "cell": self.cell}
        if self.coders:
            out["coders"] = list(self.coders)
        if self.where:
            out["where"] = dict(self.where)
        if self.codes:
            out["codes"] = list(self.codes)
        if self.codesets:
            out["codesets"] = list(self.codesets)
        if self.round:
            out["round"] = self.round
        if self.level:
            out["level"] = self.level
        if not self.roll_up:
            out["roll_up"] = False
        if self.scope and self.scope != "segments":
            out["scope"] = self.scope
        return out

    def merged(self, other: "DisplaySpec") -> "DisplaySpec":
        """This spec with every filter `other` sets laid over it (a loaded display over the
        command line's defaults)."""
        changes = {f.name: getattr(other, f.name) for f in fields(self)
                   if getattr(other, f.name) not in (None, (), {})}
        return replace(self, **changes)

    def build(self, s: Session, cell: str | None = None):
        """The matrix this spec describes (`cell` overrides the cell kind)."""
        from app.core.codesets import codes_with_sets
        from app.core.displays.matrix import build_matrix

        return build_matrix(s, self.rows, self.cols, cell or self.cell,
                            coders=list(self.coders) or None, where=dict(self.where) or None,
                            codes=codes_with_sets(s, list(self.codes), list(self.codesets)),
                            round=self.round,
                            level=self.level or None, roll_up=self.roll_up,
                            scope=self.scope)

    def analysis_scope(self):
        """The display's analysis scope (its coders and round included)."""
        from app.core.scope import AnalysisScope

        return AnalysisScope.of(self.scope, self.coders, self.round)

    def filters_text(self) -> str:
        """The scope and filters in words, as a display's Word export and the CLI print them."""
        from app.core.scope import SEGMENTS, scope_label

        parts = [_("scope: {name}").format(name=scope_label(self.scope or SEGMENTS))]
        parts += [f"{k}={v}" for k, v in self.where.items()]
        if self.coders:
            parts.append(_("coders: {names}").format(names=", ".join(self.coders)))
        if self.round:
            parts.append(_("round: {name}").format(name=self.round))
        if self.codes:
            parts.append(_("codes: {names}").format(names=", ".join(self.codes)))
        if len(self.codesets) == 1:
            parts.append(_("code set: {name}").format(name=self.codesets[0]))
        elif self.codesets:
            parts.append(_("code sets: {names}").format(names=", ".join(self.codesets)))
        if self.level:
            parts.append(_("level: {n}").format(n=self.level))
        return "; ".join(parts)


def save_display(s: Session, name: str, spec: DisplaySpec, replace: bool = False) -> None:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A saved display needs a name."))
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is not None and not replace:
        raise InvalidInput(_("There is already a display named {name}.").format(name=name))
    if row is None:
        row = SavedDisplay(name=name)
        s.add(row)
    row.spec = json.dumps(spec.as_json(), ensure_ascii=False, sort_keys=True)
    s.flush()


def _parse(text: str) -> DisplaySpec:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(_("A saved display is damaged; save it again.")) from exc
    return DisplaySpec.from_json(data)


def saved_displays(s: Session) -> list[tuple[str, DisplaySpec]]:
    return [(r.name, _parse(r.spec)) for r in
            s.scalars(select(SavedDisplay).order_by(SavedDisplay.name))]


def saved_display_names(s: Session) -> list[str]:
    return list(s.scalars(select(SavedDisplay.name).order_by(SavedDisplay.name)))


def load_display(s: Session, name: str) -> DisplaySpec:
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is None:
        raise NotFound(_("There is no saved display named {name}.").format(name=name)
                       + suggestion(name, saved_display_names(s)))
    return _parse(row.spec)


def delete_display(s: Session, name: str) -> None:
    row = s.scalar(select(SavedDisplay).where(SavedDisplay.name == name))
    if row is None:
        raise NotFound(_("There is no saved display named {name}.").format(name=name))
    s.delete(row)
    s.flush()
