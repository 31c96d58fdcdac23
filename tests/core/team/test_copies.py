"""Backups and coder copies: consistent files, new names, the source never changed."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.core import backup as backup_mod
from app.core.backup import backup_project
from app.core.project import Project
from app.core.team.copies import coder_copy
from app.errors import InvalidInput, NotFound, ProjectError
from app.models import Code, Coder, Document
from tests.conftest import project_digest
from tests.core.team.team_fixtures import codings, fill_lead


@pytest.fixture
def lead(new_project):
    """The lead's project, on the test's backend (coder copies are files)."""
    return fill_lead(new_project("BSB Oslo", "lead"))


def _guids(p: Project, model) -> set[str]:
    with p.read() as s:
        return set(s.scalars(select(model.guid)))


@pytest.mark.sqlite_only  # backups of the .sitat file beside it
def test_backup_is_a_consistent_copy_and_never_overwrites(lead, tmp_path, monkeypatch):
    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2025, 3, 14, 9, 30, 5)

    monkeypatch.setattr(backup_mod, "datetime", Fixed)
    before = project_digest(lead.path)
    first, second = backup_project(lead), backup_project(lead)
    assert first.name == "lead.backup-20250314-093005.sitat"
    assert second.name == "lead.backup-20250314-093005-2.sitat"
    elsewhere = tmp_path / "backups"
    elsewhere.mkdir()
    third = backup_project(lead, elsewhere)
    assert third.parent == elsewhere and third.name == first.name
    assert project_digest(lead.path) == before
    with Project.open(first, read_only=True) as b:
        assert b.id == lead.id and codings(b) == codings(lead)
    with pytest.raises(ProjectError):
        backup_project(lead, tmp_path / "missing")


def test_blind_copy_keeps_only_the_coders_codings(lead, tmp_path):
    before = project_digest(lead.path)
    out = tmp_path / "hanne.sitat"
    report = coder_copy(lead, "Hanne", out, blind=True)
    assert (report.coder, report.documents, report.codings, report.blind) == ("Hanne", 2, 1, True)
    assert project_digest(lead.path) == before
    assert not list(tmp_path.glob(".hanne*"))  # no temporary file left behind
    with Project.open(out) as copy:
        assert [c[2] for c in codings(copy)] == ["Hanne"]
        assert copy.id != lead.id and copy.title == "BSB Oslo – copy for Hanne"
        for model in (Document, Code, Coder):  # guids unchanged, so the copy merges back
            assert _guids(copy, model) == _guids(lead, model)


def test_open_copy_with_a_subset_of_documents_and_a_new_coder(lead, tmp_path):
    out = tmp_path / "ingrid.sitat"
    report = coder_copy(lead, "Ingrid", out, documents=["fg-a"])
    assert (report.documents, report.codings) == (1, 2)
    with Project.open(out, read_only=True) as copy, copy.read() as s:
        assert list(s.scalars(select(Document.name))) == ["fg-a"]
        assert set(s.scalars(select(Coder.name))) == {"Hanne", "Tor", "Ingrid"}
        ingrid = s.scalar(select(Coder.guid).where(Coder.name == "Ingrid"))
    assert ingrid not in _guids(lead, Coder)


def test_bad_requests_write_nothing(lead, tmp_path):
    before = project_digest(lead.path)
    with pytest.raises(NotFound, match="Did you mean: fg-a"):
        coder_copy(lead, "Hanne", tmp_path / "x.sitat", documents=["fg-aa"])
    existing = tmp_path / "taken.sitat"
    existing.write_bytes(b"keep me")
    with pytest.raises(ProjectError, match="already exists"):
        coder_copy(lead, "Hanne", existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(InvalidInput):
        coder_copy(lead, "  ", tmp_path / "y.sitat")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == [
        *([] if lead.shared else ["lead.sitat"]), "taken.sitat"]  # (and the lead's lock)
    assert project_digest(lead.path) == before
