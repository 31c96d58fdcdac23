"""Sitat's lexicon table derived from simplemma's full-form list: every lemma a form can
belong to, with simplemma's own data used to fill in what its one-lemma-per-form list leaves
out (see lexicon.py for how the table is kept and read).

simplemma files each form under one lemma. From its own data this adds:
- homographs: a form that is itself a noun lemma ("bruker" beside the verb "bruke"); a
  verb's imperative ("hjelp", "jobb") when the verb has a present and a past;
- noun paradigms: a known noun lemma plus one of its regular endings (turene = tur + ene,
  dags, ukas), checked against the noun's gender (jobbet is not jobb + et, orden not
  ord + en) and against the -a past of a verb (jobba, slutta);
- verb forms listed as words of their own: the -et participle (prøvet), a past listed on its
  own or under its participle (kjend, svarde -> svard), -t/-te pairs (lest beside leste),
  the present beside an agent noun (leser);
- adjectives: comparatives (veldigare, rundast) and the neuter -t (klart, tomt);
- nynorsk: -a/-e and -je/-ja infinitives written as one lemma (kasta/kaste, tenkje/tenke),
  and the -ar/-er present and -ast passive of any infinitive.
Function words (norwegian_words.PROTECTED) get simplemma's lemma only.
"""

from __future__ import annotations

from app.core.search.norwegian_words import PROTECTED

# Endings of a noun's paradigm after a lemma ending in a consonant, and after one in -e.
NOUN_ENDINGS = frozenset(("en", "et", "a", "er", "ene", "s", "ens", "ets", "as", "ers", "enes"))
NOUN_ENDINGS_E = frozenset(("n", "r", "ne", "s", "ns", "rs", "nes"))
_COMPARATIVES = ("are", "aste", "ast", "ere", "este")
_PASTS = ("dde", "dd", "de", "te", "d", "t")
_VOWELS = "aeiouyæøå"


def derive(raw: dict[bytes, bytes], lang: str) -> tuple[list[str], list[str]]:
    """(sorted forms, their lemmas: "" when the form is its own only lemma, else the lemmas
    separated by spaces) from simplemma's bytes -> bytes list for `lang`."""
    return _Paradigms(raw, lang).table()


class _Paradigms:
    def __init__(self, raw: dict[bytes, bytes], lang: str) -> None:
        d = {k.decode("utf-8"): v.decode("utf-8") for k, v in raw.items()}
        self.is_lemma = set(d.values())
        for lemma in self.is_lemma:
            d.setdefault(lemma, lemma)
        self.d, self.lang = d, lang
        self._nouns: dict[str, bool] = {}
        # Verbs: lemmas in -e (or nynorsk -a) with a past tense - weak (-te, -et, -de, -dde;
        # -ar, -ast) or strong (a form that does not begin with the verb's stem: hjalp).
        verbs = set()
        for f, v in d.items():
            if len(v) > 1 and v[-1] in "ea":
                stem = v[:-1]
                if not f.startswith(stem) or f in (stem + "te", stem + "et", stem + "de",
                                                   v + "dde", stem + "ar", stem + "ast"):
                    verbs.add(v)
        self.verbs = verbs

    def noun(self, n: str) -> bool:
        got = self._nouns.get(n)
        if got is None:
            get = self.d.get
            got = self._nouns[n] = len(n) >= 3 and n not in PROTECTED and (
                get(n + "en") == n or get(n + "et") == n or get(n + "a") == n
                or get(n + "ene") == n
                or (n[-1] == "e" and (get(n + "n") == n or get(n + "ne") == n)))
        return got

    def table(self) -> tuple[list[str], list[str]]:
        forms = sorted(self.d)
        out = []
        nn = self.lang == "nn"
        for form in forms:
            found = [self.d[form]]
            if form not in PROTECTED:
                self.homographs(form, found)
                self.nouns(form, found)
                self.verb_forms(form, found)
                self.adjectives(form, found)
            if nn:
                self.nynorsk(form, found)
            found = list(dict.fromkeys(found))
            out.append("" if found == [form] else " ".join(found))
        return forms, out

    def homographs(self, form: str, found: list[str]) -> None:
        d, verbs = self.d, self.verbs
        if form != found[0] and form in self.is_lemma and self.noun(form):
            found.append(form)  # a noun lemma of its own ("bruker")
        v = form + "e"
        if len(form) >= 3 and v in verbs and d.get(v + "r") == v:
            found.append(v)  # the imperative of a verb ("hjelp", "jobb")

    def nouns(self, form: str, found: list[str]) -> None:
        d = self.d
        if form[-1] not in "nstare":  # how every noun ending ends
            return
        for k in range(1, min(4, len(form) - 1) + 1):
            end, n = form[-k:], form[:-k]
            if end in (NOUN_ENDINGS_E if n[-1] == "e" else NOUN_ENDINGS) \
                    and self.noun(n) and self._gender_fits(n, end):
                found.append(n)  # turene, dags, tjenestenes
        if (len(form) >= 4 and form[-1] == "s" and form[-2] != "s" and d[form] == form
                and form[:-1] in d):
            found.append(d[form[:-1]])  # a genitive simplemma lists on its own: ukas

    def _gender_fits(self, n: str, end: str) -> bool:
        """The definite singular -et belongs to neuter nouns and -en to the others: "jobbet"
        is no form of the noun "jobb" (jobben), nor "orden" of "ord" (ordet); an -a that is
        the past of a verb in -e is not read as a definite form ("jobba", "slutta") unless
        the noun is neuter (folka); a noun ending in -s takes no genitive -s ("russ")."""
        d = self.d
        if end in ("et", "ets"):
            return d.get(n + "en") != n
        if end in ("en", "ens"):
            return d.get(n + "et") != n
        if end in ("a", "as"):
            return n + "e" not in self.verbs or d.get(n + "et") == n
        if end == "s":
            return n[-1] != "s"
        return True

    def verb_forms(self, form: str, found: list[str]) -> None:
        d, verbs = self.d, self.verbs
        own = d[form]
        if form[-2:] == "er" and own == form and form[:-1] in verbs:
            found.append(form[:-1])  # the present beside an agent noun: leser
        if form[-2:] == "et" and form[:-2] + "e" in verbs and not self.noun(own):
            found.append(form[:-2] + "e")  # prøvet, opplevet (the -et participle; not huset)
        # a past listed on its own (kjend, bestemt) or under its participle (svarde ->
        # svard): the verb too; m and n were doubled before the ending (bestemme)
        ends = _PASTS if own == form else ("dde", "de", "te") if own == form[:-1] else ()
        if ends and (d.get(form + "e") == form or d.get(form + "ere") == form):
            ends = ends[:-2]  # an adjective's -t or -d is no past: sint, fast
        if ends and not self.noun(form):
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

    def adjectives(self, form: str, found: list[str]) -> None:
        d = self.d
        if form[-1] not in "et":
            return
        for end in _COMPARATIVES:  # veldigare, rundast
            base = form[: -len(end)]
            if form.endswith(end) and len(base) >= 3 and d.get(base) == base \
                    and base not in self.verbs:
                found.append(base)
                break
        if form[-1] == "t" and len(form) >= 4:
            a = form[:-1]
            for comp in (a + "ere", a + a[-1] + "ere"):  # klart, tomt (klarere, tommere)
                if d.get(comp) == a:
                    found.append(a)

    def nynorsk(self, form: str, found: list[str]) -> None:
        verbs = self.verbs
        if form in verbs:  # an infinitive in -a filed elsewhere (svara), an imperative
            found.append(form)
        if len(form) >= 3 and form not in PROTECTED:
            for v in (form + "a", form + "e", form + "ja", form + "je"):
                if v in verbs:
                    found.append(v)
                    break
        for end in ("ast", "ar", "er"):  # the present and passive of any infinitive
            stem = form[: -len(end)]
            if form.endswith(end) and len(stem) >= 2:
                got = [v for v in (stem + "a", stem + "e", stem + "ja", stem + "je")
                       if v in verbs]
                if got:
                    found.append(got[0])
                    break
        found[:] = [infinitive(x, self.is_lemma, verbs) for x in found]


def infinitive(lemma: str, lemmas: set, verbs: set) -> str:
    """Nynorsk lets a writer choose the infinitive: kasta or kaste, tenkja or tenkje (or
    tenke). simplemma files forms under one or the other, so a verb's lemma is written in
    one way here: -e, without the j of -je/-ja."""
    if len(lemma) > 4 and lemma.endswith(("ja", "je")) and lemma[-3] not in _VOWELS \
            and (lemma in verbs or lemma[:-1] + "e" in verbs or lemma[:-1] + "a" in lemmas):
        return lemma[:-2] + "e"
    if len(lemma) > 3 and lemma.endswith("a") and (lemma in verbs or lemma[:-1] + "e" in verbs):
        return lemma[:-1] + "e"
    return lemma
