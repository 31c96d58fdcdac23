"""The Norwegian lexicon behind search: every lemma a bokmål or nynorsk word form can belong to.

Source: simplemma's full-form lists for `nb` and `nn` (a form -> one lemma each; see the
commit that chose it over hunspell-no and spylls). simplemma gives one lemma per form, so two
regular homographs are added from its own data:
- a noun whose base form is also an inflected form of another word ("bruker" is the present
  of "bruke" and the noun "bruker"): a form that is itself a noun lemma - its definite
  singular (-en, -et, -a, -n) leads back to it - keeps that noun beside simplemma's lemma;
- a verb's imperative, which simplemma files under the noun ("hjelp", "jobb", "svar"): a form
  of four letters or more whose -e form is a verb lemma with a present tense in -er.
`FIXES` holds the few words the lexicon gets wrong, each with its reason.

Decoding simplemma's compressed lists takes half a second, so the table is derived once
and kept in the user's cache folder as plain sorted text (forms, and their lemmas where they
differ), signed with the same per-user key as the search index; a process reads it in tens of
milliseconds and looks words up by bisection. Without simplemma (or when the cache cannot be
written), search falls back to the rule stemmer alone (`available()` says which).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from array import array
from bisect import bisect_left, bisect_right
from pathlib import Path

__all__ = ["FIXES", "Lexicon", "available", "data_version", "get"]

FORMAT = 17  # bump when the derived table changes shape or content rules
BLOCK = 32  # forms per block of the table
LANGS = ("nb", "nn")
_MAX_BYTES = 64 * 1024 * 1024
_FOLD = str.maketrans("éèê", "eee")  # idé/ide/ideen meet; not ô: "fôr" is not "for"

# Words simplemma gets wrong: form -> its lemmas. Small on purpose; each says why.
FIXES: dict[str, dict[str, tuple[str, ...]]] = {
    "nb": {
        # "får" (sheep) is a rare noun beside the most frequent verb form "får" (gets):
        # issue #18 wants "får" to be "få" only.
        "får": ("få",),
        # "far" is also the imperative of "fare" (travel), rare; issue #18: "far" is "far".
        "far": ("far",),
        # simplemma files "går" (goes) under the adverb "i går" (yesterday) only.
        "går": ("gå", "går"),
        # simplemma files "si" (say) under the rare possessive "si" (sin); in interviews it is
        # the verb.
        "si": ("si",),
        # simplemma: "satt" only "sette"; it is the past of "sitte" as well.
        "satt": ("sitte", "sette"),
        # passive and participle forms simplemma lists as lemmas of their own
        "ses": ("se",), "sees": ("se",), "dras": ("dra",), "dratt": ("dra",),
        "båret": ("bære",),
        # irregular comparison simplemma lists as words of their own
        "tyngre": ("tung",), "tyngst": ("tung",), "tyngste": ("tung",),
        "lengre": ("lang",), "lengst": ("lang",), "lengste": ("lang",),
        # simplemma: "trær" -> "træ", "netter" -> "nette"
        "trær": ("tre",), "netter": ("natt",), "netters": ("natt",),
        "nettene": ("natt", "nett"), "nettenes": ("natt", "nett"),
        # forms simplemma files under a rarer word or a nynorsk lemma: bøkene (books, not
        # beeches), køer (queues), morgner, eldst (bokmål gammel, not nynorsk gammal),
        # drog (dro), sintere, lita/lite (of liten; lite is also the adverb)
        "bøkene": ("bok", "bøk"), "bøkenes": ("bok", "bøk"), "køer": ("kø",),
        "morgner": ("morgen",), "eldst": ("gammel",), "drog": ("dra",),
        "sintere": ("sint",), "lita": ("liten",), "lite": ("liten", "lite"),
        # simplemma: "delen" -> "dele" (the verb); it is the noun "del".
        "delen": ("del",), "delens": ("del",),
        # the adjective "vill" (wild) and the noun "villa" are no forms of the modal "ville",
        # nor the noun "komma" of "komme" (its past is "kom")
        "vill": ("vill",), "villa": ("villa",), "komma": ("komma",),
        # simplemma reads "leder" as a form of "led" (joint); it is the verb "lede" or the
        # noun "leder" (leader).
        "leder": ("lede", "leder"),
        # simplemma: "deler" -> "delere", "delene" -> "dele"; they are the noun "del" (and
        # the verb "dele" for "deler").
        "deler": ("del", "dele"),
        "delene": ("del",),
        "delenes": ("del",),
    },
    "nn": {
        "får": ("få",), "far": ("far",),  # as in bokmål
        # pasts and participles simplemma files under a participle, a noun or nothing
        # (verbs are written with -e and no j here: ringje -> ringe)
        "ringer": ("ringe", "ring"), "ringt": ("ringe",), "ringd": ("ringe",),
        "kjent": ("kjenne",), "kjende": ("kjenne",), "skjønt": ("skjønne",),
        "skjønte": ("skjønne",), "sto": ("stå",), "ønskja": ("ønske",),
        # irregular comparison, and gamal/gammal (both allowed) as one word
        "betre": ("god",), "best": ("god",), "beste": ("god",), "yngst": ("ung",),
        "eldst": ("gammal",), "eldste": ("gammal",), "gamal": ("gammal",),
        "gamalt": ("gammal",), "gamle": ("gammal",), "velkomnare": ("velkomen",),
        "velkomnast": ("velkomen",), "velkomnaste": ("velkomen",),
        "veldigare": ("veldig",), "veldigast": ("veldig",), "veldigaste": ("veldig",),
    },
}

_lock = threading.Lock()
_loaded: dict[str, Lexicon | None] = {}
_version: str | None = None


def data_version() -> str:
    """The version of the lexicon data ("simplemma-2.0.0-1"), or "rules" without it: part of
    the search index's version, so an index made with other data is built again."""
    global _version
    if _version is None:
        try:
            from simplemma.__metadata__ import __version__
            _version = f"simplemma-{__version__}-{FORMAT}"
        except ImportError:
            _version = "rules"
    return _version


def available() -> bool:
    return data_version() != "rules"


def get(lang: str = "nb") -> Lexicon | None:
    """The lexicon of `lang` ("nb" or "nn"), loaded once per process; None without one."""
    lex = _loaded.get(lang, False)
    if lex is not False:
        return lex
    with _lock:
        if lang not in _loaded:
            _loaded[lang] = _load(lang) if available() and lang in LANGS else None
    return _loaded[lang]


class Lexicon:
    """Sorted forms with their lemmas, kept as UTF-8 bytes in blocks of `BLOCK` forms (UTF-8
    sorts like code points): a lookup bisects the blocks' first forms, then the one block.
    Forms are lowercase NFC."""

    def __init__(self, lang: str, forms: bytes, lemmas: bytes, form_at: array,
                 lemma_at: array) -> None:
        self.lang = lang
        self._forms, self._lemmas = forms, lemmas
        self._form_at, self._lemma_at = form_at, lemma_at  # where each block starts
        self._heads = [forms[form_at[k]:forms.index(b"\n", form_at[k])]
                       for k in range(len(form_at) - 1)]
        self._fixes = FIXES.get(lang, {})

    def _find(self, form: str) -> tuple[int, int] | None:
        """(block, place in it) of `form`, or None."""
        word = form.encode("utf-8")
        k = bisect_right(self._heads, word) - 1
        if k < 0:
            return None
        block = self._forms[self._form_at[k]:self._form_at[k + 1] - 1].split(b"\n")
        j = bisect_left(block, word)
        return (k, j) if j < len(block) and block[j] == word else None

    def __contains__(self, form: str) -> bool:
        return form in self._fixes or self._find(form) is not None

    def lemmas(self, form: str) -> tuple[str, ...] | None:
        """Every lemma `form` can belong to (accents é/è/ê folded), or None when unknown."""
        fixed = self._fixes.get(form)
        if fixed is not None:
            return fixed
        at = self._find(form)
        if at is None:
            return None
        k, j = at
        got = self._lemmas[self._lemma_at[k]:self._lemma_at[k + 1] - 1].split(b"\n")[j]
        out = (form,) if not got else tuple(got.decode("utf-8").split(" "))
        return tuple(dict.fromkeys(x.translate(_FOLD) for x in out))


# -- building and caching the table -------------------------------------------------------------
# Endings of a noun's paradigm after a lemma ending in a consonant, and after one in -e.
_NOUN_ENDINGS = ("en", "et", "a", "er", "ene", "s", "ens", "ets", "as", "ers", "enes")
_NOUN_ENDINGS_E = ("n", "r", "ne", "s", "ns", "rs", "nes")


def _gender_fits(d: dict, verbs: set, n: str, end: str) -> bool:
    """The definite singular -et belongs to neuter nouns and -en to the others: "jobbet" is
    no form of the noun "jobb" (jobben), nor "orden" of "ord" (ordet); an -a that is the
    past of a verb in -e is not read as a definite form ("jobba", "slutta"); and a noun
    ending in -s takes no genitive -s ("russ" is not "rus" + s)."""
    if end in ("et", "ets"):
        return d.get(n + "en") != n
    if end in ("en", "ens"):
        return d.get(n + "et") != n
    if end in ("a", "as"):  # but the definite plural of a neuter: folka, orda
        return n + "e" not in verbs or d.get(n + "et") == n
    if end == "s":
        return n[-1] != "s"
    return True


def _derive(lang: str) -> tuple[list[str], list[str]]:
    """(sorted forms, their lemmas) from simplemma's list for `lang`, homographs added (see
    the module's docstring) and paradigms completed from simplemma's own data: a form that
    is a known noun lemma plus one of its regular endings (turene = tur + ene, dags = dag +
    s, ukas = uka + s) also belongs to that noun, and a -t or -te form of a weak verb whose
    other one simplemma files under the verb (lest beside leste) to that verb."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    from app.core.search.norwegian_words import PROTECTED

    raw = _load_dictionary_from_disk(lang)
    d = {k.decode("utf-8"): v.decode("utf-8") for k, v in raw.items()}
    is_lemma = set(d.values())
    for lemma in is_lemma:
        d.setdefault(lemma, lemma)

    def noun(n: str) -> bool:
        return len(n) >= 3 and n not in PROTECTED and (
            any(d.get(n + end) == n for end in ("en", "et", "a", "ene"))
            or (n[-1] == "e" and (d.get(n + "n") == n or d.get(n + "ne") == n)))

    # Verbs: lemmas in -e with a past tense - weak (-te, -et, -de, -dde) or strong (a form
    # that does not begin with the verb's stem: hjalp, skrev).
    verbs = set()
    for f, v in d.items():
        if v.endswith(("e", "a")) and len(v) > 1 and (
                not f.startswith(v[:-1]) or f in (v[:-1] + "te", v[:-1] + "et", v[:-1] + "de",
                                                  v + "dde", v[:-1] + "ar", v[:-1] + "ast")):
            verbs.add(v)

    def verb(v: str) -> bool:  # a present tense and a past tense file under it
        return v in verbs and d.get(v + "r") == v

    def past(v: str) -> bool:
        return v in verbs

    forms = sorted(d)
    out = []
    for form in forms:
        found = [d[form]]
        if form not in PROTECTED:
            if form != found[0] and form in is_lemma and noun(form):
                found.append(form)  # a noun lemma of its own ("bruker")
            if len(form) >= 3 and verb(form + "e"):
                found.append(form + "e")  # the imperative of a verb ("hjelp", "jobb")
            for end in _NOUN_ENDINGS + _NOUN_ENDINGS_E:
                n = form[: -len(end)]
                if form.endswith(end) and n and (end in _NOUN_ENDINGS) != (n[-1] == "e") \
                        and noun(n) and _gender_fits(d, verbs, n, end):
                    found.append(n)  # turene, dags, tjenestenes
            if (form.endswith("s") and len(form) >= 4 and form[-2] != "s" and form[:-1] in d
                    and d[form] == form):
                found.append(d[form[:-1]])  # a genitive simplemma lists on its own: ukas
            if form.endswith("er") and d[form] == form and past(form[:-1]):
                found.append(form[:-1])  # the present beside an agent noun: leser
            if form.endswith("et") and form[:-2] + "e" in verbs:
                found.append(form[:-2] + "e")  # prøvet, opplevet (the -et participle)
            for end in ("are", "aste", "ast", "ere", "este"):  # veldigare, rundast
                base = form[: -len(end)]
                if form.endswith(end) and len(base) >= 3 and d.get(base) == base \
                        and base not in verbs:
                    found.append(base)
                    break
            if form.endswith("t") and len(form) >= 4:
                a = form[:-1]
                for comp in (a + "ere", a + a[-1] + "ere"):  # klart, tomt (klarere, tommere)
                    if d.get(comp) == a:
                        found.append(a)
            # a past listed on its own (kjend, bestemt) or under its participle (svarde ->
            # svard): the verb too; m and n were doubled before the ending (bestemme)
            ends = (("dde", "dd", "de", "te", "d", "t") if d[form] == form
                    else ("dde", "de", "te") if d[form] == form[:-1] else ())
            if ends and not noun(form):
                for end in ends:
                    stem = form[: -len(end)]
                    if form.endswith(end) and len(stem) >= 3:
                        double = (stem + stem[-1] + "e", stem + stem[-1] + "a") \
                            if stem[-1] in "mn" else ()
                        got = [v for v in (stem + "e", stem + "a", *double) if v in verbs]
                        if got:
                            found.append(got[0])
                            break
            for end, other in (("t", "te"), ("te", "t")):
                stem = form[: -len(end)]
                if not form.endswith(end) or len(stem) < 2:
                    continue
                for v in (stem + "e", stem + stem[-1] + "e"):  # lest, trykt (trykke)
                    if d.get(stem + other) == v and v not in found:
                        found.append(v)  # lest (leste), svart (svarte)
        if lang == "nn":  # the present (-ar, -er) and passive (-ast) of any infinitive,
            if form in verbs:  # an infinitive in -a filed elsewhere (svara), an imperative
                found.append(form)
            for v in (form + "a", form + "e", form + "ja", form + "je"):
                if len(form) >= 3 and v in verbs and form not in PROTECTED:
                    found.append(v)
                    break
            for end in ("ast", "ar", "er"):
                stem = form[: -len(end)]
                if form.endswith(end) and len(stem) >= 2:
                    got = [v for v in (stem + "a", stem + "e", stem + "ja", stem + "je")
                           if v in verbs]
                    if got:
                        found.append(got[0])
                        break
            found = [_nn_infinitive(x, is_lemma, verbs) for x in found]
        found = list(dict.fromkeys(found))
        out.append("" if found == [form] else " ".join(found))
    return forms, out


def _nn_infinitive(lemma: str, lemmas: set, verbs: set) -> str:
    """Nynorsk lets a writer choose the infinitive: kasta or kaste, tenkja or tenkje (or
    tenke). simplemma files forms under one or the other, so a verb's lemma is written in
    one way here: -e, without the j of -je/-ja."""
    if len(lemma) > 4 and lemma.endswith(("ja", "je")) and lemma[-3] not in "aeiouyæøå" \
            and (lemma in verbs or lemma[:-1] + "e" in verbs or lemma[:-1] + "a" in lemmas):
        return lemma[:-2] + "e"
    if len(lemma) > 3 and lemma.endswith("a") and (lemma in verbs or lemma[:-1] + "e" in verbs):
        return lemma[:-1] + "e"
    return lemma


def _cache_file(lang: str) -> Path:
    """In the user's cache folder beside the search indexes (but not under SITAT_INDEX_DIR,
    which tests and benchmarks point at a fresh folder each time)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitat" / "lexicon" / f"{lang}-{data_version()}.txt"


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def _load(lang: str) -> Lexicon | None:
    from app.core.search.storage import index_key

    key = index_key()
    path = _cache_file(lang)
    try:
        body = _read(path, key)
    except (OSError, ValueError):
        try:
            body = _pack(*_derive(lang))
        except (ImportError, OSError, ValueError, LookupError):  # simplemma missing or broken
            return None
        try:
            _write(path, key, body)
        except OSError:
            pass  # no private cache folder: derived again by the next process
    try:
        return Lexicon(lang, *_unpack(body))
    except (ValueError, IndexError):
        return None


def _pack(forms: list[str], lemmas: list[str]) -> bytes:
    """The table as bytes: a header line, the forms, the lemmas (both one per line, in blocks
    of BLOCK), and where each block starts in both."""
    form_at, lemma_at = array("I"), array("I")
    fb, lb = bytearray(), bytearray()
    for k in range(0, len(forms), BLOCK):
        form_at.append(len(fb))
        lemma_at.append(len(lb))
        fb += ("\n".join(forms[k:k + BLOCK]) + "\n").encode("utf-8")
        lb += ("\n".join(lemmas[k:k + BLOCK]) + "\n").encode("utf-8")
    form_at.append(len(fb))
    lemma_at.append(len(lb))
    head = f"sitat-lexicon {FORMAT} {len(fb)} {len(lb)} {len(form_at)}\n".encode("ascii")
    return head + bytes(fb) + bytes(lb) + form_at.tobytes() + lemma_at.tobytes()


def _unpack(body: bytes) -> tuple[bytes, bytes, array, array]:
    head, _, rest = body.partition(b"\n")
    magic, fmt, nf, nl, nb = head.split(b" ")
    nf, nl, nb = int(nf), int(nl), int(nb)
    if magic != b"sitat-lexicon" or int(fmt) != FORMAT or len(rest) != nf + nl + 8 * nb:
        raise ValueError("the lexicon cache is damaged")
    form_at, lemma_at = array("I"), array("I")
    form_at.frombytes(rest[nf + nl:nf + nl + 4 * nb])
    lemma_at.frombytes(rest[nf + nl + 4 * nb:])
    return rest[:nf], rest[nf:nf + nl], form_at, lemma_at


def _read(path: Path, key: bytes) -> bytes:
    from app.core.files.own import read_regular

    data = read_regular(path, _MAX_BYTES)
    mac, _, body = data.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key, body)):
        raise ValueError("the lexicon cache does not match its signature")
    return body


def _write(path: Path, key: bytes, body: bytes) -> None:
    from app.core.files.own import private_folder, write_exclusive

    if not private_folder(path.parent):
        raise OSError("the lexicon cache folder is not private")
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    write_exclusive(tmp, _mac(key, body) + b"\n" + body)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
