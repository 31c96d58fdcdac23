"""Reading a memory-mapped index without copying it. whoosh maps each segment file and opens
the files inside it as `BufferFile`s over the mapping, but gives each an `io.BytesIO` of its
bytes for reading, and BytesIO copies them: the whole index was held twice, mapped and on the
heap (national: 420 MB of private memory for a 420 MB index, before any search). Here a file
inside a segment reads straight from the mapping (`ViewFile`), and a posting block's head is
read from it by position (`get`), as whoosh reads the blocks' data. Applied with
terms.block_layout, when an index is opened or written."""

from __future__ import annotations

import io
import pickle

_HEAD = 512  # a posting block's head (a pickled tuple of six numbers) is far shorter


class ViewFile:
    """A read-only file over a buffer (a memoryview of a mapping, or bytes), not copied."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf) -> None:
        self.buf, self.pos = buf, 0

    def read(self, n: int | None = -1) -> bytes:
        a = self.pos
        b = len(self.buf) if n is None or n < 0 else min(len(self.buf), a + n)
        self.pos = max(a, b)
        return bytes(self.buf[a:b])

    def readinto(self, out) -> int:
        got = self.read(len(out))
        out[:len(got)] = got
        return len(got)

    def readline(self, limit: int | None = -1) -> bytes:
        end = len(self.buf) if limit is None or limit < 0 else min(len(self.buf),
                                                                     self.pos + limit)
        line = b""
        while self.pos < end:
            chunk = bytes(self.buf[self.pos:min(end, self.pos + 256)])
            i = chunk.find(b"\n")
            if i >= 0:
                self.pos += i + 1
                return line + chunk[:i + 1]
            line += chunk
            self.pos += len(chunk)
        return line

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self.pos
        elif whence == 2:
            pos += len(self.buf)
        self.pos = pos
        return pos

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.buf = b""  # the mapping itself is whoosh's to close


def no_copies() -> None:
    """Install the reading above in whoosh (idempotent)."""
    from whoosh.codec import whoosh3
    from whoosh.filedb import structfile

    buffer_file, matcher = structfile.BufferFile, whoosh3.W3LeafMatcher
    if getattr(buffer_file, "sitat_view", False):
        return
    read_header, goto = matcher._read_header, matcher._goto

    def __init__(self, buf, name=None, onclose=None):
        self._buf, self._name, self.onclose = buf, name, onclose
        self.file = ViewFile(buf)
        self.is_real = False
        self.is_closed = False

    def _read_header(self):
        postfile = self._postfile
        if type(postfile) is not buffer_file:
            return read_header(self)
        if postfile.get(self._startoffset, 4) != whoosh3.WHOOSH3_HEADER_MAGIC:
            raise Exception("Block tag error")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position):
        postfile = self._postfile
        if type(postfile) is not buffer_file:
            return goto(self, position)
        length = postfile.get_int(position)
        head = io.BytesIO(postfile.get(position + 4, min(abs(length), _HEAD)))
        try:
            info = pickle.load(head)
        except Exception:  # noqa: BLE001 - not a head this reads: whoosh's own way
            return goto(self, position)
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        self._dataoffset = position + 4 + head.tell()
        (self._blocklength, self._maxid, self._maxweight, self._compression, mnlen,
         mxlen) = info
        self._minlength = whoosh3.byte_to_length(mnlen)
        self._maxlength = whoosh3.byte_to_length(mxlen)

    buffer_file.__init__ = __init__
    matcher._read_header, matcher._goto = _read_header, _goto
    buffer_file.sitat_view = True
