"""Add every `_("...")` / `N_("...")` / `n_("...", "...", n)` message found in app/ to the .po catalogues.

Usage: python scripts/i18n_update.py [--check]   (--check: exit 1 and list missing entries)
New messages go to locales/<lang>/new.po; move them to the area's file when translating.
Plural messages (n_) are entries with msgid_plural; every plural form must be translated, and a
file holding them declares the language's Plural-Forms (app.i18n.PLURAL_FORMS).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import LOCALE_DIR, PLURAL_FORMS  # noqa: E402

MARKERS = {"_", "N_", "tr"}
PLURAL_MARKERS = {"n_"}


def _calls(root: Path, markers: set[str], strings: int):
    """(constant string arguments, 'file:line') of every call to a marker in app/ and main.py."""
    paths = sorted(root.rglob("*.py"))
    if root == ROOT / "app":
        paths.append(ROOT / "main.py")  # the GUI entry point speaks to users too
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in markers
                and len(node.args) >= strings
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                        for a in node.args[:strings])
            ):
                yield (tuple(a.value for a in node.args[:strings]),
                       f"{path.relative_to(ROOT)}:{node.lineno}")


def messages(root: Path = ROOT / "app") -> dict[str, str]:
    """msgid -> first 'file:line' where it is used."""
    found: dict[str, str] = {}
    for (msgid,), where in _calls(root, MARKERS, 1):
        found.setdefault(msgid, where)
    return found


def plural_messages(root: Path = ROOT / "app") -> dict[str, tuple[str, str]]:
    """singular msgid -> (msgid_plural, first 'file:line') of every n_(singular, plural, n)."""
    found: dict[str, tuple[str, str]] = {}
    for (singular, plural), where in _calls(root, PLURAL_MARKERS, 2):
        found.setdefault(singular, (plural, where))
    return found


def _complete(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return bool(forms) and all(forms.get(i) for i in range(len(forms)))
    return bool(entry.msgstr)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    wanted = messages()
    plurals = plural_messages()
    status = 0
    for folder in sorted(p for p in LOCALE_DIR.iterdir() if p.is_dir()):
        have: dict[str, polib.POEntry] = {}
        have_plural: dict[str, polib.POEntry] = {}
        for po_path in sorted(folder.glob("*.po")):
            for e in polib.pofile(str(po_path)):
                table = have_plural if e.msgid_plural else have
                if _complete(e) or e.msgid not in table:
                    table[e.msgid] = e
        missing = [m for m in wanted if m not in have or not have[m].msgstr]
        missing_plural = [m for m in plurals
                          if m not in have_plural or not _complete(have_plural[m])]
        if check:
            for m in missing:
                print(f"{folder.name}: untranslated: {m!r} ({wanted[m]})")
            for m in missing_plural:
                print(f"{folder.name}: untranslated plural: {m!r} / {plurals[m][0]!r} "
                      f"({plurals[m][1]})")
            status |= bool(missing or missing_plural)
            continue
        new_path = folder / "new.po"
        po = polib.pofile(str(new_path)) if new_path.exists() else polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": folder.name,
                       "Plural-Forms": PLURAL_FORMS.get(folder.name, PLURAL_FORMS["en"])}
        in_new = {e.msgid for e in po}
        for m in missing:
            if m not in have and m not in in_new:
                po.append(polib.POEntry(msgid=m, msgstr="", occurrences=[(wanted[m], "")]))
        for m in missing_plural:
            if m not in have_plural and m not in in_new:
                po.append(polib.POEntry(msgid=m, msgid_plural=plurals[m][0],
                                        msgstr_plural={0: "", 1: ""},
                                        occurrences=[(plurals[m][1], "")]))
        if len(po):
            po.save(str(new_path))
        print(f"{folder.name}: {len(missing) + len(missing_plural)} untranslated")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
