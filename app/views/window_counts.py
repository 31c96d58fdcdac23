"""The window's counts: the code tree's and the document list's numbers in the scope the coder
bar chooses (every coding, or passages united across coders) over the coders in view. They are
counted once (app.core.live_counts) and then follow each coding and its undo; switching the
coder filter or the scope back to one counted before takes the counts already kept."""

from __future__ import annotations

import dataclasses

from app.core.live_counts import LiveCounts
from app.core.scope import CODINGS

KEPT = 4  # scopes whose counts are kept (and followed) for switching back at once


class WindowCounts:
    def __init__(self, window) -> None:
        self.window = window
        self.kind = CODINGS
        self._kept: dict[tuple, LiveCounts] = {}  # newest last
        # the listed code's segments by every coder: a coder filter switch narrows them
        # instead of retrieving them again
        self._listing: tuple[str, list] | None = None

    @property
    def session(self):
        return self.window.session

    def _key(self) -> tuple:
        ids = self.session.visible_coder_ids()
        return self.kind, frozenset(ids) if ids is not None else None

    def current(self) -> LiveCounts:
        """The counts in the window's scope now, counted if not kept."""
        key = self._key()
        counts = self._kept.pop(key, None)
        if counts is None:
            with self.session.read() as s:
                counts = LiveCounts(s, key[0], key[1])
        self._kept[key] = counts
        while len(self._kept) > KEPT:
            self._kept.pop(next(iter(self._kept)))
        return counts

    def forget(self) -> None:
        """Codes, documents or many codings changed: count afresh when next asked."""
        self._kept.clear()
        self._listing = None

    def forget_listing(self) -> None:
        self._listing = None

    # -- the coded segments list ---------------------------------------------------------------
    def list_segments(self, code_guid: str | None) -> None:
        """List the segments of `code_guid` (and its child codes) by the coders in view."""
        w = self.window
        w.current_code = code_guid
        if self.session is None or not code_guid:
            w.retrieval.clear()
            return
        from app.core import attributes as attrs
        from app.core import workbench as wb
        from app.core.codebook import code_paths
        from app.core.retrieval import retrieve

        with self.session.read() as s:
            path = code_paths(s)[wb.get_code_by_guid(s, code_guid).id]
            if self._listing is None or self._listing[0] != code_guid:
                self._listing = (code_guid, retrieve(s, code_guid))
            names = [d.name for d in attrs.definitions(s)][:3]
            coders = {c.id: c.name for c in wb.coders(s)}
        visible = self.session.visible_coder_ids()
        rows = self._listing[1]
        if visible is not None:
            shown = {coders[i] for i in visible if i in coders}
            rows = [r for r in rows if r.coder in shown]
        w.retrieval.show_segments(path, list(rows), names)

    # -- filling the panels ------------------------------------------------------------------
    def reload_documents(self, recount: bool = True) -> None:
        w = self.window
        if self.session is None:
            return
        from app.core import workbench_docs as wd

        if recount:
            self.forget()
        with self.session.read() as s:
            columns, rows = wd.document_rows(s)
        numbers = self.current().document_counts()
        rows = [r if r.codings == numbers.get(r.guid, 0)
                else dataclasses.replace(r, codings=numbers.get(r.guid, 0)) for r in rows]
        w.docs.set_data(columns, rows)
        if w.current_doc and w.docs.model.row_of(w.current_doc) < 0:
            w.current_doc = None
            w.transcript.show_document(None)

    def reload_codes(self, recount: bool = True) -> None:
        w = self.window
        if self.session is None:
            return
        if recount:
            self.forget()
        nodes = self.current().nodes()
        w.codes.set_nodes(nodes)
        guids = {n.guid for n in nodes}
        w.codes.model.set_pinned([g for g in w.codes.model.pinned if g in guids])
        if w.current_code and w.current_code not in guids:
            w.current_code = None
            w.retrieval.clear()

    def reload_counts(self) -> None:
        """Many codings changed (code all hits, a merge, a round): count everything again."""
        self.forget()
        self.reload_codes(recount=False)
        self.reload_documents(recount=False)
        self.window.show_retrieval(self.window.current_code)

    def refresh_scope(self) -> None:
        """The coder filter or the scope changed: show the counts of the new scope (kept ones
        at once), repainting only the numbers that differ."""
        counts = self.current()
        w = self.window
        w.codes.set_nodes(counts.nodes())
        w.docs.model.set_codings(counts.document_counts())
        w.codes.model.set_count_kind(self.kind)
        w.docs.model.set_count_kind(self.kind)

    def set_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            if self.session is not None:
                self.refresh_scope()

    # -- following one coding -----------------------------------------------------------------
    def follow(self, doc_guid: str, shown, sign: int) -> None:
        """One coding (a ShownCoding) came (sign +1) or went (-1): every kept count follows
        it, the panels repaint the numbers of the scope shown, and the coded segments list
        gains or loses that one row when it lists the coding's code."""
        if self.session is None:
            return
        self._follow_segments(shown, sign)
        current = self._key()
        if current not in self._kept:  # the coders in view changed with this coding (the
            self.refresh_scope()  # first coding of "me only"): count them afresh
            return
        changes = None
        with self.session.read() as s:
            for key, counts in self._kept.items():
                changed = counts.follow(s, doc_guid, shown.code_guid, shown.coder_id, sign)
                if key == current:
                    changes = changed
        if changes:
            self.window.codes.model.update_counts(changes.codes)
            self.window.docs.model.set_codings(changes.documents)

    def _follow_segments(self, shown, sign: int) -> None:
        w = self.window
        listed = w.current_code
        if not listed:
            return
        parents = {n.guid: n.parent_guid for n in w.codes.model.nodes()}
        code = shown.code_guid
        while code is not None and code != listed:
            code = parents.get(code)
        if code is None:  # not the listed code nor one of its child codes
            return
        visible = self.session.visible_coder_ids()
        in_view = visible is None or shown.coder_id in visible
        kept = self._listing[1] if self._listing and self._listing[0] == listed else None
        if sign < 0:
            if kept is not None:
                kept[:] = [r for r in kept if r.guid != shown.guid]
            if in_view:
                w.retrieval.remove_segment(shown.guid)
            return
        from app.core.retrieval import segment, sort_key

        with self.session.read() as s:
            found = segment(s, shown.guid)
        if found is None:
            return
        if kept is not None:
            import bisect

            kept.insert(bisect.bisect_right(kept, sort_key(found), key=sort_key), found)
        if in_view:
            w.retrieval.add_segment(found)
