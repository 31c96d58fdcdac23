"""The Norwegian analyzer: which bokmål forms meet on one stem, which must stay apart, and
that tokens keep exact code-point offsets into the original text."""

from __future__ import annotations

import itertools
import pickle

import pytest

from app.core.search.norwegian import PART, analyse, exact_analyzer, norwegian_analyzer, stem

# Every form in a group must get the same stem, and no two groups may share a stem.
GROUPS: dict[str, list[str]] = {
    # nouns: indefinite/definite, singular/plural, genitive
    "bruker": ["bruker", "brukeren", "brukere", "brukerne", "brukers", "brukerens",
               "brukernes", "Brukerne"],
    "tjeneste": ["tjeneste", "tjenesten", "tjenester", "tjenestene", "tjenestens",
                 "tjenestes"],
    "helsetjeneste": ["helsetjeneste", "helsetjenesten", "helsetjenester",
                      "helsetjenestene"],
    "respekt": ["respekt", "respekten", "respektens"],
    "kontaktperson": ["kontaktperson", "kontaktpersonen", "kontaktpersoner",
                      "kontaktpersonene", "kontaktpersonens"],
    "time": ["time", "timen", "timer", "timene", "timens"],
    "hus": ["hus", "huset", "husene", "husets"],
    "sykehus": ["sykehus", "sykehuset", "sykehusene", "sykehusets"],
    "møte": ["møte", "møtet", "møter", "møtene", "møtes", "møtte", "møtt"],
    "tid": ["tid", "tida", "tiden", "tider", "tidene"],
    "jente": ["jente", "jenta", "jenten", "jenter", "jentene", "jentas"],
    "dag": ["dag", "dagen", "dager", "dagene", "dagens"],
    "lege": ["lege", "legen", "leger", "legene", "legens"],
    "fastlege": ["fastlege", "fastlegen", "fastleger", "fastlegene"],
    "medisin": ["medisin", "medisinen", "medisiner", "medisinene"],
    "mulighet": ["mulighet", "muligheten", "muligheter", "mulighetene"],
    "aktivitet": ["aktivitet", "aktiviteten", "aktiviteter", "aktivitetene"],
    "pasient": ["pasient", "pasienten", "pasienter", "pasientene"],
    "angst": ["angst", "angsten"],
    "kontakt": ["kontakt", "kontakten", "kontakte", "kontakter"],
    "barn": ["barn", "barnet", "barna", "barnas", "barnets"],
    "regel": ["regel", "regelen", "regler", "reglene"],
    "eksempel": ["eksempel", "eksempelet", "eksempler", "eksemplene"],
    "verden": ["verden", "verdens", "verdenen"],
    "morgen": ["morgen", "morgenen", "morgener"],
    "sommer": ["sommer", "sommeren", "sommers"],
    "følelse": ["følelse", "følelsen", "følelser", "følelsene"],
    "situasjon": ["situasjon", "situasjonen", "situasjoner", "situasjonene"],
    "uke": ["uke", "uka", "uken", "uker", "ukene"],
    "år": ["år", "året", "årene", "års"],
    "by": ["by", "byen", "byer", "byene"],
    "mor": ["mor", "mora", "moren", "mødre", "mors"],
    "far": ["far", "faren", "fedre", "fars"],
    "idé": ["idé", "ide", "ideen", "ideer", "ideene"],
    "nav": ["NAV", "NAV-en", "NAV's", "nav"],
    "tema": ["tema", "temaet", "temaer", "temaene"],
    "skjema": ["skjema", "skjemaet", "skjemaer", "skjemaene"],
    "dame": ["dame", "dama", "damen", "damer", "damene"],
    "nav-kontor": ["NAV-kontor", "NAV-kontoret", "NAV-kontorene"],
    # adjectives
    "trygg": ["trygg", "trygt", "trygge", "tryggere", "tryggest", "tryggeste"],
    "god": ["god", "godt", "gode"],
    "stor": ["stor", "stort", "store"],
    "vanskelig": ["vanskelig", "vanskelige", "vanskeligere", "vanskeligst",
                  "vanskeligste"],
    "ny": ["ny", "nytt", "nye"],
    "viktig": ["viktig", "viktige", "viktigere", "viktigste"],
    "psykisk": ["psykisk", "psykiske"],
    "dårlig": ["dårlig", "dårlige", "dårligere"],
    "sikker": ["sikker", "sikkert"],
    "gammel": ["gammel", "gammelt", "gamle"],
    "enkel": ["enkel", "enkelt", "enkle"],
    "åpen": ["åpen", "åpent", "åpne"],
    "sliten": ["sliten", "slitne"],
    "fin": ["fin", "fint", "fine"],
    "lett": ["lett", "lette", "lettere"],
    "vond": ["vond", "vondt", "vonde"],
    "sterk": ["sterk", "sterkt", "sterke"],
    "høy": ["høy", "høyt", "høye"],
    # verbs
    "snakke": ["snakke", "snakker", "snakket", "snakka", "snakkes"],
    "vente": ["vente", "venter", "ventet", "venta"],
    "høre": ["høre", "hører", "hørte", "hørt", "høres"],
    "få": ["få", "får", "fikk", "fått"],
    "gå": ["gå", "går", "gikk", "gått"],
    "ringe": ["ringe", "ringer", "ringte", "ringt"],
    "føle": ["føle", "føler", "følte", "følt", "føles"],
    "hjelpe": ["hjelpe", "hjelper", "hjalp", "hjulpet", "hjelp", "hjelpen"],
    "komme": ["komme", "kommer", "kom", "kommet"],
    "tenke": ["tenke", "tenker", "tenkte", "tenkt"],
    "bo": ["bo", "bor", "bodde", "bodd"],
    "prøve": ["prøve", "prøver", "prøvde", "prøvd"],
    "glemme": ["glemme", "glemmer", "glemte", "glemt"],
    "begynne": ["begynne", "begynner", "begynte", "begynt"],
    "kjenne": ["kjenne", "kjenner", "kjente", "kjent", "kjennes"],
    "ukjent": ["ukjent", "ukjente"],
    "fungere": ["fungere", "fungerer", "fungerte", "fungert"],
    "interessere": ["interessere", "interesserer", "interesserte", "interessert",
                    "interesse"],
    "skrive": ["skrive", "skriver", "skrev", "skrevet"],
    "si": ["si", "sier", "sa", "sagt"],
    "fortelle": ["fortelle", "forteller", "fortalte", "fortalt"],
    "spørre": ["spørre", "spør", "spurte", "spurt"],
    "mene": ["mene", "mener", "mente", "ment"],
    "sende": ["sende", "sender", "sendte", "sendt"],
    "jobbe": ["jobbe", "jobber", "jobbet", "jobba", "jobb", "jobben"],
    "leie": ["leie", "leier", "leide", "leien"],
}

# Pairs of different words that must keep different stems.
NOT_CONFLATED: list[tuple[str, str]] = [
    # æ, ø and å are letters of their own
    ("far", "får"), ("for", "før"), ("for", "får"), ("før", "får"), ("far", "for"),
    ("fôr", "for"), ("mor", "mer"), ("bor", "bør"), ("mot", "møte"), ("mot", "møt"),
    ("alle", "ålle"), ("så", "sa"), ("gå", "ga"), ("år", "ål"), ("tå", "ta"),
    ("lå", "la"), ("her", "hær"), ("bør", "bær"), ("møte", "mote"), ("lære", "lure"),
    ("lese", "løse"), ("gråt", "grå"), ("været", "var"),
    # protected function words are never reached by stripping
    ("mener", "men"), ("mente", "men"), ("fører", "før"), ("føre", "før"),
    ("sommer", "som"), ("sommeren", "som"), ("første", "før"), ("sitter", "sitt"),
    ("sitt", "sitte"), ("hverandre", "hver"), ("vel", "velge"), ("men", "menn"),
    ("mann", "man"), ("hele", "helse"), ("rundt", "runde"), ("nesten", "neste"),
    ("noe", "noen"),
    # different words that a naive suffix stripper merges
    ("fare", "far"), ("lege", "legge"), ("leger", "legger"), ("lett", "lete"),
    ("fin", "finne"), ("fint", "finner"), ("tak", "takk"), ("hatt", "hat"),
    ("lei", "leie"), ("lys", "lyst"), ("hus", "huske"), ("trygg", "trygd"),
    ("leve", "levere"), ("lever", "levert"), ("ord", "orden"), ("ordene", "orden"),
    ("verd", "verden"), ("kurs", "kur"), ("stille", "stillas"), ("stol", "stolt"),
    ("tur", "turte"), ("erfaren", "far"), ("humoren", "mor"), ("ansatte", "sette"),
    ("syn", "synes"), ("tjeneste", "tjene"), ("kjæreste", "kjær"), ("sint", "sin"),
    ("datter", "datt"), ("ekspert", "eksport"), ("aktivitet", "aktiv"),
    ("mulighet", "mulig"), ("vakt", "vakker"), ("kort", "kor"), ("start", "star"),
    ("angst", "angre"), ("døra", "døde"), ("sett", "sette"), ("tale", "tall"),
    ("bil", "bille"), ("fil", "fille"), ("stil", "stille"), ("rus", "russ"),
    ("vil", "vill"), ("hel", "hell"), ("kan", "kanne"), ("nytt", "nytte"),
    ("navn", "nav"), ("syk", "sykle"), ("sak", "sakte"), ("pasient", "passe"),
    ("dame", "dam"), ("koma", "komme"), ("komma", "kom"), ("villa", "vill"),
    ("tre", "treet"), ("fem", "femte"), ("fly", "flyt"), ("en", "én"),
]


def test_irregular_stems_are_their_own_stems():
    """Query expansion may stem a stem again; the table must not lead anywhere else."""
    from app.core.search.norwegian_words import IRREGULAR

    for form, s in IRREGULAR.items():
        assert stem(s) == s, (form, s, stem(s))


def _stems(words):
    return {w: stem(w) for w in words}


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_every_form_in_a_group_gets_one_stem(name):
    stems = _stems(GROUPS[name])
    assert len(set(stems.values())) == 1, stems


def test_no_two_groups_share_a_stem():
    owner: dict[str, str] = {}
    for name, forms in GROUPS.items():
        s = stem(forms[0])
        assert s not in owner, f"{name} and {owner.get(s)} both stem to {s!r}"
        owner[s] = name


@pytest.mark.parametrize(("a", "b"), NOT_CONFLATED)
def test_different_words_stay_apart(a, b):
    assert stem(a) != stem(b), (a, b, stem(a))


def test_the_lists_are_large_enough():
    assert sum(len(forms) for forms in GROUPS.values()) >= 150
    assert len(NOT_CONFLATED) >= 40


def test_precision_across_groups_and_pairs():
    """No form of one group stems like a word of a not-conflated pair from another."""
    by_stem = {stem(forms[0]): name for name, forms in GROUPS.items()}
    for a, b in NOT_CONFLATED:
        ga, gb = by_stem.get(stem(a)), by_stem.get(stem(b))
        assert not (ga and ga == gb), (a, b)


def _tokens(analyzer, text):
    return [(t.text, t.startchar, t.endchar)
            for t in analyzer(text, chars=True, positions=True, removestops=False)]


def test_offsets_point_into_the_original_text_after_emoji_and_norwegian_letters():
    text = ("😀 Brukerne på NAV-kontoret 👍🏽 sa: «Det var trygt, vi fikk snakket "
            "ordentlig.»\nÆrlig talt – får'n hjelp? Møtene i 2025 (uke 12) var gode… 🙂")
    tokens = _tokens(norwegian_analyzer(), text)
    assert tokens, text
    for word, start, end in tokens:
        original = text[start:end]
        lemmas, parts = analyse(original)
        assert word in lemmas or word in [PART + p for p in parts], (original, word)
        assert " " not in original and "😀" not in original
    originals = list(dict.fromkeys(text[a:b] for _, a, b in tokens))  # homographs: once
    assert originals[:4] == ["Brukerne", "på", "NAV-kontoret", "sa"]
    assert "får'n" in originals and "Møtene" in originals and "2025" in originals
    assert ("bruker", 2, 10) == tokens[0]


def test_decomposed_letters_are_one_word_and_compose():
    text = "fa\u030ar hjelp"  # "får" typed as a + combining ring above
    tokens = _tokens(norwegian_analyzer(), text)
    assert [t[0] for t in tokens] == ["få", "hjelp", "hjelpe"]  # the noun, the imperative
    assert text[tokens[0][1]:tokens[0][2]] == "fa\u030ar"
    assert [t[0] for t in _tokens(exact_analyzer(), text)] == ["får", "hjelp"]


def test_exact_analyzer_keeps_forms_apart():
    words = ["bruker", "brukeren", "brukere", "brukerne", "Brukerne", "trygt", "trygg"]
    tokens = [t for t, _, _ in _tokens(exact_analyzer(), " ".join(words))]
    assert tokens == [w.lower() for w in words]
    text = "Tjenestene 🙂 var trygge"
    for word, a, b in _tokens(exact_analyzer(), text):
        assert text[a:b].lower() == word


def test_stemmed_analyzer_conflates_a_sentence():
    tokens = [t for t, _, _ in _tokens(norwegian_analyzer(), "Brukerne snakket med brukeren")]
    assert tokens == ["bruker", "snakke", "med", "bruker"]


def test_analyzers_survive_pickling_as_whoosh_stores_them_in_the_schema():
    for make in (norwegian_analyzer, exact_analyzer):
        analyzer = pickle.loads(pickle.dumps(make()))
        assert [t.text for t in analyzer("Brukerne får")] == \
            [t.text for t in make()("Brukerne får")]


def test_whoosh_index_finds_every_form():
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.qparser import QueryParser

    schema = Schema(id=ID(stored=True), content=TEXT(analyzer=norwegian_analyzer()),
                    exact=TEXT(analyzer=exact_analyzer()))
    ix = RamStorage().create_index(schema)
    docs = {"1": "Brukerne var fornøyde.", "2": "En bruker ringte.", "3": "Far kom hjem.",
            "4": "Jeg får ikke hjelp."}
    with ix.writer() as w:
        for key, text in docs.items():
            w.add_document(id=key, content=text, exact=text)
    with ix.searcher() as s:
        def ids(field, q):
            return sorted(h["id"] for h in s.search(QueryParser(field, schema).parse(q)))

        assert ids("content", "brukere") == ["1", "2"]
        assert ids("exact", "brukere") == []
        assert ids("exact", "brukerne") == ["1"]
        assert ids("content", "far") == ["3"]
        assert ids("content", "fikk") == ["4"]


def test_pairs_and_groups_do_not_overlap_by_accident():
    """Guard the test data itself: a pair must not sit inside one group."""
    for forms in GROUPS.values():
        for a, b in itertools.combinations(forms, 2):
            assert (a, b) not in NOT_CONFLATED and (b, a) not in NOT_CONFLATED


def test_without_the_lexicon_the_rules_still_find_inflections(monkeypatch):
    """When simplemma is missing the analyzer falls back to the rule stemmer (and the index
    version says so, so an index built either way is rebuilt the other way)."""
    from app.core.search import lexicon
    from app.core.search.index import ProjectIndex
    from app.core.search.norwegian import analyse

    analyse.cache_clear()
    monkeypatch.setattr(lexicon, "_version", "rules")
    monkeypatch.setattr(lexicon, "_loaded", {})
    try:
        assert not lexicon.available() and lexicon.get("nb") is None
        assert analyse("brukerne") == (("bruk",), ()) == analyse("brukere")
        assert analyse("far")[0] != analyse("får")[0]
        assert ProjectIndex._version().endswith(".rules")
    finally:
        analyse.cache_clear()
