"""Decode the bytes of a text file: BOMs, UTF-8, UTF-16 without BOM, Western 8-bit encodings, binary files.

Order: a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); NUL bytes mean UTF-16
without BOM only when the pattern is unmistakable, otherwise a binary file; strict UTF-8;
UTF-8 with a few bad bytes among many good multi-byte sequences is damaged UTF-8 (an error
naming the line); anything else is a legacy Western 8-bit encoding (cp1252, ISO-8859-1/-15,
Mac Roman, DOS cp850), chosen among charset-normalizer's candidates by how well Norwegian
letters come out, preferring cp1252 when in doubt.
"""

from __future__ import annotations

import re

from app.errors import ImportFailed
from app.i18n import _

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control bytes that never occur in text (tab, LF, VT, FF, CR and Ctrl-Z are allowed here).
_CONTROL_BYTES = bytes([*range(0, 9), 0x0E, 0x0F, *range(0x10, 0x1A), *range(0x1B, 0x20), 0x7F])
_BINARY_CONTROL_SHARE = 0.01  # more control bytes than this share: a binary file
_UTF16_MIN_BYTES = 32
_UTF16_NUL_SHARE = 0.9  # of the high bytes that must be NUL
_UTF16_OTHER_NUL_SHARE = 0.01  # of the low bytes that may be NUL
_UTF16_BAD_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")

# A well-formed multi-byte UTF-8 sequence (no overlongs, no surrogates).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_HIGH = re.compile(rb"[\x80-\xff]")
_SAMPLE_BYTES = 256 * 1024  # lines with non-ASCII bytes scored per encoding; fast on 10 MB
_SAMPLE_CONTEXT = 4096  # of a very long line, only this much around the non-ASCII byte
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"

# Candidates for legacy files, in order of preference when they score the same.
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850")
_ACCENTED = "æøåéèêëóòôöüäáàíìïçñ"
_UTF8_LETTERS = frozenset(_ACCENTED + _ACCENTED.upper())
# Correctly decoded letters in their usual places; Norwegian æøå count double.
_GOOD_NORWEGIAN = re.compile(
    "(?<=[a-zA-Z])[æøå]|[æøå](?=[a-z])|(?<= )å(?= )|[ÆØÅ](?=[a-zæøå])"
    "|(?<=[A-Z])[ÆØÅ]|[ÆØÅ](?=[A-Z])"
)
_GOOD_OTHER = re.compile("(?<=[a-zA-Z])[éèêöüä]|[éèêöüä](?=[a-z])|[ÉÖÜÄ](?=[a-z])")
# cp1252 typography in its usual places: ’ in a word, “quotes”, spaced dashes, ellipses.
_TYPOGRAPHY = re.compile(
    "(?<=[a-zA-Z])\u2019(?=[a-z])|\u201c(?=[A-Za-zæøåÆØÅ])|(?<=[a-zA-Zæøå.!?,])\u201d"
    "|(?<= )[\u2013\u2014](?= )|(?<=[a-zæøå.])\u2026"
)
# After a lowercase letter: a character that does not belong in a word (mojibake).
_BAD = re.compile(f"[a-z{_ACCENTED}][^\\x00-\\x7f{_ACCENTED}\\s»”’…–—²³°]")
# Characters that ordinary Western prose hardly ever contains, but mojibake often does.
_ODD = re.compile("[\u2500-\u259f¤¦¨¯¸¿¬¶ƒ†‡‰]")
_C1 = re.compile("[\x80-\x9f]")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes; a leading BOM is not part of the text.

    Raises ImportFailed for binary files, damaged UTF-8 and undecodable BOM-marked text.
    """
    if not data:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_marked(data[len(bom):], codec.replace("-sig", "")), codec
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise _binary()
        return found
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(1, len(data) * _BINARY_CONTROL_SHARE):
        raise _binary()
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _looks_like_damaged_utf8(data):
        line = data.count(b"\n", 0, first_bad) + 1
        raise ImportFailed(
            _("The file is damaged: it is UTF-8 text, but it contains invalid characters, "
              "the first on line {line}. Open it in a text editor, correct that line and save "
              "it as UTF-8.").format(line=line)
        )
    return _legacy(data)


def read_table_text(path, limit: int, too_large: str, unreadable: str) -> str:
    """The text of a table file a user named (attribute CSV, codings CSV/JSON): an ordinary file
    of at most `limit` bytes, decoded like a transcript (UTF-8 with or without BOM, UTF-16, or
    cp1252), without a BOM. `too_large` and `unreadable` are the translated messages, with
    {name} (and {reason}) to fill; both raise InvalidInput."""
    from pathlib import Path

    from app.core.files.reading import read_capped
    from app.errors import InvalidInput

    path = Path(path)
    raw = read_capped(path, limit, InvalidInput,
                      lambda _size: InvalidInput(too_large.format(name=path.name)))
    try:
        text, _enc = decode_text(raw)
    except ImportFailed as exc:
        raise InvalidInput(unreadable.format(name=path.name, reason=exc)) from None
    return text.lstrip("\ufeff")


def _binary() -> ImportFailed:
    return ImportFailed(
        _("This is not a text file; it looks like a picture, a program or another binary file.")
    )


def _decode_marked(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, "replace").count("\n") + 1
        raise ImportFailed(
            _("The file says it is {encoding} text, but it contains invalid characters, the "
              "first on line {line}. The file may be damaged.").format(
                encoding=codec.upper().replace("-LE", "").replace("-BE", ""), line=line
            )
        ) from None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without BOM, recognised only by an unmistakable NUL pattern (ASCII-ish text)."""
    n = len(data)
    if n < _UTF16_MIN_BYTES or n % 2:
        return None
    half = n // 2
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if odd_nuls >= half * _UTF16_NUL_SHARE and even_nuls <= half * _UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-le"
    elif even_nuls >= half * _UTF16_NUL_SHARE and odd_nuls <= half * _UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _UTF16_BAD_TEXT.search(text):
        return None
    return text, codec


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """More well-formed multi-byte UTF-8 sequences than stray high bytes: UTF-8 with damage.

    Legacy 8-bit text can contain a valid-looking pair by chance (cp1252 «NÅ» has 'Å»'), but
    then its other æøå bytes are invalid and outnumber the chance matches.
    """
    letters = 0
    for seq in _UTF8_MULTI.findall(data):
        letters += seq.decode("utf-8") in _UTF8_LETTERS
    if letters:
        # 'Ã¥' for å in legacy text would be mojibake in the writer's own editor: such a pair
        # is UTF-8 for æøå (or another Western letter), so the stray bytes are damage.
        return True
    rest, sequences = _UTF8_MULTI.subn(b"", data)
    if not sequences:
        return False
    stray = len(rest) - len(rest.translate(None, _HIGH_BYTES))
    return sequences > stray


def _legacy(data: bytes) -> tuple[str, str]:
    """Decode a Western 8-bit file, choosing the encoding in which Norwegian text reads best.

    Every Western candidate is scored on how its letters and punctuation come out; equal
    scores go to the more common encoding (cp1252 first). Only when every candidate reads
    badly is charset-normalizer (restricted to these encodings) asked to judge.
    """
    sample = _sample(data)
    scored: list[tuple[int, int, str]] = []
    for rank, codec in enumerate(WESTERN_ENCODINGS):
        if codec == "cp1252" and data.translate(None, _CP1252_UNDEFINED) != data:
            continue
        scored.append((_score(sample.decode(codec)), -rank, codec))
    best = max(scored)  # latin_1 decodes any bytes, so there is always one
    codec = best[2]
    if best[0] < 0:
        guess = _charset_normalizer_guess(data)
        codec = next((c for score, _r, c in scored if c == guess and score >= best[0]), codec)
    return data.decode(codec), codec


def _sample(data: bytes) -> bytes:
    """The lines that have non-ASCII bytes (up to a size): what tells the encodings apart."""
    if len(data) <= _SAMPLE_BYTES:
        return data
    lines: list[bytes] = []
    size = 0
    pos = 0
    while size < _SAMPLE_BYTES:
        match = _HIGH.search(data, pos)
        if match is None:
            break
        start = max(data.rfind(b"\n", 0, match.start()) + 1, match.start() - _SAMPLE_CONTEXT)
        end = data.find(b"\n", match.end())
        end = min(len(data) if end < 0 else end, match.end() + _SAMPLE_CONTEXT)
        lines.append(data[start:end])
        size += end - start
        pos = end + 1
    return b"\n".join(lines)


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data, cp_isolation=list(WESTERN_ENCODINGS)).best()
    except Exception:  # a detector failure must not stop the import; the scores decide
        return None
    if match is None or match.encoding not in WESTERN_ENCODINGS:
        return None
    return "cp1252" if match.encoding in ("latin_1", "iso8859_15") else match.encoding


def _score(text: str) -> int:
    """How much the text looks like correctly decoded Norwegian (or other Western) writing."""
    return (
        2 * len(_GOOD_NORWEGIAN.findall(text)) + len(_GOOD_OTHER.findall(text))
        + 2 * len(_TYPOGRAPHY.findall(text))
        - 2 * len(_BAD.findall(text)) - 2 * len(_ODD.findall(text)) - 5 * len(_C1.findall(text))
    )
