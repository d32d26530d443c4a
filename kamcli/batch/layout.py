"""A file's header as a column layout: which column holds which item and meta field.

The header is checked once per file: which columns are unknown (a file-level warning; the
known columns are still scored), which items have no column (they count as unanswered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kamcli.errors import InputError, msg
from kamcli.io.table_rows import META_COLUMNS

ALIASES = {"person": "name"}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each item and meta field sits in a file's rows."""

    width: int
    meta: dict[str, int]
    item_columns: tuple[int | None, ...]  # per plan item, in plan order
    unknown: tuple[str, ...]
    missing_items: tuple[str, ...]
    unnamed: tuple[int, ...]  # 1-based positions of columns with no name (not trailing)
    # (statement id, column) of the stage diagnostic's statements the file has columns for
    diagnostic: tuple[tuple[str, int], ...] = ()


def layout_for(
    header: Sequence[str], item_ids: Sequence[str], name: str, statement_ids: Sequence[str] = ()
) -> Layout:
    """Map header names to positions; InputError when the file cannot be used at all."""
    items = set(item_ids) | set(statement_ids)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    unnamed: list[int] = []
    for index, raw in enumerate(header):
        column = raw.strip().lstrip("\ufeff").strip().lower()
        column = ALIASES.get(column, column)
        if not column:
            unnamed.append(index + 1)
            continue
        if column in positions:
            raise InputError(msg("errors_batch.duplicate_column", name=name, column=column))
        positions[column] = index
        if column not in items and column not in META_COLUMNS:
            unknown.append(raw.strip())
    if "respondent_id" not in positions:
        raise InputError(msg("errors_batch.no_id_column", name=name))
    item_columns = tuple(positions.get(item) for item in item_ids)
    if all(column is None for column in item_columns):
        raise InputError(msg("errors_batch.no_item_column", name=name))
    return Layout(
        width=len(header),
        meta={key: positions[key] for key in META_COLUMNS if key in positions},
        item_columns=item_columns,
        unknown=tuple(unknown),
        missing_items=tuple(i for i, c in zip(item_ids, item_columns, strict=True) if c is None),
        unnamed=tuple(unnamed),
        diagnostic=tuple((s, positions[s]) for s in statement_ids if s in positions),
    )
