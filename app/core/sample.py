"""Build the bundled demo project from its reviewable sources in app/data/sample/bsb_demo/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from app.core import attributes as attrs
from app.core import bundled
from app.core.codebook import resolve_code
from app.core.codebook_io import import_codebook
from app.core.coding import apply_coding, get_or_create_coder, parse_valence
from app.core.documents import add_prepared, prepare_files
from app.core.lookup import get_document
from app.core.project import Project
from app.core.refi.qdc import parse_qdc
from app.core.sample_stc import add_sample_stc
from app.errors import InvalidInput
from app.i18n import _

SAMPLE_DIR = bundled.sample_dir()
CODEBOOK = bundled.codebook_path("ti-kjennetegn")
TITLE = "BSB-evaluering (demo): psykiske helsetjenester i seks bydeler"
CODER_COLOURS = {"Hanne": "#1F77B4", "Tor": "#D62728"}
ATTRIBUTE_TYPES = {
    "bydel": ("choice", [
        "Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker",
        "Nordstrand", "Sagene", "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern",
        "Vestre Aker", "Østensjø"]),
    "tjeneste": ("choice", [
        "Psykisk helsearbeid", "Individuell plan", "Ansvarsgruppe", "Samlokaliserte boliger",
        "Hjemmetjenester", "Fastlege", "Legevakt og krisetilbud", "Aktivitetshus",
        "Støttekontakt", "NAV", "DPS", "Brukerorganisasjoner"]),
    "intervjutype": ("choice", ["Fokusgruppe", "Individuelt intervju"]),
    "dato": ("date", None),
    "informanter": ("number", None),
}


@dataclass
class SampleCoding:
    document: str
    coder: str
    code: str
    valence: str
    start: int
    end: int


def locate_codings(source_dir: Path, texts: dict[str, str]) -> list[SampleCoding]:
    """Turn the quote-based codings files into exact ranges; any quote not found is an error."""
    out = []
    for path in sorted((source_dir / "codings").glob("*.csv")):
        doc = path.stem
        text = texts[doc]
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                quote = row["quote"]
                occurrence = int(row.get("occurrence") or 1)
                pos = -1
                for _i in range(occurrence):
                    pos = text.find(quote, pos + 1)
                    if pos < 0:
                        raise InvalidInput(
                            _("{file}, line {line}: the quote is not in the transcript.").format(
                                file=path.name, line=line))
                out.append(SampleCoding(doc, row["coder"], row["code"], row.get("valence", ""),
                                        pos, pos + len(quote)))
    return out


def build_sample(out: Path, source_dir: Path = SAMPLE_DIR) -> Project:
    """Create `out` from the sample sources; returns the open project."""
    transcripts = sorted((source_dir / "transcripts").glob("*.txt"))
    batch = prepare_files(transcripts)
    table = attrs.read_attributes_csv(source_dir / "attributes.csv")
    texts = {p.name: p.content.text for p in batch}
    codings = locate_codings(source_dir, texts)
    roots = parse_qdc(CODEBOOK.read_bytes())
    project = Project.create(out, TITLE)
    try:
        with project.write() as s:
            import_codebook(s, roots)
            for name, (type_, choices) in ATTRIBUTE_TYPES.items():
                attrs.define_attribute(s, name, type_, choices)
            add_prepared(s, batch)
            attrs.apply_attributes_csv(s, table)
            coders = {n: get_or_create_coder(s, n, c) for n, c in CODER_COLOURS.items()}
            docs = {name: get_document(s, name) for name in texts}
            codes: dict[str, object] = {}
            for c in codings:
                code = codes.get(c.code) or codes.setdefault(c.code, resolve_code(s, c.code))
                coder = coders.get(c.coder) or coders.setdefault(
                    c.coder, get_or_create_coder(s, c.coder))
                apply_coding(s, docs[c.document], code, coder, c.start, c.end,
                             valence=parse_valence(c.valence))
            add_sample_stc(s, source_dir / "stc.json")  # condensates, quotes, syntheses
        if (source_dir / "survey_comments.json").is_file():  # the KS-style user survey
            from app.core.sample_survey import add_sample_survey

            add_sample_survey(project, source_dir)
    except BaseException:
        project.close()
        for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            p.unlink(missing_ok=True)
        raise
    return project
