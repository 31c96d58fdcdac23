"""The shape of app/views, read from the source: no import cycle among the window's modules (also
through imports inside functions), no SQL or data model in a view, and the window's parts do not
reach back to the application that starts them."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "app" / "views"


def _modules() -> dict[str, Path]:
    out = {}
    for f in VIEWS.rglob("*.py"):
        parts = list(f.relative_to(VIEWS.parents[1]).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def _imports(name: str, f: Path, known: set[str]) -> set[str]:
    """Modules of app.views that `name` imports anywhere in its file."""
    package = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(m, f, set(mods)) for m, f in mods.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        path.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_cycle_finder_sees_imports_inside_functions(tmp_path):
    graph = {"a": {"b"}, "b": set()}
    assert _cycle(graph) is None
    graph["b"].add("a")
    assert _cycle(graph) == ["a", "b", "a"]
    f = tmp_path / "x.py"
    f.write_text("def later():\n    from app.views.y import z\n", encoding="utf-8")
    assert _imports("app.views.x", f, {"app.views.x", "app.views.y"}) == {"app.views.y"}


def test_no_import_cycle_in_the_views():
    graph = _graph()
    assert "app.views.commands.base" in graph and "app.views.main_window" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_only_the_application_starts_windows_and_opens_projects():
    graph = _graph()
    users = sorted(m for m, deps in graph.items() if "app.views.application" in deps)
    assert users == ["app.views.screenshots"]


DATABASE = ("sqlalchemy", "app.models")
SESSION_CALLS = {"get", "execute", "scalar", "scalars", "query", "add", "delete", "flush"}


def _sql_in(f: Path) -> list[str]:
    """Imports of SQLAlchemy or the data model, and calls on a database session (`s.get(...)`,
    `s.execute(...)` ...: the views name the session of `project.read()` `s`)."""
    found = []
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [f"{f.name}:{node.lineno}: import {n}" for n in names
                  if n.split(".")[0] == DATABASE[0] or n.startswith(DATABASE[1])]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "s"
                and node.func.attr in SESSION_CALLS):
            found.append(f"{f.name}:{node.lineno}: s.{node.func.attr}(...)")
    return found


def test_the_sql_finder_sees_a_lookup_in_a_dialog(tmp_path):
    f = tmp_path / "dialog.py"
    f.write_text("from app.models import Document\n\ndef show(session, d):\n"
                 "    with session.read() as s:\n        return s.get(Document, d).text\n",
                 encoding="utf-8")
    assert _sql_in(f) == ["dialog.py:1: import app.models", "dialog.py:5: s.get(...)"]


def test_no_sql_in_the_views():
    assert [x for f in sorted(VIEWS.rglob("*.py")) for x in _sql_in(f)] == []
