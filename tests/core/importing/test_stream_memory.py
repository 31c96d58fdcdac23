"""Memory caps of the .docx and .odt readers, asserted under a resource limit in a subprocess.

A 6 MB .docx of 4.6 million one-letter runs once needed 1.87 GB (an element tree of every
run) and said "damaged" under a 1.2 GB cap. The readers now stream the XML, so a document of
a million tiny runs must import with an address-space limit of ten times its text on top of
what the process already uses; the old reader needed about 440 times its text.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .builders import make_docx, make_odt

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs /proc and RLIMIT_AS")

ROOT = Path(__file__).resolve().parents[3]
RUNS = 1_000_000
WORDS = ["a", "b", "æ", "ø", "å", "hei", "x", "ja"]  # tiny runs, as a broken converter writes

CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from app.core.importing import read_file
from app.errors import ImportFailed
read_file(sys.argv[3])  # warm up: every module the reader needs is loaded
vm = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
cap = vm + int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    text = read_file(sys.argv[2]).text
    print(json.dumps({"chars": len(text), "bytes": len(text.encode()), "head": text[:40]}))
except ImportFailed as exc:
    print(json.dumps({"refused": str(exc)}))
"""


def _runs_text(n: int) -> list[str]:
    """Tiny runs in an irregular order (a regular one packs so well that the zip guard
    refuses it)."""
    rnd = random.Random(7)
    return rnd.choices(WORDS, k=n)


def _docx_of_runs(path: Path, runs: list[str], per_paragraph: int = 500) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>']
    for i in range(0, len(runs), per_paragraph):
        parts.append("<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'
                                       for t in runs[i:i + per_paragraph]) + "</w:p>")
    parts.append("</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "".join(parts))


def _odt_of_spans(path: Path, runs: list[str], per_paragraph: int = 500) -> None:
    body = "".join("<text:p>" + "".join(f"<text:span>{t}</text:span>"
                                       for t in runs[i:i + per_paragraph]) + "</text:p>"
                   for i in range(0, len(runs), per_paragraph))
    make_odt(path, body)


def _import_capped(path: Path, warm: Path, budget: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path), str(warm),
                          str(budget)], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "SITAT_LANG": "en"})
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_million_tiny_runs_import_within_ten_times_the_text(tmp_path: Path, kind: str) -> None:
    runs = _runs_text(RUNS)
    expected = "".join(runs[:500])
    text_bytes = sum(len(t.encode()) for t in runs)
    path = tmp_path / f"runer.{kind}"
    if kind == "docx":
        _docx_of_runs(path, runs)
        warm = make_docx(tmp_path / "liten.docx", ["Intervjuer: hei"])
    else:
        _odt_of_spans(path, runs)
        warm = make_odt(tmp_path / "liten.odt", "<text:p>Intervjuer: hei</text:p>")
    del runs
    result = _import_capped(path, warm, 10 * text_bytes)
    assert "refused" not in result, result
    assert result["head"] == expected[:40]
    assert result["bytes"] >= text_bytes  # the whole text came through
