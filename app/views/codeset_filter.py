"""The "code set" choice of the displays window, the quote export dialog and the search panel:
no filter, or the codes of one code set - resolved through app.core.codesets exactly as the
CLI's `--codeset` / `--in-codeset` do (as if each code of the set were given as a code filter).
A project without code sets shows the choice disabled, saying where sets are made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from app.errors import InvalidInput
from app.i18n import _, counts

SET, CODES = "set:", "codes"  # item data: "set:NAME", or CODES for a saved display's codes


class CodeSetFilter(QComboBox):
    """No filter (the first entry), one code set, or - after `show_codes` - the code list a
    saved display brought that matches no set. `item` formats a set's entry ({name}, {codes})."""

    def __init__(self, parent=None, first: str | None = None, item: str | None = None,
                 tip: str | None = None) -> None:
        super().__init__(parent)
        self.first = first or _("all codes")
        self.item = item or _("{name} ({codes})")
        self.tip = tip or _("Only the codes of this code set (and their child codes)")
        self.sets: dict[str, list[str]] = {}  # name -> code paths when last filled
        self.saved_codes: tuple[str, ...] = ()  # the CODES entry's codes
        self.setAccessibleName(_("Code set"))

    # -- filling ---------------------------------------------------------------------------------
    def load(self, session) -> None:
        """Fill from the session's project, keeping the choice when it is still there."""
        from app.core.codesets import list_code_sets

        with session.read() as s:
            self.fill([(x.name, x.codes) for x in list_code_sets(s)])

    def fill(self, sets: list[tuple[str, list[str]]]) -> None:
        keep = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.sets = {name: list(codes) for name, codes in sets}
        self.addItem(self.first, None)
        model = self.model()
        for name, codes in sets:
            self.addItem(self.item.format(name=name, codes=counts.codes(len(codes))), SET + name)
            if not codes and isinstance(model, QStandardItemModel):
                row = model.item(self.count() - 1)
                row.setEnabled(False)  # a set without codes would mean no filter at all
                row.setToolTip(_("This set holds no codes yet."))
        if keep == CODES:
            self._add_codes(self.saved_codes)
        at = self.findData(keep) if keep is not None else -1
        self.setCurrentIndex(max(at, 0))
        self._enable()
        self.blockSignals(False)

    def _enable(self) -> None:
        """Enabled when there is something to choose; else it says why not."""
        self.setEnabled(self.count() > 1)
        self.setItemText(0, self.first if self.count() > 1 else
                         _("no code sets yet"))
        self.setToolTip(self.tip if self.sets else
                        _("Code sets are named groups of codes. Make them under Codes > "
                          "Code sets... to limit this to the codes of one set."))

    def _add_codes(self, codes: tuple[str, ...]) -> int:
        self.saved_codes = tuple(codes)
        self.addItem(_("the saved display's codes ({codes})").format(
            codes=counts.codes(len(codes))), CODES)
        self.setItemData(self.count() - 1, "\n".join(codes), Qt.ToolTipRole)
        return self.count() - 1

    # -- the choice ------------------------------------------------------------------------------
    def chosen_set(self) -> str | None:
        data = self.currentData()
        return data[len(SET):] if data and data.startswith(SET) else None

    def choose_set(self, name: str | None) -> None:
        """Choose a set by name (None: no filter); a saved display's own codes entry goes."""
        if self.findData(CODES) >= 0:
            self.removeItem(self.findData(CODES))
        self.setCurrentIndex(max(0, self.findData(SET + name) if name else 0))

    def saved_or_none(self) -> tuple[str, ...]:
        """The codes a saved display brought when that entry is chosen, else none."""
        return self.saved_codes if self.currentData() == CODES else ()

    def paths(self, s) -> list[str] | None:
        """The chosen codes as paths, read now in the open session `s` (a set edited since the
        list was filled counts as it is now); None for no filter. NotFound for a set deleted
        meanwhile, InvalidInput for a set that holds no code."""
        from app.core.codesets import code_paths_in_sets

        if self.currentData() == CODES:
            return list(self.saved_codes)
        name = self.chosen_set()
        if name is None:
            return None
        paths = code_paths_in_sets(s, [name])
        if not paths:
            raise InvalidInput(_("The code set {name} holds no codes; tick some under Codes > "
                                 "Code sets...").format(name=name))
        return paths

    def show_codes(self, codes) -> None:
        """Show a code filter that came with a saved display: the set holding exactly those
        codes, else an entry of its own (so the display is shown as it was saved)."""
        codes = tuple(codes or ())
        if self.findData(CODES) >= 0:
            self.removeItem(self.findData(CODES))
        if not codes:
            self.setCurrentIndex(0)
        else:
            match = next((name for name, paths in self.sets.items()
                          if paths and set(paths) == set(codes)), None)
            self.setCurrentIndex(self.findData(SET + match) if match else
                                 self._add_codes(codes))
        self._enable()


def merged(codes: list[str] | None, more: list[str] | None) -> list[str] | None:
    """A code filter plus a code set's codes, as the CLI's `--code` plus `--codeset`."""
    if not more:
        return codes
    out = list(codes or [])
    return out + [p for p in more if p not in out]
