"""Shared set-up for the agreement tests: documents of plain 'x' text, codes created from paths,
coders created from names, and codings added directly with the models."""

from __future__ import annotations

from app.core import codebook as cb
from app.core.team.agreement import agreement
from app.models import Coder, Coding, Document


def build(project, documents: dict[str, int], codings: list[tuple], groups=()) -> None:
    """documents: name -> length; codings: (document, code path, coder, start, end). Codes are
    created on first use (a path 'G/C' makes G a group code when G is in `groups`)."""
    with project.write() as s:
        docs = {}
        for name, length in documents.items():
            docs[name] = Document(name=name, text="x" * length, length=length, sha256=name)
            s.add(docs[name])
        coders, codes = {}, {}
        s.flush()
        for doc, path, coder, start, end in codings:
            if coder not in coders:
                coders[coder] = Coder(name=coder)
                s.add(coders[coder])
                s.flush()
            if path not in codes:
                parent = None
                for depth, name in enumerate(path.split("/")):
                    sub = "/".join(path.split("/")[:depth + 1])
                    if sub not in codes:
                        codes[sub] = cb.create_code(s, name, parent, codable=sub not in groups)
                    parent = codes[sub]
            s.add(Coding(document_id=docs[doc].id, code_id=codes[path].id,
                         coder_id=coders[coder].id, start=start, end=end))


def compute(project, *args, **kwargs):
    with project.read() as s:
        return agreement(s, *args, **kwargs).as_json()


HAND = [("d1", "Respekt", "A", 10, 40), ("d1", "Respekt", "A", 30, 50),
        ("d1", "Respekt", "B", 20, 60),
        ("d1", "Informasjon", "A", 0, 100),
        ("d1", "Informasjon", "B", 0, 60), ("d1", "Informasjon", "B", 60, 100)]
