"""Survey import benchmark (#21): `app.core.survey.import_survey` of 20,000 respondents x 30
columns (a respondent id, 3 background columns, 25 Likert statements and a comment question)
from a CSV into a new project, beside a raw csv parse + sqlite3 executemany of the same
answers.

    python benchmarks/survey.py [--respondents 20000] [--repeat 3] [--xlsx]

Budget (issue #21): < 10 s. The file is generated deterministically (seed 21): answers as
numbers or scale labels, about 6 % don't know and 4 % blank, a comment from every seventh
respondent. With --xlsx (alone) the same rows are also imported from an .xlsx once.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LABELS = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"]
SERVICES = ["Rusomsorg", "Psykisk helsetjeneste", "Bolig", "Aktivitetshus", "Oppsøkende team",
            "Lavterskeltilbud", "Dagsenter", "Arbeidstrening"]
DISTRICTS = ["Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Sagene",
             "Stovner", "Søndre Nordstrand", "Østensjø"]
THEMES = ["Tilgjengelighet", "Informasjon", "Brukermedvirkning", "Respektfull behandling",
          "Resultat for brukeren"]
ITEMS = 25
COMMENTS = ["Jeg blir møtt med respekt, men ventetiden er for lang.",
            "Bra tilbud. Skulle ønske det var åpent i helgene.",
            "De ansatte lytter til meg og jeg får være med på å bestemme.",
            "Vanskelig å få kontakt på telefon, ellers fornøyd."]


def mapping_text() -> str:
    lines = ['[survey]', 'name = "Benchmark"', 'respondent = "RespondentID"',
             'scale = { min = 1, max = 4, labels = ["Helt uenig", "Litt uenig", "Litt enig", '
             '"Helt enig"] }', 'dont_know = ["Vet ikke", "9"]']
    for column, attribute in (("Tjeneste", "tjeneste"), ("Bydel", "bydel"), ("Kjønn", "kjønn")):
        lines += ["[[background]]", f'column = "{column}"', f'attribute = "{attribute}"']
    for n in range(1, ITEMS + 1):
        lines += ["[[item]]", f'key = "q{n}"', f'column = "Påstand {n}"',
                  f'theme = "{THEMES[(n - 1) // 5]}"']
    lines += ["[[text]]", 'key = "kommentar"',
              'column = "Har du andre kommentarer til innholdet i tjenesten?"']
    return "\n".join(lines) + "\n"


def headings() -> list[str]:
    return (["RespondentID", "Tjeneste", "Bydel", "Kjønn"]
            + [f"Påstand {n}" for n in range(1, ITEMS + 1)]
            + ["Har du andre kommentarer til innholdet i tjenesten?"])


def rows(respondents: int, seed: int = 21) -> list[list]:
    rng = random.Random(seed)
    out = []
    for r in range(respondents):
        row = [f"R{r + 1:05d}", rng.choice(SERVICES), rng.choice(DISTRICTS),
               rng.choice(["Kvinne", "Mann", "Annet"])]
        for _ in range(ITEMS):
            x = rng.random()
            if x < 0.04:
                row.append("")
            elif x < 0.10:
                row.append(rng.choice(["Vet ikke", "9"]))
            else:
                v = rng.randint(1, 4)
                row.append(LABELS[v - 1] if x < 0.3 else str(v))
        row.append(rng.choice(COMMENTS) + f" ({r})" if r % 7 == 0 else "")
        out.append(row)
    return out


def write_files(folder: Path, respondents: int, xlsx: bool = False) -> tuple[Path, Path, Path]:
    data = rows(respondents)
    path = folder / "survey.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(headings())
        w.writerows(data)
    mapping = folder / "survey.toml"
    mapping.write_text(mapping_text(), encoding="utf-8")
    book = folder / "survey.xlsx"
    if xlsx:
        from openpyxl import Workbook

        wb = Workbook()  # not write-only: the sheet states its size, as Excel writes it
        ws = wb.active
        ws.append(headings())
        for row in data:
            ws.append([int(c) if c.isdigit() else (c or None) for c in row])
        wb.save(book)
    return path, mapping, book


def baseline(path: Path, db: Path) -> int:
    """Parse the CSV with the csv module and executemany the answers into SQLite."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE answer (respondent INTEGER, item INTEGER, value INTEGER, "
                "dont_know INTEGER)")
    labels = {label: n for n, label in enumerate(LABELS, start=1)}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        answers = []
        for r, row in enumerate(reader, start=1):
            for i, cell in enumerate(row[4:4 + ITEMS]):
                if not cell:
                    continue
                if cell in ("Vet ikke", "9"):
                    answers.append((r, i, None, 1))
                else:
                    answers.append((r, i, labels.get(cell) or int(cell), 0))
    with con:
        con.executemany("INSERT INTO answer VALUES (?, ?, ?, ?)", answers)
    con.close()
    return len(answers)


def bench_survey_import(folder: Path | None, repeat: int, tmp: Path,
                        respondents: int = 20_000) -> dict:
    from app.core.project import Project
    from app.core.survey import import_survey

    path, mapping, _book = write_files(tmp, respondents)
    times, base = [], []
    for n in range(repeat):
        project_path = tmp / f"p{n}.sitat"
        Project.create(project_path, "Survey benchmark").close()
        with Project.open(project_path) as p:
            t0 = time.perf_counter()
            summary = import_survey(p, path, mapping)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_base = baseline(path, tmp / f"b{n}.db")
        base.append(time.perf_counter() - t0)
    assert summary.respondents == respondents and summary.items == ITEMS
    assert summary.answers + summary.dont_know == n_base
    return {"times": times, "baseline_name": "csv module parse + sqlite3 executemany",
            "baseline_times": base,
            "note": f"{respondents:,} respondents x {len(headings())} columns: "
                    f"{summary.answers:,} answers, {summary.dont_know:,} don't know, "
                    f"{summary.comments:,} comment documents"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--respondents", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--xlsx", action="store_true", help="also import the rows from an .xlsx")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_survey_import(None, a.repeat, Path(tmp), a.respondents)
        med, b = statistics.median(raw["times"]), statistics.median(raw["baseline_times"])
        print(f"survey_import: median {med:.2f} s (max {max(raw['times']):.2f} s), baseline "
              f"{b:.2f} s, ratio {med / b:.1f}; budget 10 s: "
              f"{'ok' if med <= 10 else 'OVER BUDGET'}\n  {raw['note']}")
        if a.xlsx:
            from app.core.project import Project
            from app.core.survey import import_survey

            _path, mapping, book = write_files(Path(tmp), a.respondents, xlsx=True)
            Project.create(Path(tmp) / "x.sitat", "xlsx").close()
            with Project.open(Path(tmp) / "x.sitat") as p:
                t0 = time.perf_counter()
                import_survey(p, book, mapping)
                print(f"  from .xlsx: {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
