"""Helpers shared by the `sitat` command modules: opening projects, JSON output, lists."""

from __future__ import annotations

import json
import sys


def emit_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def open_project(path: str, read_only: bool = False):
    """Open a project; a file from an older Sitat is upgraded once (that needs write access)
    even when the command only reads."""
    from app.core.project import Project
    from app.errors import ProjectError

    try:
        return Project.open(path, read_only=read_only)
    except ProjectError:
        if not read_only or not Project.needs_upgrade(path):
            raise
    Project.open(path).close()
    return Project.open(path, read_only=True)


def split_list(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]
