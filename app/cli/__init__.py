"""The `sitat` command line: one module per family of commands over app/core (documents,
coding, project, team, reports, privacy, refi), `parser` assembles them, `main` runs one."""

# Imported here so that `app.cli.main` (the attribute) is the entry-point function that
# pyproject's `sitat = "app.cli:main"` names; the module is `sys.modules["app.cli.main"]`.
from app.cli.main import main

__all__ = ["main"]
