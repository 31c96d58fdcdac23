"""Deterministic (seeded) synthetic BSB corpora for benchmarks: Norwegian-like transcripts with
speakers, attributes and several coders' overlapping, partly disagreeing codings.

    python benchmarks/corpus.py --size oslo [--out DIR]     # builds DIR/oslo.sitat (+ .docx)

Sizes: small (tests, seconds), oslo (~60 transcripts, ~5 million characters, 4 coders x
15,000 codings), national (~600 transcripts, ~50 million characters, 200,000 codings).
The text comes from word lists and sentence templates written for Sitat; it has æøå, some
emoji and long speaker turns. Same size and seed give the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1
DEFAULT_DIR = Path(os.environ.get("SITAT_CORPUS_DIR") or ROOT / "benchmarks" / ".corpora")


@dataclass(frozen=True)
class Size:
    documents: int
    chars_per_doc: int
    coders: int
    codings_per_coder: int
    import_docs: int  # how many transcripts the import benchmark reads as .docx


SIZES = {
    "small": Size(6, 20_000, 2, 300, 3),
    "oslo": Size(60, 83_000, 4, 15_000, 10),
    "national": Size(600, 83_000, 4, 50_000, 20),
    "oslo200k": Size(60, 83_000, 4, 50_000, 10),
}

DISTRICTS = ["Gamle Oslo", "Vestre Aker", "St. Hanshaugen", "Nordre Aker", "Østensjø", "Frogner",
             "Alna", "Stovner", "Søndre Nordstrand", "Bjerke", "Grünerløkka", "Nordstrand",
             "Ullern", "Sagene", "Grorud"]
SERVICES = ["Psykisk helsearbeid", "Individuell plan", "Ansvarsgruppe", "Samlokaliserte boliger",
            "Hjemmetjenester", "Fastlege", "Legevakt og krisetilbud", "Aktivitetshus", "NAV",
            "DPS"]
CODERS = ["Hanne", "Tor", "Ingrid", "Yusuf", "Marit", "Kjetil"]
SUBCODES = ["i møtet", "over tid", "når det er krise"]

# -- the language ------------------------------------------------------------------------------
_SUBJECTS = ["jeg", "vi", "kontaktpersonen min", "fastlegen", "de på DPS", "saksbehandleren i NAV",
             "hun i hjemmetjenesten", "støttekontakten", "legen på legevakta", "naboen min",
             "de ansatte på aktivitetshuset", "miljøarbeideren", "psykologen", "mamma",
             "han som hadde vakt", "ingen", "alle sammen", "bydelen"]
_VERBS = ["ringte", "hørte på", "glemte", "fulgte opp", "forklarte", "sendte et brev til",
          "møtte", "spurte", "ventet på", "skrev ut", "hjalp", "lyttet til", "snakket med",
          "stolte på", "fikk ikke tak i", "kom hjem til", "satt sammen med", "avlyste timen med"]
_OBJECTS = ["meg", "oss", "kontaktpersonen", "fastlegen", "hele ansvarsgruppa", "NAV",
            "de andre på huset", "familien min", "søsteren min", "den nye vikaren", "kommunen",
            "legen", "dem på kontoret"]
_WHEN = ["i fjor høst", "etter tre uker", "på fredag", "midt på natta", "hver eneste gang",
         "før jul", "da det var som verst", "i går", "for to år siden", "etter innleggelsen",
         "hver tirsdag", "i påska", "med en gang", "etter flere måneder"]
_FEELINGS = ["Det var godt å bli sett.", "Jeg følte meg som et saksnummer.",
             "Da kjente jeg at noen brydde seg.", "Det gjorde meg både sint og lei meg.",
             "Jeg måtte forklare alt på nytt.", "Det ga meg litt håp igjen.",
             "Ingen sa noe om bivirkningene.", "Det er sånn det er, liksom.",
             "Jeg visste ikke hvem jeg skulle ringe.", "Hun hadde faktisk tid til meg.",
             "Det føltes trygt for første gang.", "Brevet kom først etter fem uker.",
             "Det er slitsomt å bytte hele tiden.", "Da slapp jeg å bære alt alene."]
_FILLERS = ["altså", "liksom", "ikke sant", "eh", "på en måte", "ærlig talt", "sånn sett",
            "faktisk", "jo"]
_QUESTIONS = ["Hvordan opplevde dere det første møtet med tjenesten?",
              "Kan du si litt mer om det?", "Hva kunne vært gjort annerledes?",
              "Har dere en individuell plan, og blir den brukt?",
              "Hvordan er samarbeidet mellom de ulike tjenestene?",
              "Får dere informasjon om rettighetene deres?",
              "Hva betyr det for dere å ha en fast kontaktperson?",
              "Hvordan er det å få hjelp utenom kontortid?",
              "Er det noen som vil si noe mer før vi går videre?"]
_EMOJI = ["🙂", "👍", "😅", "🙏"]


def _sentence(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.28:
        return rng.choice(_FEELINGS)
    subj, verb, obj, when = (rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS),
                             rng.choice(_WHEN))
    if r < 0.5:
        s = f"{subj} {verb} {obj} {when}"
    elif r < 0.7:
        s = f"{when} {verb} {subj} {obj}, {rng.choice(_FILLERS)}"
    elif r < 0.85:
        s = f"{subj} {verb} {obj}, og så {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {when}"
    else:
        s = f"{rng.choice(_FILLERS)}, {subj} {verb} {obj} {when}"
    s = s[0].upper() + s[1:]
    end = "." if rng.random() < 0.85 else ("?" if rng.random() < 0.5 else "!")
    if rng.random() < 0.02:
        end += " " + rng.choice(_EMOJI)
    return s + end


@dataclass
class GenDocument:
    name: str
    text: str
    attributes: dict[str, str]
    # (start, end) of each sentence said by an informant, in code points: what coders code
    sentences: list[tuple[int, int]] = field(default_factory=list)
    turns: list[tuple[int, int, str]] = field(default_factory=list)


def transcript(rng: random.Random, name: str, target_chars: int, focus_group: bool,
               attributes: dict[str, str]) -> GenDocument:
    """A transcript of about `target_chars` code points with interviewer and informant turns."""
    asker = "Moderator" if focus_group else "Intervjuer"
    people = [f"Deltaker {i}" for i in range(1, rng.randint(5, 8) + 1)] if focus_group \
        else ["Informant"]
    kind = "Fokusgruppe" if focus_group else "Individuelt intervju"
    parts = [f"{kind}, bydel {attributes['bydel']} - {attributes['tjeneste']}\n\n"]
    pos = len(parts[0])
    doc = GenDocument(name, "", attributes)
    while pos < target_chars:
        q = rng.choice(_QUESTIONS)
        line = f"{asker}: {q}\n\n"
        doc.turns.append((pos + len(asker) + 2, pos + len(asker) + 2 + len(q), asker))
        parts.append(line)
        pos += len(line)
        for _ in range(rng.randint(1, 4)):
            who = rng.choice(people)
            n = rng.randint(40, 90) if rng.random() < 0.04 else rng.randint(2, 14)  # long turns
            start = pos + len(who) + 2
            said, cur = [], start
            for i in range(n):
                s = _sentence(rng)
                if i:
                    cur += 1  # the space before it
                doc.sentences.append((cur, cur + len(s)))
                said.append(s)
                cur += len(s)
            speech = " ".join(said)
            line = f"{who}: {speech}\n\n"
            doc.turns.append((start, start + len(speech), who))
            parts.append(line)
            pos += len(line)
    doc.text = "".join(parts)
    return doc


def documents(size: str, seed: int = 7) -> list[GenDocument]:
    spec = SIZES[size]
    rng = random.Random(f"{seed}-{size}-docs")
    out = []
    for i in range(spec.documents):
        focus = rng.random() < 0.8
        attrs = {"bydel": DISTRICTS[i % len(DISTRICTS)], "tjeneste": SERVICES[(i * 7) % 10],
                 "intervjutype": "Fokusgruppe" if focus else "Individuelt intervju"}
        target = int(spec.chars_per_doc * rng.uniform(0.8, 1.2))
        name = f"{'fg' if focus else 'ind'}{i + 1:03d}-{attrs['bydel'].lower().replace(' ', '-')}"
        out.append(transcript(rng, name, target, focus, attrs))
    return out


def codings(docs: list[GenDocument], coders: int, per_coder: int, codes: int,
            seed: int = 7) -> list[tuple[int, int, int, int, int]]:
    """(document index, code index, coder index, start, end): coders who mostly agree.

    A shared pool of segments (1-3 informant sentences) is drawn; each coder codes about 80 %
    of them, with the pool's code 90 % of the time and boundaries moved by a sentence 15 % of
    the time, and fills up with segments of their own.
    """
    rng = random.Random(f"{seed}-codings")
    total = sum(len(d.text) for d in docs)
    pool = []
    for di, d in enumerate(docs):
        share = max(1, round(per_coder * len(d.text) / total))
        sents = d.sentences
        for _ in range(share):
            k = rng.randrange(len(sents))
            k2 = min(len(sents) - 1, k + rng.randint(0, 2))
            pool.append((di, rng.randrange(codes), k, k2))
    out = []
    for coder in range(coders):
        crng = random.Random(f"{seed}-coder-{coder}")
        mine = []
        for di, code, k, k2 in pool:
            if crng.random() > 0.8:
                continue
            if crng.random() > 0.9:
                code = crng.randrange(codes)
            if crng.random() < 0.15:
                last = len(docs[di].sentences) - 1
                k = min(last, max(0, k + crng.choice((-1, 1))))
                k2 = min(last, max(k, k2 + crng.choice((-1, 0, 1))))
            mine.append((di, code, k, k2))
        while len(mine) < per_coder:
            di, _c, k, k2 = crng.choice(pool)
            mine.append((di, crng.randrange(codes), k2, min(k2 + 1, len(docs[di].sentences) - 1)))
        for di, code, k, k2 in mine[:per_coder]:
            sents = docs[di].sentences
            out.append((di, code, coder, sents[k][0], sents[k2][1]))
    return out


def big_transcript(chars: int = 300_000, n_codings: int = 2_000, seed: int = 7):
    """(text, turns, codings) for the viewer benchmark: turns (start, end, speaker), codings
    (start, end, code name, colour) with overlaps."""
    rng = random.Random(f"{seed}-big")
    doc = transcript(rng, "stor", chars, True, {"bydel": "Alna", "tjeneste": "DPS"})
    colours = ["#C0392B", "#2E86C1", "#8E44AD", "#D68910", "#17A589", "#1F618D", "#28B463"]
    out = []
    for i in range(n_codings):
        k = rng.randrange(len(doc.sentences))
        k2 = min(len(doc.sentences) - 1, k + rng.randint(0, 3))
        out.append((doc.sentences[k][0], doc.sentences[k2][1], f"Kode {i % 30}",
                    colours[i % len(colours)]))
    return doc.text, doc.turns, out


def write_docx(doc: GenDocument, path: Path) -> None:
    import docx

    d = docx.Document()
    for para in doc.text.split("\n\n"):
        if para:
            d.add_paragraph(para)
    d.save(str(path))


def corpus_dir(size: str, seed: int = 7, base: Path = DEFAULT_DIR) -> Path:
    key = hashlib.sha256(f"{GENERATOR_VERSION}-{size}-{seed}".encode()).hexdigest()[:10]
    return base / f"{size}-{key}"


def build(size: str, seed: int = 7, base: Path = DEFAULT_DIR) -> Path:
    """Build (once) the corpus folder: project.sitat plus docx/ for the import benchmark."""
    folder = corpus_dir(size, seed, base)
    project_path = folder / "project.sitat"
    if project_path.exists():
        from app.core.project import Project

        Project.open(project_path).close()  # brings a corpus from an older schema up to date
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    docs = documents(size, seed)
    spec = SIZES[size]
    (folder / "docx").mkdir(exist_ok=True)
    for d in docs[: spec.import_docs]:
        write_docx(d, folder / "docx" / f"{d.name}.docx")
    tmp = folder / "project.sitat.building"
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    _write_project(tmp, docs, spec, seed)
    tmp.replace(project_path)
    return folder


def _write_project(path: Path, docs: list[GenDocument], spec: Size, seed: int) -> None:
    from app.core import attributes as attrs
    from app.core import codebook as cb
    from app.core import codebook_io as cbio
    from app.core.coding import NewCoding, add_codings_bulk, get_or_create_coder
    from app.core.documents import PreparedDocument, add_prepared, text_sha256
    from app.core.importing.model import ImportedText, Turn
    from app.core.project import Project
    from app.core.refi.qdc import parse_qdc

    with Project.create(path, "Syntetisk korpus") as p, p.write() as s:
        cbio.import_codebook(s, parse_qdc((ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").read_bytes()))
        leaves = [c for c in cb.ordered_codes(s) if c.codable]
        for leaf in list(leaves):
            for sub in SUBCODES:
                leaves.append(cb.create_code(s, f"{leaf.name} {sub}", leaf, leaf.color))
        attrs.define_attribute(s, "bydel", "choice", DISTRICTS)
        attrs.define_attribute(s, "tjeneste", "choice", SERVICES)
        attrs.define_attribute(s, "intervjutype", "choice", ["Fokusgruppe", "Individuelt intervju"])
        batch = [PreparedDocument(d.name, Path(d.name + ".txt"),
                                  ImportedText(d.text, [Turn(a, b, w) for a, b, w in d.turns]),
                                  text_sha256(d.text), d.attributes) for d in docs]
        add_prepared(s, batch)
        from sqlalchemy import select

        from app.models import Document

        ids = dict(s.execute(select(Document.name, Document.id)).all())
        coder_ids = [get_or_create_coder(s, CODERS[i]).id for i in range(spec.coders)]
        rows = [NewCoding(ids[docs[di].name], leaves[ci].id, coder_ids[co], a, b)
                for di, ci, co, a, b in codings(docs, spec.coders, spec.codings_per_coder,
                                                len(leaves), seed)]
        add_codings_bulk(s, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build a synthetic benchmark corpus.")
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    a = ap.parse_args(argv)
    folder = build(a.size, a.seed, a.out)
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
