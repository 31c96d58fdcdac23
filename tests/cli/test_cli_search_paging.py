"""`sitat search` a page at a time: --json is an array written as it goes (valid JSON at the
end, flushed after each page), --limit lists the first hits (the count stays of all), --count
gives only the totals (in all and per document), and --code-as codes every hit."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

TEXT = "Moderator: Hva med kontaktpersonen?\nDeltaker 1: {body}\n"


@pytest.fixture
def proj(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    for i, n in enumerate((7, 3, 12)):
        body = " ".join(["Jeg har en kontaktperson og det er trygt."] * n)
        (tmp_path / f"int{i}.txt").write_text(TEXT.format(body=body), encoding="utf-8")
        assert cli("import", path, tmp_path / f"int{i}.txt").code == 0
    return path


class Flushes(io.StringIO):
    """stdout that keeps what had been written at each flush."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def flush(self) -> None:
        self.seen.append(self.getvalue())


def test_json_is_an_array_written_page_by_page(cli, proj, monkeypatch):
    from app.cli import main
    from app.core.search import stream

    full = cli("search", proj, "kontaktperson", "--json").json()
    assert len(full) == 25 and [h["document"] for h in full[:2]] == ["int0", "int0"]
    monkeypatch.setattr(stream, "PAGE_SIZE", 10)
    out = Flushes()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert main(["search", str(proj), "kontaktperson", "--json"]) == 0
    assert json.loads(out.getvalue()) == full
    first = out.seen[0]  # after the first page: ten hits written, the array still open
    assert first.startswith("[") and first.count('"document"') == 10
    assert json.loads(first + "\n]") == full[:10]
    assert len(out.seen) >= 3


def test_limit_and_count(cli, proj):
    full = cli("search", proj, "kontaktperson", "--json").json()
    r = cli("search", proj, "kontaktperson", "--limit", "4", "--json")
    assert r.code == 0 and r.json() == full[:4]
    r = cli("search", proj, "kontaktperson", "--limit", "4")
    assert r.code == 0 and len(r.out.splitlines()) == 4
    assert r.out.splitlines()[0].startswith("int0\t")
    assert "25 hits in 3 documents" in r.err and "the first 4 shown" in r.err
    r = cli("search", proj, "kontaktperson", "--count", "--json")
    assert r.json() == {"hits": 25, "documents": {"int0": 8, "int1": 4, "int2": 13}}
    r = cli("search", proj, "kontaktperson", "--count")
    assert r.out.splitlines() == ["int0\t8", "int1\t4", "int2\t13"]
    assert "25 hits in 3 documents" in r.err
    r = cli("search", proj, "kontaktperson", "--limit", "0")
    assert r.code == 1 and "error:" in r.err and "--limit" in r.err


def test_code_as_codes_every_hit_or_the_first_n(cli, proj):
    assert cli("codebook", "add", proj, "Kontakt").code == 0
    r = cli("search", proj, "kontaktperson", "--code-as", "Kontakt", "--coder", "Hanne",
            "--limit", "5", "--json")
    assert r.code == 0 and r.json() == {"hits": 5, "codings_made": 5}
    r = cli("search", proj, "kontaktperson", "--code-as", "Kontakt", "--coder", "Hanne",
            "--json")
    assert r.json() == {"hits": 25, "codings_made": 20}  # the first five were there
