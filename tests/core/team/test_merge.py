"""Merging coder copies back into the lead's project: counts, duplicates, codes by guid and path,
memos and attributes, the dry run, the backup and bad sources."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core import attributes as attrs
from app.core import codebook as cb
from app.core.coding import code_text, get_coding, set_memo
from app.core.lookup import get_document
from app.core.project import Project
from app.core.team.copies import coder_copy
from app.core.team.merge import merge_projects
from app.errors import ProjectError
from app.models import Code, Coder, Coding, Document, SpeakerTurn
from tests.conftest import project_digest
from tests.core.team.team_fixtures import FG_A, FG_B, add_document, codings, fill_lead, span


@pytest.fixture
def lead(new_project):
    """The lead's project, on the test's backend (the coder copies are files)."""
    return fill_lead(new_project("BSB Oslo", "lead"))


@pytest.fixture
def two_copies(lead, tmp_path):
    """Blind copies for Hanne and Tor (each holds the coder's one coding from the lead, which
    must come back as a duplicate), each coded a little more."""
    work = {"Hanne": [("fg-a", "Trygghet", "Det føltes trygt for første gang."),
                      ("fg-b", "Respekt", "Det er slitsomt å bytte hele tiden.")],
            "Tor": [("fg-b", "Informasjon", "jeg visste ikke hvem jeg skulle ringe."),
                    ("fg-a", "Respekt", "Jeg ble hørt, og hun hadde tid til meg.")]}
    out = {}
    for coder, items in work.items():
        path = tmp_path / f"{coder}.sitat"
        coder_copy(lead, coder, path, blind=True)
        with Project.open(path) as copy, copy.write() as s:
            for doc, code, words in items:
                text = FG_A if doc == "fg-a" else FG_B
                code_text(s, doc, code, coder, *span(text, words), memo=f"{coder} mener")
        out[coder] = path
    return out


def _backups(folder):
    return sorted(p.name for p in folder.glob("*.backup-*"))


def test_two_copies_merge_back(lead, two_copies, tmp_path):
    before = codings(lead)
    report = merge_projects(lead, [two_copies["Hanne"], two_copies["Tor"]])
    data = report.as_json()
    assert (data["codings_added"], data["codings_duplicate"]) == (4, 2)  # lead's own came back
    assert (data["documents_added"], data["documents_matched"], data["codes_added"],
            data["coders_added"], data["codings_reanchored"]) == (0, 4, 0, 0, 0)
    assert data["conflicts"] == [] and data["dry_run"] is False
    assert data["sources"] == [str(two_copies["Hanne"]), str(two_copies["Tor"])]
    after = codings(lead)
    added = sorted(set(after) - set(before))
    assert [(c[0], c[1], c[2], c[5], c[6]) for c in added] == [
        ("fg-a", "Kjennetegn/Respekt", "Tor", "Jeg ble hørt, og hun hadde tid til meg.",
         "Tor mener"),
        ("fg-a", "Trygghet", "Hanne", "Det føltes trygt for første gang.", "Hanne mener"),
        ("fg-b", "Kjennetegn/Informasjon", "Tor", "jeg visste ikke hvem jeg skulle ringe.",
         "Tor mener"),
        ("fg-b", "Kjennetegn/Respekt", "Hanne", "Det er slitsomt å bytte hele tiden.",
         "Hanne mener"),
    ]
    assert set(before) <= set(after)
    if lead.shared:  # a shared project is backed up by the server, not beside a file
        assert data["backup"] is None
    else:
        backup = tmp_path / _backups(tmp_path)[0]
        assert str(backup) == data["backup"]
        with Project.open(backup, read_only=True) as b:
            assert codings(b) == before  # the backup is the project as it was before the merge
    # the same copies again: nothing new
    again = merge_projects(lead, [two_copies["Tor"], two_copies["Hanne"]]).as_json()
    assert (again["codings_added"], again["codings_duplicate"]) == (0, 6)
    assert codings(lead) == after


def test_coding_guids_kept_and_memos_filled(lead, two_copies, tmp_path):
    with Project.open(two_copies["Hanne"]) as copy, copy.read() as s:
        coding_guid = s.scalar(select(Coding.guid).join(Code).where(Code.name == "Trygghet"))
    merge_projects(lead, [two_copies["Hanne"]])
    with lead.read() as s:
        assert get_coding(s, coding_guid).memo == "Hanne mener"
    # The lead's own coding has no memo; a copy that adds one fills it, a differing one conflicts.
    with lead.read() as s:
        own = s.scalar(select(Coding.guid).join(Coder).where(Coder.name == "Tor"))
    for memo, expected in (("Viktig!", []), ("Annet", ["memo"])):
        path = tmp_path / f"copy-{memo}.sitat"
        coder_copy(lead, "Tor", path)
        with Project.open(path) as copy, copy.write() as s:
            set_memo(s, get_coding(s, own), memo)
        kinds = [c["kind"] for c in merge_projects(lead, [path]).as_json()["conflicts"]]
        assert kinds == expected
    with lead.read() as s:
        assert get_coding(s, own).memo == "Viktig!"


def test_codes_by_path_definitions_and_new_codes(lead, tmp_path):
    """Another project with the same codebook typed in by hand (other guids)."""
    other = Project.create(tmp_path / "other.sitat", "Annet")
    with other.write() as s:
        add_document(s, "fokusgruppe A", FG_A, bydel="Alna")
        group = cb.create_code(s, "Kjennetegn", codable=False)
        respekt = cb.create_code(s, "Respekt", group, "#AA0000", "En annen definisjon.")
        cb.create_code(s, "Medvirkning", group, "#0000AA", "Å få være med og bestemme.")
        cb.create_code(s, "Informasjon", group, "#00AA00", "Å få vite det man trenger.")
        respekt.inclusion = "Opplevelser av å bli hørt."
        code_text(s, "fokusgruppe A", "Kjennetegn/Respekt", "Marit", *span(FG_A, "Det var godt"))
        code_text(s, "fokusgruppe A", "Medvirkning", "Marit", *span(FG_A, "Jeg måtte forklare"))
        new_guid = s.scalar(select(Code.guid).where(Code.name == "Medvirkning"))
    other.close()
    data = merge_projects(lead, [tmp_path / "other.sitat"]).as_json()
    assert (data["codes_added"], data["coders_added"], data["documents_matched"],
            data["documents_added"], data["codings_added"]) == (1, 1, 1, 0, 2)
    [conflict] = data["conflicts"]
    assert conflict["kind"] == "code_definition" and conflict["code"] == "Kjennetegn/Respekt"
    assert "definition" in conflict["message"] and "other.sitat" in conflict["message"]
    with lead.read() as s:
        respekt = cb.resolve_code(s, "Kjennetegn/Respekt")
        assert respekt.description == "Å bli tatt på alvor."  # the target's is kept
        kids = [c.name for c in cb.resolve_code(s, "Kjennetegn").children]
        assert kids == ["Respekt", "Informasjon", "Medvirkning"]  # after existing siblings
        assert cb.resolve_code(s, "Medvirkning").guid == new_guid
    rows = {(c[1], c[2], c[5]) for c in codings(lead) if c[2] == "Marit"}
    assert rows == {("Kjennetegn/Respekt", "Marit", "Det var godt"),
                    ("Kjennetegn/Medvirkning", "Marit", "Jeg måtte forklare")}


def test_new_documents_memos_and_attributes(lead, tmp_path):
    copy_path = tmp_path / "copy.sitat"
    coder_copy(lead, "Hanne", copy_path)
    text = "Moderator: Hva tenker du om NAV? 🙏\nDeltaker: Jeg fikk ikke tak i noen.\n"
    with Project.open(copy_path) as copy, copy.write() as s:
        new = add_document(s, "fg-c", text, bydel="Sagene", type="individuelt")
        new.memo = "Nytt intervju"
        guid = new.guid
        attrs.set_values(s, get_document(s, "fg-a"), {"bydel": "Stovner", "type": "gruppe"})
        get_document(s, "fg-b").memo = "Notat fra Hanne"
        code_text(s, "fg-c", "Trygghet", "Hanne", *span(text, "Jeg fikk ikke tak i noen."))
    data = merge_projects(lead, [copy_path]).as_json()
    assert (data["documents_added"], data["codings_added"], data["attributes_added"]) == (1, 1, 1)
    assert [(c["kind"], c["document"], c["attribute"]) for c in data["conflicts"]] == [
        ("attribute", "fg-a", "bydel")]
    assert "«Stovner»" in data["conflicts"][0]["message"]
    with lead.read() as s:
        doc = get_document(s, "fg-c")
        assert (doc.text, doc.memo, doc.guid) == (text, "Nytt intervju", guid)
        assert len(s.scalars(select(SpeakerTurn).where(SpeakerTurn.document_id == doc.id)).all())
        values = attrs.values_by_document(s)
        assert values[doc.id] == {"bydel": "Sagene", "type": "individuelt"}
        assert values[get_document(s, "fg-a").id] == {"bydel": "Alna", "type": "gruppe"}
        assert get_document(s, "fg-b").memo == "Notat fra Hanne"


def test_dry_run_changes_nothing_and_predicts_the_merge(lead, two_copies, tmp_path):
    sources = [two_copies["Hanne"], two_copies["Tor"]]
    with Project.open(sources[0]) as copy, copy.write() as s:  # a new code and document too
        cb.create_code(s, "Ny kode", cb.resolve_code(s, "Kjennetegn"))
        add_document(s, "fg-ny", "Moderator: Ja? 🙂\nDeltaker: Nei, æ.\n")
    before = project_digest(lead.path)
    revision = lead.revision()
    preview = merge_projects(lead, sources, dry_run=True).as_json()
    assert project_digest(lead.path) == before and lead.revision() == revision
    assert _backups(tmp_path) == [] and preview["backup"] is None and preview["dry_run"]
    real = merge_projects(lead, sources).as_json()
    assert bool(real["backup"]) is not lead.shared and not real["dry_run"]
    for key in ("documents_added", "codes_added", "codings_added", "codings_duplicate",
                "conflicts", "per_source"):
        assert preview[key] == real[key], key
    assert (real["documents_added"], real["codes_added"]) == (1, 1)
    assert lead.revision() == revision + 1


@pytest.mark.parametrize("bad", ["missing", "text", "other_db"])
def test_a_bad_source_changes_nothing(lead, two_copies, tmp_path, bad):
    path = tmp_path / f"{bad}.sitat"
    if bad == "text":
        path.write_text("ikke et prosjekt", encoding="utf-8")
    elif bad == "other_db":
        import sqlite3

        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.close()
    before = project_digest(lead.path)
    with pytest.raises(ProjectError, match=path.name):
        merge_projects(lead, [two_copies["Hanne"], path])
    assert project_digest(lead.path) == before and _backups(tmp_path) == []
    with pytest.raises(ProjectError, match="itself"):
        merge_projects(lead, [lead.path])


def test_target_documents_are_not_duplicated_by_renamed_copies(lead, tmp_path):
    copy_path = tmp_path / "copy.sitat"
    coder_copy(lead, "Hanne", copy_path)
    with Project.open(copy_path) as copy, copy.write() as s:
        get_document(s, "fg-a").name = "fokusgruppe a"  # renamed, same text
    data = merge_projects(lead, [copy_path]).as_json()
    assert (data["documents_added"], data["documents_matched"]) == (0, 2)
    with lead.read() as s:
        assert sorted(s.scalars(select(Document.name))) == ["fg-a", "fg-b"]


def test_codings_on_what_is_a_group_code_here_are_conflicts(lead, tmp_path):
    copy_path = tmp_path / "copy.sitat"
    coder_copy(lead, "Hanne", copy_path, blind=True)
    with Project.open(copy_path) as copy, copy.write() as s:
        cb.update_code(s, cb.resolve_code(s, "Kjennetegn"), codable=True)
        code_text(s, "fg-b", "Kjennetegn", "Hanne", *span(FG_B, "Ærlig talt"))
    data = merge_projects(lead, [copy_path]).as_json()
    assert data["codings_added"] == 0 and data["codings_unplaced"] == 1
    kinds = {(c["kind"], c.get("reason")) for c in data["conflicts"]}
    assert kinds == {("code_definition", None), ("coding", "group_code")}
    assert all(c[1] != "Kjennetegn" for c in codings(lead))
