"""The language a project's reports are written in, known from the project itself.

Sitat stores no language setting: a project speaks the language of its material. The
transcripts (a sample of each) and the code names are read for common function words of
Norwegian (bokmål and nynorsk) and of English; a project whose material is Norwegian gets its
Word files and summaries in bokmål, an English one in English, and an empty or undecided one
the language the user's system asks for. `--lang` (CLI) overrides it for one command.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Code, Document

# Frequent words that are words of one language only (no "i", "at", "to", "for", "be", "so").
NORWEGIAN = frozenset(
    "og ikke jeg det er som på med har en et å til av de vi han hun men så om var meg kan "
    "skal også hva hvor når seg hadde blir ble bare noe mye eller sånn veldig altså "
    "eg ikkje dei noko kva korleis vart berre eit ein dette".split())
ENGLISH = frozenset(
    "the and is not you of that was we with have this but are they what where when he she "
    "would there their which been were because just really very or".split())
SAMPLE_CHARS = 20_000  # of each document
SAMPLE_DOCUMENTS = 40
MINIMUM = 20  # words of one language needed to decide
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(texts) -> str | None:
    """'nb', 'en', or None when the texts do not say."""
    nb = en = 0
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            if word in NORWEGIAN:
                nb += 1
            elif word in ENGLISH:
                en += 1
    if max(nb, en) < MINIMUM or nb == en:
        return None
    return "nb" if nb > en else "en"


def project_language(s: Session) -> str | None:
    """The language of the project's material ('nb' or 'en'), or None when it has too little
    text to tell (then the user's language applies)."""
    texts = list(s.scalars(select(func.substr(Document.text, 1, SAMPLE_CHARS))
                          .order_by(Document.id).limit(SAMPLE_DOCUMENTS)))
    texts.append(" ".join(s.scalars(select(Code.name))))
    return guess_language(texts)
