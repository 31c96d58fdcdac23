"""The files Sitat reads and writes, each kind in one place:

- atomic: files a user asked for, written through a temporary file and moved into place;
- cells: text for Word, Excel and CSV cells (no XML control characters, no formulas);
- outputs: where a command may write (never onto the project, its companions, its backups or
  its own inputs), and staging several outputs so they land together or not at all;
- reading: files a user names (ordinary files only, read with a size cap);
- own: the files Sitat keeps beside a project or in its cache (never through a planted link);
- leftovers: what a killed Sitat left behind, removed at the next start.
"""

from app.core.files.atomic import save_atomic, write_bytes_atomic
from app.core.files.cells import formula_like, spreadsheet_safe, xml_safe

__all__ = ["formula_like", "save_atomic", "spreadsheet_safe", "write_bytes_atomic", "xml_safe"]
