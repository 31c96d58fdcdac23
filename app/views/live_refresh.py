"""Showing someone else's changes in the window without losing the user's place: the document
list, code tree and counts, the open transcript's highlights and the coded segments are read
again; the chosen document and code, the transcript's selection and scroll position, and the
lists' scroll positions stay. Open search results are marked stale (a search runs again only
when the user asks). Used by app.views.live_sync."""

from __future__ import annotations

from app.i18n import _


def refresh_window(w) -> None:
    session = w.session
    if session is None:
        return
    doc, code = w.current_doc, w.current_code
    doc_name = _document_name(w, doc)
    text_bar = w.transcript.verticalScrollBar()
    text_scroll = text_bar.value()
    selection = w.transcript.selection_cp()
    chosen_coding = w.transcript.selected_guid
    docs_scroll = w.docs.table.verticalScrollBar().value()
    codes_scroll = w.codes.tree.verticalScrollBar().value()
    segments_scroll = w.retrieval.table.verticalScrollBar().value()

    w.counts.forget()
    w.codes.blockSignals(True)  # keep the code chosen without listing it twice
    try:
        w.counts.reload_codes(recount=False)
    finally:
        w.codes.blockSignals(False)
    w.docs.blockSignals(True)  # re-selecting the open document must not reload it
    try:
        w.counts.reload_documents(recount=False)
        if w.current_doc and w.current_doc not in w.docs.selected_guids():
            w.docs.select(w.current_doc)
    finally:
        w.docs.blockSignals(False)
    if code and w.current_code == code and w.codes.current_guid() != code:
        tree = w.codes.tree
        tree.blockSignals(True)
        tree.selectionModel().blockSignals(True)
        try:
            w.codes.select(code)
        finally:
            tree.selectionModel().blockSignals(False)
            tree.blockSignals(False)
    w.docs.table.verticalScrollBar().setValue(docs_scroll)
    w.codes.tree.verticalScrollBar().setValue(codes_scroll)

    if doc and w.current_doc == doc:
        w._codings_changed({doc})  # the highlights, as the coder filter shows them
        if chosen_coding and any(c.guid == chosen_coding for c in w.transcript.codings):
            w.transcript.select_coding(chosen_coding, reveal=False)
        elif selection[1] > selection[0]:
            w.transcript.select_cp(*selection, reveal=False)
        text_bar.setValue(text_scroll)
    elif doc:
        w.statusBar().showMessage(
            _("The document {name} was deleted by someone else.").format(name=doc_name or "?"),
            10000)
    w.show_retrieval(w.current_code)
    w.retrieval.table.verticalScrollBar().setValue(segments_scroll)
    w._update_legend()
    _mark_search_stale(w)


def _document_name(w, guid: str | None) -> str:
    row = w.docs.model.row_of(guid) if guid else -1
    return w.docs.model.rows[row].name if row >= 0 else ""


def _mark_search_stale(w) -> None:
    search = w.search
    if getattr(search, "result", None) is None:
        return
    stale = _("Someone else has changed the project since this search; search again to "
              "update the results.")
    text = search.summary.text()
    if stale not in text:
        search.summary.setText(f"{text}\n{stale}" if text else stale)
    search.stale = True
