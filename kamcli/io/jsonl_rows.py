"""JSON Lines rows for `kam batch`: one object per line, its keys put into header order.

A line that is not a JSON object, or gives a key twice, becomes a RowProblem at its line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from kamcli.errors import Msg, msg
from kamcli.io.messages import joined
from kamcli.io.table_rows import META_COLUMNS, Row, RowProblem, UnknownKey


def jsonl_rows(
    lines: Iterator[Row], item_ids: Sequence[str], on_unknown_key: UnknownKey
) -> Iterator[Row]:
    """One object per line, `answers: {item: value}` or flat item keys; cells in header order."""
    columns = {key: index for index, key in enumerate((*META_COLUMNS, *item_ids))}
    columns["person"] = columns["name"]
    width = len(META_COLUMNS) + len(item_ids)
    for line, raw in lines:
        text = str(raw[0]) if not isinstance(raw, RowProblem) else ""
        if not text.strip():
            continue
        original = (text.rstrip("\r\n"),)
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as exc:
            reason = msg("errors_io.jsonl_invalid", reason=exc.msg, column=exc.colno)
            yield line, RowProblem(reason, original)
            continue
        except DuplicateKey as exc:
            yield line, RowProblem(msg("errors_io.jsonl_key_twice", field=exc.key), original)
            continue
        except RecursionError:
            yield line, RowProblem(msg("errors_io.jsonl_too_deep"), original)
            continue
        if not isinstance(data, dict):
            yield line, RowProblem(msg("errors_io.jsonl_not_object", example="{…}"), original)
            continue
        cells: list[object] = [None] * width
        problems: list[Msg] = []
        given: set[str] = set()
        for key, value in _flat_pairs(data, problems):
            index = columns.get(key)
            if index is None:
                on_unknown_key(key, line)
            elif key in given:
                problems.append(msg("errors_io.jsonl_given_twice", field=key))
            else:
                given.add(key)
                cells[index] = value
        if problems:
            yield line, RowProblem(joined(problems), original)
        else:
            yield line, cells


class DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads keeps the last of two equal keys; a row must not say `stage` twice."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return data


def _flat_pairs(data: dict[str, Any], problems: list[Msg]) -> Iterator[tuple[str, Any]]:
    """Top-level keys, with the `answers` and `diagnostic` objects (as in answers files)
    flattened into their item and statement ids."""
    for key, value in data.items():
        if key not in ("answers", "diagnostic"):
            yield key, value
        elif isinstance(value, dict):
            for item_id, answer in value.items():
                yield str(item_id), answer
        elif value is not None:
            problems.append(msg("errors_io.jsonl_not_an_object", field=key))
