"""Conflicts between people working on one shared project at once: each is explained and
nothing is half done - a code deleted while another codes with it, a document deleted or
renamed under someone, two people editing one code definition, a coding changed before its
maker's undo. Two Project connections on one PostgreSQL database play the two people."""

from __future__ import annotations

import pytest

from app.core import codebook as cb
from app.core import workbench as wb
from app.core.coding import code_still_there, coding_unchanged
from app.core.documents import document_still_there, import_files
from app.core.project import Project
from app.core.server.changes import is_disconnect, others_changed
from app.errors import EditConflict
from app.i18n import using_language
from tests.pg import find_bindir, pg_cluster, pg_url  # noqa: F401  (fixtures)

needs_pg = pytest.mark.skipif(find_bindir() is None, reason="PostgreSQL is not installed")


@pytest.fixture
def two(pg_url, tmp_path):  # noqa: F811
    """(Ane's Project, Bo's Project) on one shared project holding the document intervju-01
    and the code Tillit."""
    ane, bo = Project.open(pg_url), Project.open(pg_url)
    path = tmp_path / "intervju-01.txt"
    path.write_text("Deltaker: Jeg ble hørt, og hun hadde god tid til meg.\n", encoding="utf-8")
    import_files(bo, [path])
    with bo.write() as s:
        cb.create_code(s, "Tillit", description="Å stole på tjenesten")
    yield ane, bo
    ane.close()
    bo.close()


def _guids(p: Project) -> tuple[str, str]:
    from app.models import Code, Document

    with p.read() as s:
        return s.query(Document.guid).scalar(), s.query(Code.guid).scalar()


def _state(p: Project) -> tuple:
    from app.models import Code, Coding, Document

    with p.read() as s:
        return (p.revision(), sorted(s.query(Code.name, Code.description, Code.color).all()),
                sorted(s.query(Document.name).all()),
                sorted(s.query(Coding.start, Coding.end, Coding.memo).all()))


@needs_pg
def test_coding_with_a_code_someone_just_deleted_is_explained_and_saves_nothing(two):
    ane, bo = two
    doc, code = _guids(ane)
    with bo.write() as s:
        cb.delete_code(s, wb.get_code_by_guid(s, code))
    before = _state(ane)
    with pytest.raises(EditConflict) as err, using_language("nb"):
        with ane.write() as s:
            coder = wb.ensure_coder(s, "Ane")  # made first in the same transaction ...
            code_still_there(s, code, "Tillit")
            wb.apply_code(s, doc, code, coder.id, 0, 8)
    assert str(err.value) == "Koden Tillit ble slettet av noen andre; kodingen din ble ikke lagret."
    assert _state(ane) == before  # ... and gone with it: nothing half done
    with ane.read() as s:
        assert [c.name for c in wb.coders(s)] == []


@needs_pg
def test_a_document_deleted_or_renamed_under_someone_is_named(two):
    ane, bo = two
    doc, _code = _guids(ane)
    with bo.write() as s:
        wb.get_document_by_guid(s, doc).name = "intervju-01-anonym"
    with ane.read() as s:  # renamed: fine for a coding, refused where the name mattered
        assert document_still_there(s, doc, "intervju-01").name == "intervju-01-anonym"
        with pytest.raises(EditConflict, match="intervju-01 was renamed to intervju-01-anonym"):
            document_still_there(s, doc, "intervju-01", seen_name=True)
    with bo.write() as s:
        s.delete(wb.get_document_by_guid(s, doc))
    with ane.read() as s, pytest.raises(EditConflict) as err:
        document_still_there(s, doc, "intervju-01")
    assert str(err.value) == ("The document intervju-01 was deleted by someone else; your change "
                              "was not saved.")


@needs_pg
def test_two_people_editing_one_definition_the_second_sees_both_versions(two):
    ane, bo = two
    _doc, code = _guids(ane)
    with ane.read() as s:  # both open the dialog
        seen_by_ane = cb.definition(wb.get_code_by_guid(s, code))
    with bo.read() as s:
        seen_by_bo = cb.definition(wb.get_code_by_guid(s, code))
    with bo.write() as s:  # Bo saves first
        cb.save_definition(s, wb.get_code_by_guid(s, code), seen_by_bo,
                           {**seen_by_bo, "description": "Å bli trodd og tatt på alvor"})
    before = _state(ane)
    with pytest.raises(EditConflict) as err:
        with ane.write() as s:
            cb.save_definition(s, wb.get_code_by_guid(s, code), seen_by_ane,
                               {**seen_by_ane, "description": "Å føle seg trygg"})
    message = str(err.value)
    assert "Someone else changed the code Tillit while you were editing it" in message
    assert "Their version: description «Å bli trodd og tatt på alvor»" in message
    assert "Your version: description «Å føle seg trygg»" in message
    assert _state(ane) == before
    # a field only Ane changed is saved, and Bo's description stays
    with ane.write() as s:
        cb.save_definition(s, wb.get_code_by_guid(s, code), seen_by_ane,
                           {**seen_by_ane, "colour": "#2E86C1"})
    with bo.read() as s:
        now = cb.definition(wb.get_code_by_guid(s, code))
    assert (now["description"], now["colour"]) == ("Å bli trodd og tatt på alvor", "#2E86C1")


@needs_pg
def test_undoing_a_coding_someone_else_changed_is_refused(two):
    ane, bo = two
    doc, code = _guids(ane)
    with ane.write() as s:
        made = wb.apply_code(s, doc, code, wb.ensure_coder(s, "Ane").id, 0, 8)
    with ane.read() as s:
        coding_unchanged(s, made, "Code with Tillit")  # untouched: undo may go ahead
    with bo.write() as s:
        wb.set_coding_memo(s, made.guid, "Bo: se også Ventetid")
    with ane.read() as s, pytest.raises(EditConflict, match="Someone else has changed the coding"):
        coding_unchanged(s, made, "Code with Tillit")
    with bo.write() as s:
        wb.delete_coding(s, made.guid)
    with ane.read() as s, pytest.raises(EditConflict, match="Someone else has removed"):
        coding_unchanged(s, made, "Code with Tillit")


@needs_pg
def test_the_revisions_tell_own_actions_from_others(two):
    ane, bo = two
    start = ane.revision()
    with ane.write() as s:
        cb.create_code(s, "Ventetid")
    assert ane.revision() == start + 1 and ane.own_revisions == {start + 1}
    assert not others_changed(start, ane.revision(), ane.own_revisions)
    with bo.write() as s:
        cb.create_code(s, "Respekt")
    assert others_changed(start, ane.revision(), ane.own_revisions)
    assert not others_changed(start + 2, start + 2, set())
    assert others_changed(start + 2, start, set())  # replaced by an older copy


@needs_pg
def test_a_server_gone_is_told_from_a_refused_action(pg_cluster, pg_url):  # noqa: F811
    from sqlalchemy.exc import DBAPIError

    with Project.open(pg_url) as p:
        with p.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            with pg_cluster.admin() as con:
                con.execute("SELECT pg_terminate_backend(%s)", (raw.info.backend_pid,))
            with pytest.raises(DBAPIError) as lost:
                conn.exec_driver_sql("SELECT 1")
        assert is_disconnect(lost.value)
        with p.engine.connect() as conn, pytest.raises(DBAPIError) as refused:
            conn.exec_driver_sql("SELECT * FROM no_such_table")
        assert not is_disconnect(refused.value)
        assert p.revision() >= 0  # and the pool connects afresh
