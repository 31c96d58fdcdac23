"""Add every `_("...")` / `N_("...")` message found in app/ to the .po catalogues (kept sorted).

Usage: python scripts/i18n_update.py [--check]   (--check: exit 1 and list missing entries)
New messages go to locales/<lang>/new.po; move them to the area's file when translating.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import LOCALE_DIR  # noqa: E402

MARKERS = {"_", "N_", "tr"}


def messages(root: Path = ROOT / "app") -> dict[str, str]:
    """msgid -> first 'file:line' where it is used."""
    found: dict[str, str] = {}
    paths = sorted(root.rglob("*.py"))
    if root == ROOT / "app":
        paths.append(ROOT / "main.py")  # the GUI entry point speaks to users too
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def main(argv: list[str]) -> int:
    check = "--check" in argv
    wanted = messages()
    status = 0
    for folder in sorted(p for p in LOCALE_DIR.iterdir() if p.is_dir()):
        have: dict[str, polib.POEntry] = {}
        for po_path in sorted(folder.glob("*.po")):
            for e in polib.pofile(str(po_path)):
                if e.msgstr or e.msgid not in have:
                    have[e.msgid] = e
        missing = [m for m in wanted if m not in have or not have[m].msgstr]
        if check:
            for m in missing:
                print(f"{folder.name}: untranslated: {m!r} ({wanted[m]})")
            status |= bool(missing)
            continue
        new_path = folder / "new.po"
        po = polib.pofile(str(new_path)) if new_path.exists() else polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": folder.name}
        in_new = {e.msgid for e in po}
        for m in missing:
            if m not in have and m not in in_new:
                po.append(polib.POEntry(msgid=m, msgstr="", occurrences=[(wanted[m], "")]))
        if len(po):
            po.save(str(new_path))
        print(f"{folder.name}: {len(missing)} untranslated")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
