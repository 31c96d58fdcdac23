"""A whole stepwise codebook study, as a research lead would run it, through the command line
only: four analysts, three rounds, the codebook revised between rounds, disagreements settled
and the consensus completed, each round closed as a record, a later round on the same
documents. Then the report writer's exports: no passage counted or printed twice, every quote
traceable to its coders, round and codebook version."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run_cli

CODERS = ("Anne", "Bjørn", "Cecilie", "Dag")

# Five synthetic transcripts (written for this test): a document is a list of turns.
DOCS = {
    "fg-alna": ("Alna", [
        "Moderator: Velkommen. Kan dere fortelle hvordan dere ble møtt første gang?",
        "Deltaker 1: Jeg ble tatt på alvor med en gang. Hun på kontoret hørte på hele historien "
        "min og sa at jeg skulle få komme tilbake når jeg trengte det.",
        "Deltaker 2: Hos meg har det vært fire ulike kontaktpersoner på ett år. Hver gang må jeg "
        "forklare alt på nytt, og da orker jeg nesten ikke å gå dit.",
        "Deltaker 3: Ingen har sagt noe om bivirkningene av medisinen. Det fant jeg ut selv på "
        "nettet, og det ble jeg redd av.",
        "Moderator: Hva skulle dere ønske var annerledes?",
        "Deltaker 2: At det er den samme personen som følger meg opp, og at avtaler holdes.",
    ]),
    "fg-stovner": ("Stovner", [
        "Moderator: Hvordan er det å få hjelp i bydelen?",
        "Deltaker 1: De ringer alltid hvis de blir forsinket. Det gjør at jeg føler meg respektert.",
        "Deltaker 2: Jeg visste ikke at jeg hadde rett til individuell plan før en annen bruker "
        "fortalte meg det på aktivitetshuset.",
        "Deltaker 3: Når jeg har det dårlig, får jeg ikke time før om tre uker. Det er for sent.",
        "Deltaker 1: Men min kontaktperson har vært den samme i fem år, og det er gull verdt.",
    ]),
    "ind-frogner": ("Frogner", [
        "Intervjuer: Du sa at du har hatt mange møter med NAV. Hvordan har de vært?",
        "Informant: Jeg følte meg som et nummer. De snakket over hodet på meg og så på skjermen "
        "hele tiden.",
        "Informant: Fastlegen derimot, han tar seg tid og spør hvordan jeg egentlig har det.",
        "Intervjuer: Fikk du vite hva som skulle skje videre?",
        "Informant: Nei, jeg fikk et brev tre måneder senere. Ingen forklarte noe.",
    ]),
    "fg-sagene": ("Sagene", [
        "Moderator: Hva betyr ansvarsgruppa for dere?",
        "Deltaker 1: Der blir jeg hørt. Vi bestemmer sammen hva som skal skje, og det står i "
        "planen etterpå.",
        "Deltaker 2: Jeg har aldri vært med på et sånt møte. Jeg får bare beskjed etterpå.",
        "Deltaker 3: Det beste er at de samme folkene kommer hver gang, så jeg slipper å starte "
        "på nytt.",
    ]),
    "ind-grorud": ("Grorud", [
        "Intervjuer: Hvordan var det å bo i samlokalisert bolig?",
        "Informant: Personalet banker alltid på før de kommer inn. Det er en liten ting, men det "
        "betyr mye.",
        "Informant: Men ingen sa noe om hvorfor medisinen ble byttet. Jeg måtte spørre tre ganger.",
        "Informant: Turnusen skifter hele tiden, så jeg vet aldri hvem som er på jobb.",
    ]),
}

RESPEKT = "Grunnleggende/Respekt"
FAG = "Grunnleggende/Dyktige fagpersoner"
FORUT = "Forutsigbarhet"
FORUT2 = "Forutsigbarhet og kontinuitet"
INFO = "Informasjon"


def text_of(doc: str) -> str:
    return "\n".join(DOCS[doc][1]) + "\n"


def turn(doc: str, i: int, words: int | None = None) -> tuple[int, int]:
    """The span of turn i (after the speaker label); `words` keeps only its first words."""
    text, line = text_of(doc), DOCS[doc][1][i]
    start = text.index(line) + line.index(":") + 2
    body = line[line.index(":") + 2:]
    if words is not None:
        body = " ".join(body.split(" ")[:words])
    return start, start + len(body)


# Who codes what in the first round: (document, turn, code, coders, words) - None words is the
# whole turn. Some places all four agree on, some have other boundaries, some one coder only.
ROUND1 = [
    ("fg-alna", 1, RESPEKT, CODERS, None),
    ("fg-alna", 2, FORUT, ("Anne", "Bjørn", "Dag"), None),
    ("fg-alna", 2, FORUT, ("Cecilie",), 12),
    ("fg-alna", 3, INFO, ("Anne", "Bjørn"), None),
    ("fg-alna", 3, INFO, ("Cecilie",), 9),
    ("fg-stovner", 1, RESPEKT, ("Anne", "Bjørn", "Cecilie"), None),
    ("fg-stovner", 2, INFO, CODERS, None),
    ("fg-stovner", 4, FORUT, ("Anne",), None),
    ("fg-stovner", 4, FORUT, ("Bjørn",), 8),
    ("ind-frogner", 1, RESPEKT, CODERS, None),
    ("ind-frogner", 2, FAG, ("Anne", "Bjørn", "Dag"), None),
    ("ind-frogner", 4, INFO, ("Bjørn", "Cecilie"), None),
]


def rows_for(plan, coder: str, renamed: dict[str, str] | None = None) -> list[dict]:
    renamed = renamed or {}
    out = []
    for doc, i, code, who, words in plan:
        if coder in who:
            start, end = turn(doc, i, words)
            out.append({"document": doc, "code": renamed.get(code, code), "coder": coder,
                        "start": start, "end": end,
                        "memo": f"{coder} leste dette som {code.rsplit('/', 1)[-1].lower()}.",
                        "valence": "-" if code in (FORUT, INFO) else "+"})
    return out


def sitat(*args, ok: bool = True):
    r = run_cli(*args)
    if ok:
        assert r.code == 0, (args, r.err)
    return r


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["document", "code", "coder", "start", "end", "memo", "valence"])
        w.writeheader()
        w.writerows(rows)
    return path


def run_round(proj: Path, tmp: Path, name: str, docs: list[str], version: str, plan,
              renamed=None) -> dict[str, Path]:
    """A round: blind copies, each analyst codes their own copy in bulk, the lead merges."""
    folder = tmp / f"kopier-{name}"
    made = sitat("--as", "Leder", "round", "new", proj, name, "--documents", ",".join(docs),
                 "--coders", ",".join(CODERS), "--version", version, "--copies", folder,
                 "--json").json()
    copies = dict(zip(made["coders"], (Path(p) for p in made["copies"])))
    assert sorted(copies) == sorted(CODERS) and all(p.is_file() for p in copies.values())
    for coder, copy in copies.items():
        # a blind round copy holds none of this coder's earlier codings
        assert sitat("codings", copy, "--json").json() == []
        rows = rows_for(plan, coder, renamed)
        sitat("--as", coder, "code", copy, "--from", write_csv(tmp / f"{name}-{coder}.csv", rows))
    sitat("--as", "Leder", "merge", proj, *copies.values())
    return copies


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("studie")
    return build_study(tmp / "studie.sitat", tmp)


def build_study(proj, tmp: Path) -> dict:
    """The whole study in the project `proj` (a new .sitat path, or an empty database's URL:
    tests/cli/test_study_on_postgresql.py), files in `tmp`."""
    sitat("new", proj, "--title", "Fire analytikere, tre runder")
    for doc, (bydel, _turns) in DOCS.items():
        src = tmp / f"{doc}.txt"
        src.write_text(text_of(doc), encoding="utf-8")
        sitat("import", proj, src, "--attr", f"bydel={bydel}")
    lead = ("--as", "Leder")
    sitat(*lead, "codebook", "add", proj, "Grunnleggende", "--not-codable")
    sitat(*lead, "codebook", "add", proj, RESPEKT, "--definition",
          "Å bli sett, hørt og tatt på alvor.")
    sitat(*lead, "codebook", "add", proj, FAG, "--definition", "Riktig hjelp, tid og oppfølging.")
    sitat(*lead, "codebook", "add", proj, FORUT, "--definition", "Stabil oppfølging.")
    sitat(*lead, "codebook", "add", proj, INFO)
    sitat(*lead, "codebook", "define", proj, INFO, "--definition",
          "Tilpasset informasjon om behandling og rettigheter.", "--include",
          "Også når informasjon mangler.")
    sitat(*lead, "codebook", "freeze", proj, "v1")
    r1_docs = ["fg-alna", "fg-stovner", "ind-frogner"]
    run_round(proj, tmp, "Runde 1", r1_docs, "v1", ROUND1)

    # the lead settles Anne's and Bjørn's disagreements and completes their consensus
    places = sitat("disagreements", proj, "--coders", "Anne,Bjørn", "--json").json()
    takes = ["a", "b", "both", "neither"]
    for i, place in enumerate(places):
        sitat(*lead, "resolve", proj, place["id"], "--take", takes[i % len(takes)])
    consensus = sitat(*lead, "consensus", proj, "--coders", "Anne,Bjørn", "--json").json()
    kappa1 = sitat("agreement", proj, "--coders", "Anne,Bjørn", "--round", "Runde 1",
                   "--json").json()
    sitat(*lead, "round", "close", proj, "Runde 1")
    report1 = sitat("round", "report", proj, "Runde 1", "--json").json()

    # the codebook is revised between rounds, then frozen again
    sitat(*lead, "codebook", "rename", proj, FORUT, FORUT2)
    sitat(*lead, "codebook", "add", proj, "Fleksibilitet", "--definition",
          "Hjelp utenom kontortid, avtaler som kan flyttes.")
    sitat(*lead, "codebook", "define", proj, RESPEKT, "--example",
          "«De banker alltid på før de kommer inn.»")
    sitat(*lead, "codebook", "freeze", proj, "v2")

    # round 2 codes the same documents again with the revised codebook
    renamed = {FORUT: FORUT2}
    copies2 = run_round(proj, tmp, "Runde 2", r1_docs, "v2", ROUND1, renamed)
    sitat(*lead, "round", "close", proj, "Runde 2")

    # round 3: new documents, after one more change
    sitat(*lead, "codebook", "merge", proj, "Fleksibilitet", FORUT2)
    sitat(*lead, "codebook", "freeze", proj, "v3")
    round3 = [("fg-sagene", 1, RESPEKT, CODERS, None), ("fg-sagene", 3, FORUT2, CODERS, 10),
              ("ind-grorud", 1, RESPEKT, ("Anne", "Cecilie", "Dag"), None),
              ("ind-grorud", 2, INFO, CODERS, None), ("ind-grorud", 3, FORUT2, ("Dag",), None)]
    run_round(proj, tmp, "Runde 3", ["fg-sagene", "ind-grorud"], "v3", round3)
    sitat(*lead, "round", "close", proj, "Runde 3")
    return {"proj": proj, "tmp": tmp, "report1": report1, "kappa1": kappa1,
            "consensus": consensus, "places": places, "copies2": copies2}


def test_every_step_worked_and_the_file_is_sound(study):
    assert sitat("check", study["proj"]).code == 0
    rounds = {r["name"]: r for r in sitat("round", "list", study["proj"], "--json").json()}
    assert set(rounds) == {"Runde 1", "Runde 2", "Runde 3"}
    assert all(r["closed_at"] for r in rounds.values())


def test_codings_carry_their_round_version_and_time(study):
    rows = sitat("codings", study["proj"], "--json").json()
    by_coder = {c: [r for r in rows if r["coder"] == c] for c in CODERS}
    for coder in CODERS:
        mine = by_coder[coder]
        assert {r["round"] for r in mine} == {"Runde 1", "Runde 2", "Runde 3"}
        for r in mine:
            assert r["created_at"].endswith("Z")
            assert r["codebook_version"] == {"Runde 1": "v1", "Runde 2": "v2",
                                             "Runde 3": "v3"}[r["round"]]
    # round 2 re-coded the very spans of round 1: both are kept, one per round
    anne = Counter((r["document"], r["start"], r["end"]) for r in by_coder["Anne"]
                   if r["round"] in ("Runde 1", "Runde 2"))
    assert anne and set(anne.values()) == {2}


def test_a_closed_rounds_figures_never_move(study):
    proj = study["proj"]
    assert sitat("round", "report", proj, "Runde 1", "--json").json() == study["report1"]
    again = sitat("agreement", proj, "--coders", "Anne,Bjørn", "--round", "Runde 1",
                  "--json").json()
    # the live figures of a closed round stay the same too; only a renamed code's label follows
    # the codebook of today (the record above keeps the name it had)

    def figures(report):
        return json.dumps({**report, "codes": [{k: v for k, v in c.items() if k != "code"}
                                               for c in report["codes"]]}, sort_keys=True)

    assert figures(again) == figures(study["kappa1"])
    assert [c["code"] for c in again["codes"]] == [
        FORUT2 if c["code"] == FORUT else c["code"] for c in study["kappa1"]["codes"]]
    record = study["report1"]
    assert record["coders"] == sorted(CODERS) or sorted(record["coders"]) == sorted(CODERS)
    # the record keeps the codebook of its version: the code as it was named then
    assert FORUT in json.dumps(record, ensure_ascii=False)


def test_the_consensus_is_complete(study):
    proj = study["proj"]
    assert study["places"], "the plan has places where Anne and Bjørn differ"
    again = sitat("consensus", proj, "--coders", "Anne,Bjørn", *[
        x for d in ("fg-alna", "fg-stovner", "ind-frogner") for x in ("--document", d)],
        "--json").json()
    assert again["undecided"] == []
    consensus = [r for r in sitat("codings", proj, "--json").json() if r["coder"] == "Konsensus"]
    assert consensus
    # every span both coded identically in round 1 is in the consensus, with both memos
    assert all(r["memo"] for r in consensus if r["start"] == turn("fg-alna", 1)[0])


def test_round_two_copies_had_the_revised_codebook(study):
    copy = study["copies2"]["Anne"]
    paths = {r["path"] for r in sitat("codes", copy, "--json").json()}
    assert FORUT2 in paths and FORUT not in paths and "Fleksibilitet" in paths


def test_codebook_history_names_the_changes(study):
    proj = study["proj"]
    diff = sitat("codebook", "diff", proj, "v1", "v2").out
    assert f"{FORUT} -> {FORUT2}" in diff
    diff3 = sitat("codebook", "diff", proj, "v2", "v3", "--json").json()
    assert [(m["from"], m["into"]) for m in diff3["merged"]] == [("Fleksibilitet", FORUT2)]
    log = sitat("codebook", "log", proj, "--json").json()
    assert {e["actor"] for e in log} >= {"Leder"}


def passages(rows: list[dict]) -> set[tuple[str, str, int, int]]:
    """Passages counted independently of Sitat: per document and code, overlapping spans of
    any coders united (spans that only touch stay apart)."""
    out = set()
    by_place: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r in rows:
        by_place.setdefault((r["document"], r["code"]), []).append((r["start"], r["end"]))
    for (doc, code), spans in by_place.items():
        spans.sort()
        start, end = spans[0]
        for s, e in spans[1:]:
            if s < end:
                end = max(end, e)
            else:
                out.add((doc, code, start, end))
                start, end = s, e
        out.add((doc, code, start, end))
    return out


def _quote_rows(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# ")  # the scope, said first
    return list(csv.DictReader(lines[1:]))


def test_exports_print_every_passage_once_and_trace_it(study):
    import docx

    proj, tmp = study["proj"], study["tmp"]
    expected = passages(sitat("codings", proj, "--json").json())
    sitat("--lang", "en", "export", "quotes", proj, "--csv", tmp / "sitater.csv", "--docx",
          tmp / "sitater.docx")  # English labels (the project's own language is bokmål)
    rows = _quote_rows(tmp / "sitater.csv")
    keys = [(r["Document"], r["Code"], int(r["Start"]), int(r["End"])) for r in rows]
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    # the default display counts the same passages, once each
    m = sitat("matrix", proj, "--rows", "codes", "--cols", "bydel", "--json").json()
    assert m["total"] == len(expected) and m["scope"]["kind"] == "segments"
    every = sitat("matrix", proj, "--rows", "codes", "--cols", "bydel", "--scope", "codings",
                  "--json").json()
    assert every["total"] == len(sitat("codings", proj, "--json").json()) > m["total"]
    # every quote in Word names its coders, round and codebook version
    cells = [row.cells[0].text for t in docx.Document(tmp / "sitater.docx").tables
             for row in t.rows[1:]]
    assert len(cells) == len(expected)
    for text in cells:
        quote, source = text.split("\n", 1)
        assert quote.startswith("«") and "coded by" in source, text
        assert any(f"round Runde {n}" in source for n in (1, 2, 3)), source
        assert any(f"codebook v{n}" in source for n in (1, 2, 3)), source
        assert "¶" in source


def test_the_stc_report_traces_its_quotes_and_lists_the_rounds(study):
    import docx

    proj, tmp = study["proj"], study["tmp"]
    units = [r["guid"] for r in sitat("codings", proj, "--code", RESPEKT, "--coder", "Anne",
                                      "--json").json()][:3]
    lead = ("--as", "Leder")
    sitat(*lead, "condense", proj, "--code", RESPEKT, "--text",
          "Jeg blir tatt på alvor når de hører på hele historien og holder det de lover.",
          "--codings", ",".join(units))
    sitat(*lead, "illustrate", proj, "--code", RESPEKT, "--coding", units[0])
    sitat(*lead, "synthesis", proj, "--code", RESPEKT, "--text",
          "Respekt handler om å bli hørt og om at små ting, som å banke på, blir gjort.")
    sitat("--lang", "en", "export", "report", proj, "--docx", tmp / "rapport.docx", "--code",
          RESPEKT)
    paragraphs = [p.text for p in docx.Document(tmp / "rapport.docx").paragraphs]
    text = "\n".join(paragraphs)
    quotes = [i for i, p in enumerate(paragraphs) if p.startswith("«")]
    assert quotes
    for i in quotes:
        source = paragraphs[i + 1] if "\n" not in paragraphs[i] else paragraphs[i]
        assert any(c in source for c in CODERS), (paragraphs[i], source)
        assert "round Runde" in source and "codebook v" in source, (paragraphs[i], source)
    assert "Jeg blir tatt på alvor" in text
    # the appendix: each round with its codebook version, coders, agreement and status
    appendix = docx.Document(tmp / "rapport.docx").tables[-1]
    rows = [[c.text for c in r.cells] for r in appendix.rows[1:]]
    assert [(r[0], r[1]) for r in rows] == [("Runde 1", "v1"), ("Runde 2", "v2"),
                                            ("Runde 3", "v3")]
    assert all(r[2] == ", ".join(CODERS) and "κ" in r[3] and "closed" in r[4] for r in rows)
