"""The Displays window's tabs: the code matrix as before, the survey table with its chart
(app.views.survey_panel) and the joint display (app.views.survey_joint). A survey tab is
built when it is first opened (drawing a chart loads the plotting library), and follows the
project when a survey is imported or deleted."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.i18n import _


class LazyTab(QWidget):
    """A tab whose content is made by `make(parent)` the first time it is shown."""

    def __init__(self, make, parent=None) -> None:
        super().__init__(parent)
        self.make = make
        self.content = None
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)

    def ensure(self):
        if self.content is None:
            self.content = self.make(self)
            self.lay.addWidget(self.content)
        return self.content

    def showEvent(self, event) -> None:
        self.ensure()
        super().showEvent(event)


def add_survey_tabs(dialog) -> None:
    """Put the dialog's matrix page (`dialog.matrix_page`) in a tab beside the survey table
    and the joint display; `dialog.survey_tab` / `dialog.joint_tab` make theirs on demand
    (`.ensure()` returns the panel)."""
    from app.views.survey_joint import JointPanel
    from app.views.survey_panel import SurveyPanel

    session = dialog.session
    tabs = QTabWidget(dialog)
    tabs.addTab(dialog.matrix_page, _("Codes (matrix)"))
    dialog.survey_tab = LazyTab(lambda parent: SurveyPanel(session, parent), tabs)
    dialog.joint_tab = LazyTab(lambda parent: JointPanel(session, parent), tabs)
    tabs.addTab(dialog.survey_tab, _("Survey"))
    tabs.addTab(dialog.joint_tab, _("Joint display"))
    dialog.tabs = tabs
    lay = QVBoxLayout(dialog)
    lay.setContentsMargins(4, 4, 4, 4)
    lay.addWidget(tabs)

    def follow() -> None:  # a survey imported, deleted, or its import undone
        for tab in (dialog.survey_tab, dialog.joint_tab):
            if tab.content is not None:
                tab.content.reload()

    session.documentsChanged.connect(follow)
    dialog.destroyed.connect(lambda *_a: _disconnect(session, follow))


def _disconnect(session, slot) -> None:
    try:
        session.documentsChanged.disconnect(slot)
    except (RuntimeError, TypeError):
        pass
