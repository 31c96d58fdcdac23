"""Reading a search index that came from elsewhere (`sitat reindex --import`) without ever
running code from it. whoosh's files hold pickles, and unpickling untrusted data can run any
code; so an imported index is read only in a process of its own (started with "spawn", so
nothing of the parent's is loaded) whose unpickler is replaced - before whoosh is imported -
by one that builds only plain values and the few classes an index's table of contents names
(whoosh's fields, formats, analysers and segment, Sitat's analysers). That process copies the
passages and postings into a new index written by Sitat: stored fields pass through the strict
unpickler, every posting's value is decoded as plain numbers and encoded again, and nothing
else is copied. Only the new index is ever opened normally (and signed with this user's key).

This module imports nothing but the standard library at its top: it must not load whoosh."""

from __future__ import annotations

import io
import pickle
import sys

# (module, name) the strict unpickler may look up; besides these, classes (not functions)
# defined in the modules of _CLASS_MODULES.
_SAFE_BUILTINS = ("int", "long", "float", "bytes", "bytearray", "set", "frozenset", "object")
_ALLOWED = {*((m, n) for m in ("builtins", "__builtin__") for n in _SAFE_BUILTINS),
            ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"),
            ("collections", "defaultdict"), ("_codecs", "encode"), ("re", "_compile"),
            ("array", "array"), ("array", "_array_reconstructor")}
_CLASS_MODULES = ("whoosh.fields", "whoosh.formats", "whoosh.columns", "whoosh.codec.whoosh3",
                  "whoosh.analysis.analyzers", "whoosh.analysis.tokenizers",
                  "whoosh.analysis.filters", "whoosh.analysis.acore",
                  "app.core.search.norwegian", "app.core.search.terms")


class StrictUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module in _CLASS_MODULES and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a search index")


def _loads(data, *args, **kwargs):
    return StrictUnpickler(io.BytesIO(data)).load()


def _load(file, *args, **kwargs):
    return StrictUnpickler(file).load()


def _strict() -> None:
    """Make every unpickling in this process strict (before whoosh is imported)."""
    if "whoosh" in sys.modules:
        raise RuntimeError("whoosh was loaded before the unpickler was made strict")
    pickle.loads, pickle.load, pickle.Unpickler = _loads, _load, StrictUnpickler
    for old in ("whoosh.filedb.filereading", "whoosh.filedb.misc"):  # old formats and
        sys.modules[old] = None  # marshal: never imported (nor read) here


def _positions(value: bytes) -> list[tuple[int, int, int]]:
    """A text field's posting (terms.PackedCharacters: 32-bit position, start, end of each
    occurrence) as that list, checked to be well formed."""
    from app.core.search.terms import decode

    if not value or len(value) % 12:
        raise ValueError("a damaged posting")
    out = decode(bytes(value))
    if any(a > b for _p, a, b in out):
        raise ValueError("a damaged posting")
    return out


def sanitise(src: str, dst: str, results) -> None:
    """(In its own process.) Copy the index in `src` into a new index in `dst`; put
    ("ok", passages) or ("refused", reason) on `results`."""
    try:
        _strict()
        from whoosh import formats, index

        from app.core.search.build import LIMIT_MB, SegmentBuilder
        from app.core.search.index import schema
        from app.core.search.terms import PackedCharacters

        class Copier(SegmentBuilder):
            def _process_posts(self, items, startdoc, docmap):
                fields = self.schema
                for fieldname, text, docnum, weight, vbytes in items:
                    if fieldname not in fields or type(text) is not bytes:
                        continue
                    fmt = fields[fieldname].format
                    if type(fmt) is PackedCharacters:
                        vbytes = fmt.encode(_positions(vbytes))
                    elif isinstance(fmt, formats.Frequency):
                        if len(vbytes) != 4:
                            raise ValueError("a damaged posting")
                        vbytes = bytes(vbytes)
                    else:
                        vbytes = b""
                    newdoc = docmap[docnum] if docmap is not None else startdoc + docnum
                    yield fieldname, text, newdoc, float(weight), vbytes

        source = index.open_dir(src)
        target = index.create_in(dst, schema())
        writer = Copier(target, limitmb=LIMIT_MB)
        n = 0
        with source.reader() as reader:
            for _d, fields in reader.iter_docs():
                _check_stored(fields)
                n += 1
            for leaf in reader.leaf_readers():
                writer.add_reader(leaf[0] if isinstance(leaf, tuple) else leaf)
        writer.commit()
        source.close()
        target.close()
        results.put(("ok", n))
    except BaseException as exc:  # noqa: BLE001 - anything wrong refuses the import
        results.put(("refused", f"{type(exc).__name__}: {exc}"[:300]))


def _check_stored(fields: dict) -> None:
    """A passage's stored fields are the plain values Sitat stores."""
    kinds = {"doc": str, "unit": str, "start": int, "end": int, "speaker": str, "parts": list}
    for name, value in fields.items():
        if name not in kinds or not isinstance(value, kinds[name]):
            raise ValueError(f"unexpected stored field {name!r}")
    for part in fields.get("parts") or ():
        if not (type(part) is tuple and len(part) == 3 and type(part[0]) is int
                and type(part[1]) is int and type(part[2]) is str):
            raise ValueError("a damaged list of turns")
