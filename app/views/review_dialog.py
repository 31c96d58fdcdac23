"""Step through the disagreements of two coders on one code and settle each: accept A, B, both,
neither, or an edited span; the result is the consensus coder's coding. "Fill in agreed
segments" copies every segment both coded alike (this code or every code) to the consensus
coder and reports what is still undecided. Each is an undoable command on the undo stack."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
)

from app.core.team import review
from app.i18n import _
from app.views.commands.team import ConsensusFillCommand, ReviewCommand
from app.views.offsets import OffsetMap
from app.views.session import Session

CONTEXT = 280
SHOWN_UNDECIDED = 12  # the report lists this many undecided places by id
A_COLOUR, B_COLOUR = QColor("#9CC3E6"), QColor("#F4A6A6")


class ReviewDialog(QDialog):
    def __init__(self, session: Session, code_paths: list[str], coders: list[str],
                 parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.items: list[review.Disagreement] = []
        self.index = 0
        self.setWindowTitle(_("Review disagreements"))
        self.code = QComboBox(self)
        self.code.addItems(code_paths)
        self.coder_a, self.coder_b = QComboBox(self), QComboBox(self)
        self.coder_a.addItems(coders)
        self.coder_b.addItems(coders)
        if len(coders) > 1:
            self.coder_b.setCurrentIndex(1)
        self.consensus = QLineEdit(review.DEFAULT_CONSENSUS, self)
        for w in (self.code, self.coder_a, self.coder_b):
            w.currentIndexChanged.connect(self.load)
        form = QFormLayout()
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Coder A (blue):"), self.coder_a)
        form.addRow(_("Coder B (red):"), self.coder_b)
        form.addRow(_("Consensus coder:"), self.consensus)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.progress = QLabel(self)
        self.text = QTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("The disagreement in its context"))
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, label in (("a", _("Accept &A")), ("b", _("Accept &B")), ("both", _("B&oth")),
                           ("neither", _("&Neither")), ("edit", _("Use my &selection"))):
            btn = QPushButton(label, self)
            btn.clicked.connect(lambda _c=False, k=key: self.decide(k))
            buttons.addWidget(btn)
            self.buttons[key] = btn
        fill = QHBoxLayout()
        self.fill_btn = QPushButton(_("&Fill in agreed segments"), self)
        self.fill_btn.setToolTip(_("Copy every segment the two coders coded alike to the "
                                   "consensus coder, with memo and valence"))
        self.fill_btn.clicked.connect(self.fill)
        self.every_code = QCheckBox(_("for e&very code"), self)
        fill.addWidget(self.fill_btn)
        fill.addWidget(self.every_code)
        fill.addStretch(1)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setAccessibleName(_("What the consensus holds and what is undecided"))
        self.report.setMaximumHeight(130)
        self.report.hide()
        nav = QHBoxLayout()
        self.prev_btn = QPushButton(_("< &Previous"), self)
        self.next_btn = QPushButton(_("Ne&xt >"), self)
        self.prev_btn.clicked.connect(lambda: self.go(self.index - 1))
        self.next_btn.clicked.connect(lambda: self.go(self.index + 1))
        nav.addWidget(self.prev_btn)
        nav.addStretch(1)
        nav.addWidget(self.progress)
        nav.addStretch(1)
        nav.addWidget(self.next_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.where)
        lay.addWidget(self.text, 1)
        lay.addLayout(buttons)
        lay.addLayout(nav)
        lay.addLayout(fill)
        lay.addWidget(self.report)
        self.resize(860, 620)
        session.undo_stack.indexChanged.connect(lambda _i: self.items and self.show_current())
        self.load()

    def load(self) -> None:
        a, b = self.coder_a.currentText(), self.coder_b.currentText()
        self.items = []
        if self.code.currentText() and a and b and a != b:
            try:
                with self.session.read() as s:
                    self.items = review.disagreements(s, self.code.currentText(), a, b)
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, not raised
                self.where.setText(str(exc))
        self.go(0)

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.items) - 1)) if self.items else 0
        self.show_current()

    def show_current(self) -> None:
        done, total = review.progress(self.items)
        self.progress.setText(_("{done} of {total} resolved").format(done=done, total=total))
        has = bool(self.items)
        for btn in list(self.buttons.values()) + [self.prev_btn, self.next_btn]:
            btn.setEnabled(has)
        if not has:
            self.where.setText(_("No disagreements: the two coders agree on this code."))
            self.text.clear()
            return
        d = self.items[self.index]
        with self.session.read() as s:
            lo, excerpt = review.excerpt(s, d, CONTEXT)
            where = review.describe(s, d)
        names = {"a": _("accept A"), "b": _("accept B"), "both": _("both"),
                 "neither": _("neither"), "edit": _("own selection")}
        decided = _("decided: {decision}").format(decision=names.get(d.decision, d.decision)) \
            if d.decision else _("not decided yet")
        self.where.setText(f"{self.index + 1}/{len(self.items)} · {d.id} · {where} · "
                           f"{decided}")
        self.base = lo
        self.offsets = OffsetMap(excerpt)
        self.text.setPlainText(excerpt)
        sels = []
        for spans, colour, underline in ((d.a_spans, A_COLOUR, False),
                                         (d.b_spans, B_COLOUR, True)):
            for start, end in spans:
                sel = QTextEdit.ExtraSelection()
                cur = QTextCursor(self.text.document())
                cur.setPosition(self.offsets.to_qt(start - lo))
                cur.setPosition(self.offsets.to_qt(end - lo), QTextCursor.KeepAnchor)
                fmt = QTextCharFormat()
                if underline:
                    fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
                    fmt.setUnderlineColor(colour.darker(160))
                    fmt.setFontUnderline(True)
                    fmt.setForeground(colour.darker(220))
                else:
                    fmt.setBackground(colour)
                sel.cursor, sel.format = cur, fmt
                sels.append(sel)
        self.text.setExtraSelections(sels)
        cur = QTextCursor(self.text.document())
        cur.setPosition(self.offsets.to_qt(d.start - lo))
        self.text.setTextCursor(cur)
        self.text.ensureCursorVisible()

    def decide(self, decision: str) -> None:
        if not self.items:
            return
        d = self.items[self.index]
        span = None
        if decision == "edit":
            cur = self.text.textCursor()
            if not cur.hasSelection():
                self.where.setText(_("Select the words that should be coded first."))
                return
            a = self.offsets.from_qt(cur.selectionStart()) + self.base
            b = self.offsets.from_qt(cur.selectionEnd()) + self.base
            span = (a, b)
        cmd = ReviewCommand(self.session, d, decision, self.consensus.text().strip() or
                            review.DEFAULT_CONSENSUS, span)
        if self.session.execute(cmd):
            self.go(self.index + 1 if self.index + 1 < len(self.items) else self.index)

    def fill(self) -> None:
        a, b = self.coder_a.currentText(), self.coder_b.currentText()
        if not a or not b or a == b:
            self.where.setText(_("Choose two different coders to compare."))
            return
        codes = None if self.every_code.isChecked() else [self.code.currentText()]
        cmd = ConsensusFillCommand(self.session, [a, b], codes, self.consensus.text().strip()
                                   or review.DEFAULT_CONSENSUS)
        if self.session.execute(cmd):
            self.report.setPlainText(fill_summary(cmd.report))
            self.report.show()


def fill_summary(report) -> str:
    """The counts of a consensus fill and the first undecided places, by id."""
    lines = [_("Agreed segments copied: {copied}, already there: {present}; disagreements "
               "settled: {settled}, still undecided: {undecided}; valence conflicts: "
               "{conflicts}.").format(copied=report.copied, present=report.already_present,
                                    settled=report.settled, undecided=len(report.undecided),
                                    conflicts=len(report.valence_conflicts))]
    for d in report.undecided[:SHOWN_UNDECIDED]:
        lines.append(f"{d.id} · {d.code} · {d.document} {d.start}-{d.end}")
    if len(report.undecided) > SHOWN_UNDECIDED:
        lines.append(_("... and {n} more").format(n=len(report.undecided) - SHOWN_UNDECIDED))
    for v in report.valence_conflicts[:SHOWN_UNDECIDED]:
        lines.append(_("valence differs: {code} · {document} {start}-{end}").format(
            code=v.code, document=v.document, start=v.start, end=v.end))
    return "\n".join(lines)
