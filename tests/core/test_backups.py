"""Rotating backups (consistent copies, newest N kept) and restoring one, with a safety copy."""

from __future__ import annotations

import time

import pytest

from app.core.backup import list_backups, restore_backup, rotate_backup
from app.core.project import Project
from app.models import Document

# backups of the .sitat file beside it (the server backs up a shared project)
pytestmark = pytest.mark.sqlite_only


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


def test_a_backups_folder_linked_elsewhere_is_not_rotated_into(project_path, tmp_path):
    import pytest

    from app.core.backup import backups_folder
    from app.errors import ProjectError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    others = [elsewhere / f"p.backup-2020010{i}-000000.sitat" for i in range(1, 4)]
    for f in others:
        f.write_bytes(b"someone's project")
    backups_folder(project_path).symlink_to(elsewhere)
    with Project.open(project_path) as p, pytest.raises(ProjectError, match="symbolic link"):
        rotate_backup(p, keep=1)
    assert all(f.read_bytes() == b"someone's project" for f in others)
    assert list_backups(project_path) == []  # nothing listed through the link either
    safety = restore_backup(_backup(project_path), project_path)
    assert safety.parent == project_path.parent  # the safety copy stays beside the project
    assert sorted(f.name for f in elsewhere.iterdir()) == [f.name for f in others]


def _backup(project_path):
    from app.core.backup import backup_project

    with Project.open(project_path) as p:
        return backup_project(p, project_path.parent)


def test_a_planted_journal_link_at_the_next_backup_name_is_skipped(project_path, tmp_path):
    from datetime import datetime, timedelta

    from app.core.backup import backup_project

    victim = tmp_path / "thesis.docx"
    victim.write_bytes(b"years of work")
    now = datetime.now()
    for s in range(0, 4):
        stamp = (now + timedelta(seconds=s)).strftime("%Y%m%d-%H%M%S")
        link = project_path.parent / f"p.backup-{stamp}.sitat-journal"
        link.symlink_to(victim)
    with Project.open(project_path) as p:
        made = backup_project(p)
    assert made.name.endswith("-2.sitat") and _docs(made) == []
    assert victim.read_bytes() == b"years of work"


def test_only_sitat_named_backups_are_rotated(project_path):
    from app.core.backup import backups_folder

    folder = backups_folder(project_path)
    folder.mkdir()
    mine = folder / "notater.sitat"
    mine.write_bytes(b"a project the user keeps here")
    with Project.open(project_path) as p:
        rotate_backup(p, keep=1)
        time.sleep(1.05)
        rotate_backup(p, keep=1)
    assert mine.read_bytes() == b"a project the user keeps here"
    assert len(list_backups(project_path)) == 1
