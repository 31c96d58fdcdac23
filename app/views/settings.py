"""Remembered choices (recent projects, last project, coder, language, window layout) in QSettings.

Tests call `use_settings_dir(tmp)` first so the user's own settings are never touched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORG = APP = "Sitat"
MAX_RECENT = 8
_override: Path | None = None


def use_settings_dir(folder: Path | str) -> None:
    """Keep every setting in an INI file under `folder` (tests, screenshots)."""
    global _override
    _override = Path(folder)
    _override.mkdir(parents=True, exist_ok=True)


def store() -> QSettings:
    if _override is not None:
        return QSettings(str(_override / "sitat.ini"), QSettings.IniFormat)
    return QSettings(ORG, APP)


def get(key: str, default=None):
    value = store().value(key, default)
    return default if value is None else value


def put(key: str, value) -> None:
    s = store()
    s.setValue(key, value)
    s.sync()


def recent_projects() -> list[str]:
    value = store().value("recent", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or []) if v]


def _recent_key(path) -> str:
    """How a project is remembered: a file's full path, a shared project's URL without any
    password."""
    from app.core.server import ServerLocation, is_server_url

    if is_server_url(path):
        return str(ServerLocation.parse(path))
    return str(Path(path).resolve())


def add_recent(path) -> None:
    path = _recent_key(path)
    items = [p for p in recent_projects() if p != path]
    put("recent", [path] + items[: MAX_RECENT - 1])
    put("last_project", path)


def remove_recent(path) -> None:
    path = _recent_key(path)
    put("recent", [p for p in recent_projects() if p != path])
    if get("last_project") == path:
        put("last_project", "")


def last_project() -> Path | None:
    value = get("last_project", "")
    return Path(value) if value and Path(value).exists() else None


def coder_name() -> str:
    return str(get("coder", "") or "")


def set_coder_name(name: str) -> None:
    put("coder", name)


def language() -> str | None:
    value = get("language", "")
    return str(value) if value else None


def set_language(code: str) -> None:
    put("language", code)


def pinned_codes(project_id: str) -> list[str]:
    value = get(f"pinned/{project_id}", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])][:9]


def set_pinned_codes(project_id: str, guids: list[str]) -> None:
    put(f"pinned/{project_id}", list(guids[:9]))
