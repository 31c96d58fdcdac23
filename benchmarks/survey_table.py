"""Survey table benchmark (#21): a table by service over 20,000 respondents x 26 items
(`app.core.survey.stats.survey_table`, themes and items) beside the same GROUP BY in raw SQL.

    python benchmarks/survey_table.py [--respondents 20000] [--repeat 7]

Budget (issue #21): a survey table by service < 300 ms. The survey is made here (seed 7):
the KS layout - 26 Likert items in 7 themes + Helhetsvurdering, 10 services, 15 districts,
about 6 % don't know and 4 % blank - written straight into a new project with executemany.
The items table's counts are checked against the baseline's.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

THEMES = [("Tilgjengelighet", 4), ("Informasjon", 4), ("Personalets kompetanse", 3),
          ("Samarbeid med andre tjenester", 3), ("Brukermedvirkning", 4),
          ("Respektfull behandling", 4), ("Resultat for brukeren", 3), ("Helhetsvurdering", 1)]
SERVICES = ["Rusomsorg", "Psykisk helsetjeneste", "Bolig", "Aktivitetshus", "Oppsøkende team",
            "Lavterskeltilbud", "Dagsenter", "Arbeidstrening", "Legevakt", "Hjemmetjeneste"]
DISTRICTS = [f"Bydel {n}" for n in ("Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud",
                                    "Grünerløkka", "Nordre Aker", "Nordstrand", "Sagene",
                                    "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern",
                                    "Vestre Aker", "Østensjø")]
LABELS = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"]

BASELINE_SQL = """
SELECT rv.value, a.item_id, a.value, count(*)
FROM survey_answer a
LEFT JOIN respondent_value rv ON rv.respondent_id = a.respondent_id
     AND rv.attribute_id = (SELECT id FROM attribute_definition WHERE name = 'tjeneste')
WHERE a.item_id IN (SELECT id FROM survey_item WHERE survey_id = :sid AND kind = 'likert')
GROUP BY rv.value, a.item_id, a.value
"""


def build(path: Path, respondents: int = 20_000, seed: int = 7) -> None:
    """A project at `path` with one KS-like survey of `respondents` respondents."""
    from sqlalchemy import insert

    from app.core.project import Project
    from app.models import AttributeDefinition
    from app.models.survey import (Respondent, RespondentValue, Survey, SurveyAnswer,
                                   SurveyItem)

    rng = random.Random(seed)
    with Project.create(path, "Survey benchmark") as p, p.write() as s:
        survey = Survey(name="KS brukerundersøkelse", min_group=5)
        attrs = [AttributeDefinition(name="tjeneste"), AttributeDefinition(name="bydel")]
        s.add_all([survey, *attrs])
        s.flush()
        items, pos = [], 0
        for theme, count in THEMES:
            for k in range(count):
                pos += 1
                items.append(SurveyItem(survey_id=survey.id, position=pos, key=f"q{pos}",
                                        column=f"{theme} {k + 1}", label=f"{theme} {k + 1}",
                                        theme=theme, scale_labels=json.dumps(LABELS)))
        s.add_all(items)
        s.flush()
        first = s.execute(insert(Respondent).returning(Respondent.id), [
            {"survey_id": survey.id, "row": r + 1, "ref": f"R{r + 1:05d}"}
            for r in range(respondents)]).scalars().all()
        values, answers = [], []
        for rid in first:
            service = rng.randrange(len(SERVICES))
            values.append({"respondent_id": rid, "attribute_id": attrs[0].id,
                           "value": SERVICES[service]})
            values.append({"respondent_id": rid, "attribute_id": attrs[1].id,
                           "value": rng.choice(DISTRICTS)})
            lean = 2.2 + service * 0.12
            for item in items:
                x = rng.random()
                if x < 0.04:
                    continue  # blank
                if x < 0.10:
                    answers.append({"respondent_id": rid, "item_id": item.id, "value": None,
                                    "dont_know": True})
                    continue
                v = min(4, max(1, round(rng.gauss(lean, 0.9))))
                answers.append({"respondent_id": rid, "item_id": item.id, "value": v,
                                "dont_know": False})
        s.execute(insert(RespondentValue), values)
        s.execute(insert(SurveyAnswer), answers)


def bench_survey_table(folder: Path | None, repeat: int, tmp: Path,
                       respondents: int = 20_000) -> dict:
    from sqlalchemy import select, text

    from app.core.project import Project
    from app.core.survey.stats import ITEMS, THEMES as THEME_LEVEL, survey_table
    from app.models.survey import Survey

    path = tmp / "survey.sitat"
    t0 = time.perf_counter()
    build(path, respondents)
    built = time.perf_counter() - t0
    times, items_times, base = [], [], []
    with Project.open(path, read_only=True) as p, p.read() as s:
        sid = s.scalar(select(Survey.id))
        survey_table(s, level=THEME_LEVEL, by="tjeneste")  # warm the page cache
        for _ in range(repeat):
            t0 = time.perf_counter()
            themes = survey_table(s, level=THEME_LEVEL, by="tjeneste")
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            items = survey_table(s, level=ITEMS, by="tjeneste")
            items_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = s.execute(text(BASELINE_SQL), {"sid": sid}).all()
            base.append(time.perf_counter() - t0)
    keys = {r.key: r for r in items.rows}
    ids = {i: k for k, i in zip(keys, sorted(
        {item_id for _g, item_id, _v, _n in rows}))}
    for grp, item_id, value, n in rows:
        fig = keys[ids[item_id]].groups[grp]
        got = fig.dont_know if value is None else fig.counts[value - 1]
        assert got == n, f"{grp} {ids[item_id]} {value}: {got} != {n}"
    assert len(themes.rows) == len(THEMES) and themes.respondents == respondents
    return {"times": times, "baseline_name": "the items' GROUP BY in raw SQL",
            "baseline_times": base,
            "note": f"{respondents:,} respondents x {len(keys)} items, {len(SERVICES)} "
                    f"services; themes table timed, items table median "
                    f"{statistics.median(items_times) * 1000:.0f} ms; survey built in "
                    f"{built:.1f} s"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--respondents", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_survey_table(None, a.repeat, Path(tmp), a.respondents)
    med, b = statistics.median(raw["times"]), statistics.median(raw["baseline_times"])
    print(f"survey_table: median {med * 1000:.0f} ms (max {max(raw['times']) * 1000:.0f} ms), "
          f"baseline {b * 1000:.0f} ms, ratio {med / b:.2f}; budget 300 ms: "
          f"{'ok' if med <= 0.3 else 'OVER BUDGET'}\n  {raw['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
