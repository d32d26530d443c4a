"""Bytes to text for `kam batch`, incrementally, so a file is never read whole.

A BOM decides the encoding (UTF-8, or UTF-16 as Excel saves "Unicode text"); otherwise the
text is UTF-8 unless its first non-ASCII bytes say otherwise, then GB18030 (what Chinese
Excel saves as "CSV"). Deciding on the first non-ASCII bytes, wherever they are, rather than
on a fixed-size sample means an ASCII start followed by Chinese names deep in the file still
decodes right. Bytes that turn out invalid later stop reading at their line, after the
lines before them were delivered.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO

from kamcli.errors import InputError, Msg, msg

CHUNK_BYTES = 1 << 18  # 256 KiB: big enough to be fast, small enough to keep memory flat
MAX_LINE_CHARS = 16 * 1024 * 1024
DECIDE_AFTER = 32
HOLD_LIMIT = 1 << 16
UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_ASCII = bytes(range(128))


class ReadFailure(InputError):
    """Reading stopped part-way through a file (bad bytes, an endless line, a CSV error).

    `lines_left` (bad bytes only): how many physical lines, from `line` to the end, were not
    read, so a caller can count each of them as a rejected row rather than lose them.
    """

    def __init__(self, message: Msg, line: int | None = None, lines_left: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.lines_left = lines_left


def bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, encoding in UTF16_BOMS.items():
        if head.startswith(bom):
            return encoding
    return None


def refuse_binary(head: bytes, name: str, encoding: str | None) -> None:
    if encoding is not None and encoding.startswith("utf-16"):
        return
    sample = head[:8192]
    controls = sum(1 for byte in sample if byte < 9 or (13 < byte < 32 and byte != 27))
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if max(even, odd) > half * 0.4 and min(even, odd) < half * 0.05:  # text in UTF-16
        raise InputError(msg("errors_io.utf16_without_bom", name=name))
    # a stray NUL is not "binary": text_chunks stops at its line, wherever it is (one rule)
    if sample.count(0) > len(sample) // 100 or controls > len(sample) // 20:
        raise InputError(msg("errors_io.batch_binary", name=name))


class StreamDecoder:
    """Incremental decoding; without a BOM, UTF-8 unless the first non-ASCII bytes are not.

    GB18030 text can look like UTF-8 for a character or two, so the choice waits until
    DECIDE_AFTER non-ASCII bytes have been seen (or HOLD_LIMIT bytes, or the end); the
    bytes from the first non-ASCII one on are held back until then.
    """

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding
        self._inner = None if encoding is None else codecs.getincrementaldecoder(encoding)()
        self._held = b""

    def decode(self, data: bytes, final: bool) -> str:
        if self._inner is None:
            data = self._held + data
            self._held = b""
            if data.isascii():
                return data.decode("ascii")
            first = _NON_ASCII.search(data)
            assert first is not None
            start = first.start()
            rest = data[start:]
            non_ascii = len(rest.translate(None, _ASCII))
            if not final and non_ascii < DECIDE_AFTER and len(rest) < HOLD_LIMIT:
                self._held = rest
                return data[:start].decode("ascii")
            try:
                codecs.getincrementaldecoder("utf-8")().decode(rest, final)
                self.encoding = "utf-8"
            except UnicodeDecodeError as exc:
                # GB18030 fails UTF-8 within its first characters; UTF-8 that was fine for a
                # while and then breaks is damaged UTF-8, reported where it breaks.
                valid = len(rest[: exc.start].translate(None, _ASCII))
                self.encoding = "utf-8" if valid >= DECIDE_AFTER else "gb18030"
            self._inner = codecs.getincrementaldecoder(self.encoding)()
        try:
            return self._inner.decode(data, final)
        except UnicodeDecodeError as exc:
            # exc.start counts from the decoder's buffered bytes; everything before is valid
            good = max(0, exc.start - len(getattr(self._inner, "buffer", b"")))
            text = self._inner.decode(data[:good], False) if good else ""
            raise BadBytes(text, data[good:]) from None


class BadBytes(Exception):
    """Bytes that are not valid in the chosen encoding; `text` is what decoded before them,
    `rest` the bytes from the bad one on (of this piece)."""

    def __init__(self, text: str, rest: bytes = b"") -> None:
        super().__init__(text)
        self.text = text
        self.rest = rest


def _lines_left(rest: bytes, stream: IO[bytes]) -> int:
    """Physical lines from the start of the bad one to the end: the rest is only counted."""
    newlines, last = rest.count(b"\n"), rest[-1:]
    try:
        while chunk := stream.read(CHUNK_BYTES):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    except OSError:
        pass
    return newlines + (0 if last == b"\n" else 1)


def text_lines(stream: IO[bytes], head: bytes, name: str, encoding: str | None) -> Iterator[str]:
    """Physical lines with their line ends (split at \\n only, like a CSV reader counts)."""
    for text in text_chunks(stream, head, name, encoding):
        lines = text.split("\n")
        last = lines.pop()
        for line in lines:
            yield line + "\n"
        if last:
            yield last


def text_chunks(stream: IO[bytes], head: bytes, name: str, encoding: str | None) -> Iterator[str]:
    """The text in pieces of whole lines (each ends in \\n, except a last line without one).

    A piece is what one read of CHUNK_BYTES completes, so callers can work on many lines at
    once. A failure is raised after the whole lines before it were delivered (bad bytes), or
    before the piece holding an endless line.
    """
    decoder = StreamDecoder(encoding)
    pending = ""
    data = head
    line = 0
    while True:
        final = not data
        broken = False
        rest = b""
        try:
            decoded = decoder.decode(data, final)
        except BadBytes as exc:
            decoded, broken, rest = exc.text, True, exc.rest
        if "\x00" in decoded:  # one rule for the whole file: NUL is never text
            decoded, broken = decoded[: decoded.index("\x00")], True
            decoded = decoded[: decoded.rfind("\n") + 1] if "\n" in decoded else ""
            nul = True
        else:
            nul = False
        text = pending + decoded
        end = text.rfind("\n") + 1
        pending = text[end:]
        if broken or final:
            if end:
                yield text[:end]
            if broken:
                where = line + text.count("\n", 0, end) + 1
                if nul:
                    raise ReadFailure(msg("errors_io.nul_byte", name=name, line=where), where)
                raise ReadFailure(
                    msg("errors_io.bad_bytes", name=name, line=where, encoding=decoder.encoding),
                    where,
                    _lines_left(rest, stream),
                )
            if pending:
                yield pending
            return
        if len(pending) > MAX_LINE_CHARS:
            where = line + text.count("\n", 0, end) + 1
            limit = MAX_LINE_CHARS // 1048576
            raise ReadFailure(
                msg("errors_io.line_too_long", name=name, line=where, limit=limit), where
            )
        if end:
            yield text[:end]
            line += text.count("\n", 0, end)
        try:
            data = stream.read(CHUNK_BYTES)
        except OSError as exc:
            reason = exc.strerror or exc
            raise ReadFailure(msg("errors_io.reading_stopped", name=name, reason=reason)) from None
