"""A small hand-counted project for the matrix tests: four documents with emoji before the coded
text, a three-level codebook with a group code and an empty code, three coders (one idle)."""

from __future__ import annotations

from app.models import AttributeDefinition, AttributeValue, Code, Coder, Coding, Document

TEXT = ("🙂 Deltaker 1: Hun så på meg. Hun hadde tid. Det var godt.\n"
        "👍 Deltaker 2: Vi ventet lenge. Alt ble bra. 🙏\n")
DOCS = {  # name: (bydel, tjeneste, informanter)
    "fg1": ("Alna", "NAV", "6"),
    "fg2": ("Stovner", "NAV", "4"),
    "ind3": ("Alna", None, "1"),
    "ind4": (None, "DPS", None),
}
# (document, code, coder, quote, valence); numbered 1-10 in the comments of the tests
CODINGS = [
    ("fg1", "A", "Hanne", "Hun så på meg.", 1),                   # 1
    ("fg1", "A1", "Tor", "Hun så på meg. Hun hadde tid.", -1),    # 2 overlaps 1 and 3
    ("fg1", "A1x", "Hanne", "Hun hadde tid.", None),              # 3
    ("fg1", "G1", "Tor", "Det var godt.", 1),                     # 4
    ("fg2", "A", "Tor", "Vi ventet lenge.", -1),                  # 5 overlaps 6
    ("fg2", "A2", "Hanne", "Vi ventet lenge.", None),             # 6
    ("fg2", "G1", "Hanne", "Alt ble bra.", 1),                    # 7
    ("ind3", "A1", "Hanne", "Det var godt.", 1),                  # 8 overlaps 9
    ("ind3", "A1", "Tor", "Det var godt.", 1),                    # 9
    ("ind3", "G1", "Hanne", "Hun så på meg.", -1),                # 10
]
CODE_ROWS = ["A", "A/A1", "A/A1/A1x", "A/A2", "G/G1", "E"]


def build(project) -> None:
    """Fill `project` (empty) with the data above."""
    with project.write() as s:
        a = Code(name="A", sort_order=0)
        g = Code(name="G", sort_order=1, codable=False)
        e = Code(name="E", sort_order=2)
        a1 = Code(name="A1", parent=a, sort_order=0)
        a2 = Code(name="A2", parent=a, sort_order=1)
        a1x = Code(name="A1x", parent=a1, sort_order=0)
        g1 = Code(name="G1", parent=g, sort_order=0)
        codes = {"A": a, "A1": a1, "A1x": a1x, "A2": a2, "G": g, "G1": g1, "E": e}
        coders = {n: Coder(name=n) for n in ("Hanne", "Tor", "Kari")}
        bydel = AttributeDefinition(name="bydel", type="choice", choices="Stovner\nAlna",
                                    sort_order=1)
        tjeneste = AttributeDefinition(name="tjeneste", type="text", sort_order=2)
        informanter = AttributeDefinition(name="informanter", type="number", sort_order=3)
        docs = {n: Document(name=n, text=TEXT, length=len(TEXT), sha256=f"x{n}") for n in DOCS}
        s.add_all([*codes.values(), *coders.values(), bydel, tjeneste, informanter,
                   *docs.values()])
        s.flush()
        for name, values in DOCS.items():
            for d, value in zip((bydel, tjeneste, informanter), values):
                if value is not None:
                    s.add(AttributeValue(document_id=docs[name].id, attribute_id=d.id,
                                         value=value))
        for doc, code, coder, quote, valence in CODINGS:
            start = TEXT.index(quote)
            s.add(Coding(document_id=docs[doc].id, code_id=codes[code].id,
                         coder_id=coders[coder].id, start=start, end=start + len(quote),
                         valence=valence))
