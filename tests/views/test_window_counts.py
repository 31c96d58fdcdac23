"""The window's counts follow each coding, undo and redo without a recount, in the scope the
coder bar chooses (every coding, or passages united across coders) and for the coders in view;
after any sequence of codings, undos, redos, coder-filter and scope switches the code tree and
the document list show what a full recount gives."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt

from app.core.codetree import code_nodes
from app.core.live_counts import LiveCounts
from app.core.scope import CODINGS, SEGMENTS
from app.views.session import FILTER_ALL, FILTER_CHOSEN, FILTER_MINE

TEXT = ("Moderator: Hvordan ble dere møtt? 🙂\n"
        "Deltaker 1: Jeg ble sett og hørt, ærlig talt, og de hadde god tid til meg.\n"
        "Deltaker 2: Nei, jeg måtte forklare alt på nytt hver eneste gang.\n")


@pytest.fixture
def window(qtbot, tmp_path):
    from app.core import codebook as cb
    from app.core.project import Project
    from app.views import settings
    from app.views.application import new_window, open_session
    from tests.core.workbench_fixtures import add_document

    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "tall.sitat"
    with Project.create(path) as p, p.write() as s:
        add_document(s, "fg-alna", TEXT)
        add_document(s, "fg-stovner", TEXT.replace("møtt", "mottatt"))
        top = cb.create_code(s, "Møtet", codable=False)
        cb.create_code(s, "Respekt", top)
        cb.create_code(s, "Tid", top)
        cb.create_code(s, "Gjentakelse")
    w = new_window()
    qtbot.addWidget(w)
    session = open_session(path)
    session.set_coder_name("Hanne")
    w.set_session(session)
    w.show()
    yield w
    w.close()


def _shown(w):
    tree = {n.name: (n.codings, n.documents, n.total_codings, n.total_documents)
            for n in w.codes.model.nodes()}
    docs = {r.name: r.codings for r in w.docs.model.rows}
    return tree, docs


def _recount(w):
    with w.session.read() as s:
        fresh = LiveCounts(s, w.counts.kind, w.session.visible_coder_ids())
        tree = {n.name: (n.codings, n.documents, n.total_codings, n.total_documents)
                for n in fresh.nodes()}
        if w.counts.kind == CODINGS:  # and the tree's own counting agrees
            assert tree == {n.name: (n.codings, n.documents, n.total_codings,
                                     n.total_documents)
                            for n in code_nodes(s, w.session.visible_coder_ids())}
        names = {r.guid: r.name for r in w.docs.model.rows}
        docs = {names[g]: n for g, n in fresh.document_counts().items()}
    return tree, docs


def _listed(w):
    """The coded segments list as shown, and as a full retrieval gives it."""
    from app.core.retrieval import retrieve

    with w.session.read() as s:
        fresh = retrieve(s, w.current_code, w.session.visible_coder_ids())

    def seen(rows):
        return [(r.document, r.start, r.end) for r in rows], sorted(r.guid for r in rows)

    return seen(w.retrieval.model.rows), seen(fresh)


def _code(w, name):
    return next(n.guid for n in w.codes.model.nodes() if n.name == name)


def _set_kind(w, kind):
    combo = w.coder_bar.count_combo
    combo.setCurrentIndex(combo.findData(kind))
    combo.activated.emit(combo.currentIndex())


def test_overlapping_codings_of_two_coders_are_one_passage(window):
    w = window
    start = TEXT.index("Jeg ble sett")
    respekt = _code(w, "Respekt")
    w.transcript.select_cp(start, start + 20)
    assert w.coding_actions.apply_code(respekt)
    w.session.set_coder_name("Tor")
    w.transcript.select_cp(start + 10, start + 30)
    assert w.coding_actions.apply_code(respekt)
    assert _shown(w)[0]["Respekt"][0] == 2 and _shown(w)[1]["fg-alna"] == 2
    _set_kind(w, SEGMENTS)
    assert w.codes.model.headerData(2, Qt.Horizontal) == "Passages"
    assert w.docs.model.headerData(2, Qt.Horizontal) == "Passages"
    assert _shown(w)[0]["Respekt"] == (1, 1, 1, 1) and _shown(w)[1]["fg-alna"] == 1
    w.act_undo.trigger()  # Tor's coding goes: still one passage
    assert _shown(w)[0]["Respekt"] == (1, 1, 1, 1)
    w.act_undo.trigger()
    assert _shown(w)[0]["Møtet"] == (0, 0, 0, 0) and _shown(w)[1]["fg-alna"] == 0
    w.act_redo.trigger()
    w.act_redo.trigger()
    assert _shown(w) == _recount(w)
    # shown: Tor's codings only; Hanne codes elsewhere, then everyone's counts come back at
    # once (kept) and include her coding
    tor = next(c.id for c in w.session.coders() if c.name == "Tor")
    w.session.set_filter(FILTER_CHOSEN, {tor})
    assert _shown(w)[0]["Respekt"] == (1, 1, 1, 1)
    w.session.set_coder_name("Hanne")
    other = TEXT.index("forklare")
    w.transcript.select_cp(other, other + 8)
    assert w.coding_actions.apply_code(respekt)
    assert _shown(w)[0]["Respekt"] == (1, 1, 1, 1)
    w.session.set_filter(FILTER_ALL)
    assert _shown(w)[0]["Respekt"] == (2, 1, 2, 1) == _recount(w)[0]["Respekt"]
    _set_kind(w, CODINGS)
    assert _shown(w)[0]["Respekt"] == (3, 1, 3, 1) == _recount(w)[0]["Respekt"]


def test_counts_follow_a_random_session_like_a_full_recount(window):
    w = window
    rng = random.Random(19)
    codes = [_code(w, n) for n in ("Respekt", "Tid", "Gjentakelse")]
    docs = [r.guid for r in w.docs.model.rows]
    applied = 0
    w.codes.select(_code(w, "Møtet"))  # its segments and its child codes' are listed
    w.show_retrieval(_code(w, "Møtet"))
    for step in range(80):
        move = rng.random()
        if move < 0.5:
            w.session.set_coder_name(rng.choice(["Hanne", "Tor", "Sara"]))
            w.docs.select(rng.choice(docs))
            a = rng.randrange(0, len(TEXT) - 25)
            w.transcript.select_cp(a, a + rng.randint(5, 25))
            applied += w.coding_actions.apply_code(rng.choice(codes))
        elif move < 0.62:
            w.act_undo.trigger()
        elif move < 0.7:
            w.act_redo.trigger()
        elif move < 0.85:
            coders = {c.id for c in w.session.coders()}
            mode = rng.choice([FILTER_ALL, FILTER_MINE, FILTER_CHOSEN])
            w.session.set_filter(mode, set(rng.sample(sorted(coders), min(2, len(coders))))
                                 if mode == FILTER_CHOSEN and coders else None)
        else:
            _set_kind(w, rng.choice([CODINGS, SEGMENTS]))
        assert _shown(w) == _recount(w), step
        shown, fresh = _listed(w)
        assert shown == fresh, step
    assert applied >= 30  # the sequence really coded
    assert w.retrieval.model.rows and w.retrieval.title.text().startswith("Møtet")
