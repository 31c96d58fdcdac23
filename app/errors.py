"""Typed errors that carry a message a peer interviewer understands (already translated)."""


class SitatError(Exception):
    """Base of every error shown to a user. `str(err)` is the translated message."""


class ProjectError(SitatError):
    """The project file cannot be created, opened or used."""


class ImportFailed(SitatError):
    """A file could not be imported; nothing was written."""


class CodebookError(SitatError):
    """A codebook operation or codebook file is invalid."""


class NotFound(SitatError):
    """A document, code, coder or attribute named by the user does not exist."""


class InvalidInput(SitatError):
    """A value given by the user is out of range or malformed."""


class Cancelled(SitatError):
    """The user stopped a long operation; nothing was changed."""


class NotPermitted(ProjectError):
    """The user's role in a shared project does not allow this action; nothing was changed."""


class EditConflict(SitatError):
    """Someone else changed what this action (or its undo) would touch; nothing was changed."""
