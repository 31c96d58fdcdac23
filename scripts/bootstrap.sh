#!/usr/bin/env bash
# Shared set-up for ./start.sh and ./test.sh: Debian packages Qt needs, a Python >= 3.11,
# the .venv with Sitat and its test tools. Safe to run again; does only what is missing.
# --with-postgres (./test.sh): also Debian's PostgreSQL server programs, for the tests'
# throwaway cluster (tests/pg.py); Sitat itself only needs a server to connect to.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
QT_DEBS=(libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 fonts-dejavu-core)
# Qt's xcb platform plugin (an X11 desktop, or XWayland) and its Wayland plugin: small, so
# always installed - without them the window fails with "Could not load the Qt platform plugin"
QT_DEBS+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxkbcommon-x11-0 libwayland-client0 libwayland-cursor0 libwayland-egl1)

say() { printf 'sitat-setup: %s\n' "$*" >&2; }

apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then runner=(sudo); else
      say "missing Debian packages: $*"
      say "install them as root: apt-get install -y $*"
      exit 1
    fi
  fi
  say "installing Debian packages: $*"
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

find_python() {
  for cand in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  return 1
}

ensure_debs() {
  local missing=() pkg
  if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${QT_DEBS[@]}"; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    local py
    if ! py="$(find_python)"; then
      missing+=(python3 python3-venv)
    elif ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
      missing+=(python3-venv)
    fi
    if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  else
    say "not a Debian-like system: make sure Qt's libraries (EGL, GL, fontconfig, glib, xkbcommon, dbus, xcb-cursor/icccm/keysyms/image/render-util, xkbcommon-x11, wayland-client/cursor/egl) are installed"
  fi
}

ensure_venv() {
  local py stamp want
  py="$(find_python)" || { say "Python 3.11 or newer is required"; exit 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$py" -m venv "$VENV"
  fi
  stamp="$VENV/.sitat-installed"
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing Sitat and its dependencies into .venv (first run takes a minute)"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install -q -e "$ROOT[test]"
    echo "$want" > "$stamp"
  fi
}

ensure_postgres() {
  # initdb and pg_ctl from any installed version are enough; the system cluster is never used
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1; then
    return 0
  fi
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install postgresql
  else
    say "not a Debian-like system: install PostgreSQL's server programs (initdb, pg_ctl) for the tests"
    exit 1
  fi
}

ensure_debs
if [ "${1:-}" = "--with-postgres" ]; then ensure_postgres; fi
ensure_venv
