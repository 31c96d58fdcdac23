"""A project with a 20,000-code codebook (200 groups of 100 codes) and a few thousand codings
on 600 of the codes, for the display size tests. Run as a script to time a codes x codes
display under a memory cap: `python -m tests.core.displays.big_codebook PROJECT MB [OUT.json]`."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

GROUPS, PER_GROUP = 200, 100
USED_CODES = 600
DOCUMENTS, CODINGS_PER_DOCUMENT = 20, 150
TEXT = ("Deltaker 1: Vi ventet lenge på svar, og ingen ringte tilbake. " * 40 + "\n")


def build(path: Path, used_codes: int = USED_CODES, seed: int = 7) -> None:
    """Create the project at `path` (rows written in bulk, no ORM objects per code) with
    codings on `used_codes` of the codes."""
    from sqlalchemy import insert, select

    from app.core.project import Project
    from app.models import Code, Coder, Coding, Document
    from app.models.base import new_guid

    rnd = random.Random(seed)
    with Project.create(path, "Stor kodebok") as p, p.write() as s:
        s.execute(insert(Code), [{"guid": new_guid(), "name": f"Gruppe {g}", "sort_order": g,
                                  "codable": False} for g in range(GROUPS)])
        parents = dict(s.execute(select(Code.name, Code.id)).all())
        s.execute(insert(Code), [{"guid": new_guid(), "name": f"Kode {g}.{i}",
                                  "parent_id": parents[f"Gruppe {g}"], "sort_order": i}
                                 for g in range(GROUPS) for i in range(PER_GROUP)])
        codable = list(s.scalars(select(Code.id).where(Code.codable.is_(True))
                                 .order_by(Code.id)))
        used = rnd.sample(codable, used_codes)
        coders = [Coder(name="Hanne"), Coder(name="Tor")]
        docs = [Document(name=f"fg{i:02d}", text=TEXT, length=len(TEXT), sha256=f"x{i}")
                for i in range(DOCUMENTS)]
        s.add_all(coders + docs)
        s.flush()
        rows = []
        for d in docs:
            for _n in range(CODINGS_PER_DOCUMENT):
                start = rnd.randrange(0, len(TEXT) - 200)
                rows.append({"guid": new_guid(), "document_id": d.id,
                             "code_id": rnd.choice(used), "coder_id": rnd.choice(coders).id,
                             "start": start, "end": start + rnd.randrange(20, 200)})
        s.execute(insert(Coding), rows)


def main(argv: list[str]) -> int:
    """Build the codes x codes display of PROJECT under a cap of MB megabytes of address
    space; print rows, columns, total and codes left out, and the seconds it took (and write
    the display as JSON to OUT.json when given)."""
    import json
    import resource

    path, megabytes = Path(argv[0]), int(argv[1])
    cap = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from app.core.displays.matrix import build_matrix
    from app.core.project import Project

    began = time.monotonic()
    with Project.open(path, read_only=True) as p, p.read() as s:
        m = build_matrix(s, "codes", "codes", "count")
    print(len(m.rows), len(m.cols), m.total, getattr(m, "codes_left_out", 0),
          round(time.monotonic() - began, 2))
    if len(argv) > 2:
        Path(argv[2]).write_text(json.dumps(m.as_json()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
