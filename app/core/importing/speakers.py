"""Find speaker turns ("Intervjuer: ...", "D1: ...", "Kari: ...") in a normalised transcript.

A turn starts at a line that begins with a speaker label, ':' and a space (or the line end).
Labels are known roles (Intervjuer, Moderator, Informant, Deltaker 3, I, M, IP ...), short
letter+digit codes (D1, P12, B3) or a capitalised name of one or two words (at most 25
characters) used as a label at least twice, so a single "Merk: ..." or "Tid: 10:30" is not a
speaker. A time stamp may come before the label ("[00:01:23] Kari:", "10:15 Kari:") or just
after it ("Kari (00:01:23):"). The turn is the speech after "Label: " up to the next label
line, continuation lines included, without surrounding whitespace. Text before the first
label (a header) belongs to no turn.
"""

from __future__ import annotations

import re

from app.core.importing.model import Turn

MAX_LABEL_CHARS = 25
MIN_NAME_USES = 2

ROLES = (
    "intervjuer", "intervjuar", "interviewer", "moderator", "medmoderator", "informant",
    "deltaker", "deltakar", "bruker", "brukar", "kvinne", "mann", "respondent", "forsker",
    "int", "inf", "mod", "ip", "i", "m",
)
# Capitalised words that head a line with ':' in headers and notes, never speakers.
NOT_SPEAKERS = frozenset(
    """merk merknad notat note notes obs nb tid tidspunkt klokkeslett dato date time sted
    location tema emne tittel title kommentar kommentarer comment varighet lengde duration
    lydfil fil filnavn file transkribent transkribert transkripsjon prosjekt project kode
    kilde lenke link kategori stikkord bakgrunn oppsummering sammendrag eksempel deltakere
    tilstede fravær referat sak vedtak ansvarlig frist status versjon intervjuguide
    anmerkning forkortelser pause innledning avslutning ja nei og men så altså jo hm eh
    ok okei""".split()
)

_WORD = r"[^\W\d_][^\W_]*(?:-[^\W\d_][^\W_]*)*"
_STAMP = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?"
_LABEL_LINE = re.compile(
    rf"^[ \t]*(?:{_STAMP}[ \t]+)?"
    rf"(?P<label>{_WORD}(?:[ \t](?:{_WORD}|\d{{1,3}}))?)"
    rf"(?:[ \t]*[\[(]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d{{1,3}})?[\])])?"
    r"[ \t]?:(?:[^\S\n]+|$)",
    re.MULTILINE,
)
_ROLE = re.compile(rf"(?:{'|'.join(ROLES)})(?:[ \t]?\d{{1,3}})?", re.IGNORECASE)
_CODE = re.compile(r"[^\W\d_]{1,3}[ \t]?\d{1,3}")
_NON_SPACE = re.compile(r"\S")


def detect_turns(text: str) -> list[Turn]:
    """Speaker turns in document order; [] when the text has no speaker labels."""
    found = [(m.start(), m.end(), m.group("label")) for m in _LABEL_LINE.finditer(text)]
    if not found:
        return []
    label_uses: dict[str, int] = {}
    for _start, _end, label in found:
        label_uses[label] = label_uses.get(label, 0) + 1
    speakers = {label for label, uses in label_uses.items() if _is_speaker(label, uses)}
    lines = [(start, end, label) for start, end, label in found if label in speakers]
    turns: list[Turn] = []
    count = len(lines)
    for i, (_line_start, after_colon, label) in enumerate(lines):
        limit = lines[i + 1][0] if i + 1 < count else len(text)
        start = after_colon
        if start >= limit or text[start].isspace():  # speech starts on a later line, if at all
            first = _NON_SPACE.search(text, start, limit)
            if first is None:
                continue  # a label with nothing said
            start = first.start()
        end = start + len(text[start:limit].rstrip())
        turns.append(Turn(start, end, label))
    return turns


def _is_speaker(label: str, uses: int) -> bool:
    if len(label) > MAX_LABEL_CHARS:
        return False
    if _ROLE.fullmatch(label) or _CODE.fullmatch(label):
        return True
    if uses < MIN_NAME_USES or label.casefold() in NOT_SPEAKERS:
        return False
    words = label.split()
    if not words[0][0].isupper():
        return False
    return len(words) == 1 or words[1][0].isupper() or words[1].isdigit()
