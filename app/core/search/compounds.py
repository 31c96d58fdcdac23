"""Norwegian compounds split by the lexicon: "hjemmetjenesten" is hjemme + tjenesten,
"ansvarsgruppemøtene" ansvar(s) + gruppe + møtene.

A split is only taken when every part is a word the lexicon knows - never a guess at any
substring: the last part (the head, which carries the inflection) is a known form of at
least MIN_HEAD letters, and what comes before it is a known base form of at least
MIN_MODIFIER letters, written as it is, with a linking -s- or -e- (arbeidsliv, barnehage),
or itself such a compound. Of the possible splits, the one with the longest head wins
("brukermedvirkning" is bruker + medvirkning, not brukermed + virkning).

Function words (for, over, med, eller, ingen ...) are neither heads nor modifiers, so
"forteller" is not for + teller nor fort + eller; nor are the derivational endings that
happen to be words (-ende, -heten, -skap, -else). What splitting is for: the lemma of a
compound the lexicon does not list (its modifier + the head's lemma, so
"psykiatritjenesten" and "psykiatritjenester" meet), and the opt-in search inside compounds.
"""

from __future__ import annotations

from app.core.search.norwegian_words import PROTECTED

MIN_HEAD = 4  # as hunspell-no's COMPOUNDMIN
MIN_MODIFIER = 3
MIN_WORD = MIN_MODIFIER + MIN_HEAD
_VOWELS = frozenset("aeiouyæøå")
S_LINKED_ENDINGS = ("ing", "het", "sjon", "skap", "dom", "else", "tet", "nad", "ning")
S_LINKED = frozenset("arbeid ansvar omsorg besøk kveld tid liv sak fag".split())
# Endings that are also words, and adverbs that end many words: never the head of a
# compound (spenn|ende, mulig|heten, innleve|ring, venn|inne, takk|nemlig).
NOT_HEADS = frozenset("""
ende hete skap else aktig messig lige inge ning sjon asjon ering ring inne nemlig ille tisk
""".split())
# Prefixes and particles that make derivations, not compounds (forslag, overgang, samtale,
# fortsette, bestille, beskrive, kontroll).
NOT_MODIFIERS = frozenset("""
for fore fort over overs under etter sam samt mis van gjen til med mot inn opp ned best besk
kont
""".split()) | PROTECTED


def split(lex, word: str, strict: bool | None = None) -> list[str] | None:
    """The parts of `word` as written, linking letters left out of the modifiers
    (["arbeid", "utprøving"]), or None when it is no compound the lexicon can show.

    A word the lexicon lists as a whole is split more strictly (`strict`, the default for
    them), since most short splits of a listed word are accidents (kon + takt, pro + gram):
    its modifier has four letters or more before any linking letter, its head's lemma four
    or more, and the word's own lemma must be the modifier followed by the head's lemma
    (kontaktpersonen -> kontaktperson = kontakt + person)."""
    n = len(word)
    if n < MIN_WORD or not word.isalpha():
        return None
    if strict is None:
        strict = word in lex
    whole = set(lex.lemmas(word) or ()) if strict else set()
    for i in range(MIN_MODIFIER, n - MIN_HEAD + 1):  # the longest head first
        head = word[i:]
        if head not in lex or head in PROTECTED:
            continue
        lemmas = lex.lemmas(head) or ()
        if any(x in NOT_HEADS or x in PROTECTED for x in lemmas):
            continue
        if strict and not any(len(x) >= MIN_HEAD and word[:i] + x in whole for x in lemmas):
            continue
        front = modifier(lex, word[:i], strict)
        if front is None:
            continue
        if (head[0] == "s" and head[1] not in _VOWELS and i + 1 + MIN_HEAD <= n
                and _takes_s(lex, word[:i])):
            linked = _linked(lex, word, i + 1, strict, whole)  # arbeids|trening, not
            if linked is not None:                              # arbeid|strening
                return linked
        return front + [head]
    return None


def _takes_s(lex, base: str) -> bool:
    """A modifier that is joined with a linking -s: derivations in -ing, -het, -sjon ...,
    compounds themselves (selvmord|s|tanker), and a few common words (arbeid|s|liv)."""
    return (base.endswith(S_LINKED_ENDINGS) or base in S_LINKED
            or split(lex, base, strict=False) is not None)


def _linked(lex, word: str, i: int, strict: bool, whole: set) -> list[str] | None:
    """The split at `i` (after a linking -s), when it is a valid one."""
    head = word[i:]
    lemmas = lex.lemmas(head) or ()
    if not lemmas or head in PROTECTED or any(x in NOT_HEADS or x in PROTECTED
                                               for x in lemmas):
        return None
    if strict and not any(len(x) >= MIN_HEAD and word[:i] + x in whole for x in lemmas):
        return None
    front = modifier(lex, word[:i], strict)
    return None if front is None else front + [head]


def modifier(lex, text: str, strict: bool = False) -> list[str] | None:
    """`text` as the front of a compound: a base form (a lemma of itself), possibly with a
    linking -s or -e, or a compound of those."""
    candidates = [text]
    if text[-1] in "se" and len(text) > MIN_MODIFIER:
        candidates.append(text[:-1])
    least = MIN_HEAD if strict else MIN_MODIFIER
    for c in candidates:
        if len(c) >= least and c not in NOT_MODIFIERS and c in (lex.lemmas(c) or ()):
            return [c]
    for c in candidates:
        inner = split(lex, c, strict=False)
        if inner is not None and inner[-1] in (lex.lemmas(inner[-1]) or ()):
            return inner
    return None


def parts(lex, word: str, found: list[str] | None = None) -> tuple[str, ...]:
    """The lemmas of the parts of a compound (its head's lemmas, its modifiers as written in
    base form, and the parts of a head that is itself a compound); () for other words.
    `found` is the word's split when the caller has it."""
    found = found or split(lex, word)
    if not found:
        return ()
    *front, head = found
    out = list(front)
    out += lex.lemmas(head) or (head,)
    inner = split(lex, head)
    if inner:
        *inner_front, inner_head = inner
        out += inner_front
        out += lex.lemmas(inner_head) or (inner_head,)
    return tuple(dict.fromkeys(out))
