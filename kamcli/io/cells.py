"""Spreadsheet-safe CSV cells: text that Excel or LibreOffice would run as a formula is defused.

A person or account name like `=HYPERLINK(...)` or `@SUM(A1)` is data, not a formula; a
spreadsheet opening the CSV must not evaluate it (CSV/formula injection). Text starting with
a formula character gets a leading apostrophe, which spreadsheets read as "this is text".
Numbers we write as numbers are left alone: a negative gap is a number, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# The characters a spreadsheet treats as the start of a formula (OWASP), with the full-width
# forms that some spreadsheets normalise to their ASCII equivalents.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
APOSTROPHE = "'"


def is_dangerous(cell: str) -> bool:
    """True when a spreadsheet could read the text as a formula, even after leading spaces."""
    if cell[:1] in FORMULA_STARTS:
        return True
    return cell.lstrip()[:1] in FORMULA_STARTS


def neutralise(cell: str) -> str:
    """The text with a leading apostrophe when it could be a formula; otherwise unchanged."""
    return APOSTROPHE + cell if cell and is_dangerous(cell) else cell


def write_csv_text(rows: Iterable[Sequence[object]]) -> str:
    """CSV text with Excel's CRLF line ends; every text cell neutralised, numbers kept as numbers.

    None becomes an empty cell. Callers encode with utf-8-sig so Excel detects UTF-8.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue()
