"""The Team and Report menus of the main window: merge coder copies, agreement, disagreement
review, codebook versions and log; displays, condensation, pseudonyms. Also the way to a place
in a transcript (from a display's quote or a search hit) and to the search panel."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from app.i18n import _
from app.views.window_host import WindowActions


class TeamActions(WindowActions):
    def build_menus(self, bar) -> QMenu:
        """The Team and Report menus; returns the Report menu (the exports go there too)."""
        add = self.window.add_action
        t = bar.addMenu(_("&Team"))
        add(t, _("&Merge coder copies..."), self.merge_copies)
        add(t, _("Inter-coder &agreement..."), self.show_agreement)
        add(t, _("&Review disagreements..."), self.review_disagreements)
        add(t, _("Codebook &versions and log..."), self.show_versions)
        r = bar.addMenu(_("&Report"))
        add(r, _("&Displays (matrix)..."), self.show_displays, "Ctrl+D")
        add(r, _("&Condensation of the selected code..."), self.show_condensation, "Ctrl+K")
        add(r, _("&Pseudonyms..."), self.show_pseudonyms)
        return r

    def _coder_names(self) -> list[str]:
        return [c.name for c in self.session.coders()] if self.session else []

    def merge_copies(self) -> None:
        from app.views.team_dialogs import MergeDialog

        if self.session:
            MergeDialog(self.session, self.window).exec()

    def show_agreement(self) -> None:
        from app.core.team.rounds import rounds
        from app.views.team_dialogs import AgreementDialog

        if not self.session:
            return
        with self.session.read() as s:
            names = [r.name for r in rounds(s)]
        AgreementDialog(self.session, self._coder_names(), names, self.window).exec()

    def review_disagreements(self) -> None:
        from app.core.codebook import code_paths, ordered_codes
        from app.views.review_dialog import ReviewDialog

        if not self.session:
            return
        with self.session.read() as s:
            paths = code_paths(s)
            codable = [paths[c.id] for c in ordered_codes(s) if c.codable]
        current = None
        if self.current_code:
            with self.session.read() as s:
                from app.core import workbench as wb

                current = paths.get(wb.get_code_by_guid(s, self.current_code).id)
        dlg = ReviewDialog(self.session, codable, self._coder_names(), self.window)
        if current in codable:
            dlg.code.setCurrentText(current)
        dlg.exec()

    def show_displays(self) -> None:
        from app.views.display_view import DisplayDialog

        if not self.session:
            return
        dlg = DisplayDialog(self.session, self.window)
        dlg.quoteActivated.connect(self.jump_to_range)
        dlg.setModal(False)
        dlg.show()
        self._display_dialog = dlg

    def jump_to_range(self, document: str, start: int, end: int) -> None:
        """Open a document by name and select [start, end) in the transcript."""
        docs = self.window.docs
        guid = next((r.guid for r in docs.model.rows if r.name == document), None)
        if guid is None:
            return
        if guid != self.current_doc:
            docs.select(guid)
            if self.current_doc != guid:
                self.window.show_document(guid)
        self.transcript.select_cp(start, end)
        self.window.activateWindow()

    def show_pseudonyms(self) -> None:
        from app.views.privacy_dialog import PrivacyDialog

        if self.session:
            PrivacyDialog(self.session, self.window).exec()

    def focus_search(self) -> None:
        w = self.window
        w.lower_tabs.setCurrentWidget(w.search)
        top, bottom = w.middle.sizes()
        if bottom < 0.4 * (top + bottom):  # room for a page of hits under the transcript
            room = int(0.4 * (top + bottom))
            w.middle.setSizes([top + bottom - room, room])
        w.search.query.setFocus()
        w.search.query.selectAll()

    def show_condensation(self) -> None:
        from app.views.condensation_dialog import CondensationDialog

        if not self.session:
            return
        if not self.current_code:
            self.status(_("Select a code in the code tree first."))
            return
        CondensationDialog(self.session, self.current_code, self.window).exec()

    def show_versions(self) -> None:
        from app.views.team_dialogs import VersionsDialog

        if self.session:
            VersionsDialog(self.session, self.window).exec()
