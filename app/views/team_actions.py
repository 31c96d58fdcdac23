"""The Team menu of the main window (mixin): merge coder copies, agreement, disagreement review,
codebook versions and log."""

from __future__ import annotations

from app.i18n import _


class TeamActions:
    """Mixed into MainWindow; expects `self.session`."""

    def build_team_menu(self, bar) -> None:
        t = bar.addMenu(_("&Team"))
        self._action(t, _("&Merge coder copies..."), self.merge_copies)
        self._action(t, _("Inter-coder &agreement..."), self.show_agreement)
        self._action(t, _("&Review disagreements..."), self.review_disagreements)
        self._action(t, _("Codebook &versions and log..."), self.show_versions)
        self.team_menu = t
        r = bar.addMenu(_("&Report"))
        self._action(r, _("&Displays (matrix)..."), self.show_displays, "Ctrl+D")
        self._action(r, _("&Condensation of the selected code..."), self.show_condensation,
                     "Ctrl+K")
        self._action(r, _("&Pseudonyms..."), self.show_pseudonyms)
        self.build_export_items(r)
        self.report_menu = r

    def _coder_names(self) -> list[str]:
        return [c.name for c in self.session.coders()] if self.session else []

    def merge_copies(self) -> None:
        from app.views.team_dialogs import MergeDialog

        if self.session:
            MergeDialog(self.session, self).exec()

    def show_agreement(self) -> None:
        from app.core.team.rounds import rounds
        from app.views.team_dialogs import AgreementDialog

        if not self.session:
            return
        with self.session.read() as s:
            names = [r.name for r in rounds(s)]
        AgreementDialog(self.session, self._coder_names(), names, self).exec()

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
        dlg = ReviewDialog(self.session, codable, self._coder_names(), self)
        if current in codable:
            dlg.code.setCurrentText(current)
        dlg.exec()

    def show_displays(self) -> None:
        from app.views.display_view import DisplayDialog

        if not self.session:
            return
        dlg = DisplayDialog(self.session, self)
        dlg.quoteActivated.connect(self.jump_to_range)
        dlg.setModal(False)
        dlg.show()
        self._display_dialog = dlg

    def jump_to_range(self, document: str, start: int, end: int) -> None:
        """Open a document by name and select [start, end) in the transcript."""
        guid = next((r.guid for r in self.docs.model.rows if r.name == document), None)
        if guid is None:
            return
        if guid != self.current_doc:
            self.docs.select(guid)
            if self.current_doc != guid:
                self.show_document(guid)
        self.transcript.select_cp(start, end)
        self.activateWindow()

    def show_pseudonyms(self) -> None:
        from app.views.privacy_dialog import PrivacyDialog

        if self.session:
            PrivacyDialog(self.session, self).exec()

    def focus_search(self) -> None:
        self.lower_tabs.setCurrentWidget(self.search)
        top, bottom = self.middle.sizes()
        if bottom < 0.4 * (top + bottom):  # room for a page of hits under the transcript
            room = int(0.4 * (top + bottom))
            self.middle.setSizes([top + bottom - room, room])
        self.search.query.setFocus()
        self.search.query.selectAll()

    def code_all_hits(self) -> None:
        from app.core.codebook import code_paths
        from app.core import workbench as wb

        if not self.session or not self.current_code:
            self.statusBar().showMessage(_("Select the code to use in the code tree first."),
                                         6000)
            return
        if not self.session.coder_name and not self.choose_coder():
            return
        with self.session.read() as s:
            path = code_paths(s)[wb.get_code_by_guid(s, self.current_code).id]
        self.search.code_all_hits(path)

    def show_condensation(self) -> None:
        from app.views.condensation_dialog import CondensationDialog

        if not self.session:
            return
        if not self.current_code:
            self.statusBar().showMessage(_("Select a code in the code tree first."), 6000)
            return
        CondensationDialog(self.session, self.current_code, self).exec()

    def show_versions(self) -> None:
        from app.views.team_dialogs import VersionsDialog

        if self.session:
            VersionsDialog(self.session, self).exec()
