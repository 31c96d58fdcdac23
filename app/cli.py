"""The `sitat` command line: argparse over app/core, JSON for scripts, `error: ...` for bad input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli_common import emit_json as _emit_json
from app.cli_common import open_project as _open
from app.i18n import _, set_language


def _kv(value: str) -> tuple[str, str]:
    if "=" not in value:
        raise argparse.ArgumentTypeError(_("expected KEY=VALUE, got {value}").format(value=value))
    key, val = value.split("=", 1)
    if not key.strip():
        raise argparse.ArgumentTypeError(_("expected KEY=VALUE, got {value}").format(value=value))
    return key.strip(), val


# -- commands ------------------------------------------------------------------------------
def cmd_new(a) -> int:
    from app.core.project import Project

    with Project.create(a.project, a.title or "") as p:
        print(_("Created project {name} ({id}).").format(name=Path(a.project).name, id=p.id))
    return 0


def cmd_import(a) -> int:
    from app.core.documents import import_files

    with _open(a.project) as p:
        results = import_files(
            p, a.files, name=a.name, attributes=dict(a.attr or []),
            attributes_csv=a.attributes_csv, allow_duplicate=a.allow_duplicate,
        )
    if a.json:
        _emit_json([r.as_json() for r in results])
    else:
        for r in results:
            print(_("Imported {name}: {chars} characters, {speakers} speakers, {turns} turns.")
                  .format(name=r.document, chars=r.chars, speakers=r.speakers, turns=r.turns))
    return 0


def cmd_docs(a) -> int:
    from app.core.documents import list_documents

    with _open(a.project, read_only=True) as p, p.read() as s:
        docs = list_documents(s)
    if a.json:
        _emit_json([d.as_json() for d in docs])
        return 0
    for d in docs:
        values = ", ".join(f"{k}={v}" for k, v in d.attributes.items())
        print(f"{d.name}\t{d.chars}\t{d.codings}\t{values}")
    print(_("{n} documents").format(n=len(docs)), file=sys.stderr)
    return 0


def cmd_attr(a) -> int:
    from app.core import attributes as attrs
    from app.core.lookup import get_document
    from app.errors import InvalidInput

    if a.csv:
        if a.document or a.values:
            raise InvalidInput(_("Give either --csv or a document with KEY=VALUE pairs, not both."))
        table = attrs.read_attributes_csv(a.csv)
        with _open(a.project) as p, p.write() as s:
            n = attrs.apply_attributes_csv(s, table)
        print(_("Attributes set on {n} documents.").format(n=n))
        return 0
    if not a.document or not a.values:
        raise InvalidInput(_("Name a document and at least one KEY=VALUE pair (or use --csv)."))
    values = dict(_kv(v) for v in a.values)
    with _open(a.project) as p, p.write() as s:
        attrs.set_values(s, get_document(s, a.document), values)
    return 0


def cmd_attribute(a) -> int:
    from app.core import attributes as attrs

    with _open(a.project) as p, p.write() as s:
        choices = [c for c in (a.choices or "").split(",")] if a.choices else None
        d = attrs.define_attribute(s, a.name, a.type, choices)
        print(_("Attribute {name} ({type}).").format(name=d.name, type=attrs.type_label(d.type)))
    return 0


def cmd_attributes(a) -> int:
    from app.core import attributes as attrs

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [{"name": d.name, "type": d.type, "choices": d.choice_list()}
                for d in attrs.definitions(s)]
    if a.json:
        _emit_json(rows)
    else:
        for r in rows:
            extra = f"\t{', '.join(r['choices'])}" if r["choices"] else ""
            print(f"{r['name']}\t{attrs.type_label(r['type'])}{extra}")
    return 0


def _write_file(path: str, data: bytes) -> None:
    """Write via a temporary file and rename, so a failed write never leaves half a file."""
    import os
    import tempfile

    from app.errors import InvalidInput

    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=".sitat-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=target.name, reason=exc.strerror or exc)) from exc


def cmd_codes(a) -> int:
    from app.core.codebook import code_paths, ordered_codes
    from app.models import Coding
    from sqlalchemy import func, select

    with _open(a.project, read_only=True) as p, p.read() as s:
        paths = code_paths(s)
        counts = dict(s.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all())
        rows = [{"path": paths[c.id], "guid": c.guid, "color": c.color,
                 "description": c.description, "codable": c.codable,
                 "codings": counts.get(c.id, 0)} for c in ordered_codes(s)]
    if a.json:
        _emit_json(rows)
    else:
        for r in rows:
            print(f"{r['path']}\t{r['color']}\t{r['codings']}")
    return 0


def cmd_code(a) -> int:
    from app.core.coding import code_text, parse_valence

    with _open(a.project) as p, p.write() as s:
        coding = code_text(s, a.doc, a.code, a.coder, a.start, a.end, a.memo or "",
                           parse_valence(a.valence))
        guid = coding.guid
    if a.json:
        _emit_json({"guid": guid})
    else:
        print(_("Coded {start}-{end} in {doc}.").format(start=a.start, end=a.end, doc=a.doc))
    return 0


def cmd_uncode(a) -> int:
    from app.core.coding import get_coding, remove_coding

    with _open(a.project) as p, p.write() as s:
        remove_coding(s, get_coding(s, a.coding))
    print(_("Coding removed."))
    return 0


def cmd_codings(a) -> int:
    from app.core.coding import VALENCE_TEXT, list_codings

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = list_codings(s, coders=a.coder, codes=a.code, documents=a.doc)
    if a.json:
        _emit_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        snippet = r.text if len(r.text) <= 80 else r.text[:77] + "..."
        snippet = snippet.replace("\n", " ")
        print(f"{r.document}\t{r.start}-{r.end}\t{r.code}\t{r.coder}\t"
              f"{VALENCE_TEXT[r.valence]}\t«{snippet}»")
    print(_("{n} codings").format(n=len(rows)), file=sys.stderr)
    return 0


def cmd_check(a) -> int:
    from app.core.check import check_project

    repaired: list[str] = []
    if getattr(a, "repair", False):
        from app.core.check import repair_project

        with _open(a.project) as p:
            if check_project(p):
                repaired = repair_project(p)
        if not a.json:
            for line in repaired:
                print(line)
    with _open(a.project, read_only=True) as p:
        problems = check_project(p)
    if a.json:
        _emit_json({"ok": not problems, "problems": [x.as_json() for x in problems],
                    "repaired": repaired})
    elif problems:
        for x in problems:
            print(x.message)
    else:
        print(_("{name} is sound.").format(name=Path(a.project).name))
    return 0 if not problems else 1


def cmd_summary(a) -> int:
    from app.core.report import project_report

    with _open(a.project, read_only=True) as p:
        report = project_report(p)
    if a.json:
        _emit_json(report.as_json())
    else:
        print(report.as_text())
    return 0


def cmd_docs_delete(a) -> int:
    from app.core.documents import delete_document

    with _open(a.project) as p, p.write() as s:
        n = delete_document(s, a.document)
    print(_("Deleted {name} and its {n} codings.").format(name=a.document, n=n))
    return 0


def cmd_docs_rename(a) -> int:
    from app.core.documents import rename_document

    with _open(a.project) as p, p.write() as s:
        rename_document(s, a.document, a.new_name)
    return 0


def cmd_demo(a) -> int:
    from app.core.demo import run_demo

    result = run_demo(Path(a.out) if a.out else None, force=a.force)
    print(result.message)
    return 0


# -- parser --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    from app.cli_parser import build

    return build(globals())


def main(argv: list[str] | None = None) -> int:
    from app.errors import SitatError

    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from app.core.codelog import acting_as

    try:
        with acting_as(args.actor):
            return int(args.func(args) or 0)
    except SitatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("error: " + _("interrupted; nothing was changed."), file=sys.stderr)
        return 130
    except Exception as exc:  # last line of defence: never show a traceback for bad input
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            reason = str(exc.orig)
            if "disk" in reason or "full" in reason:
                print("error: " + _("The disk is full or cannot be written to ({reason}); the "
                                    "project was not changed.").format(reason=reason),
                      file=sys.stderr)
                return 1
            print("error: " + _("The project file could not be read or written: {reason}").format(
                reason=exc.orig), file=sys.stderr)
            return 1
        raise


def _language_from(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None
