"""Every undoable change the window makes, one module per family (coding, codes, documents,
condensation, team, privacy), all built on `base.SessionCommand`: one transaction through
app/core each way, then the session's signals say what changed."""
