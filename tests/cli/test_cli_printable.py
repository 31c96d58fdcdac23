"""What the command line prints: control, bidi and separator characters and stray file-name bytes
as visible escapes in text; JSON that any reader takes, with names exactly as stored."""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from types import SimpleNamespace

import pytest

from app.cli.common import emit_json, output, printable


@pytest.mark.parametrize("raw, shown", [
    ("Åse Ørnulf", "Åse Ørnulf"),  # letters and emoji are text, never escaped
    ("fg 🙂", "fg 🙂"),
    ("to\nlinjer", "to\\nlinjer"),
    ("rød\x1b[31m", "rød\\x1b[31m"),
    ("tab\tcarriage\r", "tab\\tcarriage\\r"),
    ("bell\x07 nul\x00 del\x7f c1\x9b", "bell\\x07 nul\\x00 del\\x7f c1\\x9b"),
    ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
    ("a\u2028b\u2066c", "a\\u2028b\\u2066c"),
    (os.fsdecode(b"fil-\xff\xfe.txt"), "fil-\\xff\\xfe.txt"),  # bytes that are not UTF-8
    ("A\\/B", "A\\/B"),  # code paths keep their own escapes as they are
])
def test_printable(raw, shown):
    assert printable(raw) == shown
    assert printable(raw).encode("utf-8")  # always encodable, whatever the terminal


def test_text_output_keeps_column_tabs_and_splits_only_whole_texts():
    buf = io.StringIO()
    a = SimpleNamespace(json=False)
    with redirect_stdout(buf):
        output(a, None, ["navn\x1b\t12", "neste\nlinje\t3"])
        output(a, None, "første\nandre\x07")
    assert buf.getvalue().splitlines() == [
        "navn\\x1b\t12", "neste\\nlinje\t3", "første", "andre\\x07"]


def test_json_output_round_trips_names_and_file_name_bytes():
    data = {"document": "fg\n\x1b[31m", "file": os.fsdecode(b"kopi-\xff.sitat")}
    buf = io.StringIO()
    with redirect_stdout(buf):
        emit_json(data)
    text = buf.getvalue()
    text.encode("utf-8")  # valid UTF-8 on any terminal or pipe
    assert "\x1b" not in text and json.loads(text) == data
