"""Size limits of the importers: what a normal interview file never exceeds, and zip-bomb guards."""

from __future__ import annotations

from app.errors import ImportFailed

MiB = 1024 * 1024

# Plain text (.txt/.md) files larger than this are refused before they are read.
MAX_TEXT_BYTES = 10 * MiB
# The text taken out of any file (also .docx/.odt) may be at most this many characters.
MAX_TEXT_CHARS = 10 * MiB

# .docx/.odt are zip archives; these limits stop zip bombs before anything is unpacked.
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_TOTAL_BYTES = 200 * MiB  # sum of the declared unpacked sizes
MAX_ZIP_MEMBER_BYTES = 100 * MiB  # one unpacked part
MAX_ZIP_RATIO = 200  # unpacked / packed, checked for parts larger than ZIP_RATIO_MIN_BYTES
ZIP_RATIO_MIN_BYTES = 1 * MiB
MAX_ZIP_CENTRAL_DIRECTORY = 16 * MiB  # the archive's table of contents
ZIP_READ_CHUNK = 1 * MiB
# XML parts are read as a stream; elements nested deeper than this are not a real document
# (libxml2's own default limit).
MAX_XML_DEPTH = 256

# A REFI-QDA project (.qdpx) expands into texts and memos; what it expands into is limited
# too, so a small file cannot become a huge project (one note copied into many memos).
MAX_NOTE_CHARS = 1 * MiB  # one note (memo) in the file
# All source texts together: placing codings needs about 50 bytes per character of text.
MAX_PROJECT_TEXT_CHARS = 40 * MiB
MAX_PROJECT_MEMO_CHARS = 20 * MiB  # all memos together, after notes are copied into them


def format_size(n: int) -> str:
    """A byte count for messages: '10 MB', '20,5 MB' (decimal comma in Norwegian)."""
    from app.i18n import current_language

    if n < MiB:
        text = f"{max(1, round(n / 1024))} KB"
    else:
        text = f"{n / MiB:.1f}".removesuffix(".0") + " MB"
    return text.replace(".", ",") if current_language() == "nb" else text


def text_too_long(chars: int) -> ImportFailed:
    """The refusal of a text longer than MAX_TEXT_CHARS characters."""
    from app.i18n import _

    return ImportFailed(
        _("The text is {chars} characters long, more than the limit of {limit}. Split it "
          "into smaller files and import them one at a time.").format(
            chars=chars, limit=MAX_TEXT_CHARS
        )
    )
