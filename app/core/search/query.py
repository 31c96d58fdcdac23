"""Search a project: parse a query (words, "phrases", AND/OR/NOT and OG/ELLER/IKKE, prefix*,
fuzzy~), filter by attribute, speaker, coder and code, and return every hit as an exact
code-point range with its sentence as keyword-in-context."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

from sqlalchemy import select

from app.errors import InvalidInput
from app.i18n import _

_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')\]]*\s+")
CONTEXT_MAX = 320


class Hit:
    """One hit: an exact code-point range of a document. The hit's text and its sentence are
    cut out when first asked for, so a search with thousands of hits stays quick."""

    __slots__ = ("document", "document_guid", "start", "end", "speaker", "attributes",
                 "_source", "_unit", "_context", "_base")

    def __init__(self, document: str, document_guid: str, start: int, end: int, speaker: str,
                 attributes: dict, source: str, unit: tuple[int, int], base: int = 0) -> None:
        """`source` is the document's text from offset `base` on (a paged search reads only
        the passages it shows); it must hold the whole unit [lo, hi)."""
        self.document, self.document_guid = document, document_guid
        self.start, self.end, self.speaker, self.attributes = start, end, speaker, attributes
        self._source, self._unit, self._context, self._base = source, unit, None, base

    @property
    def text(self) -> str:
        return self._source[self.start - self._base:self.end - self._base]

    def _sentence(self) -> tuple[int, int]:
        if self._context is None:
            z = self._base
            a, b = sentence_around(self._source, self._unit[0] - z, self._unit[1] - z,
                                   self.start - z, self.end - z)
            self._context = (a + z, b + z)
        return self._context

    @property
    def context(self) -> str:
        a, b = self._sentence()
        return self._source[a - self._base:b - self._base]

    @property
    def context_start(self) -> int:
        return self._sentence()[0]

    def __repr__(self) -> str:
        return f"Hit({self.document!r}, {self.start}, {self.end}, {self.text!r})"

    def as_json(self) -> dict:
        return {"document": self.document, "start": self.start, "end": self.end,
                "text": self.text, "context": self.context, "speaker": self.speaker}


class HitList(Sequence):
    """The hits of a search, kept compact: a few arrays of integers plus one entry per
    document and speaker label, instead of an object per hit. `Hit` objects are made when a
    hit is looked at, so a search with ten thousand hits leaves little for Python's garbage
    collector to walk."""

    def __init__(self) -> None:
        self._start, self._end, self._passage = array("q"), array("q"), array("l")
        self._lo, self._hi = array("q"), array("q")  # per passage
        self._doc, self._speaker = array("l"), array("l")  # per passage
        self._docs: list[tuple[str, str, dict, str]] = []  # (name, guid, attributes, text)
        self._doc_index: dict[str, int] = {}
        self._speakers: list[str] = []
        self._speaker_index: dict[str, int] = {}

    def document(self, guid: str, name: str, attributes: dict, text: str) -> int:
        i = self._doc_index.get(guid)
        if i is None:
            i = self._doc_index[guid] = len(self._docs)
            self._docs.append((name, guid, attributes, text))
        return i

    def add_passage(self, lo: int, hi: int, doc: int, speaker: str,
                    ranges: list[tuple[int, int]]) -> None:
        """The hits of one passage [lo, hi): `ranges` are relative to it, in text order."""
        who = self._speaker_index.get(speaker)
        if who is None:
            who = self._speaker_index[speaker] = len(self._speakers)
            self._speakers.append(speaker)
        self._passage.extend(repeat(len(self._lo), len(ranges)))
        self._lo.append(lo)
        self._hi.append(hi)
        self._doc.append(doc)
        self._speaker.append(who)
        self._start.extend([lo + a for a, _b in ranges])
        self._end.extend([lo + b for _a, b in ranges])

    def __len__(self) -> int:
        return len(self._start)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        k = self._passage[i]
        name, guid, attributes, text = self._docs[self._doc[k]]
        return Hit(name, guid, self._start[i], self._end[i], self._speakers[self._speaker[k]],
                   attributes, text, (self._lo[k], self._hi[k]))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def per_document(self) -> dict[str, int]:
        counts: Counter = Counter()
        for k, n in Counter(self._passage).items():
            counts[self._docs[self._doc[k]][0]] += n
        return dict(counts)


@dataclass
class SearchResult:
    hits: HitList
    units: int
    index_status: str
    warning: str = ""
    # query word found nowhere in the project -> up to three words of it ("did you mean")
    suggestions: dict[str, list[str]] = field(default_factory=dict)

    def per_document(self) -> dict[str, int]:
        if isinstance(self.hits, HitList):
            return self.hits.per_document()
        return dict(Counter(h.document for h in self.hits))


def check_syntax(query: str) -> None:
    if not query.strip():
        raise InvalidInput(_("Write something to search for."))
    if query.count('"') % 2:
        raise InvalidInput(_("The search has an opening quotation mark without a closing one."))
    depth = 0
    for ch in query:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            break
    if depth:
        raise InvalidInput(_("The brackets in the search do not match: every ( needs a )."))


def parser(field_name: str, schema):
    from whoosh import qparser

    p = qparser.QueryParser(field_name, schema, group=qparser.AndGroup)
    p.remove_plugin_class(qparser.FieldsPlugin)
    p.remove_plugin_class(qparser.OperatorsPlugin)
    p.add_plugin(qparser.OperatorsPlugin(
        And=r"(?<=\s)(AND|OG)(?=\s)", Or=r"(?<=\s)(OR|ELLER)(?=\s)",
        AndNot=r"(?<=\s)ANDNOT(?=\s)", AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
        Not=r"(^|(?<=(\s|[()])))(NOT|IKKE)(?=\s)"))
    p.add_plugin(qparser.FuzzyTermPlugin())
    return p


def parse(query: str, schema, exact: bool = False, compounds: bool = False,
          field: str = "content"):
    """The query for `field` ("content" for bokmål passages, "content_nn" for nynorsk ones;
    "exact" with `exact`). A word with several lemmas matches any of them; with `compounds`
    each lemma also matches the compounds it is a part of."""
    check_syntax(query)
    try:
        q = parser("exact" if exact else field, schema).parse(query)
    except Exception as exc:  # noqa: BLE001 - whoosh's own parse errors, for the user
        raise InvalidInput(_("The search could not be understood: {reason}").format(
            reason=exc)) from exc
    written = iter(_PATTERN_TERMS.findall(query))
    q = q.accept(lambda node: _unstemmed_pattern(node, written))
    if exact:
        return q
    return q.accept(lambda node: _alternatives(node, compounds))


MAX_PHRASES = 64  # a phrase of ambiguous words becomes at most this many phrases


def _choices(text: str, compounds: bool) -> list[str]:
    from app.core.search.norwegian import ALT, PART

    lemmas = text.split(ALT)
    return lemmas + [PART + x for x in lemmas] if compounds else lemmas


def _alternatives(node, compounds: bool):
    """A word's lemmas (joined by ALT by the analyzer) as an OR of terms; a phrase with such
    words as an OR of phrases (up to MAX_PHRASES; past that a word keeps its first lemma)."""
    from itertools import product

    from whoosh import query as Q

    from app.core.search.norwegian import ALT

    kind = type(node)
    if kind is Q.Term and node.fieldname != "exact" and isinstance(node.text, str):
        if ALT not in node.text and not compounds:
            return node
        terms = [Q.Term(node.fieldname, x, boost=node.boost)
                 for x in _choices(node.text, compounds)]
        return terms[0] if len(terms) == 1 else Q.Or(terms)
    if kind is Q.Phrase and node.fieldname != "exact":
        if not any(ALT in w for w in node.words) and not compounds:
            return node
        options = [_choices(w, compounds) for w in node.words]
        total = 1
        for i, o in enumerate(options):
            if total * len(o) > MAX_PHRASES:
                options[i] = o[:1]
            total *= len(options[i])
        phrases = [Q.Phrase(node.fieldname, list(words), slop=node.slop, boost=node.boost,
                            char_ranges=node.char_ranges)
                   for words in product(*options)]
        return phrases[0] if len(phrases) == 1 else Q.Or(phrases)
    return node


# Prefix*, wild?card and fuzzy~ terms as the user wrote them, in query order.
_PATTERN_TERMS = re.compile(r'[^\s()"]*[*?][^\s()"]*|[^\s()"]+~\d*')


def _unstemmed_pattern(node, written):
    """Prefix*, wild?card and fuzzy~ terms are matched against the words as written (the
    exact field), with the text the user typed (whoosh would stem it): «brukere*» finds
    «brukere» and «brukerens», not every form of «bruk»."""
    from whoosh import query as Q

    if not isinstance(node, Q.Prefix | Q.Wildcard | Q.FuzzyTerm):
        return node
    raw = next(written, None)
    node = node.copy()
    node.fieldname = "exact"
    if raw:
        raw = raw.lower()
        if isinstance(node, Q.FuzzyTerm):
            node.text = raw.split("~", 1)[0]
        elif isinstance(node, Q.Prefix):
            node.text = raw.rstrip("*")
        else:
            node.text = raw
    return node


def _leaves(q, negated: bool = False):
    """Positive leaf queries (terms, phrases, prefixes, fuzzy and wildcard terms)."""
    from whoosh import query as Q

    if isinstance(q, Q.Not):
        return
    if isinstance(q, Q.AndNot):
        yield from _leaves(q.a)
        return
    if isinstance(q, Q.Phrase | Q.Term | Q.Prefix | Q.Wildcard | Q.FuzzyTerm):
        yield q
        return
    for child in getattr(q, "subqueries", ()) or ():
        yield from _leaves(child)
    if hasattr(q, "child"):
        yield from _leaves(q.child)




def _as_text(t) -> str:
    return t.decode("utf-8") if isinstance(t, bytes) else t


def hit_spans(searcher, docnums: list[int], leaves) -> dict[int, list[tuple[int, int]]]:
    """For each matched passage (docnum), the character ranges - relative to the passage -
    of what the query's leaves matched, read from the index's postings (no re-analysis)."""
    from whoosh import query as Q

    reader = searcher.reader()
    order = sorted(docnums)
    found: dict[int, set] = {d: set() for d in order}

    def chars(fieldname: str, text: str) -> dict[int, list]:
        out: dict[int, list] = {}
        try:
            m = reader.postings(fieldname, text)
        except Exception:  # noqa: BLE001 - a term not in the index matches nothing
            return out
        for d in order:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() == d:
                out[d] = m.value_as("characters")
        return out

    for leaf in leaves:
        if isinstance(leaf, Q.Phrase):
            words = [chars(leaf.fieldname, w) for w in leaf.words]
            for d in words[0] if words else {}:
                at = [{p: (a, b) for p, a, b in w.get(d, [])} for w in words]
                for p, (a, _b) in at[0].items():
                    if all(p + k in at[k] for k in range(1, len(at))):
                        found[d].add((a, at[-1][p + len(at) - 1][1]))
            continue
        for fieldname, text in leaf.existing_terms(reader, phrases=True, expand=True):
            for d, items in chars(fieldname, _as_text(text)).items():
                found[d].update((a, b) for _p, a, b in items)
    return {d: list(spans) for d, spans in found.items() if spans}


def _keep_outer(spans) -> list[tuple[int, int]]:
    """Ranges in text order with overlaps joined (a phrase wins over the words inside it)."""
    if len(spans) == 1:
        return list(spans)
    keep: list[tuple[int, int]] = []
    for a, b in sorted(spans):  # a phrase wins over the words inside it
        if keep and a < keep[-1][1]:
            if b > keep[-1][1]:
                keep[-1] = (keep[-1][0], b)
            continue
        keep.append((a, b))
    return keep


def sentence_around(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) containing [start, end) within the unit [lo, hi), at most CONTEXT_MAX."""
    a = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        a = m.end()
    m = _SENTENCE_END.search(text, end, hi)
    b = m.start() + len(m.group(0).rstrip()) if m else hi
    if b - a > CONTEXT_MAX:
        a = max(a, start - CONTEXT_MAX // 2)
        b = min(b, end + CONTEXT_MAX // 2)
    return a, b
