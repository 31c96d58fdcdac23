"""Norwegian (bokmål) text analysis for whoosh: tokenizer, a light stemmer, two analyzers.

Why not whoosh's Snowball Norwegian stemmer: it leaves "bruker", "brukere" and "brukerne"
on three different stems ("bruk", "bruker", "brukern"), so a search for one misses the
others. This stemmer strips inflectional endings only (nouns: indefinite/definite,
singular/plural, genitive -s; adjectives: -t, -e, -ere, -est; verbs: -er, -et, -a, -te,
-de, -t, -es), using ordered suffix rules with a minimum stem length, a list of protected
function words and a table of irregular forms (norwegian_words.py). It prefers to leave a
word alone over merging it with an unrelated one.

Decisions worth knowing:
- æ, ø and å are letters of their own: "far"/"får", "for"/"før", "mot"/"møt" stay apart.
  é, è and ê are folded to e in stems only ("idé", "ide", "ideen" meet).
- Strong verbs meet their present and infinitive through the table: "hjalp" and "hjulpet"
  go with "hjelpe"/"hjelper" (and the noun "hjelp"), "fikk"/"fått" with "få"/"får".
- An agent noun and its verb share a stem, as they share the form "bruker": "bruker",
  "brukere" and "bruke", "brukte" all become "bruk".
- Auxiliaries and modals (er/var, har/hadde, kan/kunne ...) are protected: each form is
  its own term, so searching "var" does not also find every "er".
- Irregular comparison (god/bedre/best, gammel/eldre) and derivations (-het, -lig, -else,
  -ing, -sjon) are not conflated.

Offsets: tokens carry code-point offsets into the original text (chars=True), never
shifted by the stemmer, emoji or æøå, because the stemmer changes only token text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

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
    "ANALYZER_VERSION",
    "NorwegianStemFilter",
    "NfcFilter",
    "TOKEN_PATTERN",
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
# older version holds stale terms and must be rebuilt.
ANALYZER_VERSION = 1
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
    """Replaces each token's text by its bokmål stem; offsets and positions are untouched."""

    is_morph = True

    def __call__(self, tokens):
        stem_ = stem
        for t in tokens:
            if not t.stopped:
                t.text = stem_(t.text)
            yield t


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def norwegian_analyzer():
    """Tokenize, lowercase and stem: "Brukerne" and "brukere" both index as "bruk"."""
    return _tokenizer() | LowercaseFilter() | NorwegianStemFilter()


def exact_analyzer():
    """Tokenize and lowercase only, for searching an exact word form."""
    return _tokenizer() | LowercaseFilter() | NfcFilter()
