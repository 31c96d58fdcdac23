"""The coder toolbar: whose codings the window shows (all coders, mine, or chosen coders side by
side) and, while codings are coloured by coder, a legend saying which colour is whose; and the
status bar's button saying who is coding (nobody until someone has said so)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QToolBar

from app.core.live_counts import COUNT_KINDS
from app.core.scope import scope_label
from app.i18n import _
from app.views.dialogs import CodersChoiceDialog
from app.views.session import FILTER_ALL, FILTER_CHOSEN, FILTER_MINE


class CoderBar(QToolBar):
    def __init__(self, window) -> None:
        super().__init__(_("Coders"), window)
        self.window = window
        self.setObjectName("coder-toolbar")
        self.setMovable(False)
        self.addWidget(QLabel(_("Show codings of:") + " ", self))
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(_("Show codings of"))
        self.combo.addItem(_("all coders"), FILTER_ALL)
        self.combo.addItem(_("me only"), FILTER_MINE)
        self.combo.addItem(_("chosen coders..."), FILTER_CHOSEN)
        self.combo.activated.connect(self.apply_choice)
        self.addWidget(self.combo)
        self.addSeparator()
        self.addWidget(QLabel(_("Count:") + " ", self))
        self.count_combo = QComboBox(self)
        self.count_combo.setAccessibleName(_("What the code tree and document list count"))
        for kind in COUNT_KINDS:
            self.count_combo.addItem(scope_label(kind), kind)
        self.count_combo.setToolTip(_("Every coding: a passage coded by several coders counts "
                                      "once per coder. Passages: overlapping codings of a code "
                                      "by the coders shown count once."))
        self.count_combo.activated.connect(
            lambda _i: window.counts.set_kind(self.count_combo.currentData()))
        self.addWidget(self.count_combo)
        self.addSeparator()
        self.legend = QLabel(self)
        self.legend.setAccessibleName(_("Colours of the coders"))
        self.legend.setContentsMargins(8, 0, 8, 0)
        self._legend_action = self.addWidget(self.legend)
        self.legend_entries: list[tuple[str, str]] = []
        self.show_legend([])
        self.coder_button = QPushButton(window)
        self.coder_button.setFlat(True)
        self.coder_button.setToolTip(_("Change who is coding"))

    def show_coder(self, session) -> None:
        """Who codes, as confirmed by the user; never a name nobody gave."""
        self.coder_button.setVisible(session is not None)
        name = session.coder_name if session is not None else ""
        self.coder_button.setText(_("Coder: {name}").format(name=name) if name
                                  else _("Who is coding? Click to say"))

    def follow(self, session, by_coder: bool) -> None:
        """The legend for what the window shows: the visible coders while codings are
        coloured by coder (`by_coder`), nothing otherwise."""
        coders = []
        if session is not None and by_coder:
            visible = session.visible_coder_ids()
            coders = [(c.name, c.colour) for c in session.coders()
                      if visible is None or c.id in visible]
        self.show_legend(coders)

    def show_mode(self, mode: str) -> None:
        self.combo.setCurrentIndex(self.combo.findData(mode))

    def show_legend(self, coders: list[tuple[str, str]]) -> None:
        """(name, colour) of each coder whose codings are shown in their own colour; an empty
        list hides the legend (codings are coloured by code)."""
        self.legend_entries = list(coders)
        if not coders:
            self.legend.clear()
            self._legend_action.setVisible(False)
            return
        swatches = "&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{colour}; font-size:large">&#9632;</span>&nbsp;'
            f"{html.escape(name)}" for name, colour in coders)
        self.legend.setText(f"{html.escape(_('Colours:'))}&nbsp;&nbsp;{swatches}")
        self._legend_action.setVisible(True)

    def apply_choice(self) -> None:
        """Show the codings the combo box chooses (asking which coders, for chosen coders)."""
        session = self.window.session
        if session is None:
            return
        mode = self.combo.currentData()
        if mode == FILTER_CHOSEN:
            coders = [(c.id, c.name, c.colour) for c in session.coders()]
            dlg = CodersChoiceDialog(coders, session.chosen_coders, self.window)
            if not dlg.exec():
                self.show_mode(session.filter_mode)
                return
            session.set_filter(FILTER_CHOSEN, dlg.chosen())
        else:
            session.set_filter(mode)
