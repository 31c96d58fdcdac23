"""Survey files and a mapping for the import tests: a small mapping (respondent id, two
background columns, three statements - one reverse-scored - and a comment question), and
writers of the same rows as .xlsx or .csv in a chosen encoding."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

MAPPING = """\
[survey]
name = "Brukerundersøkelse 2025"
respondent = "RespondentID"
scale = { min = 1, max = 4, labels = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"] }
dont_know = ["Vet ikke", "9"]

[[background]]
column = "Tjeneste"
attribute = "tjeneste"

[[background]]
column = "Bydel"
attribute = "bydel"

[[item]]
key = "info1"
column = "Jeg får god informasjon om hva tjenesten kan tilby meg"
theme = "Informasjon"

[[item]]
key = "resp1"
column = "De ansatte lytter til det jeg sier"
theme = "Respektfull behandling"

[[item]]
key = "vent"
column = "Jeg må vente for lenge"
theme = "Tilgjengelighet"
reverse = true

[[text]]
key = "kommentar"
column = "Har du andre kommentarer til innholdet i tjenesten?"
"""

HEADINGS = ["RespondentID", "Tjeneste", "Bydel",
            "Jeg får god informasjon om hva tjenesten kan tilby meg",
            "De ansatte lytter til det jeg sier", "Jeg må vente for lenge",
            "Har du andre kommentarer til innholdet i tjenesten?"]

# Numbers, labels (any case), don't know as text and as its code 9, blanks, a comment with
# a line break and æøå.
ROWS = [
    ["R-1001", "Aktivitetshus", "Grünerløkka", 4, "Helt enig", 1, "Fint å bli møtt av Kari."],
    ["R-1002", "Psykisk helsearbeid", "Søndre Nordstrand", "Litt uenig", "vet ikke", 2, None],
    ["R-1003", "Aktivitetshus", "Grünerløkka", 9, None, "LITT ENIG",
     "Ventetiden var lang.\nMen nå går det bra på Tøyen."],
    ["R-1004", "Psykisk helsearbeid", "Søndre Nordstrand", 3, 2, None, "  "],
]


def write_mapping(folder: Path, text: str = MAPPING, name: str = "map.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, headings=HEADINGS, rows=ROWS) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headings)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, headings=HEADINGS, rows=ROWS, encoding: str = "utf-8-sig",
              sep: str = ";") -> Path:
    def cell(v) -> str:
        text = "" if v is None else str(v)
        if any(ch in text for ch in (sep, '"', "\n")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    lines = [sep.join(cell(v) for v in row) for row in [headings, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


TABLES = ("survey", "survey_item", "respondent", "respondent_value", "survey_answer",
          "survey_text", "document", "attribute_definition", "attribute_value")


def row_counts(project) -> dict[str, int]:
    """Rows in every table an import writes to."""
    from sqlalchemy import table

    with project.read() as s:
        return {t: s.scalar(select(func.count()).select_from(table(t))) for t in TABLES}
