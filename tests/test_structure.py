"""The house rules of GUIDE.md, checked: no import cycle in app/ (module-level or through
function-local imports), no Qt in app/core or app/models, no SQLAlchemy or SQL in app/views or
app/cli."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def _modules() -> dict[str, Path]:
    mods = {}
    for path in APP.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """Every module named by an import statement anywhere in the file (also inside functions),
    with its line; relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()

    def resolve(target: str) -> str | None:
        while target and target not in mods:
            target = target.rpartition(".")[0]
        return target or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _line in _imports(name, path):
            if target.startswith("app"):
                t = resolve(target)
                # importing a package's own __init__ on the way to a submodule is no edge back
                if t and t != name and not name.startswith(t + "."):
                    graph[name].add(t)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_app():
    graph = _graph()
    described = [" -> ".join(c) + "  (" + "; ".join(
        f"{m} imports {', '.join(sorted(graph[m] & set(c)))}" for m in c) + ")"
        for c in _cycles(graph)]
    assert not described, "import cycles:\n" + "\n".join(described)


def _offending_lines(folder: Path, pattern: re.Pattern, modules: tuple[str, ...]):
    bad = []
    mods = _modules()
    for name, path in sorted(mods.items()):
        if not path.is_relative_to(folder):
            continue
        for target, line in _imports(name, path):
            if target.split(".")[0] in modules or target in modules:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(text):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()}")
    return bad


# database work done by hand: SQL in string literals, calls on a session (`s.get(...)`,
# `s.execute(...)` ...: sessions from `project.read()` are named `s` throughout), and the ORM's
# lookups with a model class
SQL_TEXT = re.compile(r"^\s*(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                      r"PRAGMA\s|VACUUM\b|CREATE\s+(TABLE|INDEX))", re.IGNORECASE | re.DOTALL)
SESSION_CALLS = {"get", "execute", "scalar", "scalars", "query", "add", "delete", "flush",
                 "merge", "exec_driver_sql"}
ORM_USE = re.compile(r"\.(get|merge|query)\(\s*[A-Z][A-Za-z]+\s*[,)]")


def _database_work(path: Path) -> list[str]:
    found = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and SQL_TEXT.match(node.value):
            found.append(f"{where}:{node.lineno}: SQL text {node.value[:40]!r}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "s"
              and node.func.attr in SESSION_CALLS):
            found.append(f"{where}:{node.lineno}: s.{node.func.attr}(...)")
    return found


def test_the_sql_finder_finds_database_work(tmp_path):
    f = tmp_path / "dialog.py"
    f.write_text("def show(session, d):\n    with session.read() as s:\n"
                 "        s.execute('SELECT name FROM document')\n"
                 "        return s.get(Document, d).text\n", encoding="utf-8")
    assert [x.split(": ", 1)[1] for x in _database_work(f)] == [
        "s.execute(...)", "SQL text 'SELECT name FROM document'", "s.get(...)"]
    assert ORM_USE.search("text = session.get(Document, d.document_id).text")
    assert not ORM_USE.search("self.docs.select(guid); settings.get('x', 1)")
    assert not SQL_TEXT.match("Select the codes to show")


def test_no_sql_in_views_or_cli():
    bad = []
    for folder in (APP / "views", APP / "cli"):
        assert folder.is_dir(), folder
        bad += _offending_lines(folder, ORM_USE, ("sqlalchemy", "sqlite3", "app.models"))
        bad += [x for path in sorted(folder.rglob("*.py")) for x in _database_work(path)]
    assert not bad, "database work outside app/core:\n" + "\n".join(sorted(set(bad)))


def test_rooms_are_entered_through_their_doors():
    graph = _graph()
    # core and models never reach a front end
    front = {m: sorted(d for d in deps if d.startswith(("app.cli", "app.views")))
             for m, deps in graph.items() if m.startswith(("app.core", "app.models"))}
    assert not {m: d for m, d in front.items() if d}
    # the window's modules never start windows or open projects themselves (app.gui is the
    # installed window's entry point, sitat-gui)
    assert sorted(m for m, deps in graph.items() if "app.views.application" in deps) == [
        "app.gui", "app.views.screenshots"]
    # the parser knows the command families, not `main`; the command line is a package
    assert sorted(m for m, deps in graph.items() if "app.cli.main" in deps) == [
        "app.__main__", "app.cli"]
    assert not list(APP.glob("cli_*.py"))


def test_no_qt_in_core_or_models():
    bad = []
    for folder in (APP / "core", APP / "models", APP / "migrations"):
        bad += _offending_lines(folder, re.compile(r"^\s*(from|import) PySide6"), ("PySide6",))
    assert not bad, "Qt outside app/views:\n" + "\n".join(bad)
