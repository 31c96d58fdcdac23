"""Reading a term's postings as numpy arrays, for the paged search (columns.py): whoosh 2.7's
posting blocks as `terms.block_layout` writes them - ids as an array of deltas, a text block's
occurrence counts as an array beside its occurrences in one bytes object - are joined and read
with a few numpy calls for all the blocks of a term, not a Python step per posting; a filter's
passages (an attribute's postings) are read the same way, as a sorted array. Segments of a
multi-segment reader and deleted passages are handled a chunk at a time; any other matcher
is read a posting at a time."""

from __future__ import annotations

from array import array

import numpy as np

from app.core.search.terms import packed_block

EMPTY = np.zeros(0, np.int64)
_TABLE = 1 << 26  # numbers below this are looked up in a table (at most 64 MB, see member)


def member(ids, keys):
    """A boolean array: which of the sorted array `ids` are in `keys` (a set, or a sorted
    array of unique numbers). Passage numbers (below `_TABLE`) are looked up in a table of
    them all, anything else (the keys of turns) by binary search."""
    unsorted = not isinstance(keys, np.ndarray)
    if unsorted:
        if len(keys) > 4 * len(ids):  # a big set: look each id up
            return np.fromiter(map(keys.__contains__, ids.tolist()), bool, len(ids))
        keys = np.fromiter(keys, np.int64, len(keys))
    if not len(keys) or not len(ids):
        return np.zeros(len(ids), bool)
    top = max(int(ids[-1]), int(keys.max()))
    if top < _TABLE:
        table = np.zeros(top + 1, bool)
        table[keys] = True
        return table[ids]
    if unsorted:
        keys = np.sort(keys)
    at = keys.searchsorted(ids)
    np.minimum(at, len(keys) - 1, out=at)
    return keys[at] == ids


def union(arrays: list):
    """The distinct numbers of several arrays, sorted (passage numbers through a table)."""
    if not arrays:
        return EMPTY
    both = np.concatenate(arrays)
    small = both < _TABLE
    low, high = (both, EMPTY) if small.all() else (both[small], np.unique(both[~small]))
    if len(low):
        table = np.zeros(int(low.max()) + 1, bool)
        table[low] = True
        low = np.flatnonzero(table).astype(np.int64)
    return np.concatenate([low, high]) if len(high) else low


def repeated(arrays: list):
    """The numbers found in more than one of several arrays of distinct numbers, sorted."""
    both = np.concatenate(arrays)
    small = both < _TABLE
    low, high = (both, EMPTY) if small.all() else (both[small], both[~small])
    out = EMPTY
    if len(low):
        out = np.flatnonzero(np.bincount(low) > 1).astype(np.int64)
    if len(high):
        keys, seen = np.unique(high, return_counts=True)
        out = np.concatenate([out, keys[seen > 1]])
    return out


def _triples(values: list[bytes]):
    """(occurrences per posting, every occurrence's (position, start, end)) of many
    `PackedCharacters` postings as numpy arrays: their bytes joined and read in one call."""
    counts = np.fromiter(map(len, values), np.int64, len(values))
    counts //= 12
    flat = np.frombuffer(b"".join(values), "<u4").reshape(-1, 3).astype(np.int64)
    return counts, flat


def _chunk(ids, counts, flat):
    """(ids, counts, first rows, occurrences) of postings read together."""
    return ids, counts, None if counts is None else np.cumsum(counts) - counts, flat


def _blocks(m, offset: int, out: list, allowed, values: bool) -> None:
    """Read whoosh 2.7's posting blocks laid out by `block_layout` as they are (see
    `collect`), a few numpy calls for all of them; stops at a block laid out otherwise
    (whoosh's own), which the caller then reads a posting at a time."""
    deltas, fixes, counts, blobs = [], [], [], []
    n, prev = 0, 0  # postings so far, the last id read (with the offset)
    below = -1  # the last id of the previous block
    while m.is_active():
        last = m._maxid
        if m._data is None:
            if allowed is not None:
                j = allowed.searchsorted(below + offset, "right")
                if j == len(allowed) or allowed[j] > last + offset:
                    below = last
                    m._next_block()
                    continue
            m._read_data()
        raw, _w, v = m._data
        if m._i or type(raw) is not array or (values and not packed_block(v)):
            break
        # ids are deltas from the block's first, which is absolute: the running sum over all
        # blocks is corrected at each block's first posting
        fixes.append((n, offset - prev))
        deltas.append(raw)
        if values:
            counts.append(v[0])
            blobs.append(v[1])
        n += len(raw)
        below, prev = last, last + offset
        m._next_block()
    if not n:
        return
    d = np.frombuffer(b"".join(deltas), np.uint32).astype(np.int64)
    at, by = zip(*fixes)
    d[list(at)] += by
    ids = np.cumsum(d)
    if values:
        c = np.frombuffer(b"".join(counts), np.uint32).astype(np.int64)
        out.append(_chunk(ids, c, np.frombuffer(b"".join(blobs), "<u4").reshape(-1, 3)))
    else:
        out.append(_chunk(ids, None, None))


def collect(m, offset: int, out: list, allowed=None, values: bool = True) -> None:
    """Append to `out` chunks (ids shifted by `offset`, occurrences per posting, each
    posting's first row, occurrences) of the postings of matcher `m`: whoosh 2.7's blocks as
    they are stored, segments of a multi-segment reader and deletions handled a chunk at a
    time; any other matcher a posting at a time. Without `values` only ids. With `allowed` (a
    sorted array of passage numbers: a filter's), a block whose range of ids holds none of
    them is skipped unread (its ids lie above the previous block's last id, up to its own
    last id); the caller still keeps only the allowed ids of the blocks read."""
    kind = type(m).__name__
    if kind == "W3LeafMatcher" and not m._byteids and all(
            hasattr(m, a) for a in ("_read_data", "_data", "_next_block", "_i", "_maxid")) \
            and (not values or m._fixedsize is None):
        _blocks(m, offset, out, allowed, values)
    elif kind == "MultiMatcher" and hasattr(m, "matchers") and hasattr(m, "offsets") \
            and getattr(m, "current", 0) == 0:
        for sub_m, off in zip(m.matchers, m.offsets):
            collect(sub_m, offset + off, out, allowed, values)
        return
    elif kind == "FilterMatcher" and getattr(m, "_exclude", None) is True:
        more: list = []
        collect(m.child, offset, more, allowed, values)
        deleted = np.array(sorted(m._ids), np.int64) + offset
        for ids, counts, starts, flat in more:
            keep = ~member(ids, deleted)
            out.append((ids[keep], None if counts is None else counts[keep],
                        None if starts is None else starts[keep], flat))
        return
    ids: list[int] = []
    vals: list[bytes] = []
    while m.is_active():
        ids.append(m.id() + offset)
        if values:
            vals.append(m.value())
        m.next()
    if ids:
        if values:
            counts, flat = _triples(vals)
            out.append(_chunk(np.array(ids, np.int64), counts, flat))
        else:
            out.append(_chunk(np.array(ids, np.int64), None, None))


def join_chunks(chunks: list) -> tuple:
    """One (ids, counts, first rows, occurrences) of chunks in id order."""
    if len(chunks) == 1:
        return chunks[0]
    ids = np.concatenate([c[0] for c in chunks])
    if chunks[0][1] is None:
        return ids, None, None, None
    base = np.cumsum([0] + [len(c[3]) for c in chunks[:-1]])
    return (ids, np.concatenate([c[1] for c in chunks]),
            np.concatenate([c[2] + b for c, b in zip(chunks, base.tolist())]),
            np.concatenate([c[3] for c in chunks]))


def filter_array(reader, terms: list[tuple[str, str]]):
    """The passages holding every (field, value) of a filter, as a sorted int64 array."""
    from whoosh.reading import TermNotFound

    out = None
    for fieldname, text in terms:
        try:
            m = reader.postings(fieldname, text)
        except TermNotFound:
            return EMPTY
        chunks: list = []
        collect(m, 0, chunks, values=False)
        ids = join_chunks(chunks)[0] if chunks else EMPTY
        out = ids if out is None else out[member(out, ids)]
    return out if out is not None else np.arange(reader.doc_count_all(), dtype=np.int64)
