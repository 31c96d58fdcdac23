"""The bundled sample project: codes x bydel counts agree with an independent SQL query."""

from __future__ import annotations

import sqlite3

from app.core.displays.matrix import build_matrix
from app.core.sample import build_sample

PATHS = """WITH RECURSIVE p(id, path) AS (
    SELECT id, replace(replace(name, '\\', '\\\\'), '/', '\\/') FROM code WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, p.path || '/' || replace(replace(c.name, '\\', '\\\\'), '/', '\\/')
    FROM code c JOIN p ON c.parent_id = p.id)"""


def test_sample_codes_by_bydel_matches_sql(tmp_path, copy_of):
    path = tmp_path / "s.sitat"  # counted by hand below, with SQL on this file
    build_sample(path).close()
    with copy_of(path, "copy").read() as s:  # the displays, on the test's backend
        m = build_matrix(s, "codes", "bydel", "count", scope="codings")
        hanne = build_matrix(s, "codes", "bydel", "count", coders=["Hanne"])
        passages = build_matrix(s, "codes", "bydel", "count")
    con = sqlite3.connect(path)
    try:
        expected = {(code, value or "(none)"): n for code, value, n in con.execute(
            PATHS + """
            SELECT p.path, av.value, count(*) FROM coding
            JOIN p ON p.id = coding.code_id
            LEFT JOIN attribute_value av ON av.document_id = coding.document_id
                AND av.attribute_id = (SELECT id FROM attribute_definition WHERE name = 'bydel')
            GROUP BY p.path, av.value""")}
        districts = [v for (v,) in con.execute(
            "SELECT DISTINCT value FROM attribute_value WHERE attribute_id = "
            "(SELECT id FROM attribute_definition WHERE name = 'bydel')")]
        by_hanne = con.execute("SELECT count(*) FROM coding JOIN coder ON coder.id = "
                               "coding.coder_id WHERE coder.name = 'Hanne'").fetchone()[0]
    finally:
        con.close()
    got = {(r, c): m.cells[i][j] for i, r in enumerate(m.rows) for j, c in enumerate(m.cols)}
    assert {k: v for k, v in got.items() if v} == expected
    assert sorted(m.cols) == sorted(districts) and len(m.cols) == 6
    assert m.total == sum(expected.values()) == 547 + 538 + 42  # + Hanne's survey comments
    assert len(m.rows) == 10  # the ten characteristics; the two group codes are not codable
    assert hanne.total == by_hanne == 547 + 42
    # the default counts passages: the 264 spans Hanne and Tor coded alike count once
    assert passages.total == sum(_passages(path).values()) < 547 + 538 - 264
    assert {(r, c): passages.cells[i][j] for i, r in enumerate(passages.rows)
            for j, c in enumerate(passages.cols) if passages.cells[i][j]} == _passages(path)


def _passages(path) -> dict:
    """(code path, bydel) -> passages: overlapping codings of a code in a document united,
    by an independent count over the file."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(PATHS + """
            SELECT coding.document_id, p.path, av.value, coding.start, coding."end" FROM coding
            JOIN p ON p.id = coding.code_id
            JOIN attribute_value av ON av.document_id = coding.document_id
                AND av.attribute_id = (SELECT id FROM attribute_definition WHERE name = 'bydel')
            ORDER BY coding.document_id, p.path, coding.start""").fetchall()
    finally:
        con.close()
    out: dict = {}
    last, end = None, -1
    for doc, code, value, a, b in rows:
        if (doc, code) != last or a >= end:
            out[(code, value)] = out.get((code, value), 0) + 1
            last, end = (doc, code), b
        else:
            end = max(end, b)
    return out
