"""CSV text to rows for `kam batch`, a piece of text at a time.

The reader gets the text in pieces of whole lines (decoding.text_chunks). Lines without a
quote character cannot hold a quoted cell, so they are split at the delimiter as they are:
each run of them is handed on whole, as `PlainLines`, which lets the batch check and score
many rows at once (kamcli.batch.blocks) and still read them one at a time (`rows()`) when
it must. A line with a quote goes through csv.reader; a quoted cell may hold line breaks and
so read on into the next lines and pieces.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from itertools import chain

from kamcli.errors import msg
from kamcli.io.decoding import ReadFailure

Row = tuple[int, Sequence[object]]


class PlainLines:
    """Physical lines without a quote character (and without their line ends).

    `first` is the number of the first line in the file; blank lines are still in `lines`,
    so every line keeps its number. CR LF line ends are already LF where every CR in the
    run was one; a line may still end in a lone CR otherwise. (A plain class: a dataclass
    would cost more start-up time than it saves here.)
    """

    __slots__ = ("delimiter", "first", "lines")

    def __init__(self, first: int, lines: list[str], delimiter: str) -> None:
        self.first = first
        self.lines = lines
        self.delimiter = delimiter

    def rows(self) -> Iterator[Row]:
        """The non-blank lines as rows, as the line-by-line reader splits them."""
        delimiter = self.delimiter
        blank = delimiter + " \t\r\n"
        for number, text in enumerate(self.lines, self.first):
            if text.strip(blank):
                yield number, text.rstrip("\r\n").split(delimiter)

    def after(self, number: int) -> PlainLines:
        """The lines after line `number`."""
        return PlainLines(number + 1, self.lines[number + 1 - self.first :], self.delimiter)


def csv_items(
    chunks: Iterator[str], delimiter: str, name: str, offset: int
) -> Iterator[Row | PlainLines]:
    """Rows with the line each starts on, and runs of plain lines (see PlainLines).

    Blank lines are skipped (and counted). A line without a quote is split directly (several
    times faster than the csv module); a line with one goes through csv.reader, which may
    read on to later lines when a quoted cell holds a line break.
    """
    number = offset
    lines = _Lines(chunks)
    while True:
        if lines.empty():
            chunk = next(chunks, None)
            if chunk is None:
                return
            lines.load(chunk)
        text = lines.take_plain()
        if text:
            if "\r" in text and text.count("\r") == text.count("\r\n"):
                text = text.replace("\r\n", "\n")  # what rstrip("\r\n") does per line
            plain = text.split("\n")
            if not plain[-1]:
                plain.pop()  # the text ended with its last line's \n
            yield PlainLines(number + 1, plain, delimiter)
            number += len(plain)
            continue
        text = next(lines)  # a line with a quote
        number += 1
        reader = csv.reader(chain((text,), lines), delimiter=delimiter, strict=False)
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problem = msg("errors_io.invalid_csv", name=name, line=number, reason=exc)
            raise ReadFailure(problem, number) from None
        start = number
        number += reader.line_num - 1
        if cells and any(cell.strip() for cell in cells):
            yield start, cells


def rows_of(items: Iterator[Row | PlainLines]) -> Iterator[Row]:
    """The rows of csv_items one at a time."""
    for item in items:
        if isinstance(item, PlainLines):
            yield from item.rows()
        else:
            yield item


def drop_first_line(chunks: Iterator[str]) -> Iterator[str]:
    """The pieces without the first line (Excel's `sep=;` line)."""
    for chunk in chunks:
        end = chunk.find("\n")
        rest = chunk[end + 1 :] if end >= 0 else ""
        if rest:
            yield rest
        yield from chunks
        return


class _Lines:
    """What is left of a piece of text: a line at a time, with its line end (reading on into
    later pieces), or all the whole lines before the next line with a quote."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._text = ""
        self._at = 0

    def empty(self) -> bool:
        return self._at >= len(self._text)

    def load(self, chunk: str) -> None:
        self._text, self._at = chunk, 0

    def take_plain(self) -> str:
        """The lines up to the next one holding a quote (all when none does)."""
        text, at = self._text, self._at
        quote = text.find('"', at)
        end = len(text) if quote < 0 else text.rfind("\n", at, quote) + 1
        if end <= at:
            return ""
        self._at = end
        return text[at:end]

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        while self.empty():
            self.load(next(self._chunks))
        text, at = self._text, self._at
        end = text.find("\n", at) + 1 or len(text)
        self._at = end
        return text[at:end]
