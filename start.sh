#!/usr/bin/env bash
# Open Sitat on the bundled sample project. Without a display it says so and writes the demo
# output instead. Sets everything up on first run (Debian packages, .venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" "$ROOT/main.py" --demo "$@"
