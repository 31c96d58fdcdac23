"""The survey tab of the Displays window: choose a survey, themes or the items (of one theme or
all), a "by" attribute and a reference; shows the table (n, mean, distribution, don't know,
reference, difference, "too few" for small groups) beside the stacked 100 % bar chart drawn by
app.core.survey.charts, and exports both to Word (app.core.export.survey_docx)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import SitatError
from app.i18n import _
from app.views.dialogs import ask_path
from app.views.session import Session
from app.views.survey_table import SurveyTableModel

CHART_DPI = 144  # crisp on a high-density screen; shown at half its pixel size there


class SurveyPanel(QWidget):
    """One survey table and its chart."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.table_data = None  # the SurveyTable shown
        self.chart_png: bytes | None = None
        self.survey, self.level = QComboBox(self), QComboBox(self)
        self.by, self.reference = QComboBox(self), QComboBox(self)
        for combo, name in ((self.survey, _("Survey")), (self.level, _("Show")),
                            (self.by, _("By")), (self.reference, _("Reference"))):
            combo.setAccessibleName(name)
        self.survey.currentIndexChanged.connect(self._survey_chosen)
        form = QFormLayout()
        form.addRow(_("Survey:"), self.survey)
        form.addRow(_("Show:"), self.level)
        row = QHBoxLayout()
        row.addWidget(self.by, 1)
        row.addWidget(QLabel(_("Compare with:"), self))
        row.addWidget(self.reference, 1)
        form.addRow(_("By:"), row)
        self.min_group = QSpinBox(self)
        self.min_group.setRange(1, 1000)
        self.min_group.setAccessibleName(_("Smallest group shown"))
        self.min_group.setToolTip(_("Groups with fewer answers are shown as “too few”, without "
                                    "figures, to protect the respondents' anonymity. Saved "
                                    "with the survey."))
        self.min_group.editingFinished.connect(self.set_min_group)
        form.addRow(_("Smallest group:"), self.min_group)
        show = QPushButton(_("Show &table"), self)
        show.clicked.connect(self.build)
        self.export_button = QPushButton(_("Export to &Word..."), self)
        self.export_button.clicked.connect(self.export)
        buttons = QHBoxLayout()
        buttons.addWidget(show)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.model = SurveyTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Survey table"))
        self.view.verticalHeader().hide()
        self.view.setWordWrap(True)
        self.chart = QLabel(self)
        self.chart.setAlignment(Qt.AlignTop | Qt.AlignHCenter)
        self.chart.setAccessibleName(_("Chart"))
        scroll = QScrollArea(self)
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(200)
        self.chart_scroll = scroll
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(self.view)
        split.addWidget(scroll)
        split.setSizes([620, 460])
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        lay.addWidget(split, 1)
        self.reload()

    # -- choices --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Offer the project's surveys as they are now (after an import or a delete)."""
        from app.core.survey.listing import survey_names

        current = self.survey.currentText()
        with self.session.read() as s:
            names = survey_names(s)
        self.survey.blockSignals(True)
        self.survey.clear()
        self.survey.addItems(names)
        if current in names:
            self.survey.setCurrentText(current)
        self.survey.blockSignals(False)
        self._survey_chosen()

    def _survey_chosen(self) -> None:
        from app.core import attributes as attrs
        from app.core.survey.listing import survey_choices

        name = self.survey.currentText()
        for combo in (self.level, self.by, self.reference):
            combo.clear()
        if not name:
            self.note.setText(_("This project has no survey yet: import one with File > "
                                "Import survey..."))
            self.model.set_table(_empty())
            self.chart.clear()
            self.export_button.setEnabled(False)
            return
        with self.session.read() as s:
            choices = survey_choices(s, name)
            attributes = [d.name for d in attrs.definitions(s)]
        self.level.addItem(_("themes"), "themes")
        self.level.addItem(_("all items"), "items")
        for theme in choices.themes:
            self.level.addItem(_("items of {theme}").format(theme=theme), "theme:" + theme)
        self.by.addItem(_("everyone"), None)
        for a in choices.attributes or attributes:
            self.by.addItem(a, a)
        self.reference.addItem(_("no reference"), None)
        for r in choices.references:
            self.reference.addItem(r, r)
        self.min_group.blockSignals(True)
        self.min_group.setValue(choices.min_group)
        self.min_group.blockSignals(False)
        self.export_button.setEnabled(True)
        self.build(quiet=True)

    def choose(self, survey: str | None = None, level: str = "themes", theme: str | None = None,
               by: str | None = None, reference: str | None = None) -> bool:
        """Set the choices (as a user would) and show the table."""
        if survey is not None:
            self.survey.setCurrentText(survey)
        self.level.setCurrentIndex(max(0, self.level.findData(
            "theme:" + theme if theme else level)))
        self.by.setCurrentIndex(max(0, self.by.findData(by)))
        self.reference.setCurrentIndex(max(0, self.reference.findData(reference)))
        return self.build()

    def set_min_group(self) -> None:
        """Save the smallest group shown (one undoable action), then show the table again."""
        from app.views.survey_command import SetMinGroupCommand

        name, value = self.survey.currentText(), self.min_group.value()
        if not name or self.table_data is None or value == self.table_data.min_group:
            return
        self.session.execute(SetMinGroupCommand(self.session, name, value, self._reshown))

    def _reshown(self) -> None:
        with self.session.read() as s:
            from app.core.survey.listing import survey_choices

            value = survey_choices(s, self.survey.currentText()).min_group
        self.min_group.blockSignals(True)
        self.min_group.setValue(value)
        self.min_group.blockSignals(False)
        self.build(quiet=True)

    # -- the table and chart ------------------------------------------------------------------
    def spec(self) -> dict:
        level, theme = self.level.currentData() or "themes", None
        if level.startswith("theme:"):
            level, theme = "items", level[len("theme:"):]
        return {"survey": self.survey.currentText() or None, "level": level, "theme": theme,
                "by": self.by.currentData(), "reference": self.reference.currentData()}

    def build(self, quiet: bool = False) -> bool:
        from app.core.survey.stats import survey_table

        if not self.survey.currentText():
            return False
        try:
            with self.session.read() as s:
                table = survey_table(s, **self.spec())
        except SitatError as exc:
            if not quiet:
                self.session.failed.emit(str(exc))
            return False
        self.table_data = table
        self.model.set_table(table)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Interactive)
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 280))
        self.view.resizeRowsToContents()
        self.note.setText(_("{n} respondents. Groups with fewer than {min} answers are shown as "
                            "“too few”, without figures. Mean on the scale {low}–{high}; "
                            "distribution in per cent of the answers on the scale.").format(
            n=table.respondents, min=table.min_group, low=table.scale.low,
            high=table.scale.high))
        self._draw_chart()
        return True

    def _draw_chart(self) -> None:
        """Draw the chart for the width of its column: at 144 dpi, as wide in centimetres as
        the column is at 96 dpi, then scaled smoothly to the screen's pixels - text at its
        real size, crisp on a 2x screen and on a 1x one."""
        from app.core.survey.charts import stacked_bar_png

        width = max(300, self.chart_scroll.viewport().width() - 12)
        try:
            self.chart_png = stacked_bar_png(self.table_data, dpi=CHART_DPI,
                                             width_cm=width / 96 * 2.54)
        except SitatError as exc:
            self.chart_png = None
            self.chart.setText(str(exc))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(self.chart_png, "PNG")
        ratio = max(1.0, self.devicePixelRatioF())
        pixmap = pixmap.scaledToWidth(int(width * ratio), Qt.SmoothTransformation)
        pixmap.setDevicePixelRatio(ratio)
        self.chart.setPixmap(pixmap)

    # -- export --------------------------------------------------------------------------------
    def export(self) -> None:
        if self.table_data is None and not self.build():
            return
        path = ask_path(self, _("Export survey table"), "undersokelse.docx", "Word (*.docx)",
                        project=self.session.path, suffix=".docx")
        if path is not None and self.export_to(path):
            self.note.setText(_("Written: {path}").format(path=path))

    def export_to(self, path) -> bool:
        from app.core.export.survey_docx import write_survey_docx

        try:
            with self.session.read() as s:
                write_survey_docx(s, path, **self.spec())
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return False
        return True


def _empty():
    from app.core.survey.stats import Scale, SurveyTable

    return SurveyTable("", "themes", Scale(1, 4), 5, 0)
