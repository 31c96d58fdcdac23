"""The search panel: a query with filters, keyword-in-context results (the hit in bold inside
its sentence), hits per document, a click to jump to a hit, and "Code all hits" as one undoable
action."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.errors import SitatError
from app.i18n import _
from app.views.session import Session, SessionCommand


class CodeHitsCommand(SessionCommand):
    """Code every hit (spread to sentence, paragraph or turn) in one transaction; undo removes
    exactly the codings it made."""

    def __init__(self, session: Session, hits, code_path: str, spread: str) -> None:
        super().__init__(session, _("Code {n} hits with {code}").format(n=len(hits),
                                                                         code=code_path))
        self.hits, self.code_path, self.spread = hits, code_path, spread
        self.snapshots = None
        self.made = 0

    def do(self) -> None:
        from app.core import workbench as wb
        from app.core.search.service import code_hits_made

        with self.session.project.write() as s:
            if self.snapshots is None:
                made = code_hits_made(s, self.hits, self.code_path, self.session.coder_name,
                                      self.spread)
                self.made = len(made)
                self.snapshots = [wb.snapshot_coding(s, g) for g in made]
            else:
                for snap in self.snapshots:
                    wb.restore_coding(s, snap)

    def undo_it(self) -> None:
        from app.core import workbench as wb

        with self.session.project.write() as s:
            for snap in self.snapshots:
                wb.delete_coding(s, snap.guid)

    def notify(self) -> None:
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's rich text (the hit in bold) and sizes it to the list's width; one
    delegate instead of a widget per hit keeps thousands of results quick."""

    HtmlRole = Qt.UserRole + 7

    def _doc(self, option, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(index.data(self.HtmlRole) or "")
        doc.setTextWidth(max(50, option.rect.width() - 8))
        return doc

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        doc = self._doc(option, index)
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 3)
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        width = option.widget.viewport().width() if option.widget else 400
        option.rect.setWidth(width)
        doc = self._doc(option, index)
        return QSize(width, int(doc.size().height()) + 6)


class SearchPanel(QWidget):
    hitActivated = Signal(str, int, int)  # document name, start, end

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.result = None
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(_('Search: words, "phrases", OG / ELLER / IKKE, prefix*, '
                                        'fuzzy~'))
        self.query.setAccessibleName(_("Search"))
        self.query.returnPressed.connect(self.run)
        self.exact = QCheckBox(_("exact word forms"), self)
        self.attribute, self.value = QComboBox(self), QComboBox(self)
        self.attribute.currentIndexChanged.connect(self._fill_values)
        self.scope = QComboBox(self)
        go = QPushButton(_("&Search"), self)
        go.clicked.connect(self.run)
        top = QHBoxLayout()
        top.addWidget(self.query, 3)
        top.addWidget(go)
        filters = QHBoxLayout()
        filters.addWidget(self.attribute, 1)
        filters.addWidget(self.value, 1)
        filters.addWidget(self.scope, 1)
        filters.addWidget(self.exact)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setAccessibleName(_("Search results"))
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        self.spread = QComboBox(self)
        for key, label in (("hit", _("the hit")), ("sentence", _("its sentence")),
                           ("paragraph", _("its paragraph")), ("turn", _("the speaker turn"))):
            self.spread.addItem(label, key)
        self.code_all = QPushButton(_("&Code all hits with the selected code"), self)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(_("Code:"), self))
        bottom.addWidget(self.spread)
        bottom.addWidget(self.code_all, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addLayout(filters)
        lay.addWidget(self.summary)
        lay.addWidget(self.list, 1)
        lay.addLayout(bottom)

    def set_session(self, session: Session) -> None:
        from app.core import attributes as attrs
        from app.core.codebook import code_paths, ordered_codes

        self.session = session
        with session.read() as s:
            names = [d.name for d in attrs.definitions(s)]
            paths = code_paths(s)
            codes = [paths[c.id] for c in ordered_codes(s)]
        self.attribute.blockSignals(True)
        self.attribute.clear()
        self.attribute.addItem(_("all documents"), None)
        for n in names:
            self.attribute.addItem(n, n)
        self.attribute.blockSignals(False)
        self._fill_values()
        self.scope.clear()
        self.scope.addItem(_("all text"), None)
        self.scope.addItem(_("only uncoded text"), ("uncoded", None))
        for p in codes:
            self.scope.addItem(_("only in {code}").format(code=p), ("code", p))
        self.list.clear()
        self.summary.clear()

    def _fill_values(self) -> None:
        from app.core import attributes as attrs

        self.value.clear()
        name = self.attribute.currentData()
        self.value.setEnabled(bool(name))
        if name and self.session:
            with self.session.read() as s:
                values = sorted({v.get(name) for v in attrs.values_by_document(s).values()}
                                - {None})
            self.value.addItems(values)

    def run(self) -> bool:
        from app.core.search.service import search

        if self.session is None:
            return False
        where = {self.attribute.currentData(): self.value.currentText()} \
            if self.attribute.currentData() and self.value.currentText() else None
        scope = self.scope.currentData()
        try:
            self.result = search(self.session.project, self.query.text(), where=where,
                                 codes=[scope[1]] if scope and scope[0] == "code" else None,
                                 uncoded=bool(scope and scope[0] == "uncoded"),
                                 exact=self.exact.isChecked())
        except SitatError as exc:
            self.summary.setText(str(exc))
            self.list.clear()
            return False
        self.show_result()
        return True

    def show_result(self) -> None:
        r = self.result
        per_doc = r.per_document()
        counts = ", ".join(f"{d} ({n})" for d, n in sorted(per_doc.items(),
                                                             key=lambda x: (-x[1], x[0])))
        self.summary.setText(_("{n} hits in {docs} documents: {counts}").format(
            n=len(r.hits), docs=len(per_doc), counts=counts) + (
            f"\n{r.warning}" if r.warning else ""))
        self.list.clear()
        for h in r.hits:
            a, b = h.start - h.context_start, h.end - h.context_start
            ctx = h.context
            rich = (html.escape(ctx[:a]) + "<b>" + html.escape(ctx[a:b]) + "</b>"
                    + html.escape(ctx[b:]))
            place = " · ".join(x for x in (h.document, h.speaker, *list(h.attributes.values())[:2])
                               if x)
            item = QListWidgetItem(self.list)
            item.setData(HtmlDelegate.HtmlRole, f"{' '.join(rich.split())}<br/>"
                                                 f"<span style='color:#666'>"
                                                 f"{html.escape(place)}</span>")
            item.setData(Qt.UserRole, (h.document, h.start, h.end))
            item.setData(Qt.AccessibleTextRole, f"{h.text}: {ctx}")
            item.setToolTip(ctx)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.hitActivated.emit(*item.data(Qt.UserRole))

    def code_all_hits(self, code_path: str) -> bool:
        if not self.result or not self.result.hits or self.session is None:
            return False
        cmd = CodeHitsCommand(self.session, self.result.hits, code_path,
                              self.spread.currentData())
        if self.session.execute(cmd):
            self.summary.setText(_("{n} codings made.").format(n=cmd.made))
            return True
        return False
