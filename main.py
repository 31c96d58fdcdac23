"""GUI entry point in a checkout: `python main.py [PROJECT.sitat] [--demo]` (installed: `sitat-gui`,
app/gui.py)."""

from __future__ import annotations

from app.gui import main

if __name__ == "__main__":
    raise SystemExit(main())
