#!/usr/bin/env bash
# Run Sitat's test suite. Sets everything up on first run (Debian packages - PostgreSQL too,
# for the shared-project tests' throwaway cluster -, .venv).
# Extra arguments go to pytest, e.g. ./test.sh tests/core -k docx
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/bootstrap.sh" --with-postgres
cd "$ROOT"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec "$ROOT/.venv/bin/python" -m pytest -q "$@"
