"""Streaming readers for `kam batch`: CSV, XLSX and JSON Lines, from a file or stdin.

Every reader turns its input into a `Table`: a header and an iterator of `(line, cells)`,
one row at a time, so memory stays flat however long the file is. `line` is where the row
starts in the original file (the CSV or JSONL line, the sheet row), counting the blank lines
that are skipped, so messages point at the right place. A row the reader itself cannot use
(invalid JSON, a formula cell) arrives as a `RowProblem` instead of cells; it is never dropped.

Text is decoded incrementally by kamcli.io.decoding (UTF-8, UTF-8 with BOM, GB18030,
UTF-16 with BOM).
"""

from __future__ import annotations

import codecs
import csv
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import IO, Any

from kamcli.errors import InputError, NotFoundError, msg
from kamcli.io import decoding
from kamcli.io.csv_rows import PlainLines, csv_items, drop_first_line, rows_of
from kamcli.io.decoding import (
    BadBytes,
    ReadFailure,
    StreamDecoder,
    bom_encoding,
    refuse_binary,
    text_chunks,
    text_lines,
)
from kamcli.io.jsonl_rows import jsonl_rows
from kamcli.io.messages import joined
from kamcli.io.table_rows import META_COLUMNS, Row, RowProblem, UnknownKey
from kamcli.io.xlsx_read import MAX_CELL_CHARS, SheetRow

STDIN_NAME = "<stdin>"
DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"


class InputFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    jsonl = "jsonl"


SUFFIXES = {
    ".csv": InputFormat.csv,
    ".tsv": InputFormat.csv,
    ".txt": InputFormat.csv,
    ".xlsx": InputFormat.xlsx,
    ".xlsm": InputFormat.xlsx,
    ".jsonl": InputFormat.jsonl,
    ".ndjson": InputFormat.jsonl,
    ".json": InputFormat.jsonl,
}


@dataclass
class Table:
    """One opened input: its header, its rows (consumed once) and how far reading has got."""

    name: str
    format: InputFormat
    header: tuple[str, ...]
    rows: Iterator[Row]
    size: int | None = None
    position: Callable[[], int] = lambda: 0
    # CSV only: the same rows as `rows`, with runs of plain lines kept whole (csv_rows.py);
    # read one or the other
    items: Iterator[Row | PlainLines] | None = None
    # a survey tool's export read as kam batch columns (kamcli.io.survey.adapt.SurveyInfo)
    survey: Any = None
    _closers: list[Callable[[], object]] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def check_sources(sources: Sequence[str]) -> None:
    """Fail before any work when an input is missing, so no half run happens."""
    if list(sources).count("-") > 1:
        raise InputError(msg("errors_io.stdin_twice"))
    for source in sources:
        if source == "-":
            continue
        path = Path(source)
        if not path.exists() or path.is_dir():  # a pipe (`<(cmd)`) is fine
            from kamcli.io.paths import MISSING, not_readable_reason

            reason = not_readable_reason(path)
            error = NotFoundError if reason.key == MISSING else InputError
            raise error(msg("errors_io.input_not_found", source=source, reason=reason))


def open_table(source: str, item_ids: Sequence[str], on_unknown_key: UnknownKey) -> Table:
    """Open `source` (`-` = stdin) as a Table; InputError when it cannot be read at all.

    `item_ids` and `on_unknown_key` serve JSON Lines, whose keys are checked row by row.
    """
    if source == "-":
        stream: IO[bytes] = _stdin_bytes()
        name, size, closers = STDIN_NAME, None, []
    else:
        path = Path(source)
        if path.suffix.lower() == ".xls":
            raise InputError(msg("errors_io.xls_not_read", source=source))
        try:
            stream = path.open("rb")
        except OSError as exc:
            reason = exc.strerror or exc
            raise InputError(msg("errors_io.cannot_read", name=source, reason=reason)) from None
        regular = path.is_file()
        name, size, closers = source, path.stat().st_size if regular else None, [stream.close]
    try:
        table = _open_stream(stream, name, SUFFIXES.get(Path(source).suffix.lower()), item_ids)
    except BaseException:
        for closer in closers:
            closer()
        raise
    table.size = size if table.format is not InputFormat.xlsx else table.size
    table._closers[:0] = closers
    if table.format is not InputFormat.xlsx and size is not None:
        table.position = stream.tell
    if table.format is InputFormat.jsonl:
        table.rows = jsonl_rows(table.rows, item_ids, on_unknown_key)
    return table


def _stdin_bytes() -> IO[bytes]:
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        raise InputError(msg("errors_io.stdin_closed", name=STDIN_NAME))
    buffer: IO[bytes] | None = getattr(stdin, "buffer", None)
    if buffer is None:  # pragma: no cover - a text-only replacement of sys.stdin
        raise InputError(msg("errors_io.stdin_not_bytes", name=STDIN_NAME))
    return buffer


def _open_stream(
    stream: IO[bytes], name: str, declared: InputFormat | None, item_ids: Sequence[str]
) -> Table:
    try:
        head = stream.read(decoding.CHUNK_BYTES)
    except OSError as exc:
        reason = exc.strerror or exc
        raise InputError(msg("errors_io.cannot_read", name=name, reason=reason)) from None
    if not head.strip():
        raise InputError(msg("errors_io.input_empty", name=name))
    kind = declared or _sniff(head)
    if head.startswith(XLSX_MAGIC):
        if kind is not InputFormat.xlsx and declared is not None:
            raise InputError(msg("errors_io.xlsx_misnamed", name=name, kind=kind.value))
        return _xlsx_table(stream, head, name)
    if kind is InputFormat.xlsx:
        raise InputError(msg("errors_io.not_a_zip", name=name))
    encoding = bom_encoding(head)
    refuse_binary(head, name, encoding)
    if kind is InputFormat.jsonl:
        lines = text_lines(stream, head, name, encoding)
        if head.lstrip()[:1] == b"[":
            raise InputError(msg("errors_io.json_array", name=name))
        header = (*META_COLUMNS, *item_ids)
        return Table(name, kind, header, ((n, (text,)) for n, text in enumerate(lines, 1)))
    return _csv_table(text_chunks(stream, head, name, encoding), head, name, encoding)


def _sniff(head: bytes) -> InputFormat:
    if head.startswith(XLSX_MAGIC):
        return InputFormat.xlsx
    stripped = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    return InputFormat.jsonl if stripped[:1] in (b"{", b"[") else InputFormat.csv


def _csv_table(chunks: Iterator[str], head: bytes, name: str, encoding: str | None) -> Table:
    try:
        sample = StreamDecoder(encoding).decode(head, final=False)
    except BadBytes as exc:  # reported at its line when the rows get there
        sample = exc.text
    delimiter, skip_sep_line = _delimiter(sample)
    if skip_sep_line:
        chunks = drop_first_line(chunks)
    items = csv_items(chunks, delimiter, name, 1 if skip_sep_line else 0)
    for item in items:
        if isinstance(item, PlainLines):
            first = next(item.rows(), None)
            if first is None:
                continue  # only blank lines so far
            line, cells = first
            items = chain((item.after(line),), items)
        else:
            line, cells = item
        header = tuple(str(cell) for cell in cells)
        return Table(name, InputFormat.csv, _trim(header), rows_of(items), items=items)
    raise InputError(msg("errors_io.only_blank_lines", name=name))


def _delimiter(sample: str) -> tuple[str, bool]:
    """The delimiter giving the header the most columns (ties: comma); Excel's `sep=` wins."""
    for line in sample.splitlines():
        text = line.strip().lstrip("\ufeff")
        if not text:
            continue
        if text.lower().startswith("sep=") and len(text) == 5 and text[4] in DELIMITERS:
            return text[4], True
        counts = {d: _cell_count(text, d) for d in DELIMITERS}
        return max(DELIMITERS, key=lambda d: counts[d]), False
    return ",", False


def _cell_count(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:  # e.g. a cell over the csv module's field limit: reported by the reader
        return line.count(delimiter) + 1


def _trim(header: tuple[str, ...]) -> tuple[str, ...]:
    """Drop trailing unnamed columns, as spreadsheets often save them."""
    end = len(header)
    while end and not header[end - 1].strip():
        end -= 1
    return header[:end]


# --- xlsx ------------------------------------------------------------------------------------


def _xlsx_table(stream: IO[bytes], head: bytes, name: str) -> Table:
    from kamcli.io.xlsx_read import Workbook

    closers: list[Callable[[], object]] = []
    try:
        if stream.seekable():
            stream.seek(0)
            source: IO[bytes] = stream
        else:  # a pipe: a zip is read from its end, so keep a copy (on disk past 4 MiB)
            source = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
            closers.append(source.close)
            source.write(head)
            while chunk := stream.read(decoding.CHUNK_BYTES):
                source.write(chunk)
            source.seek(0)
        workbook = Workbook(source, name)
    except BaseException:
        for closer in closers:
            closer()
        raise
    closers.append(workbook.close)
    try:
        rows = _xlsx_rows(workbook.rows())
        for _line, cells in rows:
            if isinstance(cells, RowProblem):
                problem = msg("errors_io.xlsx_bad_header", name=name, reason=cells.reason)
                break
            header = _trim(tuple("" if cell is None else str(cell).strip() for cell in cells))
            table = Table(name, InputFormat.xlsx, header, _padded(rows, len(header)))
            table._closers += closers
            return table
        else:
            problem = msg("errors_io.xlsx_empty_sheet", name=name)
    except BaseException:
        for closer in closers:
            closer()
        raise
    for closer in closers:
        closer()
    raise InputError(problem)


def _xlsx_rows(sheet_rows: Iterator[SheetRow]) -> Iterator[Row]:
    """Non-empty sheet rows; a row holding a formula (never evaluated) or an over-long cell
    becomes a RowProblem. A sheet that cannot be read on stops with ReadFailure, after the
    rows before it were delivered."""
    try:
        yield from _xlsx_values(sheet_rows)
    except ReadFailure:
        raise
    except InputError as exc:
        raise ReadFailure(exc.message) from None


def _xlsx_values(sheet_rows: Iterator[SheetRow]) -> Iterator[Row]:
    for row in sheet_rows:
        values = row.cells
        blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
        if blank and not row.formulas and not row.too_long:
            continue
        reasons = []
        if row.formulas:
            reasons.append(msg("errors_io.cell_formula", cells=", ".join(row.formulas)))
        if row.too_long:
            cells, limit = ", ".join(row.too_long), f"{MAX_CELL_CHARS:,}"
            reasons.append(msg("errors_io.cell_too_long", cells=cells, limit=limit))
        if reasons:
            text = tuple("" if value is None else str(value) for value in values)
            yield row.line, RowProblem(joined(reasons), text)
            continue
        yield row.line, values


def _padded(rows: Iterator[Row], width: int) -> Iterator[Row]:
    """Sheets store no empty trailing cells: pad short rows to the header's width."""
    for line, cells in rows:
        if isinstance(cells, RowProblem) or len(cells) >= width:
            yield line, cells
        else:
            yield line, [*cells, *([None] * (width - len(cells)))]
