"""Joint displays (#21): a survey's themes beside the interview codes that match them.

A row is a survey theme; a column is a value of an attribute (service, district) and the last
column everyone. A cell holds the theme's mean (or % agree) with its n from the survey
statistics (app.core.survey.stats: the same figures and the same small-number suppression as
the survey tables) next to the passages of the theme's codes in the interviews and in the
survey's own comments, counted in the analysis scope (app.core.scope.passage_counts, the
count a code-by-attribute matrix shows: interviews + comments = that matrix's cell). A row
may carry quotes from the interviews: the theme's passages of 40-300 characters, shortest
first (then by document and place), at most one per document - short enough for a table.

Which codes a theme is shown beside is saved per survey (SurveyThemeCode). Until it has
been saved, the mapping is suggested from names (SUGGESTED: the theme's own name and its
usual counterparts in the BSB characteristics), matched case-insensitively against the
codebook's codable codes; a theme without a match stays unmapped. Saving one theme saves the
suggested mapping of the others with it; clearing every theme brings the suggestion back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.codebook import code_paths, resolve_code
from app.core.lookup import nfc
from app.core.scope import AnalysisScope, passages, passage_counts
from app.core.survey import stats
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import AttributeDefinition, AttributeValue, Code, Document
from app.models.survey import Respondent, Survey, SurveyText, SurveyThemeCode

MEASURES = ("mean", "agree")
QUOTE_MIN, QUOTE_MAX = 40, 300  # characters of a quote fit for a table
# theme -> code names it is usually shown beside (besides its own name), first match wins
SUGGESTED = {
    "tilgjengelighet": ("Tilgjengelighet", "Fleksibilitet"),
    "informasjon": ("Informasjon",),
    "personalets kompetanse": ("Kompetente fagfolk", "Dyktige fagpersoner", "Kompetanse"),
    "samarbeid med andre tjenester": ("Samhandling", "Samarbeid"),
    "brukermedvirkning": ("Felles beslutninger", "Brukermedvirkning"),
    "respektfull behandling": ("Respekt",),
}


# -- the theme -> code mapping -------------------------------------------------------------
def _themes(s: Session, survey: Survey) -> list[str]:
    return stats.themes(stats.likert_items(s, survey))


def suggested_codes(s: Session, survey: Survey) -> dict[str, list[int]]:
    """theme -> [code id]: each theme's first codable code whose name is the theme's own or a
    usual counterpart, compared without case; themes without a match are left out."""
    paths = code_paths(s)
    by_name: dict[str, int] = {}
    for cid, name in s.execute(select(Code.id, Code.name).where(Code.codable)):
        key = nfc(name).casefold()
        if key not in by_name or list(paths).index(cid) < list(paths).index(by_name[key]):
            by_name[key] = cid
    out: dict[str, list[int]] = {}
    for theme in _themes(s, survey):
        key = nfc(theme).casefold()
        for name in (theme,) + SUGGESTED.get(key, ()):
            cid = by_name.get(nfc(name).casefold())
            if cid is not None:
                out[theme] = [cid]
                break
    return out


def theme_codes(s: Session, survey: Survey) -> tuple[dict[str, list[int]], bool]:
    """theme -> [code id] as saved, or as suggested when nothing is saved; and whether saved."""
    saved: dict[str, list[int]] = {}
    for theme, code_id in s.execute(select(SurveyThemeCode.theme, SurveyThemeCode.code_id)
                                    .where(SurveyThemeCode.survey_id == survey.id)):
        saved.setdefault(theme, []).append(code_id)
    if saved:
        order = code_paths(s)
        rank = {cid: i for i, cid in enumerate(order)}
        return {t: sorted(v, key=lambda c: rank.get(c, 0)) for t, v in saved.items()}, True
    return suggested_codes(s, survey), False


def _theme(s: Session, survey: Survey, theme: str) -> str:
    names = _themes(s, survey)
    for name in names:
        if nfc(name).casefold() == nfc(theme.strip()).casefold():
            return name
    raise NotFound(_("The survey {survey} has no theme called {theme}; its themes are: "
                     "{themes}.").format(survey=survey.name, theme=theme,
                                         themes=", ".join(names)))


def _save(s: Session, survey: Survey, mapping: dict[str, list[int]]) -> None:
    s.execute(delete(SurveyThemeCode).where(SurveyThemeCode.survey_id == survey.id))
    s.flush()
    for theme, ids in mapping.items():
        for cid in dict.fromkeys(ids):
            s.add(SurveyThemeCode(survey_id=survey.id, theme=theme, code_id=cid))
    s.flush()


def set_theme_codes(s: Session, survey: str | None, theme: str, codes: list[str]) -> list[str]:
    """Show `theme` beside `codes` (paths or unique names) from now on, in the open write
    transaction; returns the codes' paths."""
    sv = stats.find_survey(s, survey)
    name = _theme(s, sv, theme)
    if not codes:
        raise InvalidInput(_("Name at least one code to show beside the theme."))
    ids = [resolve_code(s, ref).id for ref in codes]
    mapping, _saved = theme_codes(s, sv)
    mapping[name] = ids
    _save(s, sv, mapping)
    paths = code_paths(s)
    return [paths[i] for i in dict.fromkeys(ids)]


def clear_theme_codes(s: Session, survey: str | None, theme: str) -> None:
    """Show `theme` beside no code from now on, in the open write transaction."""
    sv = stats.find_survey(s, survey)
    name = _theme(s, sv, theme)
    mapping, _saved = theme_codes(s, sv)
    mapping.pop(name, None)
    _save(s, sv, mapping)


# -- the display ---------------------------------------------------------------------------
@dataclass
class JointCell:
    survey: stats.Figures | None  # None: nobody of this group answered the survey
    interviews: int = 0  # passages of the theme's codes in the interviews
    comments: int = 0  # ... in this survey's comments


@dataclass
class JointRow:
    theme: str
    codes: list[str]  # paths of the codes shown beside the theme
    cells: list[JointCell]
    total: JointCell
    quotes: list[dict] = field(default_factory=list)


@dataclass
class JointDisplay:
    survey: str
    by: str
    measure: str
    min_group: int
    columns: list[str]
    rows: list[JointRow]
    scope: dict
    mapping_saved: bool

    def as_json(self, language: str | None = None) -> dict:
        return {"survey": self.survey, "by": self.by, "measure": self.measure,
                "min_group": self.min_group, "columns": list(self.columns),
                "scope": dict(self.scope), "mapping_saved": self.mapping_saved,
                "rows": [{"theme": r.theme, "codes": list(r.codes),
                          "cells": [cell_json(c, self.measure, language) for c in r.cells],
                          "total": cell_json(r.total, self.measure, language),
                          "quotes": [{k: q.get(k) for k in ("text", "document", "start", "end",
                                                           "speaker", "coders")}
                                     for q in r.quotes]} for r in self.rows]}


def figure(fig: stats.Figures | None, measure: str):
    """The cell's figure (a Fraction: mean, or per cent agreeing), or None."""
    if fig is None or fig.suppressed:
        return None
    return fig.mean if measure == "mean" else fig.agree_percent


def shown(fig: stats.Figures | None, measure: str, language: str | None = None) -> str:
    """The survey figure as printed: '3,4', '63 %', 'too few' or '–' (nobody answered)."""
    if fig is not None and fig.suppressed:
        return _("too few")
    value = figure(fig, measure)
    if value is None:
        return "–"
    if measure == "mean":
        return stats.show_mean(value, language)
    return stats.show_percent(value, language) + " %"


def cell_json(c: JointCell, measure: str, language: str | None = None) -> dict:
    fig = c.survey
    out: dict = {"interviews": c.interviews, "comments": c.comments,
                 "shown": shown(fig, measure, language)}
    if fig is not None and fig.suppressed:
        out["suppressed"] = True
    elif fig is not None:
        value = figure(fig, measure)
        out.update({"n": fig.n, "value": None if value is None else float(value)})
    return out


def joint_display(s: Session, survey: str | None = None, *, by: str = "tjeneste",
                  measure: str = "mean", quotes: int = 1,
                  scope: str | None = None) -> JointDisplay:
    """The joint display of `survey` (the only one when None) by the attribute `by`, with the
    survey's `measure` (mean or agree) and up to `quotes` interview quotes per theme, the
    codes counted in the analysis scope `scope` (default: passages)."""
    if measure not in MEASURES:
        raise InvalidInput(_("Show the survey's mean or agree (% agree)."))
    if quotes < 0:
        raise InvalidInput(_("The number of quotes cannot be negative."))
    sv = stats.find_survey(s, survey)
    d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == by))
    if d is None:
        raise NotFound(_("There is no attribute called {name}.").format(name=by))
    table = stats.survey_table(s, sv.name, level=stats.THEMES, by=d.name)
    analysis = AnalysisScope.of(scope, None, None).resolve(s)
    mapping, saved = theme_codes(s, sv)
    comment_docs = set(s.scalars(select(SurveyText.document_id).join(
        Respondent, Respondent.id == SurveyText.respondent_id)
        .where(Respondent.survey_id == sv.id)))
    every_text = set(s.scalars(select(SurveyText.document_id)))
    interview_docs = set(s.scalars(select(Document.id))) - every_text
    value_of = {doc: nfc(v) for doc, v in s.execute(
        select(AttributeValue.document_id, AttributeValue.value)
        .where(AttributeValue.attribute_id == d.id))}
    code_ids = {c for ids in mapping.values() for c in ids}
    counts = {"interviews": _counted(s, analysis, code_ids, interview_docs, value_of),
              "comments": _counted(s, analysis, code_ids, comment_docs, value_of)}
    groups = [g for g in table.groups if g is not None]
    present = {v for kind in counts.values() for (_c, v) in kind if v is not None}
    columns = attrs.value_order(d, set(groups) | present)
    paths = code_paths(s)
    rows = []
    for trow in table.rows:
        ids = mapping.get(trow.theme, [])

        def tally(kind: str, value) -> int:
            return sum(n for (cid, v), n in counts[kind].items()
                       if cid in ids and (value is None or v == value))

        cells = [JointCell(trow.groups.get(v), tally("interviews", v), tally("comments", v))
                 for v in columns]
        total = JointCell(trow.total, tally("interviews", None), tally("comments", None))
        chosen = _quotes(s, analysis, set(ids), interview_docs, quotes) if ids and quotes else []
        rows.append(JointRow(trow.theme, [paths[i] for i in ids if i in paths], cells, total,
                             chosen))
    return JointDisplay(sv.name, d.name, measure, sv.min_group, columns, rows,
                        analysis.as_json(), saved)


def _counted(s: Session, analysis, code_ids: set[int], doc_ids: set[int],
             value_of: dict[int, str]) -> dict[tuple[int, str | None], int]:
    """(code id, attribute value or None) -> passages, over `doc_ids`."""
    out: dict[tuple[int, str | None], int] = {}
    if not code_ids or not doc_ids:
        return out
    for (doc_id, code_id), n in passage_counts(s, analysis, code_ids=code_ids,
                                               doc_ids=doc_ids).items():
        key = (code_id, value_of.get(doc_id))
        out[key] = out.get(key, 0) + n
    return out


def _quotes(s: Session, analysis, code_ids: set[int], doc_ids: set[int], limit: int) -> list:
    """Up to `limit` interview quotes of the codes: 40-300 characters, shortest first, then by
    document name and place; one per document."""
    from app.core.export.sources import Sources

    found = passages(s, analysis, code_ids=code_ids, doc_ids=doc_ids, details=True)
    names = dict(s.execute(select(Document.id, Document.name)
                           .where(Document.id.in_({p.document_id for p in found}))).all())
    fit = sorted((p for p in found if QUOTE_MIN <= p.end - p.start <= QUOTE_MAX),
                 key=lambda p: (p.end - p.start, names.get(p.document_id, ""), p.start))
    chosen, seen = [], set()
    for p in fit:
        if p.document_id not in seen:
            seen.add(p.document_id)
            chosen.append(p)
        if len(chosen) == limit:
            break
    src = Sources(s, {p.document_id for p in chosen})
    return [{"text": src.quote(p.document_id, p.start, p.end),
             "document": names.get(p.document_id, ""), "start": p.start, "end": p.end,
             "speaker": src.speaker(p.document_id, p.start, p.end),
             "paragraph": src.paragraph(p.document_id, p.start), "coders": list(p.coders),
             "rounds": list(p.rounds), "codebook_versions": list(p.versions)}
            for p in chosen]
