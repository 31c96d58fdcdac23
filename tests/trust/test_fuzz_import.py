"""Fuzzing the importers: random bytes and random mutations of valid .txt, .docx, .odt, .qdpx,
.qdc and attribute CSV files go through import, in-process through the core.

For every example: the only exception allowed is a SitatError (a message for the user, never
a traceback); a refusal leaves the project byte-identical; and no file is left behind in the
project's folder (a refused .qdpx import leaves no new project or temporary file either).
Bounded: a fixed number of examples per format, no deadline per example, well under a minute
in all.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import attributes as attrs
from app.core.codebook_io import CodeSpec, import_codebook
from app.core.documents import import_files
from app.core.project import Project
from app.core.refi.qdc import read_qdc_file, write_qdc
from app.core.refi.qdpx_import import import_qdpx
from app.errors import SitatError
from tests.conftest import file_digest
from tests.core.importing.builders import make_docx, make_odt
from tests.core.refi.qdpx_helpers import CODE_A, CODE_B, Sel, Src, make_qdpx

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
TEXT = "Intervjuer: Hva tenker du om tjenesten?\nDeltaker 1: Jeg ble møtt med respekt 🙂.\n"
FUZZ = dict(deadline=None, database=None, print_blob=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                   HealthCheck.data_too_large])

# Pieces that tend to matter to parsers: markup, entities, quotes, separators, encodings,
# invisible and control characters, odd numbers.
TOKENS = [
    b"", b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x1b;", b"]]>", b"<![CDATA[x]]>", b'"', b"'",
    b'""', b";", b",", b"\t", b"\r\n", b"\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3(",
    b"<!DOCTYPE d [<!ENTITY a 'aaaa'>]>", b"&a;", "\u200b\u200d".encode(), b"\x1b[2J",
    "\u202e".encode(), b"<w:p>", b"</w:p>", b"<w:r><w:t>", b"</w:t></w:r>", b"<w:tbl><w:tr>",
    b'<text:s text:c="999999999"/>', b'table:number-rows-repeated="99999"', b"<text:p>",
    b'guid="11111111-1111-4111-8111-111111111111"', b'startPosition="-7"',
    b'endPosition="999999999999999999999"', b'plainTextPath="internal://../../x.txt"',
    b'name="a=b"', b"<Code name=''/>", b"document;bydel\r\n", b"99999999999999999999",
    b'encoding="ttf-8"', b'encoding="utf-7"', b'encoding="hex"', b'<?xml version="1.0" '
    b'encoding="utf-16"?>', b"<?xml version='2.0'?>",
]


def _zip_members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _zip_of(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _edit(draw, data: bytes) -> bytes:
    """One edit of the bytes: flips, a cut, or a slice replaced by a token or random bytes."""
    op = draw(st.sampled_from(["flip", "truncate", "replace", "replace", "insert"]))
    n = len(data)
    if op == "flip" and n:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, n - 1))
            out[i] ^= draw(st.integers(1, 255))
        return bytes(out)
    if op == "truncate":
        return data[:draw(st.integers(0, n))]
    i = draw(st.integers(0, n))
    j = i if op == "insert" else draw(st.integers(i, min(n, i + 64)))
    piece = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=24)))
    return data[:i] + piece + data[j:]


@st.composite
def mutations(draw, seed: bytes, is_zip: bool):
    """Random bytes, or the seed with a few edits (to the archive or to one of its members)."""
    kind = draw(st.sampled_from(["random", "edit", "edit", "member", "member", "member"]
                                if is_zip else ["random", "edit", "edit", "edit"]))
    if kind == "random":
        return draw(st.binary(max_size=2048))
    if kind == "edit" or not is_zip:
        data = seed
        for _ in range(draw(st.integers(1, 3))):
            data = _edit(draw, data)
        return data
    members = _zip_members(seed)
    i = draw(st.integers(0, len(members) - 1))
    name, data = members[i]
    action = draw(st.sampled_from(["edit", "edit", "edit", "drop", "twice", "rename"]))
    if action == "drop":
        del members[i]
    elif action == "twice":  # a second member with the same name
        members.append((name, _edit(draw, data)))
    elif action == "rename":
        members[i] = (draw(st.sampled_from(["../x.xml", "/abs.txt", "a\\b.qde", "x.qde",
                                            "sources/", "Sources/y.txt"])), data)
    else:
        for _ in range(draw(st.integers(1, 3))):
            data = _edit(draw, data)
        members[i] = (name, data)
    return _zip_of(members)


# -- seeds -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    out = {"txt": TEXT.encode("utf-8")}
    out["docx"] = make_docx(folder / "a.docx", ["Intervjuer: Hei.", "Deltaker 1: Tøyen\tja",
                                                "Slutt"]).read_bytes()
    out["odt"] = make_odt(folder / "a.odt", "<text:p>Intervjuer: Hei<text:s text:c='2'/>"
                                            "deg</text:p><text:p>Deltaker 1: æøå</text:p>"
                          ).read_bytes()
    start = TEXT.index("respekt")
    src = Src("Intervju", TEXT.encode(), [Sel(start, start + 7), Sel(0, 10, CODE_B)])
    extra = ('<Variables><Variable guid="44444444-4444-4444-8444-444444444444" name="bydel" '
             'typeOfVariable="Text"/></Variables><Notes><Note guid="55555555-5555-4555-8555-'
             '555555555555" name="n"><PlainTextContent>Et notat</PlainTextContent></Note>'
             "</Notes>")
    out["qdpx"] = make_qdpx(folder / "a.qdpx", [src], extra=extra).read_bytes()
    out["qdc"] = write_qdc([CodeSpec("Respekt", CODE_A, "#FF0000", "Å bli sett.",
                                     children=[CodeSpec("Møtt", CODE_B)])])
    out["csv"] = 'Dokument;Bydel;Tjeneste\r\nintervju;Alna;"Huset ""Nord"""\r\n'.encode("cp1252")
    return out


class Bench:
    """A project (closed between examples) and a folder for the files to import."""

    def __init__(self, tmp: Path) -> None:
        self.folder = tmp / "prosjekt"
        self.folder.mkdir()
        self.inputs = tmp / "inn"
        self.inputs.mkdir()
        self.out = tmp / "ut"
        self.out.mkdir()
        self.project = self.folder / "p.sitat"
        Project.create(self.project, "Fuzz").close()
        (self.inputs / "intervju.txt").write_text(TEXT, encoding="utf-8")
        with Project.open(self.project) as p:
            import_files(p, [self.inputs / "intervju.txt"])
        self.n = 0

    def attempt(self, ext: str, data: bytes, action) -> None:
        """Run `action(project, path)` on `data`; check the three promises."""
        self.n += 1
        path = self.inputs / f"fil{ext}"
        path.write_bytes(data)
        before = file_digest(self.project)
        listing = sorted(p.name for p in self.folder.iterdir())
        try:
            with Project.open(self.project) as p:
                action(p, path)
        except SitatError:
            assert file_digest(self.project) == before, "a refusal changed the project"
        assert sorted(p.name for p in self.folder.iterdir()) == listing, "a file was left"


@pytest.fixture
def bench(tmp_path) -> Bench:
    return Bench(tmp_path)


def _document(bench: Bench):
    def action(p, path):
        import_files(p, [path], name=f"dok {bench.n}", allow_duplicate=True)
    return action


# -- the fuzz tests --------------------------------------------------------------------------
@pytest.mark.parametrize("ext, examples", [("txt", 25), ("docx", 45), ("odt", 30)])
def test_documents(bench, seeds, ext, examples):
    @settings(max_examples=examples, **FUZZ)
    @given(data=mutations(seeds[ext], ext != "txt"))
    def run(data):
        bench.attempt(f".{ext}", data, _document(bench))

    run()


def test_codebooks(bench, seeds):
    def action(p, path):
        roots = read_qdc_file(path)
        with p.write() as s:
            import_codebook(s, roots)

    @settings(max_examples=40, **FUZZ)
    @given(data=mutations(seeds["qdc"], False))
    def run(data):
        bench.attempt(".qdc", data, action)

    run()


def test_attribute_csv(bench, seeds):
    def action(p, path):
        table = attrs.read_attributes_csv(path)
        with p.write() as s:
            attrs.apply_attributes_csv(s, table)

    @settings(max_examples=40, **FUZZ)
    @given(data=mutations(seeds["csv"], False))
    def run(data):
        bench.attempt(".csv", data, action)

    run()


def test_qdpx_projects(bench, seeds):
    def action(_p, path):
        target = bench.out / "ny.sitat"
        try:
            import_qdpx(path, target)
        except SitatError:
            assert list(bench.out.iterdir()) == [], "a refused import left a file behind"
            raise
        assert [f.name for f in bench.out.iterdir()] == ["ny.sitat"]
        Project.open(target).close()  # what was written opens as a project
        target.unlink()

    @settings(max_examples=50, **FUZZ)
    @given(data=mutations(seeds["qdpx"], True))
    def run(data):
        bench.attempt(".qdpx", data, action)

    run()
