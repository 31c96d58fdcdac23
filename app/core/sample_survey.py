"""The sample project's synthetic KS-style user survey (#21): a survey file written from a seed
(always the same file), its import with the bundled KS mapping, and the sample coder's codings
of some comments, so the demo can show survey tables and a joint display.

The file has one row per respondent (130) over the sample's districts and the services the
survey asks about, the KS survey's 26 statements answered 1-4 with "Vet ikke" and blanks, the
statement on substance use skipped by most, and the closing free-text question. The comments
(app/data/sample/bsb_demo/survey_comments.json) are written for the demo - no real people; a
comment's tone decides which of its service's respondents wrote it (a critical comment comes
from someone who answers lower), and its codings are the coded text of the comment.
"""

from __future__ import annotations

import csv
import json
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from app.core import bundled

SEED = 2125
COMMENTS = bundled.sample_dir() / "survey_comments.json"
MAPPING = "ks-psykisk-helse-rus"
SURVEY_NAME = "Brukerundersøkelse 2025"
DISTRICTS = (("Gamle Oslo", 5), ("Stovner", 4), ("Grünerløkka", 5), ("Frogner", 3),
             ("Alna", 4), ("Søndre Nordstrand", 3))
# service: respondents, how much better (+) or worse (-) than average it is rated
SERVICES = (("Psykisk helsearbeid", 48, 0.15), ("Aktivitetshus", 28, 0.35),
            ("Samlokaliserte boliger", 20, -0.25), ("Hjemmetjenester", 18, 0.0),
            ("Legevakt og krisetilbud", 12, -0.4), ("Støttekontakt", 4, 0.3))
# theme: how much better (+) or worse (-) than the respondent's level it is rated
THEME_SHIFT = {"Tilgjengelighet": -0.15, "Informasjon": -0.4, "Personalets kompetanse": 0.3,
               "Samarbeid med andre tjenester": -0.2, "Brukermedvirkning": -0.15,
               "Respektfull behandling": 0.35, "Resultat for brukeren": 0.0,
               "Helhetsvurdering": 0.15}
AGE_GROUPS = (("18-29 år", 3), ("30-44 år", 4), ("45-66 år", 4), ("67 år eller eldre", 1))
GENDERS = (("Kvinne", 11), ("Mann", 8), ("Annet / vil ikke svare", 1))
# items that are often answered "Vet ikke" (rights, what user involvement means, complaints,
# cooperation between services)
UNSURE_ITEMS = ("rettighetene", "brukermedvirkning innebærer", "klage", "samarbeider")


@dataclass
class SampleRespondent:
    ref: str
    district: str
    service: str
    age: str
    gender: str
    level: float  # how the respondent tends to answer (1-4)
    comment: dict | None = None
    answers: dict[str, str] = field(default_factory=dict)  # column -> cell


def _heading(value) -> str:
    return value[0] if isinstance(value, list) else value


def mapping_path() -> Path:
    return bundled.data_dir() / "surveys" / f"{MAPPING}.toml"


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def sample_respondents(seed: int = SEED) -> list[SampleRespondent]:
    """The synthetic respondents with their answers, the same for the same seed."""
    spec = tomllib.loads(mapping_path().read_text(encoding="utf-8"))
    comments = json.loads(COMMENTS.read_text(encoding="utf-8"))["comments"]
    dont_know = spec["survey"]["dont_know"][0]
    rng = random.Random(seed)
    people: list[SampleRespondent] = []
    refs = rng.sample(range(100_000, 999_999), sum(n for _s, n, _x in SERVICES))
    for service, count, shift in SERVICES:
        group = [SampleRespondent(f"KS-{refs[len(people) + k]}", _weighted(rng, DISTRICTS),
                                  service, _weighted(rng, AGE_GROUPS), _weighted(rng, GENDERS),
                                  3.15 + shift + rng.gauss(0, 0.45)) for k in range(count)]
        _give_comments(rng, group, [c for c in comments if c["service"] == service])
        people += group
    rng.shuffle(people)  # a survey tool lists respondents in the order they answered
    for person in people:
        for item in spec["item"]:
            person.answers[_heading(item["column"])] = _answer(rng, person, item, dont_know)
    return people


def _give_comments(rng: random.Random, group: list[SampleRespondent], comments: list) -> None:
    """Critical comments to the lowest third of the group, praise to the highest third."""
    ranked = sorted(group, key=lambda p: p.level)
    third = max(1, len(ranked) // 3)
    pools = {-1: ranked[:third], 0: ranked[third:-third] or ranked, 1: ranked[-third:]}
    for comment in comments:
        free = [p for p in pools[comment["tone"]] if p.comment is None] or [
            p for p in ranked if p.comment is None]
        person = rng.choice(free)
        person.comment = comment
        person.level += 0.3 * comment["tone"]


def _answer(rng: random.Random, person: SampleRespondent, item: dict, dont_know: str) -> str:
    column = _heading(item["column"])
    if "rusrelaterte" in column and rng.random() < 0.7:
        return ""  # skipped by those without such problems
    if rng.random() < 0.03:
        return ""
    unsure = 0.12 if any(w in column for w in UNSURE_ITEMS) else 0.03
    if rng.random() < unsure:
        return dont_know
    value = person.level + THEME_SHIFT.get(item.get("theme", ""), 0.0) + rng.gauss(0, 0.55)
    return str(min(4, max(1, round(value))))


def write_sample_survey(path: Path, seed: int = SEED) -> Path:
    """Write the sample survey as a CSV file (UTF-8, one row per respondent) to `path`."""
    spec = tomllib.loads(mapping_path().read_text(encoding="utf-8"))
    background = {b["attribute"]: _heading(b["column"]) for b in spec.get("background", [])}
    respondent = spec["survey"].get("respondent")
    ref_column = _heading(respondent["column"] if isinstance(respondent, dict) else respondent)
    text_column = _heading(spec["text"][0]["column"])
    items = [_heading(i["column"]) for i in spec["item"]]
    people = sample_respondents(seed)
    attributes = {"tjeneste": "service", "bydel": "district", "aldersgruppe": "age",
                  "kjønn": "gender"}
    heads = [ref_column] + [background[a] for a in attributes if a in background] + items + [
        text_column]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(heads)
        for p in people:
            out.writerow([p.ref] + [getattr(p, f) for a, f in attributes.items()
                                    if a in background]
                         + [p.answers[c] for c in items]
                         + [p.comment["text"] if p.comment else ""])
    return path


def add_sample_survey(project, source_dir: Path | None = None) -> int:
    """Import the sample survey into `project` with the bundled KS mapping (one action), then
    code its comments as the sample coder did (one more); returns how many codings."""
    import tempfile

    from sqlalchemy import select

    from app.core.codebook import resolve_code
    from app.core.coding import apply_coding, get_or_create_coder, parse_valence
    from app.core.survey.importer import import_survey
    from app.errors import InvalidInput
    from app.i18n import _
    from app.models import Document
    from app.models.survey import SurveyText

    source = (source_dir or bundled.sample_dir()) / COMMENTS.name
    spec = json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="sitat-sample-") as tmp:
        path = write_sample_survey(Path(tmp) / "ks-brukerundersokelse-2025.csv")
        import_survey(project, path, "ks", name=SURVEY_NAME, imported_by=spec["coder"])
    done = 0
    with project.write() as s:
        coder = get_or_create_coder(s, spec["coder"])
        docs = {d.text.strip(): d for d in s.scalars(select(Document).join(
            SurveyText, SurveyText.document_id == Document.id))}
        codes: dict[str, object] = {}
        for comment in spec["comments"]:
            doc = docs.get(comment["text"].strip())
            for coding in comment["codings"] if doc is not None else ():
                start = doc.text.find(coding["quote"])
                if start < 0:
                    raise InvalidInput(_("{file}: the coded text is not in the comment: "
                                         "«{quote}».").format(file=source.name,
                                                             quote=coding["quote"]))
                code = codes.get(coding["code"]) or codes.setdefault(
                    coding["code"], resolve_code(s, coding["code"]))
                apply_coding(s, doc, code, coder, start, start + len(coding["quote"]),
                             valence=parse_valence(coding["valence"]))
                done += 1
    return done
