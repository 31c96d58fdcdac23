"""`sitat` commands for documents and their attributes: import, docs, delete-doc, rename-doc,
attr, attribute, attributes. Thin over app/core.documents and app/core.attributes."""

from __future__ import annotations

from app.cli.common import command, key_value_arg, key_values, output, say
from app.cli.common import open_project as _open
from app.i18n import _, counts


def cmd_import(a) -> int:
    from app.core.documents import import_files

    with _open(a.project) as p:
        results = import_files(
            p, a.files, name=a.name, attributes=dict(a.attr or []),
            attributes_csv=a.attributes_csv, allow_duplicate=a.allow_duplicate,
        )
    output(a, [r.as_json() for r in results], (
        _("Imported {name}: {chars}, {speakers}, {turns}.").format(
            name=r.document, chars=counts.characters(r.chars),
            speakers=counts.speakers(r.speakers), turns=counts.turns(r.turns))
        for r in results))
    return 0


def cmd_docs(a) -> int:
    from app.core.documents import list_documents

    with _open(a.project, read_only=True) as p, p.read() as s:
        docs = list_documents(s)
    output(a, [d.as_json() for d in docs],
           (f"{d.name}\t{d.chars}\t{d.codings}\t"
            + ", ".join(f"{k}={v}" for k, v in d.attributes.items()) for d in docs),
           note=counts.documents(len(docs)))
    return 0


def cmd_docs_delete(a) -> int:
    from app.core.documents import delete_document

    with _open(a.project) as p, p.write() as s:
        n = delete_document(s, a.document)
    say(_("Deleted {name} and its {codings}.").format(name=a.document, codings=counts.codings(n)))
    return 0


def cmd_docs_rename(a) -> int:
    from app.core.documents import rename_document

    with _open(a.project) as p, p.write() as s:
        rename_document(s, a.document, a.new_name)
    say(_("Renamed {old} to {new}.").format(old=a.document, new=a.new_name))
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
        say(_("Attributes set on {documents}.").format(documents=counts.documents(n)))
        return 0
    if not a.document or not a.values:
        raise InvalidInput(_("Name a document and at least one KEY=VALUE pair (or use --csv)."))
    values = key_values(a.values)
    with _open(a.project) as p, p.write() as s:
        attrs.set_values(s, get_document(s, a.document), values)
    return 0


def cmd_attribute(a) -> int:
    from app.core import attributes as attrs

    with _open(a.project) as p, p.write() as s:
        choices = [c for c in (a.choices or "").split(",")] if a.choices else None
        d = attrs.define_attribute(s, a.name, a.type, choices)
        say(_("Attribute {name} ({type}).").format(name=d.name, type=attrs.type_label(d.type)))
    return 0


def cmd_attributes(a) -> int:
    from app.core import attributes as attrs

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [{"name": d.name, "type": d.type, "choices": d.choice_list()}
                for d in attrs.definitions(s)]
    output(a, rows, (f"{r['name']}\t{attrs.type_label(r['type'])}"
                     + (f"\t{', '.join(r['choices'])}" if r["choices"] else "") for r in rows))
    return 0


def add_document_commands(sub, project_arg, json_flag) -> None:
    """Register import, docs, delete-doc, rename-doc, attr, attribute and attributes."""
    p = command(sub, "import", cmd_import, _("import transcripts (.txt, .docx, .odt, .md)"))
    project_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE", help=_("files to import"))
    p.add_argument("--name", help=_("document name (one file only; default: the file name)"))
    p.add_argument("--attr", action="append", type=key_value_arg, metavar="KEY=VALUE",
                   help=_("set an attribute on the imported documents (repeatable)"))
    p.add_argument("--attributes-csv", metavar="CSV",
                   help=_("set attributes from a CSV with header document,attribute,..."))
    p.add_argument("--allow-duplicate", action="store_true",
                   help=_("import even if the same text is already in the project"))
    json_flag(p)

    p = command(sub, "docs", cmd_docs, _("list documents with length, codings and attributes"))
    project_arg(p)
    json_flag(p)

    p = command(sub, "delete-doc", cmd_docs_delete, _("delete a document and its codings"))
    project_arg(p)
    p.add_argument("document", help=_("document name"))

    p = command(sub, "rename-doc", cmd_docs_rename, _("rename a document"))
    project_arg(p)
    p.add_argument("document", help=_("document name"))
    p.add_argument("new_name", metavar="NEW_NAME", help=_("the new name"))

    p = command(sub, "attr", cmd_attr,
                _("set attribute values on a document, or many from a CSV"))
    project_arg(p)
    p.add_argument("document", nargs="?", help=_("document name"))
    p.add_argument("values", nargs="*", metavar="KEY=VALUE", help=_("values; empty removes"))
    p.add_argument("--csv", metavar="CSV", help=_("CSV with header document,attribute,..."))

    p = command(sub, "attribute", cmd_attribute, _("define an attribute and its type"))
    project_arg(p)
    p.add_argument("name", help=_("attribute name"))
    p.add_argument("--type", default="text", choices=["text", "number", "date", "choice"],
                   help=_("value type (default: text)"))
    p.add_argument("--choices", metavar="A,B,...", help=_("allowed values of a choice attribute"))

    p = command(sub, "attributes", cmd_attributes, _("list attribute definitions"))
    project_arg(p)
    json_flag(p)
