"""The workbench's side panels: the document list (filter, attributes editable in place) and the
code tree (apply, create, rename, delete, move by drag and drop). Panels only emit requests;
the main window turns them into undoable commands.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.codetree import CodeNode
from app.i18n import _, counts
from app.views.code_tree_model import (
    COL_CODINGS,
    COL_DOCS,
    COL_KEY,
    COL_NAME,
    CodeTreeModel,
    GuidRole,
)
from app.views.documents_model import FIXED, DocumentsFilter, DocumentsModel

MAX_COLUMN = 340  # px: a longer document name or value is elided, with the whole in a tooltip


def _chrome(view, scrolls: bool = True) -> int:
    """What a view needs beside its columns: its frame and a vertical scroll bar."""
    bar = view.verticalScrollBar().sizeHint().width() if scrolls else 0
    return 2 * view.frameWidth() + bar


class _DropTable(QTableView):
    """The document table; files dropped on it are offered for import."""

    filesDropped = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def _files(self, event) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        files = self._files(event)
        if files:
            event.acceptProposedAction()
            self.filesDropped.emit(files)
        else:
            super().dropEvent(event)


class DocumentsPanel(QWidget):
    documentChosen = Signal(str)  # document guid
    deleteRequested = Signal(list)  # document guids
    filesDropped = Signal(list)  # paths to import

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = DocumentsModel(self)
        self.proxy = DocumentsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Filter documents by name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.attribute = QComboBox(self)
        self.attribute.setAccessibleName(_("Filter by attribute"))
        self.value = QComboBox(self)
        self.value.setAccessibleName(_("Attribute value"))
        self.attribute.currentIndexChanged.connect(self._attribute_chosen)
        self.value.currentIndexChanged.connect(self._value_chosen)
        self.table = _DropTable(self)
        self.table.filesDropped.connect(self.filesDropped)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)  # sized on new data, not per edit
        header.setMaximumSectionSize(MAX_COLUMN)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAccessibleName(_("Documents"))
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.selectionModel().currentRowChanged.connect(self._current)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        row = QHBoxLayout()
        row.addWidget(self.attribute, 1)
        row.addWidget(self.value, 1)
        lay.addLayout(row)
        lay.addWidget(self.table)
        self._fill_attributes()

    def set_data(self, columns, rows) -> None:
        reshaped = ([c.name for c in columns] != [c.name for c in self.model.columns]
                    or len(rows) != len(self.model.rows))
        self.model.set_data(columns, rows)
        if reshaped:
            self.fit_columns()
        self._fill_attributes()

    def fit_columns(self) -> None:
        """Every column as wide as its widest value or header (names uncut up to MAX_COLUMN),
        shown in the order name, attributes, length, codings: what tells documents apart
        first, so the attributes are in view beside the name without scrolling."""
        header = self.table.horizontalHeader()
        for visual, logical in enumerate([0] + list(range(FIXED, self.model.columnCount()))
                                         + [1, 2]):
            if logical < self.model.columnCount() and header.visualIndex(logical) != visual:
                header.moveSection(header.visualIndex(logical), visual)
        self._size_columns()

    def _size_columns(self) -> None:
        """Each column as wide as its widest cell (measured as the view measures it, on the
        one row whose text is widest) or its header: like resizeColumnsToContents, without
        asking the model for every cell of every row (a second at 600 documents)."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for col in range(self.model.columnCount()):
            texts = self.model.column_texts(col)
            width = 0
            if texts:
                widest = max(range(len(texts)), key=lambda i: metrics.horizontalAdvance(texts[i]))
                index = self.proxy.mapFromSource(self.model.index(widest, col))
                if index.isValid():
                    width = self.table.sizeHintForIndex(index).width()
                else:  # filtered out of view: the text and the usual padding
                    width = metrics.horizontalAdvance(texts[widest]) + 12
                width += 1 if self.table.showGrid() else 0  # as sizeHintForColumn counts
            width = max(width, header.sectionSizeHint(col))
            header.resizeSection(col, min(width, header.maximumSectionSize()))

    def column_edges(self, height: int | None = None) -> list[int]:
        """The widths that show the first 1, 2, ... columns (in the order shown) whole, with
        the frame and a vertical scroll bar (unless every row fits in `height` px)."""
        header = self.table.horizontalHeader()
        rows = self.table.verticalHeader().length() + header.height()
        edges, width = [], _chrome(self.table, scrolls=height is None or rows > height)
        for visual in range(header.count()):
            width += header.sectionSize(header.logicalIndex(visual))
            edges.append(width)
        return edges
    def _fill_attributes(self) -> None:
        names = [c.name for c in self.model.columns]
        current = self.attribute.currentData()
        if [self.attribute.itemData(i) for i in range(1, self.attribute.count())] != names:
            self.attribute.blockSignals(True)
            self.attribute.clear()
            self.attribute.addItem(_("All documents"), None)
            for n in names:
                self.attribute.addItem(n, n)
            self.attribute.setCurrentIndex(max(0, self.attribute.findData(current)))
            self.attribute.blockSignals(False)
        self._fill_values()

    def _fill_values(self) -> None:
        attribute = self.attribute.currentData()
        values = self.model.values_of(attribute) if attribute else []
        current = self.value.currentData()
        self.value.blockSignals(True)
        self.value.clear()
        self.value.setEnabled(bool(attribute))
        for v in values:
            self.value.addItem(v, v)
        if values:
            self.value.setCurrentIndex(max(0, self.value.findData(current)))
        self.value.blockSignals(False)
        self._apply_filter()

    def _attribute_chosen(self) -> None:
        self._fill_values()

    def _value_chosen(self) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        attribute = self.attribute.currentData()
        self.proxy.set_attribute_filter(attribute, self.value.currentData() if attribute else None)

    def filter_by(self, attribute: str | None, value: str | None = None) -> None:
        self.attribute.setCurrentIndex(max(0, self.attribute.findData(attribute)))
        if value is not None:
            self.value.setCurrentIndex(max(0, self.value.findData(value)))

    def _current(self, index: QModelIndex, _prev: QModelIndex) -> None:
        if index.isValid():
            self.documentChosen.emit(self.proxy.index(index.row(), 0).data(GuidRole))

    def selected_guids(self) -> list[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.proxy.index(r, 0).data(GuidRole) for r in sorted(rows)]

    def select(self, guid: str) -> None:
        row = self.model.row_of(guid)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())

    def _menu(self, pos) -> None:
        guids = self.selected_guids()
        if not guids:
            return
        menu = QMenu(self)
        menu.addAction(_("Delete {documents}...").format(documents=counts.documents(len(guids))),
                       lambda: self.deleteRequested.emit(guids))
        menu.exec(self.table.viewport().mapToGlobal(pos))


class _CodeFilter(QSortFilterProxyModel):
    """Keeps a code when it or any descendant matches the filter text."""

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        text = self.filterRegularExpression().pattern()
        if not text:
            return True
        index = self.sourceModel().index(row, COL_NAME, parent)
        if text.casefold() in str(index.data() or "").casefold():
            return True
        return any(self.filterAcceptsRow(r, index) for r in range(self.sourceModel().rowCount(index)))


class CodesPanel(QWidget):
    applyRequested = Signal(str)  # code guid: code the current selection
    createRequested = Signal(object)  # parent guid or None
    renameRequested = Signal(str)
    deleteRequested = Signal(str)
    mergeRequested = Signal(str)  # source guid (the window asks for the target)
    codeSetsRequested = Signal(object)  # the code clicked on, or None
    editRequested = Signal(str)
    pinRequested = Signal(str)  # toggle the code's quick key
    codeClicked = Signal(str)  # retrieval, and coding when text is selected

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = CodeTreeModel(self)
        self.proxy = _CodeFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(False)
        self.proxy.setDynamicSortFilter(False)  # the tree is never sorted; filtered on typing
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Find a code"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDrop)
        self.tree.setDefaultDropAction(Qt.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setAcceptDrops(True)
        self.tree.setAccessibleName(_("Codes"))
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._clicked)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.Stretch)
        # Fixed widths for the key and count columns (their header, or room for the largest
        # count): resizing to contents would make the view read every row after each coding.
        fm = self.tree.fontMetrics()
        digits = {COL_KEY: 0, COL_CODINGS: fm.horizontalAdvance("00000") + 12,
                  COL_DOCS: fm.horizontalAdvance("0000") + 12}
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.Fixed)
            header.resizeSection(col, max(digits[col], header.sectionSizeHint(col)))
        fixed = sum(header.sectionSize(c) for c in range(1, self.model.columnCount()))
        self.tree.setMinimumWidth(fixed + fm.averageCharWidth() * 18)  # some of every name
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.tree)

    def set_nodes(self, nodes: list[CodeNode]) -> None:
        expanded = self.expanded_guids()
        first = self.model.rowCount() == 0
        self.model.set_nodes(nodes)
        if first:
            self.tree.expandAll()
        else:
            for guid in expanded:
                self.tree.expand(self.proxy.mapFromSource(self.model.index_of(guid)))

    def needed_width(self) -> int:
        """Width that shows every code's name uncut beside the key and count columns."""
        header = self.tree.header()
        fixed = sum(header.sectionSize(c) for c in range(1, header.count()))
        name = max(self.tree.sizeHintForColumn(COL_NAME), header.sectionSizeHint(COL_NAME))
        return name + fixed + _chrome(self.tree)

    def expanded_guids(self) -> list[str]:
        out = []
        for n in self.model.nodes():
            index = self.proxy.mapFromSource(self.model.index_of(n.guid))
            if index.isValid() and self.tree.isExpanded(index):
                out.append(n.guid)
        return out

    def current_guid(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(GuidRole) if index.isValid() else None

    def select(self, guid: str) -> None:
        index = self.proxy.mapFromSource(self.model.index_of(guid))
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.applyRequested.emit(index.data(GuidRole))

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.codeClicked.emit(index.data(GuidRole))

    def _menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        guid = index.data(GuidRole) if index.isValid() else None
        menu = QMenu(self)
        if guid:
            node = self.model.node(self.proxy.mapToSource(index))
            act = menu.addAction(_("Code the selected text with {name}").format(name=node.name),
                                 lambda: self.applyRequested.emit(guid))
            act.setEnabled(node.codable)
            menu.addSeparator()
            menu.addAction(_("New child code..."), lambda: self.createRequested.emit(guid))
        menu.addAction(_("New top-level code..."), lambda: self.createRequested.emit(None))
        if guid:
            menu.addAction(_("Edit definition and colour..."), lambda: self.editRequested.emit(guid))
            menu.addAction(_("Rename..."), lambda: self.renameRequested.emit(guid))
            pinned = guid in self.model.pinned
            act = menu.addAction(_("Unpin from quick key {n}").format(
                n=self.model.pinned.index(guid) + 1) if pinned else _("Pin to a quick key (1-9)"),
                lambda: self.pinRequested.emit(guid))
            act.setEnabled(pinned or node.codable)
            menu.addAction(_("Merge into another code..."), lambda: self.mergeRequested.emit(guid))
        menu.addAction(_("Code sets..."), lambda: self.codeSetsRequested.emit(guid))
        if guid:
            menu.addSeparator()
            menu.addAction(_("Delete..."), lambda: self.deleteRequested.emit(guid))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
