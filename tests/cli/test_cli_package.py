"""The command line as a package: no import cycle (also through imports inside functions), no
database code in it, one KEY=VALUE reading, and files written without leftovers."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "app" / "cli"
TEXT = "Moderator: Hei alle sammen.\nDeltaker 1: Jeg bor på Frogner.\n"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for a in node.names:  # `from pkg import module` names the module itself
                sub = f"{base}.{a.name}"
                found.add(sub if (ROOT / Path(*sub.split("."))).with_suffix(".py").exists()
                          or (ROOT / Path(*sub.split(".")) / "__init__.py").exists() else base)
    return found


def _graph(folder: Path) -> dict[str, set[str]]:
    files = sorted(folder.rglob("*.py"))
    names = {_module_name(f) for f in files}
    return {_module_name(f): {m for m in _imports(f) if m in names and m != _module_name(f)}
            for f in files}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_command_line_is_a_package_without_import_cycles():
    graph = _graph(CLI)
    assert {"app.cli.main", "app.cli.parser", "app.cli.common", "app.cli.team",
            "app.cli.reports", "app.cli.privacy", "app.cli.refi"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    # only the package itself reaches `main`; the parser knows the command modules, not `main`
    assert [m for m, deps in graph.items() if "app.cli.main" in deps] == ["app.cli"]
    assert not list(ROOT.joinpath("app").glob("cli_*.py"))


def test_core_never_imports_a_front_end():
    for path in ROOT.joinpath("app", "core").rglob("*.py"):
        front = {m for m in _imports(path) if m.startswith(("app.cli", "app.views"))}
        assert not front, f"{path.relative_to(ROOT)} imports {front}"


SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|VACUUM)\b")
DATABASE_CALLS = {"execute", "scalar", "scalars", "query", "get", "add", "delete", "flush"}


def test_no_database_code_in_the_command_line():
    """The command line opens projects and hands sessions to app/core; it never queries."""
    problems = []
    for path in sorted(CLI.rglob("*.py")):
        name = path.relative_to(ROOT)
        source = path.read_text(encoding="utf-8")
        for m in _imports(path):
            if m.split(".")[0] in ("sqlalchemy", "sqlite3") or m.startswith("app.models"):
                problems.append(f"{name} imports {m}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(
                    node.value):
                problems.append(f"{name}:{node.lineno} has SQL {node.value[:30]!r}")
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr in DATABASE_CALLS
                    and isinstance(f.value, ast.Name) and f.value.id == "s"):
                problems.append(f"{name}:{node.lineno} calls s.{f.attr}()")
    assert not problems


def test_entry_points_resolve():
    from app.cli import main
    from app.cli.main import main as real_main

    assert main is real_main
    for args in (["-m", "app", "--help"], ["-c", "from app.cli import main; main()", "--help"]):
        r = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("usage: sitat") and "codebook" in r.stdout


# -- behaviour kept while moving ------------------------------------------------------------------
@pytest.fixture
def proj(cli, tmp_path):
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    src = tmp_path / "fg1.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", path, src).code == 0
    return path


def test_a_pair_without_equals_sign_is_an_error_not_a_traceback(cli, proj):
    from tests.conftest import file_digest

    before = file_digest(proj)
    r = cli("attr", proj, "fg1", "bydel")
    assert r.code == 1 and r.err.strip() == "error: expected KEY=VALUE, got bydel"
    r = cli("attr", proj, "fg1", " =Frogner")
    assert r.code == 1 and "expected KEY=VALUE" in r.err
    assert file_digest(proj) == before
    r = cli("import", proj, proj.parent / "fg1.txt", "--attr", "bydel")  # argparse's usage error
    assert r.code == 2 and "argument --attr: expected KEY=VALUE, got bydel" in r.err


def test_key_value_pairs_are_read_the_same_everywhere(cli, proj):
    assert cli("attr", proj, "fg1", " bydel = Frogner ").code == 0
    docs = cli("docs", proj, "--json").json()
    assert docs[0]["attributes"] == {"bydel": "Frogner"}
    hits = cli("search", proj, "Frogner", "--where", " bydel = Frogner ", "--json").json()
    assert [h["document"] for h in hits] == ["fg1"]
    assert cli("search", proj, "Frogner", "--where", "bydel=Gamle Oslo", "--json").json() == []
    r = cli("matrix", proj, "--rows", "documents", "--cols", "bydel", "--where", "bydel")
    assert r.code == 1 and "expected KEY=VALUE, got bydel" in r.err


def test_codebook_export_that_fails_leaves_no_temporary_file(cli, proj, tmp_path):
    assert cli("codebook", "import", proj, ROOT / "codebooks" / "ti-kjennetegn.qdc").code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "book.qdc").mkdir()  # a folder where the file should go: the final move fails
    r = cli("codebook", "export", proj, out / "book.qdc")
    assert r.code == 1 and r.err.startswith("error: Cannot write book.qdc")
    assert [p.name for p in out.iterdir()] == ["book.qdc"]
    r = cli("codebook", "export", proj, out / "codebook.qdc")
    assert r.code == 0 and (out / "codebook.qdc").read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in out.iterdir()) == ["book.qdc", "codebook.qdc"]


def test_listings_print_json_or_text_and_counts_only_with_text(cli, proj):
    text = cli("docs", proj)
    assert text.out.startswith("fg1\t") and text.err.strip() == "1 documents"
    js = cli("docs", proj, "--json")
    assert js.err == "" and js.json()[0]["document"] == "fg1"
    empty = cli("pseudonyms", proj, "list")
    assert empty.out.strip() == "No sensitive terms are listed."
    assert cli("pseudonyms", proj, "list", "--json").json() == []
