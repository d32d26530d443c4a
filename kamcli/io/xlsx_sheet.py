"""The sheet part of kamcli.io.xlsx_read: what xml.etree's C parser calls for each element of a
worksheet. Only the values of the current row are kept; a finished row is handed over as a
SheetRow. No element tree is built, which makes reading about 3x faster than iterparse and
keeps memory to one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kamcli.errors import InputError, msg

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_COLUMNS = 16_384  # XFD, the last column Excel has
_DIGITS = "0123456789"

Cells = list[object]


class Workbook(Protocol):
    """What a sheet needs of its workbook (xlsx_read.Workbook): its name for messages and
    the value a `<v>` text stands for."""

    name: str

    def value_of(self, kind: str | None, text: str | None) -> object: ...


class TooLong:
    """Stands for a cell value longer than MAX_CELL_CHARS."""

    def __init__(self, length: int) -> None:
        self.length = length


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: Cells
    formulas: tuple[str, ...] = ()
    too_long: tuple[str, ...] = ()


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """0-based column of a cell reference ("A1" → 0, "AB7" → 27)."""
    letters = ref.rstrip(_DIGITS)
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            if not "A" <= letter <= "Z":
                break
            index = index * 26 + ord(letter) - 64
        index = max(index - 1, 0)
        if len(_COLUMNS) < 2 * MAX_COLUMNS:
            _COLUMNS[letters] = index
    return index


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """`{namespace}row` → `row` (cached: the parser hands over the same tag objects)."""
    local = tag[tag.rfind("}") + 1 :]
    if len(_LOCAL) < 1024:
        _LOCAL[tag] = local
    return local


class SheetTarget:
    """What xml.etree's C parser calls for each element of a sheet: keeps only the values of
    the current row, then hands the row over (Workbook.rows). About 3x faster than building
    elements and reading them back."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.done: list[SheetRow] = []
        self.fed = 0
        self.fed_at_row_end = 0
        self.line = 0
        self.completed = 0  # the last row read whole
        self.cells: Cells = []
        self.formulas: list[str] = []
        self.too_long: list[str] = []
        self.ref: str | None = None
        self.kind: str | None = None
        self.text: str | None = None
        self.formula: str | None = None
        self.inline: list[str] | None = None
        self.parts: list[str] | None = None
        self.length = 0
        self.overflow = False
        self.phonetic = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = _LOCAL.get(tag) or _local(tag)
        if local == "c":
            self.ref, self.kind = attrib.get("r"), attrib.get("t")
            self.text = self.formula = self.inline = None
            self.overflow = False
        elif local == "v" or local == "f":
            self.parts, self.length = [], 0
        elif local == "t":
            if self.inline is not None and not self.phonetic:
                self.parts, self.length = [], 0
        elif local == "is":
            self.inline = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            number = attrib.get("r")
            self.line = int(number) if number and number.isdigit() else self.line + 1
            self.cells, self.formulas, self.too_long = [], [], []

    def data(self, text: str) -> None:
        parts = self.parts
        if parts is not None:
            self.length += len(text)
            if self.length <= MAX_CELL_CHARS:
                parts.append(text)
            else:
                self.overflow = True

    def end(self, tag: str) -> None:
        local = _LOCAL.get(tag) or _local(tag)
        if local == "v":
            self.text = "".join(self.parts or ())
            self.parts = None
        elif local == "c":
            self._cell()
        elif local == "t":
            if self.parts is not None and self.inline is not None:
                self.inline.append("".join(self.parts))
                self.parts = None
        elif local == "f":
            self.formula = "=" + "".join(self.parts or ())  # shown in --rejects, never evaluated
            self.parts = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            self.done.append(
                SheetRow(self.line, self.cells, tuple(self.formulas), tuple(self.too_long))
            )
            self.fed_at_row_end = self.fed
            self.completed = self.line

    def _cell(self) -> None:
        ref, cells = self.ref, self.cells
        where = ref or f"row {self.line}"
        column = _column(ref) if ref else len(cells)
        if column >= MAX_COLUMNS:
            name = self.book.name
            raise InputError(msg("errors_io.xlsx_beyond_xfd", name=name, row=self.line, cell=ref))
        kind, text = self.kind, self.text
        if self.formula is not None:
            self.formulas.append(where)
            value: object = self.formula
        elif self.inline is not None:
            value = "".join(self.inline)
        elif kind is None and text is not None and text.isdigit():  # most answers: 1..5
            value = int(text)
        else:
            value = self.book.value_of(kind, text)
        if (
            self.overflow
            or isinstance(value, TooLong)
            or (isinstance(value, str) and len(value) > MAX_CELL_CHARS)
        ):
            self.too_long.append(where)
            value = None
        if column == len(cells):
            cells.append(value)
        elif column > len(cells):
            cells.extend([None] * (column - len(cells)))
            cells.append(value)
        else:
            cells[column] = value

    def close(self) -> None:
        return None
