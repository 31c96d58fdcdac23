#!/usr/bin/env bash
# Run Sitat's test suite. Sets everything up on first run (Debian packages - PostgreSQL too,
# for the shared-project tests' throwaway cluster -, .venv).
# Extra arguments go to pytest, e.g. ./test.sh tests/core -k docx
# Tests run in parallel (pytest-xdist), one worker per core up to 8 - each worker starts its
# own throwaway PostgreSQL cluster; SITAT_TEST_WORKERS=N overrides (0: one process, no xdist).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/bootstrap.sh" --with-postgres
cd "$ROOT"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
CORES="$(nproc 2>/dev/null || echo 2)"
WORKERS="${SITAT_TEST_WORKERS:-$(( CORES < 8 ? CORES : 8 ))}"
# loadfile: a module's tests stay on one worker, so module-scoped fixtures are built once
exec "$ROOT/.venv/bin/python" -m pytest -q -n "$WORKERS" --dist loadfile "$@"
