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

FORMAT = 2  # bump when the derived table changes shape or content rules
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
        "får": ("få",),  # as in bokmål
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
def _derive(lang: str) -> tuple[list[str], list[str]]:
    """(sorted forms, their lemmas) from simplemma's list for `lang`, homographs added."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    raw = _load_dictionary_from_disk(lang)
    d = {k.decode("utf-8"): v.decode("utf-8") for k, v in raw.items()}
    is_lemma = set(d.values())
    for lemma in is_lemma:
        d.setdefault(lemma, lemma)
    forms = sorted(d)
    out = []
    for form in forms:
        first = d[form]
        found = [first]
        if form != first and form in is_lemma and any(
                d.get(form + end) == form for end in ("en", "et", "a", "n")):
            found.append(form)  # a noun lemma of its own ("bruker")
        verb = form + "e"
        if (len(form) >= 4 and verb not in found and d.get(verb) == verb
                and d.get(verb + "r") == verb):
            found.append(verb)  # the imperative of a verb ("hjelp", "jobb")
        out.append("" if found == [form] else " ".join(found))
    return forms, out


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
