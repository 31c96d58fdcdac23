"""`sitat pseudonyms P.sitat ...` through its own parser (registered in app.cli.parser separately)."""

from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stdout

import pytest

from app.cli.privacy import add_privacy_commands
from app.errors import InvalidInput
from tests.core.privacy.privacy_fixtures import add_document


def run(*argv) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="sitat")
    parser.add_argument("--as", dest="actor")
    sub = parser.add_subparsers()
    add_privacy_commands(sub, lambda p: p.add_argument("project"),
                         lambda p: p.add_argument("--json", action="store_true"))
    args = parser.parse_args([str(a) for a in argv])
    out = io.StringIO()
    with redirect_stdout(out):
        code = args.func(args)
    return code, out.getvalue()


def test_add_list_suggest_apply(project, backend, tmp_path):
    with project.write() as s:
        add_document(s, "fg1", "Jeg heter Kari og bor på Lillehammer. Kari liker NAV.")
    project.close()
    project_path = project.path
    code, out = run("pseudonyms", project_path, "add", "Kari")
    assert code == 0 and "[Navn 1]" in out
    run("pseudonyms", project_path, "add", "Lillehammer", "--kind", "place", "--as", "Byen")
    code, out = run("pseudonyms", project_path, "list", "--json")
    assert {(t["term"], t["pseudonym"], t["kind"]) for t in json.loads(out)} == {
        ("Kari", "[Navn 1]", "name"), ("Lillehammer", "Byen", "place")}
    code, out = run("pseudonyms", project_path, "suggest", "--json")
    assert json.loads(out) == []
    with pytest.raises(InvalidInput):
        run("pseudonyms", project_path, "add", "Kari")
    key = tmp_path / "key.csv"
    code, out = run("pseudonyms", project_path, "apply", "--key-out", key)
    assert code == 0 and "3 replacements in 1 document;" in out
    assert key.read_text(encoding="utf-8").startswith("term,pseudonym,kind\n")
    code, out = run("pseudonyms", project_path, "list")
    assert "No sensitive terms" in out
    from app.core.project import Project
    from app.models import Document

    with Project.open(project_path, read_only=True) as p, p.read() as s:
        assert s.query(Document.text).scalar() == \
            "Jeg heter [Navn 1] og bor på Byen. [Navn 1] liker NAV."
    if backend == "sqlite":  # the old text does not linger in the database file
        assert b"Lillehammer" not in project_path.read_bytes()
    code, out = run("pseudonyms", project_path, "compact")
    assert code == 0 and "compacted" in out
