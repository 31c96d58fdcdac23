"""Benchmark of indexing while working: one new 100k-character transcript imported into a
project whose search index is built (budget: searchable within 2 s, #19). Timed: reading the
.txt file, writing it into the project (the core import), bringing the open index up to date
and a search that finds a word only the new transcript has. Baseline: bare whoosh (one stemmed
field, as in the `reindex` benchmark) adding the same passages to an existing index and a
search finding the word.

    python benchmarks/run.py --size oslo --only import_indexed
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

TARGET_CHARS = 100_000
BASE_DOCS = 50  # documents in the bare baseline's existing index (adding does not read them)


def _transcript(text: str, word: str) -> str:
    """About TARGET_CHARS of corpus text as speaker turns, with `word` in one turn."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    out, size = [], 0
    i = 0
    while size < TARGET_CHARS:
        line = lines[i % len(lines)]
        out.append(line)
        size += len(line) + 1
        i += 1
    out.insert(len(out) // 2, f"Deltaker 9: Det var {word} som hjalp oss.")
    return "\n".join(out) + "\n"


def bench_import_indexed(folder: Path, repeat: int, tmp: Path) -> dict:
    from sqlalchemy import select
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
    from whoosh.qparser import QueryParser

    from app.core.documents import add_prepared, prepare_files
    from app.core.project import Project
    from app.core.search.index import ProjectIndex, units
    from app.core.search.service import search
    from app.models import Document, SpeakerTurn

    path = tmp / "indexed.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    times, base = [], []
    with Project.open(path) as p:
        ix = ProjectIndex(p, folder=tmp / "idx")
        t0 = time.perf_counter()
        ix.rebuild()
        built = time.perf_counter() - t0
        ix.ensure()
        with p.read() as s:
            sample = s.scalar(select(Document.text).order_by(Document.id).limit(1))
        # the baseline's existing index: bare whoosh over the first documents
        schema = Schema(doc=ID(stored=True), start=NUMERIC(stored=True), end=STORED(),
                        content=TEXT(analyzer=StemmingAnalyzer(), phrase=True))
        (tmp / "bare").mkdir()
        bare = whoosh_index.create_in(str(tmp / "bare"), schema)
        w = bare.writer(limitmb=256)
        with p.read() as s:
            for doc_id, guid, text in s.execute(select(Document.id, Document.guid, Document.text)
                                                .order_by(Document.id).limit(BASE_DOCS)):
                turns = s.execute(select(SpeakerTurn.start, SpeakerTurn.end, SpeakerTurn.speaker)
                                  .where(SpeakerTurn.document_id == doc_id)).all()
                for u in units(text, turns):
                    w.add_document(doc=guid, start=u.start, end=u.end, content=text[u.start:u.end])
        w.commit()
        for i in range(repeat):
            word = f"kvalitetsløftet{chr(ord('a') + i % 26)}{i}x"
            src = tmp / f"ny-{i}.txt"
            src.write_text(_transcript(sample, word), encoding="utf-8")
            t0 = time.perf_counter()
            batch = prepare_files([src])
            with p.write() as s:
                add_prepared(s, batch)
            status = ix.ensure()
            hits = search(p, word, index=ix).hits
            times.append(time.perf_counter() - t0)
            assert status == "updated" and len(hits) == 1, (status, len(hits))
            # baseline: the same passages added to the bare index, then found
            text = batch[0].content.text
            found_turns = [(t.start, t.end, t.speaker) for t in batch[0].content.turns]
            t0 = time.perf_counter()
            w = bare.writer(limitmb=256)
            for u in units(text, found_turns):
                w.add_document(doc=f"new-{i}", start=u.start, end=u.end,
                               content=text[u.start:u.end])
            w.commit()
            with bare.searcher() as s:
                got = s.search(QueryParser("content", bare.schema).parse(word), limit=None)
                n = len(got)
            base.append(time.perf_counter() - t0)
            assert n >= 1
        ix.close()
    return {"times": times, "baseline_name": "bare whoosh adds the same passages to an "
                                             "existing index and finds the word",
            "baseline_times": base,
            "note": f"{len(text):,} characters a transcript; index of the project built in "
                    f"{built:.1f} s beforehand (not timed)"}
