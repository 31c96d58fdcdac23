"""Add or change bokmål plural translations: i18n_plural.py FILE.po SINGULAR PLURAL ONE OTHER [...].

FILE.po is relative to app/i18n/locales/nb/; it is created with the catalogue header (and the
Plural-Forms line) when missing. ONE is msgstr[0] (n == 1), OTHER msgstr[1] (every other n).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import LOCALE_DIR, PLURAL_FORMS  # noqa: E402


def add(po_path: Path, quads: list[tuple[str, str, str, str]], language: str = "nb") -> None:
    po = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    if not po.metadata:
        po.metadata = {"Project-Id-Version": "Sitat", "Language": language, "MIME-Version": "1.0",
                       "Content-Type": "text/plain; charset=UTF-8",
                       "Content-Transfer-Encoding": "8bit"}
    po.metadata["Plural-Forms"] = PLURAL_FORMS[language]
    for singular, plural, one, other in quads:
        entry = next((e for e in po if e.msgid == singular and e.msgid_plural), None)
        if entry is None:
            entry = polib.POEntry(msgid=singular, msgid_plural=plural)
            po.append(entry)
        entry.msgid_plural = plural
        entry.msgstr_plural = {0: one, 1: other}
    po.save(str(po_path))


def main(argv: list[str]) -> int:
    if len(argv) < 5 or (len(argv) - 1) % 4:
        print(__doc__)
        return 2
    args = argv[1:]
    add(LOCALE_DIR / "nb" / argv[0], [tuple(args[i:i + 4]) for i in range(0, len(args), 4)])
    print("ok", len(args) // 4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
