"""The search panel: a query with filters, keyword-in-context results (the hit in bold inside
its sentence), hits per document, a click to jump to a hit, and "Code all hits" as one undoable
action."""

from __future__ import annotations

import re
from contextlib import contextmanager

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.errors import SitatError
from app.i18n import _, n_
from app.i18n import counts as n_counts
from app.views.codeset_filter import CodeSetFilter, merged
from app.views.commands.coding import CodeHitsCommand
from app.views.session import Session


_SPACE = re.compile(r"\s+")


@contextmanager
def wait_cursor():
    """The busy cursor while a search runs (a cold first search reads the index)."""
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _flat(text: str) -> str:
    """Line breaks and runs of spaces as one space (a concordance line is one line)."""
    return _SPACE.sub(" ", text)


def _refill(combo: QComboBox, first: str, items: list[tuple[str, str]]) -> None:
    """Fill a filter list (first entry: no filter), keeping the choice when it is still there."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for label, data in items:
        combo.addItem(label, data)
    at = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(max(at, 0))
    combo.blockSignals(False)


class IndexProgress:
    """A progress dialog for building the search index (the first search in a project, or
    after its index was lost), shown only when the build takes a moment; Cancel stops it and
    leaves the project as it was."""

    STEPS = 1000

    def __init__(self, parent) -> None:
        self.parent = parent
        self.dialog: QProgressDialog | None = None

    def __call__(self, share: float) -> bool:
        if self.dialog is None:
            self.dialog = QProgressDialog(
                _("Building the search index. This happens once for a project; later "
                  "searches only add what changed."), _("Cancel"), 0, self.STEPS, self.parent)
            self.dialog.setWindowTitle(_("Search"))
            self.dialog.setWindowModality(Qt.WindowModal)
            self.dialog.setMinimumDuration(400)
        self.dialog.setValue(int(share * self.STEPS))  # also lets the window repaint
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None


class HitsModel(QAbstractListModel):
    """The hits of a search as rows: the first page of a search stream (search/stream.py) at
    once, the next ones fetched as the list scrolls to its end (Qt's canFetchMore/fetchMore),
    so a search with a hundred thousand hits shows its first screen at once."""

    KwicRole = Qt.UserRole + 7  # (left context, hit, right context), each on one line
    PlaceRole = Qt.UserRole + 8  # "document · speaker · district · service"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits = []
        self.stream = None

    def set_hits(self, hits) -> None:
        """Show a list of hits (or none); a stream shown before is closed."""
        self.beginResetModel()
        self._close()
        self.hits = list(hits)
        self.endResetModel()

    def set_stream(self, stream) -> None:
        """Show a search stream: its first page now, the others when scrolled to."""
        self.beginResetModel()
        self._close()
        self.stream = stream
        self.hits = stream.next_page()
        self.endResetModel()

    def _close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self.stream is not None and not self.stream.exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not self.canFetchMore(parent):
            return
        try:
            page = self.stream.next_page()
        except SitatError:  # the index changed under the search: no more rows
            self._close()
            return
        if page:
            self.beginInsertRows(QModelIndex(), len(self.hits), len(self.hits) + len(page) - 1)
            self.hits.extend(page)
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        h = self.hits[index.row()]
        if role == Qt.UserRole:
            return (h.document, h.start, h.end)
        if role == self.PlaceRole:
            return " · ".join(x for x in (h.document, h.speaker,
                                          *list(h.attributes.values())[:2]) if x)
        ctx, a = h.context, h.start - h.context_start
        b = a + (h.end - h.start)
        if role == self.KwicRole:
            return (_flat(ctx[:a]), _flat(ctx[a:b]), _flat(ctx[b:]))
        if role == Qt.DisplayRole:
            return _flat(ctx)
        if role == Qt.ToolTipRole:
            return f"{ctx}\n\n{self.data(index, self.PlaceRole)}"
        if role == Qt.AccessibleTextRole:
            return f"{h.text}: {_flat(ctx)} ({self.data(index, self.PlaceRole)})"
        return None


class KwicDelegate(QStyledItemDelegate):
    """Paints a hit as a concordance line - the hit in bold at the same place on every line,
    the words before it cut on the left and the words after it on the right - with the
    document, speaker and first attributes under it in a quieter colour. Every row has the
    same height, so the list never measures its rows."""

    HIT_AT = 0.38  # where the hit starts, as a share of the row's width

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.CE_ItemViewItem, option, painter, widget)
        left, hit, right = index.data(HitsModel.KwicRole) or ("", "", "")
        place = index.data(HitsModel.PlaceRole) or ""
        selected = bool(option.state & QStyle.State_Selected)
        pal = option.palette
        text_colour = pal.color(QPalette.HighlightedText if selected else QPalette.Text)
        quiet = QColor(text_colour)
        quiet.setAlphaF(0.65)
        rect = option.rect.adjusted(6, 3, -6, -3)
        plain, bold = QFont(option.font), QFont(option.font)
        bold.setBold(True)
        fm, fmb = QFontMetrics(plain), QFontMetrics(bold)
        line = fm.height()
        advance = min(fmb.horizontalAdvance(hit), int(rect.width() * 0.6))
        hit_w = advance + 3  # room for rounding, so a hit that fits is never cut
        hit_x = rect.left() + int(rect.width() * self.HIT_AT)
        painter.save()
        painter.setPen(text_colour)
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.setFont(plain)
        painter.drawText(QRect(rect.left(), top.top(), hit_x - rect.left(), line),
                         Qt.AlignRight | Qt.AlignVCenter,
                         fm.elidedText(left, Qt.ElideLeft, hit_x - rect.left()))
        painter.setFont(bold)
        painter.drawText(QRect(hit_x, top.top(), hit_w, line), Qt.AlignLeft | Qt.AlignVCenter,
                         fmb.elidedText(hit, Qt.ElideRight, hit_w))
        rest = rect.right() - (hit_x + advance)
        painter.setFont(plain)
        painter.drawText(QRect(hit_x + advance, top.top(), rest, line),
                         Qt.AlignLeft | Qt.AlignVCenter, fm.elidedText(right, Qt.ElideRight, rest))
        painter.setPen(quiet)
        painter.drawText(QRect(rect.left(), top.top() + line + 2, rect.width(), line),
                         Qt.AlignLeft | Qt.AlignVCenter,
                         fm.elidedText(place, Qt.ElideRight, rect.width()))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(300, 2 * line + 10)


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
        self.compounds = QCheckBox(_("also inside compounds"), self)
        self.compounds.setToolTip(_("Also find the word inside compounds: «tjeneste» finds "
                                    "«hjemmetjenesten» (the whole word is the hit)"))
        self.attribute, self.value = QComboBox(self), QComboBox(self)
        self.attribute.currentIndexChanged.connect(self._fill_values)
        self.scope = QComboBox(self)
        self.scope.setToolTip(_("Search all text, only text coded with a code, or only text "
                                "nobody has coded"))
        self.speaker = QComboBox(self)
        self.speaker.setToolTip(_("Only what this speaker said"))
        self.codeset = CodeSetFilter(  # as `sitat search --in-codeset`
            self, first=_("no code set"), item=_("only in code set {name} ({codes})"),
            tip=_("Only text coded with a code of this set (or a child code); with a code "
                  "chosen beside it, text coded with that code too; with «only uncoded text», "
                  "text coded with none of them"))
        self.coder = QComboBox(self)
        self.coder.setToolTip(_("Only text this coder coded (with the code chosen beside it, "
                                "or any code); with «only uncoded text», text this coder has "
                                "not coded"))
        go = QPushButton(_("&Search"), self)
        go.clicked.connect(self.run)
        top = QHBoxLayout()
        top.addWidget(self.query, 3)
        top.addWidget(go)
        filters = QHBoxLayout()
        filters.addWidget(self.attribute, 1)
        filters.addWidget(self.value, 1)
        filters.addWidget(self.exact)
        filters.addWidget(self.compounds)
        who = QHBoxLayout()
        who.addWidget(self.speaker, 1)
        who.addWidget(self.scope, 1)
        who.addWidget(self.codeset, 1)
        who.addWidget(self.coder, 1)
        self.summary = QLabel(self)
        self.summary.setWordWrap(False)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.summary.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens
        self.suggestion = QLabel(self)  # "did you mean": each word a link that searches it
        self.suggestion.setTextFormat(Qt.RichText)
        self.suggestion.linkActivated.connect(self.use_suggestion)
        self.suggestion.hide()
        self.model = HitsModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(KwicDelegate(self.list))
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName(_("Search results"))
        self.list.activated.connect(self._chosen)
        self.list.clicked.connect(self._chosen)
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
        lay.addLayout(who)
        lay.addWidget(self.summary)
        lay.addWidget(self.suggestion)
        lay.addWidget(self.list, 1)
        lay.addLayout(bottom)

    def set_session(self, session: Session) -> None:
        from app.core import attributes as attrs
        from app.core.codebook import code_paths, ordered_codes
        from app.core.search.service import speaker_labels

        self.session = session
        with session.read() as s:
            names = [d.name for d in attrs.definitions(s)]
            paths = code_paths(s)
            codes = [paths[c.id] for c in ordered_codes(s)]
            speakers = speaker_labels(s)
        coders = [c.name for c in session.coders()]
        _refill(self.speaker, _("all speakers"), [(label, label) for label in speakers])
        _refill(self.coder, _("by any coder"),
                [(_("by {coder}").format(coder=name), name) for name in coders])
        self.attribute.blockSignals(True)
        self.attribute.clear()
        self.attribute.addItem(_("all documents"), None)
        for n in names:
            self.attribute.addItem(n, n)
        self.attribute.blockSignals(False)
        self._fill_values()
        self.codeset.load(session)
        self.scope.clear()
        self.scope.addItem(_("all text"), None)
        self.scope.addItem(_("only uncoded text"), ("uncoded", None))
        for p in codes:
            self.scope.addItem(_("only in {code}").format(code=p), ("code", p))
        self.model.set_hits([])
        self.result = None
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
        from app.core.search.stream import open_search

        if self.session is None:
            return False
        where = {self.attribute.currentData(): self.value.currentText()} \
            if self.attribute.currentData() and self.value.currentText() else None
        scope = self.scope.currentData()
        progress = IndexProgress(self)
        try:
            with wait_cursor():
                with self.session.read() as s:
                    in_set = self.codeset.paths(s)  # the set as it is now
                code = [scope[1]] if scope and scope[0] == "code" else None
                coder = self.coder.currentData()
                self.model.set_hits([])  # the previous search lets go of the index first
                self.result = open_search(
                    self.session.project, self.query.text(), where=where,
                    speaker=self.speaker.currentData(), coders=[coder] if coder else None,
                    codes=merged(code, in_set), uncoded=bool(scope and scope[0] == "uncoded"),
                    exact=self.exact.isChecked(), compounds=self.compounds.isChecked(),
                    index=self.session.search_index(), progress=progress)
        except SitatError as exc:
            self.summary.setText(str(exc))
            self.summary.setToolTip("")
            self.suggestion.hide()
            self.result = None
            self.model.set_hits([])
            return False
        finally:
            progress.close()
        self.show_result()
        return True

    PER_DOCUMENT_SHOWN = 4

    def show_result(self) -> None:
        """The totals (hits, per document) and the first page at once; more as it scrolls."""
        r = self.result
        per_doc = sorted(r.per_document().items(), key=lambda x: (-x[1], x[0]))
        counts = ", ".join(f"{d} ({n})" for d, n in per_doc[:self.PER_DOCUMENT_SHOWN])
        if len(per_doc) > self.PER_DOCUMENT_SHOWN:
            counts += ", " + _("{n} more").format(n=len(per_doc) - self.PER_DOCUMENT_SHOWN)
        self.summary.setText(_("{hits} in {documents}: {counts}").format(
            hits=n_counts.hits(r.total), documents=n_counts.documents(len(per_doc)),
            counts=counts) + (
            f"\n{r.warning}" if r.warning else ""))
        self.summary.setToolTip("\n".join(f"{d}: {n}" for d, n in per_doc))
        self.show_suggestions(r.suggestions)
        self.model.set_stream(r)
        if r.total:
            self.list.scrollToTop()

    def show_suggestions(self, suggestions: dict[str, list[str]]) -> None:
        """Words of the query found nowhere, each with up to three words of the project."""
        from html import escape

        lines = [_("Not found: {word}. Did you mean: {words}?").format(
            word=escape(word), words=", ".join(
                f'<a href="{escape(word)}|{escape(w)}">{escape(w)}</a>' for w in near))
            for word, near in suggestions.items()]
        self.suggestion.setText("<br>".join(lines))
        self.suggestion.setVisible(bool(lines))

    def use_suggestion(self, link: str) -> None:
        """Put the suggested word in place of the one found nowhere, and search again."""
        word, _bar, better = link.partition("|")
        pattern = re.compile(rf"(?<![\w*?~]){re.escape(word)}(?![\w*?~])", re.IGNORECASE)
        self.query.setText(pattern.sub(better, self.query.text(), count=1))
        self.run()

    def _chosen(self, index) -> None:
        where = index.data(Qt.UserRole)
        if where:
            self.hitActivated.emit(*where)

    def code_all_hits(self, code_path: str) -> bool:
        """Code every hit of the search - not only the rows fetched so far - as one undoable
        step (the hits are streamed in batches inside one transaction)."""
        if not self.result or not self.result.total or self.result.closed \
                or self.session is None:
            return False
        cmd = CodeHitsCommand(self.session, self.result, code_path, self.spread.currentData())
        if self.session.execute(cmd):
            self.summary.setText(n_("{n} coding made.", "{n} codings made.", cmd.made)
                                 .format(n=cmd.made))
            return True
        return False
