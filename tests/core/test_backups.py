"""Rotating backups (consistent copies, newest N kept) and restoring one, with a safety copy."""

from __future__ import annotations

import time

from app.core.backup import list_backups, restore_backup, rotate_backup
from app.core.project import Project
from app.models import Document


def _docs(path):
    with Project.open(path, read_only=True) as p, p.read() as s:
        return sorted(d.name for d in s.query(Document))


def test_rotation_keeps_the_newest_and_restore_brings_back(project_path):
    made = []
    for i in range(4):
        with Project.open(project_path) as p:
            with p.write() as s:
                s.add(Document(name=f"d{i}", text="x", length=1, sha256=str(i)))
            made.append(rotate_backup(p, keep=3))
        time.sleep(1.05)  # backups are named by the second
    kept = list_backups(project_path)
    assert len(kept) == 3 and kept[0] == made[-1] and made[0] not in kept
    assert _docs(kept[-1]) == ["d0", "d1"]
    safety = restore_backup(kept[-1], project_path)
    assert _docs(project_path) == ["d0", "d1"]
    assert _docs(safety) == ["d0", "d1", "d2", "d3"]
