"""Search a project: parse a query (words, "phrases", AND/OR/NOT and OG/ELLER/IKKE, prefix*,
fuzzy~), filter by attribute, speaker, coder and code, and return every hit as an exact
code-point range with its sentence as keyword-in-context."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app.errors import InvalidInput
from app.i18n import _

_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')\]]*\s+")
CONTEXT_MAX = 320


@dataclass(frozen=True)
class Hit:
    document: str
    document_guid: str
    start: int
    end: int
    text: str
    context: str
    context_start: int  # where `context` begins in the document
    speaker: str
    attributes: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"document": self.document, "start": self.start, "end": self.end,
                "text": self.text, "context": self.context, "speaker": self.speaker}


@dataclass
class SearchResult:
    hits: list[Hit]
    units: int
    index_status: str
    warning: str = ""

    def per_document(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for h in self.hits:
            out[h.document] = out.get(h.document, 0) + 1
        return out


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


def parse(query: str, schema, exact: bool = False):
    check_syntax(query)
    try:
        q = parser("exact" if exact else "content", schema).parse(query)
    except Exception as exc:  # noqa: BLE001 - whoosh's own parse errors, for the user
        raise InvalidInput(_("The search could not be understood: {reason}").format(
            reason=exc)) from exc
    written = iter(_PATTERN_TERMS.findall(query))
    return q.accept(lambda node: _unstemmed_pattern(node, written))


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


def _matcher(leaf):
    from whoosh import query as Q
    from whoosh.support.levenshtein import distance

    if isinstance(leaf, Q.FuzzyTerm):
        text, maxdist, pre = leaf.text, leaf.maxdist, leaf.prefixlength
        return lambda t: t.startswith(text[:pre]) and distance(t, text) <= maxdist
    if isinstance(leaf, Q.Prefix):
        return lambda t, p=leaf.text: t.startswith(p)
    if isinstance(leaf, Q.Wildcard):
        return lambda t, p=leaf.text: fnmatch.fnmatchcase(t, p)
    return lambda t, w=leaf.text: t == w


def spans_in(text: str, base: int, leaves, analyzers: dict) -> list[tuple[int, int]]:
    """Code-point ranges (in the document) of what the query's leaves match in `text`;
    `analyzers` maps a field name to the analyzer its terms came from."""
    from whoosh import query as Q

    cache: dict[str, list] = {}

    def tokens_of(fieldname: str) -> list:
        if fieldname not in cache:
            cache[fieldname] = [(t.text, t.startchar, t.endchar) for t in analyzers[fieldname](
                text, chars=True, removestops=False)]
        return cache[fieldname]

    out = set()
    for leaf in leaves:
        tokens = tokens_of(leaf.fieldname)
        if isinstance(leaf, Q.Phrase):
            words = list(leaf.words)
            n = len(words)
            for i in range(len(tokens) - n + 1):
                if all(tokens[i + k][0] == words[k] for k in range(n)):
                    out.add((base + tokens[i][1], base + tokens[i + n - 1][2]))
        else:
            match = _matcher(leaf)
            out.update((base + a, base + b) for tok, a, b in tokens if match(tok))
    spans = sorted(out)
    keep: list[tuple[int, int]] = []
    for a, b in spans:  # a phrase wins over the words inside it
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
