"""Norwegian text analysis for whoosh: the tokenizer, lexicon-backed lemmas (bokmål and
nynorsk), compound parts, a rule stemmer for words no lexicon knows, and the analyzers.

A word form is indexed under every lemma it can belong to (lexicon.py): "bruker" under the
noun "bruker" and the verb "bruke", "brukerne" under the noun only, "får" under "få" and
"far" under "far". Several lemmas are several terms at the same position with the same
character range, so phrases and hit ranges work as for one. A query word is analysed the
same way and matches through its own lemmas: its alternatives travel as one token joined by
ALT and become an OR in query.py.

Words the lexicon does not know: a genitive -s of a known word (bydelens), then a compound
of known parts (compounds.py: "psykiatritjenesten" -> "psykiatritjeneste"), then the light
rule stemmer below - ordered suffix rules with a minimum stem length, protected function
words and irregular forms (norwegian_words.py). æ, ø and å are letters of their own
("far"/"får", "for"/"før", "mot"/"møt" stay apart); é, è and ê are folded to e.

Compounds also give their parts as extra terms, marked with PART ("~tjeneste" for
"hjemmetjenesten"), which only the opt-in search inside compounds asks for; the hit is then
the whole word.

Offsets: tokens carry code-point offsets into the original text (chars=True), never
shifted by the analysis, emoji or æøå, because only token text changes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from app.core.search import compounds

from app.core.search.norwegian_words import (
    COMPOUND_HEADS,
    ENS_ROOT_ENDINGS,
    EST_ROOT_ENDINGS,
    IRREGULAR,
    PROTECTED,
    ROOTS,
    T_AFTER,
    T_ROOT_ENDINGS,
)

__all__ = [
    "ALT",
    "ANALYZER_VERSION",
    "LexiconFilter",
    "NorwegianStemFilter",
    "NfcFilter",
    "PART",
    "TOKEN_PATTERN",
    "analyse",
    "exact_analyzer",
    "norwegian_analyzer",
    "stem",
]

# A word: letters or digits (any script, so æøå, é, ü ...), combining accents allowed for
# text typed in decomposed form, with internal hyphens or apostrophes ("NAV-kontoret",
# "covid-19", "Per's"). Underscores, emoji and punctuation separate words.
_PART = r"[^\W_]+(?:[\u0300-\u036f]+[^\W_]*)*"
TOKEN_PATTERN = rf"{_PART}(?:[-'’]{_PART})*"

# Bump whenever a rule or a word list changes what a word stems to: an index built with an
# older version holds stale terms and must be rebuilt (the lexicon's own data version is
# part of the index version too, see index.py).
ANALYZER_VERSION = 4
ALT = "\x1f"  # joins a query word's lemmas into one token (query.py makes them an OR)
PART = "~"  # marks the term of a compound's part
MIN_STEM = 3
_VOWELS = frozenset("aeiouyæøå")
_ACCENTS = str.maketrans("éèê", "eee")  # not ô: "fôr" (fodder) is not "for"
_DOUBLES = frozenset("bdfgklmnprstv")
_BARE_ENDINGS = frozenset("a e s en et er ene ens ets ers erne enes".split())
_ROOT_REST = ("", "s", "en", "ens", "et", "ets", "er", "ers", "ene", "enes")


def _valid(candidate: str) -> bool:
    """A stem may stand: long enough, has a vowel, and is not a protected word."""
    return (len(candidate) >= MIN_STEM and candidate not in PROTECTED
            and not _VOWELS.isdisjoint(candidate))


# --- conditions of the suffix rules; `w` is the whole word, `s` the stem left behind ----

def _ert(w: str, s: str) -> bool:  # sikkert, interessert; not ekspert, konsert
    return not w.endswith(T_ROOT_ENDINGS)


def _est(w: str, s: str) -> bool:  # tryggest, raskeste; not protest, manifest
    return len(s) >= 3 and not w.endswith(EST_ROOT_ENDINGS)


def _ig(w: str, s: str) -> bool:  # viktigste, vanskeligst -> viktig, vanskelig
    return s.endswith("ig")


def _ens(w: str, s: str) -> bool:  # dagens, brukerens; not konsekvens, tendens, mens
    return not w.endswith(ENS_ROOT_ENDINGS)


def _et(w: str, s: str) -> bool:  # huset, snakket; not mulighet, aktivitet, konkret
    return not w.endswith(("het", "itet", "kret", "anet"))


def _gen_s(w: str, s: str) -> bool:  # sommers: -ers did not leave a valid stem
    return w.endswith(("ers", "ets")) or (w.endswith("ens") and _ens(w, s))


def _as(w: str, s: str) -> bool:  # barnas, jentas (genitive); not stillas, ananas, atlas
    return len(s) >= 4 and not w.endswith(("llas", "anas", "tlas"))


def _te(w: str, s: str) -> bool:  # hørte, følte, ringte, glemte; not vente, møte, korte
    return s[-1] in T_AFTER and not w[:-1].endswith(T_ROOT_ENDINGS)


def _after_v(w: str, s: str) -> bool:  # prøvde, prøvd, levde, levd
    return s.endswith("v")


def _t(w: str, s: str) -> bool:  # godt, hørt, følt, ringt, brukt, høyt; not respekt, angst
    return (s[-1] in T_AFTER or s.endswith("øy")) and not w.endswith(T_ROOT_ENDINGS)


# Ordered: the first rule whose suffix matches, whose condition holds and whose stem is
# valid wins. Longer endings come before the shorter endings they contain.
_RULES: tuple = (
    ("ernes", None), ("erens", None),         # brukernes, brukerens
    ("erne", None), ("eren", None),           # brukerne, brukeren
    ("eres", None), ("erer", None),           # brukeres; fungerer (-ere verbs)
    ("enes", None),                           # timenes, tjenestenes
    ("erte", _ert), ("ert", _ert),            # interesserte, sikkert
    ("ste", _ig), ("st", _ig),                # viktigste, viktigst
    ("este", _est), ("est", _est),            # tryggeste, tryggest
    ("ene", None), ("ere", None),             # husene, timene; brukere, tryggere
    ("ens", _ens), ("ets", None), ("ers", None),  # dagens, husets, brukers
    ("et", _et), ("en", None), ("er", None),  # huset, snakket; timen; timer, snakker
    ("es", None), ("as", _as),                # tjenestes, snakkes; barnas
    ("te", _te), ("de", _after_v), ("d", _after_v),  # hørte; prøvde, prøvd
    ("a", None), ("e", None), ("t", _t),      # jenta, snakka; trygge; godt, hørt
    ("s", _gen_s),                            # sommers (when "somm" was refused)
)


def _normalise(s: str) -> str:
    """Spelling alternations inside the stem: komm -> kom, sykkel/sykl -> sykl."""
    if len(s) >= 4 and s.endswith("mm"):  # komme/kom, rommet/rom, glemme/glemte
        return s[:-1]
    if len(s) >= 5 and s.endswith("el") and s[-3] not in _VOWELS:
        base = s[:-2]  # regel/regler, sykkel/sykler, gammel/gamle, enkel/enkle
        if len(base) >= 3 and base[-1] == base[-2] and base[-1] in _DOUBLES:
            base = base[:-1]
        return base + "l"
    return s


def _root(w: str) -> str | None:
    """verden/verdens, tema/temaet: nouns whose -en or -a is not an ending."""
    for cut in (0, 1, 2, 3, 4):
        root, rest = (w, "") if cut == 0 else (w[:-cut], w[-cut:])
        if root in ROOTS and rest in _ROOT_REST:
            return root
    return None


def _stem_word(w: str) -> str:
    """Stem one lowercase word without hyphens."""
    if w in IRREGULAR:
        return IRREGULAR[w]
    if w in PROTECTED or not w.isalpha():
        return w
    w = w.translate(_ACCENTS)
    if len(w) <= MIN_STEM:
        return w
    root = _root(w)
    if root:
        return root
    for head_len in range(len(w) - 1, 4, -1):  # ukjente, kjempestort, halvsøstre
        head = w[-head_len:]
        if head in COMPOUND_HEADS:  # the rules again, so that gjennomføres and
            return _by_rules(w[:-head_len] + IRREGULAR[head])  # gjennomføre meet
    return _by_rules(w)


def _by_rules(w: str) -> str:
    """Strip the first matching inflectional suffix that leaves a valid stem."""
    for suffix, condition in _RULES:
        if w.endswith(suffix):
            s = w[: -len(suffix)]
            if len(s) < MIN_STEM or (condition is not None and not condition(w, s)):
                continue
            s = _normalise(s)
            if _valid(s):
                return s
    s = _normalise(w)
    return s if _valid(s) else w


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of `word` (any case; hyphenated words are stemmed on their last part).

    >>> stem("brukerne"), stem("Tjenestene"), stem("får"), stem("far")
    ('bruk', 'tjenest', 'få', 'far')
    """
    w = word.lower()
    if not w.isascii() and not unicodedata.is_normalized("NFC", w):
        w = unicodedata.normalize("NFC", w)
    if w.endswith(("'s", "’s")) and len(w) > 3:  # NAV's, Per's
        w = w[:-2]
    if "-" in w:
        head, _, last = w.rpartition("-")
        if last in _BARE_ENDINGS:  # NAV-en, DPS-er, PC-ens: the ending of an abbreviation
            return head
        return f"{head}-{_stem_word(last)}" if last else w
    return _stem_word(w)


@lru_cache(maxsize=50_000)
def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


class NfcFilter(Filter):
    """Composes decomposed letters (a + combining ring -> å) in token text."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():
                t.text = _nfc(t.text)
            yield t


class NorwegianStemFilter(Filter):
    """Replaces each token's text by its rule stem (no lexicon); offsets are untouched."""

    is_morph = True

    def __call__(self, tokens):
        stem_ = stem
        for t in tokens:
            if not t.stopped:
                t.text = stem_(t.text)
            yield t


# -- lexicon-backed analysis ---------------------------------------------------------------------
Analysis = tuple[tuple[str, ...], tuple[str, ...]]  # (lemmas, lemmas of compound parts)


@lru_cache(maxsize=400_000)
def analyse(word: str, lang: str = "nb") -> Analysis:
    """(lemmas, compound parts) of a word in `lang` ("nb" bokmål, "nn" nynorsk).

    >>> analyse("brukerne"), analyse("bruker")[0], analyse("hjemmetjenesten")
    ((('bruker',), ()), ('bruke', 'bruker'), (('hjemmetjeneste',), ('hjemme', 'tjeneste')))
    """
    from app.core.search import lexicon

    w = word.lower()
    if not w.isascii() and not unicodedata.is_normalized("NFC", w):
        w = unicodedata.normalize("NFC", w)
    lex = lexicon.get(lang)
    if lex is None:
        return (stem(w),), ()
    if w.endswith(("'s", "’s")) and len(w) > 3:  # NAV's, Per's
        w = w[:-2]
    found = lex.lemmas(w)
    if found:
        return found, _parts(lex, w)
    if "-" in w:
        return _hyphenated(w, lang)
    if not w.isalpha():  # 2025, covid19
        return (w,), ()
    if len(w) >= 4 and w[-1] == "s":  # a genitive: bydelens, veilederens, idés
        found = lex.lemmas(w[:-1])
        if found:
            return found, _parts(lex, w[:-1])
    guess = _by_ending(lex, w, lang)
    if guess:  # informantane -> informant, kommunens -> kommune
        return guess, ()
    if lang == "nn":  # loanwords and words both standards share: informant, kaffe
        nb = lexicon.get("nb")
        found = nb.lemmas(w) if nb is not None else None
        if found and w in found:
            return found, ()
        guess = _by_ending(nb, w, "nn") if nb is not None else ()
        if guess:
            return guess, ()
    split = compounds.split(lex, w, strict=False)
    if split:  # psykiatritjenesten -> psykiatri + tjeneste
        head = split[-1]
        front = w[: len(w) - len(head)]
        lemmas = tuple(dict.fromkeys(front + x for x in lex.lemmas(head) or (head,)))
        return lemmas, _parts(lex, w, split)
    return (stem(w),), ()


# Inflectional endings of nouns, adjectives and verbs, longest first, for words the lexicon
# does not list: what is left (or it + e) must be a lemma the lexicon knows.
_ENDINGS = {
    "nb": ("ernes", "enes", "erne", "ene", "ers", "ens", "ets", "ere", "est", "er", "en", "et",
           "te", "de", "es", "a", "e", "s", "t"),
    "nn": ("anes", "enes", "ane", "ene", "one", "ast", "ars", "ens", "ets", "ar", "er", "or",
           "en", "et", "te", "de", "a", "e", "i", "s", "t"),
}


def _by_ending(lex, w: str, lang: str) -> tuple[str, ...]:
    """The lemma of an unknown inflected form whose ending leaves a lemma the lexicon knows
    (kontaktpersonene, informantane); () when none does."""
    if len(w) < 5:
        return ()
    for end in _ENDINGS.get(lang, _ENDINGS["nb"]):
        base = w[: -len(end)]
        if not w.endswith(end) or len(base) < 3:
            continue
        first_e = end in ("one", "or", "ast", "te", "de")  # damone: dame; svarast: svare
        for cand in ((base + "e", base) if first_e else (base, base + "e")):
            lemmas = lex.lemmas(cand)
            if lemmas and cand in lemmas and cand not in PROTECTED:
                return (cand.translate(_ACCENTS),)
    return ()


def _parts(lex, w: str, split=None) -> tuple[str, ...]:
    if len(w) < compounds.MIN_WORD:
        return ()
    got = compounds.parts(lex, w, split)
    return tuple(p.translate(_ACCENTS) for p in got)


def _hyphenated(w: str, lang: str) -> Analysis:
    """NAV-kontoret -> nav-kontor (the last part inflects), parts nav and kontor; NAV-en ->
    nav (the ending of an abbreviation)."""
    head, _, last = w.rpartition("-")
    if last in _BARE_ENDINGS:
        return analyse(head, lang)
    if not last or not head:
        return (w,), ()
    lemmas, parts = analyse(last, lang)
    out = [p for piece in head.split("-") if piece for p in analyse(piece, lang)[0]]
    return (tuple(f"{head}-{x}" for x in lemmas),
            tuple(dict.fromkeys(out + list(lemmas) + list(parts))))


class LexiconFilter(Filter):
    """Replaces each token by its lemmas in `lang`, several at one position for a homograph,
    and adds the parts of a compound (marked PART). At query time a word stays one token,
    its lemmas joined by ALT (query.py turns them into an OR). Offsets and positions are
    untouched."""

    is_morph = True

    def __init__(self, lang: str = "nb") -> None:
        self.lang = lang

    def __call__(self, tokens):
        lang = self.lang
        for t in tokens:
            if t.stopped:
                yield t
                continue
            lemmas, parts = analyse(t.text, lang)
            if t.mode == "query":
                t.text = ALT.join(lemmas)
                yield t
                continue
            for x in lemmas:
                t.text = x
                yield t
            for x in parts:
                t.text = PART + x
                yield t


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def norwegian_analyzer(lang: str = "nb"):
    """Tokenize and lemmatise in `lang` (analyse lowercases): "Brukerne" and "brukere" both
    index as "bruker"."""
    return _tokenizer() | LexiconFilter(lang)


def exact_analyzer():
    """Tokenize and lowercase only, for searching an exact word form."""
    return _tokenizer() | LowercaseFilter() | NfcFilter()
