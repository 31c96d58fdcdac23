"""Plain-text summaries of a merge report and an agreement report, for the CLI and the GUI.

Figures follow the output language ('97.7 %' / '97,7 %'); the agreement table says which
figures compare the first two coders only (per cent agreement, kappa, matched segments) and
which cover every coder (alpha), and how segments are matched."""

from __future__ import annotations

from app.i18n import _, counts
from app.i18n.numbers import decimal
from app.i18n.numbers import percent as _percent


def number(value, percent: bool = False) -> str:
    """A share as per cent ('97.7 %') or a coefficient ('0.68') in the output language; '–'
    for a value that cannot be computed."""
    return _percent(value, space=" ") if percent else decimal(value)


def merge_text(r: dict) -> str:
    lines = [
        _("{documents} added, {matched} matched").format(
            documents=counts.documents(r["documents_added"]),
            matched=r.get("documents_matched", 0)),
        _("{codes} added; coders added: {coders}").format(
            codes=counts.codes(r["codes_added"]), coders=r["coders_added"]),
        _("{codings} added, {d} already present, {r} moved to edited text").format(
            codings=counts.codings(r["codings_added"]), d=r["codings_duplicate"],
            r=r["codings_reanchored"]),
    ]
    if r.get("dry_run"):
        lines.insert(0, _("Dry run: nothing was written."))
    if r.get("backup"):
        lines.append(_("Backup: {path}").format(path=r["backup"]))
    conflicts = r.get("conflicts") or []
    lines.append(_("{conflicts}:").format(conflicts=counts.conflicts(len(conflicts)))
                 if conflicts else _("No conflicts."))
    lines += [f"  • {c.get('message', c)}" for c in conflicts]
    return "\n".join(lines)


def agreement_explained(coders: list[str], overlap) -> list[str]:
    """What the agreement figures compare, in words, for the lines above a table."""
    pair = f"{coders[0]}–{coders[1]}" if len(coders) >= 2 else "–"
    lines = [_("Coders: {coders}").format(coders=", ".join(coders))]
    if len(coders) > 2:
        lines.append(_("Per cent agreement, κ (Cohen's kappa) and segments compare the first "
                       "two coders ({pair}); α (Krippendorff's alpha) covers all {coders}.")
                     .format(pair=pair, coders=counts.coders(len(coders))))
    else:
        lines.append(_("Per cent agreement and κ (Cohen's kappa) compare {pair}, character by "
                       "character; α is Krippendorff's alpha.").format(pair=pair))
    lines.append(_("Matched: segments of {pair} with a segment of the other coder overlapping "
                   "it by at least {overlap} (intersection over union); unmatched: those "
                   "without.").format(pair=pair, overlap=decimal(overlap, 2, trim=True)))
    return lines


def agreement_headers(coders: list[str]) -> list[str]:
    """Column labels that say whose figures they are."""
    pair = f"{coders[0]}–{coders[1]}" if len(coders) >= 2 else ""
    every = _("all") if len(coders) > 2 else pair
    return [_("Code"), _("Agreement {pair}").format(pair=pair),
            _("κ {pair}").format(pair=pair), _("α {coders}").format(coders=every),
            _("Matched"), _("Unmatched")]


def agreement_rows(data: dict, code_label=lambda c: c) -> list[list[str]]:
    """One row of figures per code, then the overall row."""
    rows = []
    for c in data["codes"] + [{**data["overall"], "code": None}]:
        rows.append([_("Overall") if c["code"] is None else code_label(c["code"]),
                     number(c.get("percent_agreement"), True), number(c.get("kappa")),
                     number(c.get("alpha")), str(c.get("segments_matched", "")),
                     str(c.get("segments_unmatched", ""))])
    return rows


def agreement_text(data: dict) -> str:
    coders = list(data["coders"])
    head = agreement_headers(coders)
    rows = agreement_rows(data)
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    out = agreement_explained(coders, data.get("overlap", 0.9)) + [""]
    for r in [head] + rows:
        out.append("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                             for i, (v, w) in enumerate(zip(r, widths))))
    return "\n".join(out)
