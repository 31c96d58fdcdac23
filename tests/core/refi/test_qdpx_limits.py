"""REFI-QDA import: duplicate identifiers, what a .qdpx expands into, odd variable and source
names, and a large codebook.

Duplicate source guids once gave the first document the second one's text; an 18 KB file
became a 315 MB project (one 1 MiB note copied into 300 coding memos); source texts skipped
the 10 MiB text limit; a variable named `a=b` refused the whole import.
"""

from __future__ import annotations

import random
import time
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from app.core import attributes as attrs
from app.core.codebook import code_paths
from app.core.documents import list_documents
from app.core.importing.limits import MAX_NOTE_CHARS, MAX_PROJECT_MEMO_CHARS, MAX_TEXT_CHARS
from app.core.project import Project
from app.core.refi import qdpx_import
from app.core.refi.qdpx_import import import_qdpx
from app.errors import ImportFailed
from tests.core.refi.qdpx_helpers import CODE_A, USER, Sel, Src, make_qdpx, qde

TEXT = "Kari: Jeg ble møtt med respekt.\nKari: Det var bra.\n"
NS = "urn:QDA-XML:project:1.0"


def _only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def _refused(tmp_path: Path, qdpx: Path, *words: str) -> str:
    with pytest.raises(ImportFailed) as err:
        import_qdpx(qdpx, tmp_path / "out.sitat")
    for word in words:
        assert word in str(err.value), str(err.value)
    _only(tmp_path, qdpx.name)
    return str(err.value)


def _project_xml(body: str, codes: str = "") -> str:
    codes = codes or f'<Code guid="{CODE_A}" name="Respekt" isCodable="true"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="P" '
            f'origin="Test"><Users><User guid="{USER}" name="Kari"/></Users>'
            f"<CodeBook><Codes>{codes}</Codes></CodeBook>{body}</Project>")


def _selection(start: int, end: int, guid: str | None = None, notes: str = "") -> str:
    return (f'<PlainTextSelection guid="{guid or uuid.uuid4()}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{USER}"><Coding guid="{uuid.uuid4()}" '
            f'creatingUser="{USER}"><CodeRef targetGUID="{CODE_A}"/>{notes}</Coding>'
            "</PlainTextSelection>")


def _zip(path: Path, qde_text: str, members: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde_text)
        for name, data in (members or {}).items():
            zf.writestr(name, data)
    return path


def _random_text(chars: int, seed: int = 3) -> str:
    """Text that does not pack well (a very regular one trips the zip-bomb guard first)."""
    rnd = random.Random(seed)
    return "".join(rnd.choices("abcdefghijklmnopqrstuvwxyzæøå  \n", k=chars))


# -- duplicate identifiers -------------------------------------------------------------------
def test_two_sources_with_one_guid_are_refused(tmp_path):
    guid = str(uuid.uuid4())
    first = Src("Intervju Alna", TEXT.encode(), [Sel(23, 30)], guid=guid, path="internal://a.txt")
    second = Src("Intervju Stovner", "Noe helt annet her.\n".encode(), guid=guid,
                 path="internal://b.txt")
    qdpx = make_qdpx(tmp_path / "a.qdpx", [first, second])
    message = _refused(tmp_path, qdpx, "Two sources", guid, "Intervju Alna", "Intervju Stovner")
    assert "not imported" in message


def test_two_codes_with_one_guid_are_refused(tmp_path):
    codes = (f'<Code guid="{CODE_A}" name="Respekt"/>'
             f'<Code guid="{CODE_A.upper()}" name="Mistillit"/>')
    body = (f'<Sources><TextSource guid="{uuid.uuid4()}" name="i"><PlainTextContent>'
            f"{escape(TEXT)}</PlainTextContent>{_selection(23, 30)}</TextSource></Sources>")
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml(body, codes))
    _refused(tmp_path, qdpx, "Two codes", "Respekt", "Mistillit")


def test_two_selections_with_one_guid_are_refused(tmp_path):
    sel = str(uuid.uuid4())
    body = (f'<Sources><TextSource guid="{uuid.uuid4()}" name="i"><PlainTextContent>'
            f"{escape(TEXT)}</PlainTextContent>{_selection(23, 30, sel)}"
            f"{_selection(38, 41, '{' + sel.upper() + '}')}</TextSource></Sources>")
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml(body))
    _refused(tmp_path, qdpx, "Two selections", sel)


# -- what a file expands into ----------------------------------------------------------------
def _note_in_codings(codings: int, note: str) -> str:
    ref = f'<NoteRef targetGUID="{note}"/>'
    return (f'<Sources><TextSource guid="{uuid.uuid4()}" name="i"><PlainTextContent>'
            f"{escape(TEXT)}</PlainTextContent>"
            + "".join(_selection(23, 30, notes=ref) for _ in range(codings))
            + f'</TextSource></Sources><Notes><Note guid="{note}" name="n" '
            f'plainTextPath="internal://n.txt"/></Notes>')


def test_one_note_copied_into_300_memos_is_refused(new_location, tmp_path):
    note = str(uuid.uuid4())
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml(_note_in_codings(300, note)),
                {"sources/n.txt": "x" * MAX_NOTE_CHARS})
    assert qdpx.stat().st_size < 40_000  # a small file ...
    _refused(tmp_path, qdpx, f"more than {MAX_PROJECT_MEMO_CHARS} characters")  # ... not 315 MB
    # The same note in three codings of one passage is an ordinary file: one coding, one memo.
    qdpx.unlink()
    qdpx = _zip(tmp_path / "b.qdpx", _project_xml(_note_in_codings(3, note)),
                {"sources/n.txt": "Kari virket lettet."})
    report = import_qdpx(qdpx, new_location("o"))
    assert (report.documents, report.codings) == (1, 1)


def test_a_note_over_the_note_limit_is_refused(tmp_path):
    body = (f'<Notes><Note guid="{uuid.uuid4()}" name="n"><PlainTextContent>'
            f"{_random_text(MAX_NOTE_CHARS + 10)}</PlainTextContent></Note></Notes>")
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml(body))
    _refused(tmp_path, qdpx, f"the limit of {MAX_NOTE_CHARS} characters for one note")


def test_a_source_text_over_the_text_limit_is_refused(tmp_path):
    big = _random_text(MAX_TEXT_CHARS + 1000)
    inline = (f'<Sources><TextSource guid="{uuid.uuid4()}" name="Lang"><PlainTextContent>'
              f"{big}</PlainTextContent></TextSource></Sources>")
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml(inline))
    _refused(tmp_path, qdpx, "Lang", f"the limit of {MAX_TEXT_CHARS} characters")
    qdpx.unlink()
    member = make_qdpx(tmp_path / "b.qdpx", [Src("Lang", (big + big[:2_000_000]).encode())])
    _refused(tmp_path, member, "Lang", "MB, more than the limit of 10 MB for one document")


def test_all_texts_together_are_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(qdpx_import, "MAX_PROJECT_TEXT_CHARS", 2 * len(TEXT))
    sources = [Src(f"Intervju {i}", TEXT.replace("bra", f"bra {i}").encode()) for i in range(3)]
    _refused(tmp_path, make_qdpx(tmp_path / "a.qdpx", sources), "add up to more than")


# -- names -----------------------------------------------------------------------------------
def test_a_variable_named_a_equals_b_is_imported_under_another_name(new_location, tmp_path):
    var, var2 = str(uuid.uuid4()), str(uuid.uuid4())
    src = Src("Intervju Alna", TEXT.encode())
    extra = (f'<Variables><Variable guid="{var}" name="bydel=bo" typeOfVariable="Text"/>'
             f'<Variable guid="{var2}" name="alder" typeOfVariable="Integer"/></Variables>'
             f'<Cases><Case guid="{uuid.uuid4()}" name="k"><SourceRef targetGUID="{src.guid}"/>'
             f'<VariableValue><VariableRef targetGUID="{var}"/><TextValue>Alna</TextValue>'
             f'</VariableValue><VariableValue><VariableRef targetGUID="{var2}"/>'
             "<IntegerValue>42</IntegerValue></VariableValue></Case></Cases>")
    report = import_qdpx(make_qdpx(tmp_path / "a.qdpx", [src], extra=extra),
                         new_location("o"))
    assert report.documents == 1 and report.skipped == []
    assert [(r["variable"], r["attribute"]) for r in report.renamed] == [("bydel=bo", "bydel-bo")]
    assert report.as_json()["renamed"][0]["reason"].startswith("An attribute name cannot")
    with Project.open(new_location("o"), read_only=True) as p, p.read() as s:
        assert list(attrs.values_by_document(s).values()) == [{"bydel-bo": "Alna",
                                                               "alder": "42"}]


def test_source_names_with_control_characters_become_readable(new_location, tmp_path):
    src = Src("placeholder", TEXT.encode())
    odd = '"Intervju&#10;Alna&#9;\u202e\u2066 2"'  # line break, tab, bidi override, isolate
    qdpx = tmp_path / "a.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", qde([src]).replace(quoteattr(src.name), odd))
        zf.writestr(f"sources/{src.guid}.txt", TEXT)
    import_qdpx(qdpx, new_location("o"))
    with Project.open(new_location("o"), read_only=True) as p, p.read() as s:
        assert [d.name for d in list_documents(s)] == ["Intervju Alna 2"]


# -- a large codebook ------------------------------------------------------------------------
def test_twenty_thousand_codes_import_in_linear_time(new_location, tmp_path):
    codes = "".join(f'<Code guid="{uuid.uuid4()}" name="Tema {t}">'
                    + "".join(f'<Code guid="{uuid.uuid4()}" name="Kode {t}.{c}"/>'
                              for c in range(199))
                    + "</Code>" for t in range(100))
    qdpx = _zip(tmp_path / "a.qdpx", _project_xml("", codes))
    started = time.perf_counter()
    report = import_qdpx(qdpx, new_location("o"))
    seconds = time.perf_counter() - started
    assert report.codes == 20_000
    assert seconds < 15, f"20,000 codes took {seconds:.1f} s"  # 62 s when it was quadratic
    with Project.open(new_location("o"), read_only=True) as p, p.read() as s:
        paths = code_paths(s)
    assert len(paths) == 20_000 and "Tema 99/Kode 99.198" in paths.values()


CAPPED_IMPORT = r"""
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from app.core.refi.qdpx_import import import_qdpx
import_qdpx(Path(sys.argv[2]), Path(sys.argv[4]))  # warm up: modules loaded
vm = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
cap = vm + int(sys.argv[6])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
report = import_qdpx(Path(sys.argv[3]), Path(sys.argv[5]))
print(json.dumps({"documents": report.documents, "codings": report.codings}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_placing_codings_in_a_long_text_needs_about_fifty_bytes_per_character(tmp_path):
    """Position maps were lists of Python ints (133 bytes per character: a 10 MiB text took
    1.4 GB); as arrays of 8-byte integers a 3-million-character text imports within 64 bytes
    per character on top of what the process already uses."""
    import json
    import subprocess
    import sys

    chars = 3_000_000
    text = _random_text(chars, seed=11)
    start = text.index(" ", 1000) + 1
    big = make_qdpx(tmp_path / "stor.qdpx", [Src("Lang", text.encode(), [Sel(start, start + 5)])])
    small = make_qdpx(tmp_path / "liten.qdpx", [Src("Kort", TEXT.encode(), [Sel(23, 30)])])
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", CAPPED_IMPORT, str(root), str(small), str(big),
                          str(tmp_path / "a.sitat"), str(tmp_path / "b.sitat"), str(64 * chars)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-1500:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"documents": 1, "codings": 1}
