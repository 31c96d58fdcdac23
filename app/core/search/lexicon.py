"""The Norwegian lexicon behind search: every lemma a bokmål or nynorsk word form can belong to.

Source: simplemma's full-form lists for `nb` and `nn` (see the commit that chose it over
hunspell-no read with spylls). simplemma gives one lemma per form; paradigms.py adds the
homographs and completes the paradigms from simplemma's own data ("bruker" is the noun and
the present of "bruke"; "turene" is "tur"). `FIXES` holds the few words the lexicon still
gets wrong, each with its reason.

Decoding simplemma's compressed list and completing it takes seconds, so the table is
derived once per user (and simplemma version) and kept in the user's cache folder as sorted
UTF-8 text in blocks, signed with the same per-user key as the search index; a process reads
it in well under 100 ms and looks words up by bisection (a few microseconds). Without
simplemma search falls back to the rule stemmer alone (`available()` says which).
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

FORMAT = 20  # bump when the derived table changes shape or content rules
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
        "bestemt": ("bestemme", "bestemt"), "bestemte": ("bestemme", "bestemt"),
        "bestemd": ("bestemme",), "bestemde": ("bestemme",),
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


def warm_in_background(langs: tuple[str, ...] = ("nb",)) -> threading.Thread:
    """Load (the first time on a machine: derive and cache, ~5 s) the lexicons in a daemon
    thread, so the window's first search does not wait for it; a search meanwhile waits on
    the same lock instead of deriving them twice."""
    def load() -> None:
        for lang in langs:
            try:
                get(lang)
            except Exception:  # noqa: BLE001 - a search will try (and report) again
                pass

    thread = threading.Thread(target=load, name="sitat-lexicon", daemon=True)
    thread.start()
    return thread


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
def _derive(lang: str) -> tuple[list[str], list[str]]:
    """(sorted forms, their lemmas) from simplemma's list for `lang` (see paradigms.py)."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    from app.core.search.paradigms import derive

    return derive(_load_dictionary_from_disk(lang), lang)


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
    lang = path.name.split("-", 1)[0]
    for old in path.parent.glob(f"{lang}-*.txt"):  # tables of an older version
        if old.name != path.name and not old.is_symlink():
            old.unlink(missing_ok=True)
