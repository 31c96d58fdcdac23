"""Small projects built straight from the models, for tests of the workbench core."""

from __future__ import annotations

import hashlib

from app.models import Code, Coder, Coding, Document, SpeakerTurn

TEXT_A = ("Intervjuer: Hvordan var møtet med tjenestene?\n"
          "Deltaker 1: Jeg ble sett og hørt 😀, og de hadde tid til meg.\n"
          "Deltaker 2: Ærlig talt måtte jeg forklare alt på nytt hver gang.\n")
TEXT_B = "Intervjuer: Og NAV?\nDeltaker 3: Der fikk jeg ingen informasjon om rettighetene.\n"


def add_document(s, name: str, text: str) -> Document:
    doc = Document(name=name, text=text, length=len(text),
                   sha256=hashlib.sha256(text.encode()).hexdigest())
    s.add(doc)
    s.flush()
    pos = 0
    for line in text.splitlines(keepends=True):
        label, sep, rest = line.partition(": ")
        if sep:
            start = pos + len(label) + 2
            s.add(SpeakerTurn(document_id=doc.id, start=start, end=pos + len(line.rstrip("\n")),
                              speaker=label))
        pos += len(line)
    s.flush()
    return doc


def add_code(s, name: str, parent: Code | None = None, colour: str = "#1f77b4",
             order: int = 0) -> Code:
    code = Code(name=name, parent_id=parent.id if parent else None, color=colour,
                sort_order=order)
    s.add(code)
    s.flush()
    return code


def code(s, doc: Document, code: Code, coder: Coder, quote: str, memo: str = "") -> Coding:
    start = doc.text.index(quote)
    c = Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
               end=start + len(quote), memo=memo)
    s.add(c)
    s.flush()
    return c


def small_project(project):
    """Two documents, codes Respekt (with child Sett og hørt), Forutsigbarhet, Informasjon;
    coders Hanne and Tor. Returns a dict of guids."""
    with project.write() as s:
        a = add_document(s, "Frogner fokusgruppe", TEXT_A)
        b = add_document(s, "Alna individuelt", TEXT_B)
        hanne = Coder(name="Hanne", color="#1f77b4")
        tor = Coder(name="Tor", color="#d62728")
        s.add_all([hanne, tor])
        s.flush()
        respekt = add_code(s, "Respekt", colour="#e6194b", order=0)
        sett = add_code(s, "Sett og hørt", respekt, colour="#f58231", order=0)
        forut = add_code(s, "Forutsigbarhet", colour="#3cb44b", order=1)
        info = add_code(s, "Informasjon", colour="#4363d8", order=2)
        code(s, a, sett, hanne, "Jeg ble sett og hørt 😀", memo="tydelig")
        code(s, a, respekt, tor, "de hadde tid til meg")
        code(s, a, forut, hanne, "måtte jeg forklare alt på nytt hver gang")
        code(s, a, forut, tor, "forklare alt på nytt")
        code(s, b, info, hanne, "ingen informasjon om rettighetene")
        return {"a": a.guid, "b": b.guid, "hanne": hanne.id, "tor": tor.id,
                "respekt": respekt.guid, "sett": sett.guid, "forut": forut.guid,
                "info": info.guid}
