"""Plain-text summaries of a merge report and an agreement report, for the CLI and the GUI."""

from __future__ import annotations

from app.i18n import _


def number(value, percent: bool = False) -> str:
    """Norwegian-style figures: decimal comma, '–' for a value that cannot be computed."""
    if value is None:
        return "–"
    return (f"{value * 100:.1f} %" if percent else f"{value:.2f}").replace(".", ",")


def merge_text(r: dict) -> str:
    lines = [
        _("{n} documents added, {m} matched").format(n=r["documents_added"],
                                                     m=r.get("documents_matched", 0)),
        _("{n} codes added, {m} coders added").format(n=r["codes_added"], m=r["coders_added"]),
        _("{n} codings added, {d} already present, {r} moved to edited text").format(
            n=r["codings_added"], d=r["codings_duplicate"], r=r["codings_reanchored"]),
    ]
    if r.get("dry_run"):
        lines.insert(0, _("Dry run: nothing was written."))
    if r.get("backup"):
        lines.append(_("Backup: {path}").format(path=r["backup"]))
    conflicts = r.get("conflicts") or []
    lines.append(_("{n} conflicts:").format(n=len(conflicts)) if conflicts else _("No conflicts."))
    lines += [f"  • {c.get('message', c)}" for c in conflicts]
    return "\n".join(lines)


def agreement_text(data: dict) -> str:
    head = [_("Code"), _("Agreement"), _("Kappa"), _("Alpha"), _("Matched"), _("Unmatched")]
    rows = [[c["code"], number(c.get("percent_agreement"), True), number(c.get("kappa")),
             number(c.get("alpha")), str(c.get("segments_matched", "")),
             str(c.get("segments_unmatched", ""))] for c in data["codes"]]
    o = data["overall"]
    rows.append([_("Overall"), number(o.get("percent_agreement"), True), number(o.get("kappa")),
                 number(o.get("alpha")), str(o.get("segments_matched", "")),
                 str(o.get("segments_unmatched", ""))])
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    out = [_("Coders: {coders}").format(coders=", ".join(data["coders"])), ""]
    for r in [head] + rows:
        out.append("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                             for i, (v, w) in enumerate(zip(r, widths))))
    return "\n".join(out)
