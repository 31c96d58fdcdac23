"""A third-party REFI-QDA reader for the tests: pyqdpx (MIT), which counts offsets the NVivo
way (UTF-16 units: it widens every character outside the BMP by a zero-width space).

pyqdpx 0.1.8 has one f-string only Python 3.12 can parse (in Span.__str__, which reading never
calls); on Python 3.11 the module is compiled from its own source with that line rewritten.
"""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

_PY312_ONLY = '{(f": {sel.description}") if sel.description else ""}'
_PY311 = "{(': ' + sel.description) if sel.description else ''}"


def pyqdpx_module() -> types.ModuleType:
    try:
        from pyqdpx import pyqdpx as module

        return module
    except SyntaxError:
        pass
    spec = importlib.util.find_spec("pyqdpx")
    path = Path(spec.origin).parent / "pyqdpx.py"
    source = path.read_text(encoding="utf-8").replace(_PY312_ONLY, _PY311)
    module = types.ModuleType("pyqdpx_py311")
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - a test helper
    return module


def pyqdpx_selections(qdpx: Path) -> dict[str, str]:
    """selection guid -> the text pyqdpx says it covers (its zero-width spaces removed)."""
    project = pyqdpx_module().QDPX(str(qdpx)).get_project()
    out = {}
    for source in project.sources.values():
        for guid, sel in source.coded_selections.items():
            out[guid] = sel.text.replace("\u200b", "")
    return out
