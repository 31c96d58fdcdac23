"""Every undoable command of the window, on the sample project: done, undone, redone and undone
again, the project reads exactly as before and after each time (same guids: later commands on
the stack still find what they refer to); a step that can no longer be undone says so."""

from __future__ import annotations

from pathlib import Path

from app.core import codebook as cb
from app.core import workbench as wb
from app.core import workbench_docs as wd

DOC = "fg05-stovner-psykisk-helsearbeid"


def _round_trip(session, command, look):
    """Execute, undo, redo, undo: `look()` (what a user would see) flips between two states."""
    before = look()
    assert session.execute(command)
    after = look()
    assert after != before
    session.undo_stack.undo()
    assert look() == before
    session.undo_stack.redo()
    assert look() == after
    session.undo_stack.undo()
    assert look() == before
    return after


def _doc(session, name=DOC) -> str:
    with session.read() as s:
        return next(r.guid for r in wd.document_rows(s)[1] if r.name == name)


def _codings(session, doc_guid):
    with session.read() as s:
        doc = wb.get_document_by_guid(s, doc_guid)
        return sorted((c.guid, c.start, c.end, c.code_name, c.coder_name, c.memo)
                      for c in wb.document_codings(s, doc.id))


def _code(session, name):
    with session.read() as s:
        return cb.resolve_code(s, name).guid


def test_apply_remove_and_memo_of_a_coding(session):
    from app.views.commands.coding import (
        ApplyCodingCommand,
        CodingMemoCommand,
        RemoveCodingCommand,
    )

    doc = _doc(session)
    seen = []
    session.codingAdded.connect(lambda d, c: seen.append(("added", c.guid)))
    session.codingRemoved.connect(lambda d, c: seen.append(("removed", c.guid)))
    after = _round_trip(session, ApplyCodingCommand(session, doc, _code(session, "Respekt"),
                                                    "Respekt", 10, 40),
                        lambda: _codings(session, doc))
    made = next(c for c in after if c[4] == "Lead")
    assert made[1:5] == (10, 40, "Respekt", "Lead")
    assert seen == [("added", made[0]), ("removed", made[0]), ("added", made[0]),
                    ("removed", made[0])]
    with session.read() as s:
        shown = wb.document_codings(s, wb.get_document_by_guid(s, doc).id)[0]
    after = _round_trip(session, RemoveCodingCommand(session, shown, doc),
                        lambda: _codings(session, doc))
    assert shown.guid not in [c[0] for c in after]
    updated = []
    session.codingUpdated.connect(lambda d, c: updated.append(c.memo))
    after = _round_trip(session, CodingMemoCommand(session, shown, doc, "Sterkt sitat."),
                        lambda: _codings(session, doc))
    assert next(c for c in after if c[0] == shown.guid)[5] == "Sterkt sitat."
    assert updated == ["Sterkt sitat.", shown.memo, "Sterkt sitat.", shown.memo]


def test_code_all_hits(session, tmp_path, monkeypatch):
    from app.core.search.service import search
    from app.views.commands.coding import CodeHitsCommand

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    hits = search(session.project, "kontaktperson", index=session.search_index()).hits
    command = CodeHitsCommand(session, hits, "Andre kjennetegn/Forutsigbarhet",
                              "sentence")
    docs = sorted({_doc(session, h.document) for h in hits})
    after = _round_trip(session, command,
                        lambda: [c for d in docs for c in _codings(session, d)])
    mine = [c for c in after if c[4] == "Lead"]
    assert 0 < command.made == len(mine) <= len(hits)
    assert {c[3] for c in mine} == {"Forutsigbarhet"}


def test_codebook_edit(session):
    from app.views.commands.codes import CodebookCommand

    guid = _code(session, "Respekt")

    def look():
        with session.read() as s:
            return sorted(cb.code_paths(s).values()), wb.get_code_by_guid(s, guid).name

    after = _round_trip(session, CodebookCommand(
        session, "rename", lambda s: cb.rename_code(s, wb.get_code_by_guid(s, guid), "Verdighet")),
        look)
    assert after[1] == "Verdighet"


def test_codebook_delete_brings_back_the_codings(session):
    from app.core import codetree
    from app.views.commands.codes import CodebookCommand

    guid, doc = _code(session, "Respekt"), _doc(session)
    before = _codings(session, doc)
    assert any(c[3] == "Respekt" for c in before)
    command = CodebookCommand(session, "delete",
                              lambda s: cb.delete_code(s, wb.get_code_by_guid(s, guid)),
                              lambda s: codetree.subtree_guids(s, guid))
    after = _round_trip(session, command, lambda: _codings(session, doc))
    assert not any(c[3] == "Respekt" for c in after)


def test_import_delete_and_attribute_of_documents(session, tmp_path):
    from app.core.documents import prepare_files
    from app.views.commands.documents import (
        ImportDocumentsCommand,
        RemoveDocumentsCommand,
        SetAttributeCommand,
    )

    def rows():
        with session.read() as s:
            return [(r.guid, r.name, r.attributes, r.codings) for r in wd.document_rows(s)[1]]

    f = tmp_path / "ny-samtale.txt"
    f.write_text("Intervjuer: Hei.\nInformant: Hei på deg 🙂\n", encoding="utf-8")
    after = _round_trip(session, ImportDocumentsCommand(session, prepare_files([Path(f)])), rows)
    assert len(after) == 64 and "ny-samtale" in [r[1] for r in after]
    doc = _doc(session)
    after = _round_trip(session, RemoveDocumentsCommand(session, [doc]), rows)
    assert len(after) == 62 and doc not in [r[0] for r in after]
    after = _round_trip(session, SetAttributeCommand(session, doc, "bydel", "Alna"), rows)
    assert next(r for r in after if r[0] == doc)[2]["bydel"] == "Alna"


def test_condensation(session):
    from app.core.displays import condensation as stc
    from app.views.commands.condensation import CondensationCommand

    path = "Andre kjennetegn/Forutsigbarhet"
    with session.read() as s:
        units = [u.guid for u in stc.meaning_units(s, path)][:2]

    def look():
        with session.read() as s:
            c = stc.condensation(s, path)
        return [(x.text, sorted(x.units)) for x in c.condensates], c.synthesis

    def operation(s, code):
        stc.add_condensate(s, code, "Jeg vil vite hvem som kommer.", units)
        stc.set_synthesis(s, code, "Faste folk.")

    after = _round_trip(session, CondensationCommand(session, _code(session, path), "stc",
                                                     operation), look)
    assert after == ([("Jeg vil vite hvem som kommer.", sorted(units))], "Faste folk.")


def test_review_decision(session):
    from app.core.team import review
    from app.views.commands.team import ReviewCommand

    with session.read() as s:
        item = review.disagreements(s, "Grunnleggende kjennetegn/Respekt", "Hanne", "Tor")[0]

    def look():
        with session.read() as s:
            again = review.disagreements(s, "Grunnleggende kjennetegn/Respekt", "Hanne", "Tor")
        return _codings(session, _doc(session, item.document)), again[0].decision, item.decision

    after = _round_trip(session, ReviewCommand(session, item, "both", "Konsensus"), look)
    assert after[1:] == ("both", "both")
    spans = sorted((c[1], c[2]) for c in after[0] if c[4] == "Konsensus")
    assert spans == sorted(set(item.a_spans) | set(item.b_spans))


def test_add_and_remove_a_sensitive_term(session):
    from app.core.privacy.terms import terms
    from app.views.commands.privacy import TermCommand

    def look():
        with session.read() as s:
            return [(t.term, t.pseudonym, t.kind) for t in terms(s)]

    after = _round_trip(session, TermCommand(session, "Tromsø", None, "place", True), look)
    assert after == [("Tromsø", "[Sted 1]", "place")]
    assert session.execute(TermCommand(session, "Tromsø", "Bodø", "place", True))
    after = _round_trip(session, TermCommand(session, "Tromsø", None, "place", False), look)
    assert after == []
    assert look() == [("Tromsø", "Bodø", "place")]  # undo of a removal keeps its pseudonym


def test_a_redo_that_no_longer_fits_says_so_and_clears_the_stack(qtbot, session):
    from app.views.commands.coding import ApplyCodingCommand

    doc = _doc(session)
    messages = []
    session.failed.connect(messages.append)
    assert session.execute(ApplyCodingCommand(session, doc, _code(session, "Respekt"),
                                              "Respekt", 10, 40))
    session.undo_stack.undo()
    with session.project.write() as s:  # another program removes the document meanwhile
        wd.remove_documents(s, [doc])
    session.undo_stack.redo()
    assert messages and "could not be undone or redone" in messages[0]
    qtbot.waitUntil(lambda: session.undo_stack.count() == 0)
