"""A survey import as an undoable command. The import itself ran in its own transaction off
the GUI thread (app.views.survey_import); the command is pushed afterwards, already done.
Undo deletes the survey with its respondents, answers and comment documents (their codings
go with them) in one transaction - the same as `sitat survey delete`; redo imports the same
file with the same mapping again (and refuses, changing nothing, if it no longer fits).

Why undoable rather than confirm-only: every other change in the window is on the undo
stack, an import of the wrong file is the mistake most worth one Ctrl+Z, and its exact undo
is cheap (a delete by cascade). Redo reimports, so the comment documents get new ids: a later
step on the stack that names one of them then says it cannot be redone instead of guessing."""

from __future__ import annotations

from pathlib import Path

from app.i18n import _
from app.views.commands.base import SessionCommand
from app.views.session import Session


class ImportSurveyCommand(SessionCommand):
    def __init__(self, session: Session, summary, file: Path, mapping, done: bool = False) -> None:
        super().__init__(session, _("Import survey {name}").format(name=summary.survey))
        self.name = summary.survey
        self.file, self.mapping = Path(file), mapping
        self._pushed = not done  # done: QUndoStack.push's redo() must not import it again

    def apply(self, s) -> None:  # pragma: no cover - the import runs before the push
        raise NotImplementedError

    def revert(self, s) -> None:
        from app.core.survey.surveys import delete_survey

        delete_survey(s, self.name)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            self.refresh()
            return
        from app.core.survey.importer import import_survey

        try:  # import_survey is one transaction of its own
            import_survey(self.session.project, self.file, self.mapping, self.name,
                          imported_by=self.session.coder_name)
        except Exception as exc:  # noqa: BLE001 - reported to the user, stack reset
            self.session.report(exc)
            return
        self.refresh()

    def refresh(self) -> None:
        self.session.documentsChanged.emit()
        self.session.countsChanged.emit()


class SetMinGroupCommand(SessionCommand):
    """The smallest group a survey shows figures for (a setting of the survey, saved in the
    project); undo puts the old one back. `shown` is called after each step (the panel)."""

    def __init__(self, session: Session, survey: str, value: int, shown) -> None:
        super().__init__(session, _("Smallest group {n} for {survey}").format(
            n=value, survey=survey))
        self.survey, self.value, self.old, self.shown = survey, value, None, shown

    def apply(self, s) -> None:
        from app.core.survey.surveys import set_min_group

        _name, self.old, _new = set_min_group(s, self.survey, self.value)

    def revert(self, s) -> None:
        from app.core.survey.surveys import set_min_group

        set_min_group(s, self.survey, self.old)

    def refresh(self) -> None:
        self.shown()
