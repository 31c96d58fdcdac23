"""decode_text: BOMs, UTF-8, UTF-16 without BOM, cp1252/ISO-8859-1 Norwegian, damaged and binary data."""

from __future__ import annotations

import random

import pytest

from app.core.importing.encoding import decode_text
from app.errors import ImportFailed

SHORT = "Blåbærsyltetøy på brødskiva."
LONG = (
    "Intervjuer: Kan du fortelle litt om hvordan hverdagen din så ut før du fikk diagnosen?\n"
    "Informant: Ja, altså, det var jo ganske travelt. Jeg jobbet fulltid på sykehjemmet på "
    "Tøyen, og jeg syklet til jobben hver dag, også om vinteren. Så ble jeg sykemeldt, og da "
    "endret alt seg. Ærlig talt følte jeg meg ganske alene. «NÅ går det bra», sier fastlegen.\n"
    "Intervjuer: Hva betydde ÆØÅ-gruppa på Østlandet for deg?\n"
) * 3
WORDS = ["Øl", "på", "å gå", "Åse", "Ærlig talt.", "Hei Åse!", "Jørgen Ødegård Åsheim",
         "Det går bra, sa hun. Vi møtes på kafé i morgen kl. 10.", SHORT, LONG]


@pytest.mark.parametrize("text", WORDS)
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_norwegian_in_legacy_8bit_comes_out_right(text: str, codec: str) -> None:
    decoded, encoding = decode_text(text.encode(codec))
    assert decoded == text
    assert encoding == "cp1252"  # ISO-8859-1 reads the same for these letters; cp1252 preferred


def test_cp1252_typography_is_read_as_cp1252() -> None:
    text = "Hun sa «nei» – og “ja”… Det er Kari’s bil, koster 100 €."
    assert decode_text(text.encode("cp1252")) == (text, "cp1252")


def test_chance_utf8_pairs_in_cp1252_are_not_taken_for_damaged_utf8() -> None:
    # 'Å»' and 'å…»' are valid UTF-8 sequences by chance; the other bytes are not.
    text = "Hun ropte «NÅ» og så «nå…» før hun gikk. Blåbær og rødgrøt."
    assert decode_text(text.encode("cp1252")) == (text, "cp1252")


@pytest.mark.parametrize("codec", ["mac_roman", "cp850"])
def test_mac_roman_and_dos_text_of_some_length(codec: str) -> None:
    decoded, encoding = decode_text(LONG.encode(codec))
    assert decoded == LONG
    assert encoding == codec


def test_iso_8859_15_euro_sign() -> None:
    text = "Billetten på Østbanen kostet 100 € for én tur."
    assert decode_text(text.encode("iso8859_15")) == (text, "iso8859_15")


def test_utf8_plain_and_with_bom() -> None:
    text = "Svar: ja 🙂 æøå ÆØÅ"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")


@pytest.mark.parametrize(
    "bom,codec,name",
    [
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, codec: str, name: str) -> None:
    text = "Intervjuer: Hei 🙂\r\nInformant: Blåbær"
    assert decode_text(bom + text.encode(codec)) == (text, name)


def test_utf16_without_bom_only_when_unmistakable() -> None:
    text = "Intervjuer: Hvordan går det?\nInformant: Det går fint, takk.\n"
    assert decode_text(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_text(text.encode("utf-16-be")) == (text, "utf-16-be")
    with pytest.raises(ImportFailed, match="not a text file"):
        decode_text("Hei".encode("utf-16-le"))  # too short to be sure


def test_bom_marked_text_with_bad_content() -> None:
    with pytest.raises(ImportFailed, match="UTF-16 text.*line 2"):
        decode_text(b"\xff\xfe" + "a\nb".encode("utf-16-le") + b"\x00\xdc")  # lone surrogate


def test_damaged_utf8_names_the_line() -> None:
    data = "Første linje med æøå\nAndre linje, også ø\nTredje ".encode() + b"\xe5 her\n"
    with pytest.raises(ImportFailed, match="damaged.*line 3"):
        decode_text(data)


def test_utf8_cut_in_the_middle_of_a_letter() -> None:
    data = "Blåbær på\nbrødskiva og ø".encode()[:-1]
    with pytest.raises(ImportFailed, match="line 2"):
        decode_text(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200),
        random.Random(7).randbytes(4096),
        b"Intervjuer: hei\x00 der\nInformant: ja\n",
        bytes(range(1, 32)) * 20,
    ],
    ids=["png", "random", "nul-in-text", "control-bytes"],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFailed, match="not a text file"):
        decode_text(data)


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_text(b"") == ("", "utf-8")
