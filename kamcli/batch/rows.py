"""Turn a table's header into a column layout, and each row into a scored or a rejected row.

The header is checked once per file: which column holds which item and meta field, which
columns are unknown (a file-level warning; the known columns are still scored), which items
have no column (they count as unanswered). Each row is then checked and scored: a row whose
answer cells are all single valid digits takes the fast path (`ScoringPlan.score_digits`);
any other row is validated cell by cell, so every problem of the row is named at once.
A respondent id is taken by the first row that is scored; a later row with it is rejected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from kamcli.batch.seen import SeenIds
from kamcli.errors import InputError
from kamcli.io.answers import SKIP_WORDS
from kamcli.io.batch_read import META_COLUMNS, RowProblem
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.plan import RowScore, ScoringPlan
from kamcli.scoring.score import EPSILON

ALIASES = {"person": "name"}
# Joining digit cells with a separator and checking every second character is the separator
# proves each cell held exactly one character (see `_digits`); "," can never be a scale digit.
SEPARATOR = ","


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each item and meta field sits in a file's rows."""

    width: int
    meta: dict[str, int]
    item_columns: tuple[int | None, ...]  # per plan item, in plan order
    unknown: tuple[str, ...]
    missing_items: tuple[str, ...]
    unnamed: tuple[int, ...]  # 1-based positions of columns with no name (not trailing)


@dataclass(slots=True)  # not frozen: frozen dataclasses are slower to build, per row
class GoodRow:
    """A scored row: who, at which stage, its answers and its RowScore."""

    line: int
    respondent_id: str
    name: str | None
    account: str | None
    subject: str | None
    rater: str | None
    values: tuple[int | None, ...] | None  # in plan item order; None on the fast path …
    digits: bytes | None  # … which keeps the answers as b"4352…" instead
    score: RowScore

    def answers(self, item_ids: Sequence[str]) -> dict[str, int | None]:
        """The answered items as kam assess stores them (unanswered items left out)."""
        values = self.values if self.digits is None else [b - 48 for b in self.digits]
        assert values is not None
        return {i: v for i, v in zip(item_ids, values, strict=True) if v is not None}


@dataclass(frozen=True, slots=True)
class BadRow:
    """A rejected row, with why and its original cells (as text) for the rejects file."""

    line: int
    respondent_id: str | None
    reason: str
    cells: tuple[str, ...]


def layout_for(header: Sequence[str], item_ids: Sequence[str], name: str) -> Layout:
    """Map header names to positions; InputError when the file cannot be used at all."""
    items = set(item_ids)
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
            raise InputError(
                f"{name}: column {column!r} appears more than once in the header; "
                "remove one so it is clear which to score."
            )
        positions[column] = index
        if column not in items and column not in META_COLUMNS:
            unknown.append(raw.strip())
    if "respondent_id" not in positions:
        raise InputError(
            f"{name}: the header has no respondent_id column; every row needs an id "
            "(`kam template responses` writes the expected header)."
        )
    item_columns = tuple(positions.get(item) for item in item_ids)
    if all(column is None for column in item_columns):
        raise InputError(
            f"{name}: no column is an item id of this model "
            "(`kam template responses` lists the ids as columns)."
        )
    return Layout(
        width=len(header),
        meta={key: positions[key] for key in META_COLUMNS if key in positions},
        item_columns=item_columns,
        unknown=tuple(unknown),
        missing_items=tuple(i for i, c in zip(item_ids, item_columns, strict=True) if c is None),
        unnamed=tuple(unnamed),
    )


def cell_text(value: object) -> str:
    """A cell as text: numbers as written (1001, not 1001.0), empty for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class RowChecker:
    """Checks and scores the rows of one file against the model (and --stage, if given)."""

    def __init__(
        self,
        plan: ScoringPlan,
        model: CompetencyModel,
        layout: Layout,
        seen: SeenIds,
        stage: str | None,
    ) -> None:
        self._plan = plan
        self._layout = layout
        self._seen = seen
        self._stage = stage
        self._stages = {s.casefold(): s for s in plan.stage_ids}
        self._low, self._high = model.scale.min, model.scale.max
        self._min_coverage = model.min_coverage
        self._n_items = len(plan.item_ids)
        self._item_ids = plan.item_ids
        self._meta = layout.meta
        columns = layout.item_columns
        self._fast = None not in columns and 0 <= self._low and self._high <= 9
        self._items_of = _getter([c for c in columns if c is not None])
        self._present = tuple(c is not None for c in columns)
        self._separators = SEPARATOR * (self._n_items - 1)
        self._joined_length = 2 * self._n_items - 1
        self._valid = {str(v): v for v in range(self._low, self._high + 1)}
        self._hint = f"expected a whole number from {self._low} to {self._high}, or empty to skip"

    def check(self, line: int, cells: Sequence[object] | RowProblem) -> GoodRow | BadRow:
        if isinstance(cells, RowProblem):
            return BadRow(line, None, cells.reason, cells.cells)
        width = self._layout.width
        if len(cells) != width and not self._only_blank_extras(cells, width):
            return self._bad(line, cells, f"row has {len(cells)} cells, header has {width}")
        respondent_id = self._text(cells, "respondent_id")
        if not respondent_id:
            return self._bad(line, cells, "no respondent_id")
        stage = self._stage or self._row_stage(cells)
        if stage not in self._plan.stage_ids:
            return self._bad(line, cells, stage)
        values: tuple[int | None, ...] | None = None
        score = None
        digits = self._digits(cells) if self._fast else None
        if digits is not None:
            score = self._plan.score_digits(digits, stage)
        if score is None:
            digits = None
            values, problems = self._values(cells)
            if problems:
                return self._bad(line, cells, "; ".join(problems))
            answered = sum(1 for v in values if v is not None)
            if answered / self._n_items < self._min_coverage - EPSILON:
                return self._bad(
                    line,
                    cells,
                    f"too little coverage: {answered} of {self._n_items} items answered "
                    f"(at least {self._min_coverage:.0%} needed)",
                )
            score = self._plan.score(values, stage)
        if not self._seen.add(respondent_id):
            return self._bad(line, cells, "duplicate respondent_id: an earlier row with this id was scored")
        return GoodRow(
            line=line,
            respondent_id=respondent_id,
            name=self._text(cells, "name") or None,
            account=self._text(cells, "account") or None,
            subject=self._optional(cells, "subject"),
            rater=self._optional(cells, "rater"),
            values=values,
            digits=digits,
            score=score,
        )

    def _only_blank_extras(self, cells: Sequence[object], width: int) -> bool:
        """Trailing empty cells past the header (spreadsheets add them) are not a problem."""
        return len(cells) > width and all(not cell_text(c).strip() for c in cells[width:])

    def _text(self, cells: Sequence[object], key: str) -> str:
        index = self._meta.get(key)
        if index is None or index >= len(cells):
            return ""
        cell = cells[index]
        return cell.strip() if type(cell) is str else cell_text(cell).strip()

    def _optional(self, cells: Sequence[object], key: str) -> str | None:
        return (self._text(cells, key) or None) if key in self._meta else None

    def _row_stage(self, cells: Sequence[object]) -> str:
        """The row's stage id, or — when it is not one — the reason, to reject the row."""
        given = self._text(cells, "stage")
        if not given:
            return f"no stage: fill the stage column or pass --stage ({', '.join(self._stages)})"
        found = self._stages.get(given.casefold())
        if found is None:
            return (
                f"unknown stage {given!r} (stages: {', '.join(self._plan.stage_ids)}; "
                "or pass --stage)"
            )
        return found

    def _digits(self, cells: Sequence[object]) -> bytes | None:
        """b"4352…" when every answer cell is one character, else None (the slow path).

        A joined string `d,d,…,d` of length 2n-1 whose odd positions are all "," can only
        come from n one-character cells: an empty cell would put two "," side by side (or
        one at an end), a longer cell would shift a non-"," onto an odd position. Whether
        each character is a valid digit is checked by score_digits.
        """
        try:
            joined = SEPARATOR.join(self._items_of(cells))  # type: ignore[arg-type]
        except TypeError:  # a non-text cell (an xlsx number, a JSON value)
            return None
        if len(joined) != self._joined_length or joined[1::2] != self._separators:
            return None
        return joined[::2].encode("ascii", "replace")

    def _values(self, cells: Sequence[object]) -> tuple[tuple[int | None, ...], list[str]]:
        values: list[int | None] = []
        problems: list[str] = []
        answers = iter(self._items_of(cells))
        for item_id, present in zip(self._item_ids, self._present, strict=True):
            value, problem = self._value(next(answers)) if present else (None, None)
            if problem is not None:
                problems.append(f"{item_id}: {problem}")
            values.append(value)
        return tuple(values), problems

    def _value(self, cell: object) -> tuple[int | None, str | None]:
        """The answer in a cell, or why it is not one (empty or a skip word = unanswered)."""
        if cell is None:
            return None, None
        if isinstance(cell, str):
            text = cell.strip()
            found = self._valid.get(text)
            if found is not None:
                return found, None
            if not text or text.lower() in SKIP_WORDS:
                return None, None
            number = _number(text)
            if number is None:
                return None, f"{_quote(text)} is not a number ({self._hint})"
        elif isinstance(cell, bool) or not isinstance(cell, int | float):
            return None, f"{_quote(cell_text(cell))} is not a number ({self._hint})"
        else:
            number = cell
        if isinstance(number, float):
            if not math.isfinite(number) or not number.is_integer():
                return None, f"{cell_text(number)} is not a whole number ({self._hint})"
            number = int(number)
        if not self._low <= number <= self._high:
            return None, f"{number} is outside the scale {self._low}..{self._high}"
        return number, None

    def _bad(self, line: int, cells: Sequence[object], reason: str) -> BadRow:
        respondent_id = self._text(cells, "respondent_id")
        return BadRow(line, respondent_id or None, reason, tuple(cell_text(c) for c in cells))


def _getter(columns: list[int]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """itemgetter that always returns a tuple, even for one column."""
    if len(columns) == 1:
        only = columns[0]
        return lambda cells: (cells[only],)
    getter: Callable[[Sequence[object]], tuple[object, ...]] = itemgetter(*columns)
    return getter


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _quote(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "…"
    return repr(shown)
