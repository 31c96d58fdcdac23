"""The code tree as a Qt item model: hierarchy, colours, quick keys, counts of codings and
documents (following the coder filter). Drops of codes (move) and of transcript selections
(coding) are turned into requests; the window performs them as undoable commands.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.core.codetree import CodeNode
from app.i18n import _, counts

CODE_MIME = "application/x-sitat-code"
SELECTION_MIME = "application/x-sitat-selection"
COL_NAME, COL_KEY, COL_CODINGS, COL_DOCS = range(4)
GuidRole = Qt.UserRole + 1
_ROOT_FLAGS = Qt.ItemIsDropEnabled  # worked out once: flags() is asked for every cell painted
_ITEM_FLAGS = _ROOT_FLAGS | Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDragEnabled


class _Item:
    __slots__ = ("node", "parent", "children", "row", "cache")

    def __init__(self, node: CodeNode | None, parent: "_Item | None") -> None:
        self.node = node
        self.parent = parent
        self.children: list[_Item] = []
        self.row = 0
        self.cache: dict | None = None  # (column, role) -> value, built on first paint


def colour_icon(colour: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(QColor(colour).darker(130))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pm)


class CodeTreeModel(QAbstractItemModel):
    moveRequested = Signal(str, object, int)  # code guid, new parent guid or None, index
    selectionDropped = Signal(str, str, int, int)  # code guid, document guid, start, end

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._root = _Item(None, None)
        self._by_guid: dict[str, _Item] = {}
        self._icons: dict[str, QIcon] = {}
        self.pinned: list[str] = []
        self.count_kind = "codings"  # or "segments": passages united across coders

    # -- data in -------------------------------------------------------------------------
    def set_nodes(self, nodes: list[CodeNode]) -> None:
        same = [(n.guid, n.parent_guid, n.name, n.colour) for n in nodes] == [
            (i.node.guid, i.node.parent_guid, i.node.name, i.node.colour)
            for i in self._iter_items()]
        if same:
            for n in nodes:
                item = self._by_guid[n.guid]
                item.node, item.cache = n, None
            self._emit_all_changed()
            return
        self.beginResetModel()
        self._root = _Item(None, None)
        self._by_guid = {}
        for n in nodes:
            parent = self._by_guid.get(n.parent_guid, self._root) if n.parent_guid else self._root
            item = _Item(n, parent)
            item.row = len(parent.children)
            parent.children.append(item)
            self._by_guid[n.guid] = item
        self.endResetModel()

    def set_pinned(self, guids: list[str]) -> None:
        if list(guids) == self.pinned:
            return
        self.pinned = list(guids)
        for item in self._iter_items():
            item.cache = None
        self._emit_all_changed(COL_KEY, COL_KEY)

    def set_count_kind(self, kind: str) -> None:
        """What the numbers count: "codings" or "segments" (passages); the header and the
        tooltips say which."""
        if kind == self.count_kind:
            return
        self.count_kind = kind
        for item in self._iter_items():
            item.cache = None
        self.headerDataChanged.emit(Qt.Horizontal, COL_CODINGS, COL_CODINGS)
        self._emit_all_changed()

    def _count_text(self, n: int) -> str:
        return counts.passages(n) if self.count_kind == "segments" else counts.codings(n)

    def _emit_all_changed(self, first: int = 0, last: int = COL_DOCS) -> None:
        """One dataChanged per group of siblings (not per code): views and proxies then do
        one pass instead of one per row."""
        parents = [self._root] + [i for i in self._iter_items() if i.children]
        for parent in parents:
            kids = parent.children
            if kids:
                self.dataChanged.emit(self.createIndex(0, first, kids[0]),
                                      self.createIndex(len(kids) - 1, last, kids[-1]))

    def _iter_items(self):
        stack = list(reversed(self._root.children))
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(item.children))

    def nodes(self) -> list[CodeNode]:
        return [i.node for i in self._iter_items()]

    def node(self, index: QModelIndex) -> CodeNode | None:
        return index.internalPointer().node if index.isValid() else None

    def index_of(self, guid: str, column: int = 0) -> QModelIndex:
        item = self._by_guid.get(guid)
        return self.createIndex(item.row, column, item) if item else QModelIndex()

    # -- QAbstractItemModel --------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        item = parent.internalPointer() if parent.isValid() else self._root
        if 0 <= row < len(item.children) and 0 <= column < 4:
            return self.createIndex(row, column, item.children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        item = index.internalPointer().parent
        if item is None or item is self._root:
            return QModelIndex()
        return self.createIndex(item.row, 0, item)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        item = parent.internalPointer() if parent.isValid() else self._root
        return len(item.children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 4

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal:
            return None
        passages = self.count_kind == "segments"
        if role == Qt.DisplayRole:
            return [_("Code"), _("Key"), _("Passages") if passages else _("Codings"),
                    _("Docs")][section]
        if role == Qt.ToolTipRole:
            return [_("Code"), _("Quick key (pinned codes)"),
                    _("Passages, including child codes (overlapping codings of a code by "
                      "different coders count once)") if passages
                    else _("Codings, including child codes"),
                    _("Documents coded, including child codes")][section]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        """Values come from a per-code cache: painting asks for many roles of every cell, and a
        dictionary lookup keeps that cheap however often the tree is repainted."""
        if not index.isValid():
            return None
        item: _Item = index.internalPointer()
        cache = item.cache
        if cache is None:
            cache = item.cache = self._values(item.node)
        return cache.get((index.column(), int(role)))

    def _values(self, n: CodeNode) -> dict:
        key = str(self.pinned.index(n.guid) + 1) if n.guid in self.pinned else ""
        icon = self._icons.get(n.colour)
        if icon is None:
            icon = self._icons[n.colour] = colour_icon(n.colour)
        tip = f"<b>{_html(n.name)}</b>"
        if n.description:
            tip += f"<br/>{_html(n.description)}"
        tip += "<br/>" + _("{own} here, {total} with child codes, in {docs}").format(
            own=self._count_text(n.codings), total=self._count_text(n.total_codings),
            docs=counts.documents(n.total_documents))
        if not n.codable:
            tip += "<br/><i>" + _("Groups other codes; not applied to text.") + "</i>"
        grey = QColor("#666666") if n.total_codings else QColor("#aaaaaa")
        right, centre = int(Qt.AlignRight | Qt.AlignVCenter), int(Qt.AlignCenter)
        D, T, A, F, G = (int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.TextAlignmentRole),
                         int(Qt.ForegroundRole), int(GuidRole))
        out = {
            (COL_NAME, D): n.name, (COL_KEY, D): key, (COL_CODINGS, D): str(n.total_codings),
            (COL_DOCS, D): str(n.total_documents), (COL_NAME, int(Qt.DecorationRole)): icon,
            (COL_KEY, A): centre, (COL_CODINGS, A): right, (COL_DOCS, A): right,
            (COL_CODINGS, F): grey, (COL_DOCS, F): grey,
            (COL_NAME, int(Qt.AccessibleTextRole)): _("{name}, {codings}").format(
                name=n.name, codings=self._count_text(n.total_codings)),
        }
        for col in range(4):
            out[(col, T)] = tip
            out[(col, G)] = n.guid
        if not n.codable:
            f = QFont()
            f.setItalic(True)
            out[(COL_NAME, int(Qt.FontRole))] = f
        return out

    def update_counts(self, counts: dict[str, tuple[int, int, int, int]]) -> None:
        """New (codings, documents, total codings, total documents) for some codes: only
        their rows are repainted."""
        for guid, (own, docs, total, total_docs) in counts.items():
            item = self._by_guid.get(guid)
            if item is None:
                continue
            n = item.node
            n.codings, n.documents, n.total_codings, n.total_documents = own, docs, total, total_docs
            item.cache = None
            self.dataChanged.emit(self.createIndex(item.row, 0, item),
                                  self.createIndex(item.row, COL_DOCS, item))

    def flags(self, index: QModelIndex):
        return _ITEM_FLAGS if index.isValid() else _ROOT_FLAGS

    # -- drag and drop -------------------------------------------------------------------
    def supportedDropActions(self):
        return Qt.MoveAction | Qt.CopyAction

    def supportedDragActions(self):
        return Qt.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CODE_MIME, SELECTION_MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        guids = []
        for i in indexes:
            if i.isValid() and i.column() == 0:
                guids.append(i.internalPointer().node.guid)
        data.setData(CODE_MIME, QByteArray("\n".join(guids).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        if data.hasFormat(SELECTION_MIME):
            return parent.isValid()
        return data.hasFormat(CODE_MIME)

    def dropMimeData(self, data: QMimeData, action, row: int, column: int,
                     parent: QModelIndex) -> bool:
        if data.hasFormat(SELECTION_MIME):
            if not parent.isValid():
                return False
            doc, start, end = bytes(data.data(SELECTION_MIME).data()).decode().split("\n")
            self.selectionDropped.emit(parent.internalPointer().node.guid, doc, int(start),
                                       int(end))
            return False
        if not data.hasFormat(CODE_MIME):
            return False
        guids = [g for g in bytes(data.data(CODE_MIME).data()).decode().split("\n") if g]
        target = parent.internalPointer().node.guid if parent.isValid() else None
        for guid in guids:
            if guid == target:
                continue
            index = row if row >= 0 else self.rowCount(parent)
            self.moveRequested.emit(guid, target, index)
        return False  # the model is rebuilt from the project after the move


def _html(text: str) -> str:
    import html

    return html.escape(text)
