"""Counted nouns in the right grammatical number: counts.codings(1) -> '1 coding' / '1 koding',
counts.codings(2) -> '2 codings' / '2 kodinger' (gettext plural forms through n_).

Sentences with several counts take these phrases as placeholders, so each count agrees with
its own noun: _("Deleted {name} and its {codings}.").format(codings=counts.codings(n)).
Figures are grouped the way the output language writes them (app.i18n.numbers.number).
"""

from __future__ import annotations

from app.i18n import n_
from app.i18n.numbers import number


def codes(n: int) -> str:
    return n_("{n} code", "{n} codes", n).format(n=number(n))


def child_codes(n: int) -> str:
    return n_("{n} child code", "{n} child codes", n).format(n=number(n))


def codings(n: int) -> str:
    return n_("{n} coding", "{n} codings", n).format(n=number(n))


def documents(n: int) -> str:
    return n_("{n} document", "{n} documents", n).format(n=number(n))


def coders(n: int) -> str:
    return n_("{n} coder", "{n} coders", n).format(n=number(n))


def quotes(n: int) -> str:
    return n_("{n} quote", "{n} quotes", n).format(n=number(n))


def illustrative_quotes(n: int) -> str:
    return n_("{n} illustrative quote", "{n} illustrative quotes", n).format(n=number(n))


def condensates(n: int) -> str:
    return n_("{n} condensate", "{n} condensates", n).format(n=number(n))


def syntheses(n: int) -> str:
    return n_("{n} synthesis", "{n} syntheses", n).format(n=number(n))


def meaning_units(n: int) -> str:
    return n_("{n} meaning unit", "{n} meaning units", n).format(n=number(n))


def passages(n: int) -> str:
    return n_("{n} passage", "{n} passages", n).format(n=number(n))


def hits(n: int) -> str:
    return n_("{n} hit", "{n} hits", n).format(n=number(n))


def characters(n: int) -> str:
    return n_("{n} character", "{n} characters", n).format(n=number(n))


def words(n: int) -> str:
    return n_("{n} word", "{n} words", n).format(n=number(n))


def speakers(n: int) -> str:
    return n_("{n} speaker", "{n} speakers", n).format(n=number(n))


def turns(n: int) -> str:
    return n_("{n} turn", "{n} turns", n).format(n=number(n))


def replacements(n: int) -> str:
    return n_("{n} replacement", "{n} replacements", n).format(n=number(n))


def conflicts(n: int) -> str:
    return n_("{n} conflict", "{n} conflicts", n).format(n=number(n))


def segments(n: int) -> str:
    return n_("{n} segment", "{n} segments", n).format(n=number(n))


def rows(n: int) -> str:
    return n_("{n} row", "{n} rows", n).format(n=number(n))


def code_sets(n: int) -> str:
    return n_("{n} code set", "{n} code sets", n).format(n=number(n))


def sensitive_terms(n: int) -> str:
    return n_("{n} sensitive term", "{n} sensitive terms", n).format(n=number(n))


def backups(n: int) -> str:
    return n_("{n} earlier backup", "{n} earlier backups", n).format(n=number(n))


def disagreements(n: int) -> str:
    return n_("{n} disagreement", "{n} disagreements", n).format(n=number(n))
