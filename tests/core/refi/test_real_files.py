"""Real REFI-QDA files written by other tools (tests/data/refi, licences in its README): every
coding lands on the words the original tool meant, also when the names are shortened quotes;
users, code groups and unnamed sources come along; and a round trip keeps them."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from app.core.coding import list_codings
from app.core.project import Project
from app.core.refi.qdpx_import import import_qdpx
from app.models import Coder, Coding, Document

DATA = Path(__file__).resolve().parents[2] / "data" / "refi"
NVIVO = DATA / "nvivo-windows-12.6.qdpx"
QC = DATA / "qc-1.3.2-demo.qdpx"
NVIVO_MAC = DATA / "nvivo-mac-15.0.0.qdpx"
NS = "urn:QDA-XML:project:1.0"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _selections(qdpx: Path) -> list[dict]:
    """Each PlainTextSelection of the file: guid, name, source name/path, coding guids."""
    with zipfile.ZipFile(qdpx) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    out = []
    for src in root.iter(f"{{{NS}}}TextSource"):
        for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
            out.append({"guid": sel.get("guid").lower(), "name": sel.get("name"),
                        "path": src.get("plainTextPath"),
                        "codings": [c.get("guid").lower() for c in sel
                                    if _local(c.tag) == "Coding"]})
    return out


def _coded(path: Path) -> dict[str, str]:
    """coding guid -> its text, of an imported project."""
    with Project.open(path, read_only=True) as p, p.read() as s:
        return {c.guid: c.text for c in list_codings(s)}


def _on_word_edges(text: str, whole: str, start: int) -> bool:
    end = start + len(text)
    left = start == 0 or not (whole[start - 1].isalnum() and whole[start].isalnum())
    right = end == len(whole) or not (whole[end - 1].isalnum() and whole[end].isalnum())
    return left and right


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    d = tmp_path_factory.mktemp("real")
    reports = {f.stem: import_qdpx(f, d / f"{f.stem}.sitat") for f in (NVIVO, QC, NVIVO_MAC)}
    return d, reports


def test_nvivo_windows_every_coding_on_the_words_nvivo_meant(imported):
    from tests.core.refi.third_party import pyqdpx_selections

    d, reports = imported
    report = reports[NVIVO.stem]
    assert report.dialect == "utf16" and report.skipped == []
    assert (report.documents, report.codings, report.coders) == (2, 303, 2)
    coded = _coded(d / f"{NVIVO.stem}.sitat")
    # pyqdpx counts UTF-16 units as NVivo does: the same words, selection by selection (its
    # text still has the file's CRLF and its own zero-width spaces).
    theirs = pyqdpx_selections(NVIVO)
    for sel in _selections(NVIVO):
        want = unicodedata.normalize("NFC", theirs[sel["guid"]].replace("\r\n", "\n"))
        assert coded[sel["guid"]] == want
    with Project.open(d / f"{NVIVO.stem}.sitat", read_only=True) as p, p.read() as s:
        texts = {doc.id: doc.text for doc in s.query(Document)}
        rows = [(c.document_id, c.start, c.end) for c in s.query(Coding)]
        assert sum("😀" <= ch for t in texts.values() for ch in t if ord(ch) > 0xFFFF) > 1000
    off = [texts[i][a:b] for i, a, b in rows if not _on_word_edges(texts[i][a:b], texts[i], a)]
    # 300 of 303 start and end on word edges. The other three are as the NVivo user selected
    # them (pyqdpx reads the same words), each a letter or two off a word: one ends inside
    # "AKI", one starts inside "Javitsatok", one ends inside "hiedelem".
    assert len(off) == 3
    assert [t[:9] for t in off] == ["A n á czi", "avitsatok", "A statisz"]


def test_qc_every_coding_is_the_line_its_name_gives(imported):
    d, reports = imported
    report = reports[QC.stem]
    assert report.skipped == [] and (report.codings, report.documents) == (205, 2)
    coded = _coded(d / f"{QC.stem}.sitat")
    with zipfile.ZipFile(QC) as zf:
        lines = {name[len("sources/"):]: zf.read(name).decode("utf-8").splitlines(keepends=True)
                 for name in zf.namelist() if name.startswith("sources/")}
    checked = 0
    for sel in _selections(QC):
        line = lines[sel["path"]][int(sel["name"].split(":")[1])]  # qc: line:N, from 0
        ids = [sel["guid"]] + sel["codings"][1:]  # the first coding keeps the selection's guid
        for guid in ids:
            assert coded[guid] == line
            checked += 1
    assert checked == 205
    with Project.open(d / f"{QC.stem}.sitat", read_only=True) as p, p.read() as s:
        assert sorted(doc.name for doc in s.query(Document)) == ["admin-1", "board_2017"]


def test_nvivo_mac_codebook_and_users_without_codings(imported):
    d, reports = imported
    report = reports[NVIVO_MAC.stem]
    assert (report.codes, report.coders, report.codings, report.skipped_codings) == (262, 2, 0, 0)
    with Project.open(d / f"{NVIVO_MAC.stem}.sitat", read_only=True) as p, p.read() as s:
        assert {c.name for c in s.query(Coder)} == {"chrisp", "cp"}


def _renamed(src: Path, out: Path, name_of) -> Path:
    """The same package with every selection's name replaced by name_of(guid)."""
    ET.register_namespace("", NS)
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(out, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "project.qde":
                root = ET.fromstring(data)
                for sel in root.iter(f"{{{NS}}}PlainTextSelection"):
                    sel.set("name", name_of(sel.get("guid").lower()))
                data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            zo.writestr(info, data)
    return out


@pytest.mark.parametrize("src", [NVIVO, QC], ids=["nvivo", "qc"])
def test_names_cut_to_60_characters_lose_no_coding(new_location, imported, tmp_path, src):
    # As an exporter that writes the first 60 characters of the quote as its name.
    d, reports = imported
    coded = _coded(d / f"{src.stem}.sitat")
    cut = _renamed(src, tmp_path / "cut.qdpx", lambda guid: coded[guid][:60])
    report = import_qdpx(cut, new_location("cut"))
    assert report.skipped == [] and report.codings == reports[src.stem].codings
    assert _coded(new_location("cut")) == coded


def test_one_renamed_quotation_in_a_real_file_is_kept(new_location, imported, tmp_path):
    d, _reports = imported
    coded = _coded(d / f"{NVIVO.stem}.sitat")
    first = _selections(NVIVO)[0]["guid"]
    qdpx = _renamed(NVIVO, tmp_path / "one.qdpx",
                    lambda guid: "Min favoritt" if guid == first else coded[guid])
    report = import_qdpx(qdpx, new_location("one"))
    assert report.skipped == [] and _coded(new_location("one")) == coded


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_real_projects_survive_a_round_trip_through_sitat(new_location, imported, tmp_path, offsets):
    from app.core.refi.qdpx_export import export_qdpx

    d, _reports = imported
    for stem in (NVIVO.stem, QC.stem):
        with Project.open(d / f"{stem}.sitat", read_only=True) as p:
            export_qdpx(p, tmp_path / f"{stem}.qdpx", offsets=offsets)
        report = import_qdpx(tmp_path / f"{stem}.qdpx", new_location(stem))
        # qc's texts have no emoji: both dialects count alike and the file says code points.
        assert report.skipped == [] and report.dialect == (offsets if stem == NVIVO.stem
                                                           else "codepoints")
        assert _coded(new_location(stem)) == _coded(d / f"{stem}.sitat")


def test_atlas_ti_codebook_with_code_groups(project):
    from app.core.codebook_io import import_codebook
    from app.core.codesets import import_code_groups, list_code_sets
    from app.core.refi.qdc import read_codebook_file

    roots, sets = read_codebook_file(DATA / "atlasti-win-9.0.19.qdc")
    assert [r.name for r in roots] == ["code2", "code1", "code3"] and not roots[2].codable
    with project.write() as s:
        import_codebook(s, roots)
        assert import_code_groups(s, sets, roots=roots) == 2
    with project.read() as s:
        assert {x.name: x.codes for x in list_code_sets(s)} == {
            "codeGroup1::codeGroup1.1": ["code1", "code1/code1.1"],
            "codeGroup1::codeGroup1.2": ["code2", "code1/code1.1"]}


def test_refi_specification_example_codebook():
    from app.core.refi.qdc import read_codebook_file

    roots, sets = read_codebook_file(DATA / "refi-qda-1.5-example.qdc")
    assert sets == []
    assert [(r.name, r.guid[:8], r.colour) for r in roots][:3] == [
        ("Topics", "5215cc69", ""), ("Economy", "d7aa29da", "#FFFF00"),
        ("Health care", "0dcef2f5", "#33CC33")]
    assert roots[1].description == "Anything about jobs or taxes or business"
