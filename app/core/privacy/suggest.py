"""Suggest words that may identify someone: names after "heter", capitalised words, speakers.

A word is suggested when it is capitalised and not at the start of a sentence, line or
speaker turn, and is not a common Norwegian word (COMMON below: pronouns, discourse words,
days, months, holidays, countries and the big public services such as NAV or DPS that
identify no one). A word right after "heter", "het", "kalt", "kalles" or "kaller" is
suggested even when it is a common word ("heter Mai"). Speaker labels that are not generic
("Intervjuer", "I1", "Deltaker 3") are suggested too. A genitive ("Karis", "Kari's") is
counted with its base form when the base form also occurs. Terms already listed are left out.
These are suggestions for a person to judge, never replaced automatically.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.privacy.terms import terms as listed_terms
from app.core.search.norwegian import TOKEN_PATTERN
from app.i18n import _

CUE, CAPITALISED, SPEAKER = "cue", "capitalised", "speaker"
_TOKEN = re.compile(TOKEN_PATTERN)
_CUES = frozenset({"heter", "het", "kalt", "kalles", "kaller", "hette"})
_SENTENCE_END = frozenset(".!?…:;«»\"“”(–—-[")

COMMON = frozenset("""
Jeg Du Han Hun Vi Dere De Den Det Dette Disse Meg Deg Seg Ham Henne Oss Dem Man Min Mitt
Mine Din Ditt Dine Sin Sitt Sine Vår Vårt Våre Deres Hans Hennes Noen Ingen Alle Alt Hver
Hvem Hva Hvor Hvorfor Hvordan Når Hvilken Hvilke Som Og Eller Men Så Da Nå Der Her Ja Nei
Jo Ok OK Okei Okay Mm Mhm Hm Hmm Eh Ehm Øh Æh Ah Å Åh Oi Au Hei Takk Unnskyld Altså Liksom
Egentlig Kanskje Bare Også Ikke Aldri Alltid Ofte Sjelden Etter Før Under Over Med Uten
For Fra Til På I Av Om Ved Mot Hos Mellom Gjennom Etterpå Sånn Slik Sånt Greit Fint Bra
Godt Riktig Akkurat Nettopp Absolutt Selvfølgelig Klart Sikkert Vel Både Enten Verken Hvis
Fordi Mens Selv Samme Andre Annen Annet Første Siste Neste En Ei Et Ett To Tre Fire Fem Seks
Sju Syv Åtte Ni Ti Elleve Tolv Hundre Tusen Mange Flere Mye Mer Mest Litt Lite Noe Noen
Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Helg Helga Helgen
Januar Februar Mars April Mai Juni Juli August September Oktober November Desember
Jul Julen Jula Julaften Påske Påsken Pinse Nyttår Nyttårsaften Sankthans Advent
Norge Norsk Norske Nordmenn Sverige Danmark Finland Island Europa Norden Afrika Asia
Amerika USA England Tyskland Polen Somalia Pakistan Irak Iran Syria Afghanistan
Gud Herregud Jesus Facebook Google Internett Internet TV PC Mobil Messenger Snapchat
Instagram Zoom Teams Skype Vipps Netflix Youtube YouTube
NAV Nav DPS BUP IP ACT FACT KS BSB TSB LAR FHI RIO LMS Helfo HELFO Husbanken Kommunen
Kommune Staten Fylket Fylkesmannen Statsforvalteren Stortinget Regjeringen Helsedirektoratet
Helse Helsenorge Legevakt Legevakta Legevakten Fastlege Fastlegen Sykehus Sykehuset
Psykiatrien Psykiatri Bydel Bydelen Kirken Kirka Politiet Politi Barnevernet Barnevern
Mental Helse Rådet Rådgiver Frelsesarmeen Bymisjonen Røde Kors Kors
Intervjuer Intervjueren Moderator Informant Informanten Deltaker Deltakeren Deltakere
Bruker Brukeren Brukere Brukerne Brukerrepresentant Ansatt Ansatte Leder Lederen Personale
Person Personen Alle Flere Latter Ler Pause Uklart Uhørbart Utydelig Avbrutt Stille
Spørsmål Svar Tema Intervju Fokusgruppe Gruppe Runde Kapittel Side Del Punkt
Individuell Plan Ansvarsgruppe Ansvarsgruppa Aktivitetshus Aktivitetshuset Hjemmetjenesten
Hjemmetjenester Støttekontakt Fritidskonsulent Psykisk Helsearbeid Tjenesten Tjenestene
God Dag Morn Morna Ha Hadet Velkommen Mvh Hilsen
""".split())
_GENERIC_SPEAKER = re.compile(r"^(?:[A-ZÆØÅ]{1,3}\d*|\w+\s*\d+|\d+)$")


@dataclass
class Candidate:
    """A word that may identify someone: how often and in which documents it occurs, and why."""

    term: str
    count: int = 0
    documents: list[str] = field(default_factory=list)
    reason: str = CAPITALISED  # CUE, CAPITALISED or SPEAKER

    @property
    def reason_text(self) -> str:
        if self.reason == CUE:
            return _("named after a word like \"heter\"")
        if self.reason == SPEAKER:
            return _("speaker name")
        return _("capitalised inside a sentence")

    def as_json(self) -> dict:
        return {"term": self.term, "count": self.count, "documents": self.documents,
                "reason": self.reason}


def _sentence_initial(text: str, start: int, turn_starts: set[int]) -> bool:
    """True at the start of the text, a line, a speaker turn, or after end punctuation."""
    if start in turn_starts:
        return True
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    return text[i] in _SENTENCE_END


def _base(word: str) -> str:
    """The word without a hyphenated tail or a possessive: "Tromsø-området" -> "Tromsø"."""
    head = re.split(r"[-]", word, maxsplit=1)[0]
    for tail in ("'s", "’s", "'"):
        if head.endswith(tail) and len(head) > len(tail) + 1:
            return head[: -len(tail)]
    return head


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and len(word) > 1 and not any(ch.isdigit() for ch in word)


def _scan(text: str, turn_starts: set[int]):
    """(word, reason) for every suggestable word in one text."""
    previous = ""
    for m in _TOKEN.finditer(text):
        word = m.group()
        base = _base(word)
        if _capitalised(base):
            if previous.lower() in _CUES:
                yield base, CUE
            elif base not in COMMON and not _sentence_initial(text, m.start(), turn_starts):
                yield base, CAPITALISED
        previous = word


_RANK = {CUE: 0, SPEAKER: 1, CAPITALISED: 2}


def suggest(s: Session) -> list[Candidate]:
    """Candidates across all documents, strongest reason first, then most documents and uses."""
    from app.models import Document, SpeakerTurn

    listed = {t.term for t in listed_terms(s)}
    found: dict[str, Candidate] = {}
    docs_of: dict[str, set[str]] = defaultdict(set)

    def note(word: str, reason: str, doc: str, n: int = 1) -> None:
        c = found.setdefault(word, Candidate(word, reason=reason))
        c.count += n
        docs_of[word].add(doc)
        if _RANK[reason] < _RANK[c.reason]:
            c.reason = reason

    turns: dict[int, set[int]] = defaultdict(set)
    speakers: dict[tuple[int, str], int] = defaultdict(int)
    for doc_id, start, speaker in s.execute(
            select(SpeakerTurn.document_id, SpeakerTurn.start, SpeakerTurn.speaker)):
        turns[doc_id].add(start)
        speakers[(doc_id, speaker.strip())] += 1
    names = {}
    for doc_id, name, body in s.execute(select(Document.id, Document.name, Document.text)):
        names[doc_id] = name
        for word, reason in _scan(body, turns[doc_id]):
            note(word, reason, name)
    for (doc_id, speaker), n in speakers.items():
        if (speaker and speaker not in COMMON and not _GENERIC_SPEAKER.match(speaker)
                and doc_id in names):
            note(speaker, SPEAKER, names[doc_id], n)
    _fold_genitives(found, docs_of)
    out = []
    for word, c in found.items():
        if word in listed:
            continue
        c.documents = sorted(docs_of[word])
        out.append(c)
    out.sort(key=lambda c: (_RANK[c.reason], -len(c.documents), -c.count, c.term))
    return out


def _fold_genitives(found: dict[str, Candidate], docs_of: dict[str, set[str]]) -> None:
    """Count "Karis" with "Kari" when "Kari" was also found."""
    for word in list(found):
        if word.endswith("s") and word[:-1] in found and word in found:
            base, gen = found[word[:-1]], found.pop(word)
            base.count += gen.count
            docs_of[word[:-1]] |= docs_of.pop(word)
            if _RANK[gen.reason] < _RANK[base.reason]:
                base.reason = gen.reason
