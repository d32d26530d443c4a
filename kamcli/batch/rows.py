"""Check and score each row of a table, given its column layout (layout.py), into a scored
or a rejected row (row_outcomes.py).

A row whose answer cells are all single valid digits takes the fast path
(`ScoringPlan.score_digits`); any other row is validated cell by cell, so every problem of
the row is named at once. A respondent id is taken by the first row that is scored; a later
row with it is rejected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Protocol

from kamcli.batch.layout import Layout
from kamcli.batch.raters import RaterRules
from kamcli.batch.row_outcomes import PROBLEMS_SEPARATOR, BadRow, GoodRow, brief_reason
from kamcli.batch.seen import SeenIds
from kamcli.errors import Msg, MsgList, msg
from kamcli.io.answers import SKIP_WORDS
from kamcli.io.table_rows import META_COLUMNS, RowProblem
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.plan import ScoringPlan
from kamcli.scoring.score import EPSILON


class CellAliases(Protocol):
    """Other ways a file may write an answer, a stage or a role (a survey tool's labels)."""

    values: dict[str, int]
    stages: dict[str, str]
    roles: dict[str, str]


# Joining digit cells with a separator and checking every second character is the separator
# proves each cell held exactly one character (see `_digits`); "," can never be a scale digit.
SEPARATOR = ","
# Why a cell is not an answer: a catalogue key and its fields but the item's id, which the
# caller adds (one message per problem, built only when there is one).
CellProblem = tuple[str, dict[str, object]]
NOT_A_NUMBER = "errors_rows.not_a_number"
NOT_WHOLE = "errors_rows.not_whole"
OFF_SCALE = "errors_rows.off_scale"


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
        *,
        text_only: bool = False,
        aliases: CellAliases | None = None,
    ) -> None:
        """`text_only`: every cell is a str (CSV), so cells are stripped without type checks.
        `aliases`: a survey tool's answer labels, stage and role names (kamcli.io.survey)."""
        self._plan = plan
        self._strip: Callable[[object], str] = str.strip if text_only else _stripped  # type: ignore[assignment]
        self.layout = layout
        self._seen = seen
        self._stage = stage
        self._ids = plan.stage_ids
        self._stages = {s.casefold(): s for s in self._ids}
        self._width = layout.width
        present = [key for key in META_COLUMNS if key in layout.meta]
        if present == list(META_COLUMNS[: len(present)]):  # only trailing ones missing
            self._meta_of = _getter([layout.meta[key] for key in present])
            self._meta_pad: tuple[str, ...] = ("",) * (len(META_COLUMNS) - len(present))
        else:
            self._meta_of = lambda cells: tuple(
                cells[layout.meta[key]] if key in layout.meta else "" for key in META_COLUMNS
            )
            self._meta_pad = ()
        self._low, self._high = model.scale.min, model.scale.max
        self._min_coverage = model.min_coverage
        self._n_items = len(plan.item_ids)
        self._item_ids = plan.item_ids
        self._meta = layout.meta
        columns = layout.item_columns
        self._fast = None not in columns and self._low >= 0 and self._high <= 9
        self._keys_of = plan.digit_keys if plan.has_digit_keys else None
        self._items_of = _getter([c for c in columns if c is not None])
        self._present = tuple(c is not None for c in columns)
        self._separators = SEPARATOR * (self._n_items - 1)
        self._joined_length = 2 * self._n_items - 1
        self._valid = {str(v): v for v in range(self._low, self._high + 1)}
        self._hint = msg("errors_rows.hint", low=self._low, high=self._high)
        self._rules = RaterRules(model, plan.item_ids)
        self._roles = self._rules.roles
        self._barred = frozenset(self._rules.forbidden)
        self._model = model
        self._diagnostic = layout.diagnostic
        if aliases is not None:
            for text, value in aliases.values.items():
                self._valid.setdefault(text, value)
            for text, stage_id in aliases.stages.items():
                self._stages.setdefault(text, stage_id)
            self._roles.update(aliases.roles)

    def check(self, line: int, cells: Sequence[object] | RowProblem) -> GoodRow | BadRow:
        if isinstance(cells, RowProblem):  # the reader could not use it; its id may be known
            split = len(cells.cells) > 1  # cells, not a JSON Lines line kept whole
            rid = (self._text(cells.cells, "respondent_id") or None) if split else None
            return BadRow(line, rid, cells.reason, cells.cells)
        width = self._width
        if len(cells) != width and not self._only_blank_extras(cells, width):
            return self._bad(
                line, cells, msg("errors_rows.row_width", cells=len(cells), width=width)
            )
        # the meta cells in META_COLUMNS order ("" when the file has no such column)
        meta = (*map(self._strip, self._meta_of(cells)), *self._meta_pad)
        rid, name, account, given_stage, subject, rater = meta
        if not rid:
            return self._bad(line, cells, msg("errors_rows.no_id"))
        stages = self._stages
        stage = self._stage or stages.get(given_stage) or stages.get(given_stage.casefold())
        if stage is None:
            return self._bad(line, cells, self._stage_problem(given_stage))
        role = self._roles.get(rater) or self._rules.role(rater)
        if role is None:
            return self._bad(line, cells, self._rules.unknown(rater))
        # A role the model keeps items from is checked and scored the slow way (raters.py).
        barred = role in self._barred
        values: tuple[int | None, ...] | None = None
        score = keys = None
        digits = self._digits(cells) if self._fast and not barred else None
        if digits is not None:
            if self._keys_of is not None:
                keys = self._keys_of(digits)
                if keys is None:
                    digits = None
            else:
                score = self._plan.score_digits(digits, stage)
                if score is None:
                    digits = None
        if digits is None:
            values, problems = self._values(cells)
            if barred:
                problems += self._rules.problems(role, values)
            if problems:
                return self._bad(line, cells, _listed(problems), brief_reason(problems))
            answered = sum(1 for v in values if v is not None)
            asked = self._rules.allowed[role] if barred else self._n_items
            if not asked or answered / asked < self._min_coverage - EPSILON:
                coverage = {"answered": answered, "asked": asked, "needed": self._min_coverage}
                return self._bad(line, cells, msg("errors_rows.too_little_coverage", **coverage))
            if barred:
                score = self._rules.score(values, stage, role)
            else:
                score = self._plan.score(values, stage)
        diagnostic = None
        if self._diagnostic:
            diagnostic, problems = self._diagnose(cells)
            if problems:
                return self._bad(line, cells, _listed(problems))
        if not self._seen.add(rid):
            return self._bad(line, cells, msg("errors_rows.duplicate_id"))
        return GoodRow(
            line,
            rid,
            name or None,
            account or None,
            subject or None,
            role,
            stage,
            values,
            digits,
            keys,
            score,
            diagnostic,
        )

    def lookups(self) -> tuple[str | None, dict[str, str], dict[str, str], frozenset[str]]:
        """--stage, the stage a cell names, the role a cell names, and the roles checked and
        scored the slow way: how kamcli.batch.blocks checks many rows as `check` checks one."""
        return self._stage, self._stages, self._roles, self._barred

    def _only_blank_extras(self, cells: Sequence[object], width: int) -> bool:
        """Trailing empty cells past the header (spreadsheets add them) are not a problem."""
        return len(cells) > width and all(not cell_text(c).strip() for c in cells[width:])

    def _text(self, cells: Sequence[object], key: str) -> str:
        index = self._meta.get(key)
        if index is None or index >= len(cells):
            return ""
        cell = cells[index]
        return cell.strip() if type(cell) is str else cell_text(cell).strip()

    def _stage_problem(self, given: str) -> Msg:
        if not given:
            return msg("errors_rows.no_stage", stages=", ".join(self._ids))
        return msg("errors_rows.unknown_stage", stage=given, stages=", ".join(self._ids))

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

    def _values(self, cells: Sequence[object]) -> tuple[tuple[int | None, ...], list[Msg]]:
        values: list[int | None] = []
        problems: list[Msg] = []
        answers = iter(self._items_of(cells))
        for item_id, present in zip(self._item_ids, self._present, strict=True):
            value, problem = self._value(next(answers)) if present else (None, None)
            if problem is not None:
                problems.append(Msg(problem[0], item=item_id, **problem[1]))
            values.append(value)
        return tuple(values), problems

    def _value(self, cell: object) -> tuple[int | None, CellProblem | None]:
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
                return None, (NOT_A_NUMBER, {"text": _quote(text), "hint": self._hint})
        elif isinstance(cell, bool) or not isinstance(cell, int | float):
            return None, (NOT_A_NUMBER, {"text": _quote(cell_text(cell)), "hint": self._hint})
        else:
            number = cell
        if isinstance(number, float):
            if not math.isfinite(number) or not number.is_integer():
                return None, (NOT_WHOLE, {"number": cell_text(number), "hint": self._hint})
            number = int(number)
        if not self._low <= number <= self._high:
            return None, (OFF_SCALE, {"number": number, "low": self._low, "high": self._high})
        return number, None

    def _diagnose(self, cells: Sequence[object]) -> tuple[tuple[str, str, str] | None, list[Msg]]:
        """The row's diagnostic cells, or the problems of its statement answers."""
        from kamcli.scoring.diagnostic import diagnose  # only files with statement columns

        answers: dict[str, int | None] = {}
        problems: list[Msg] = []
        for statement_id, column in self._diagnostic:
            value, problem = self._value(cells[column] if column < len(cells) else None)
            if problem is not None:
                problems.append(Msg(problem[0], item=statement_id, **problem[1]))
            answers[statement_id] = value
        if problems or all(v is None for v in answers.values()):
            return None, problems
        result = diagnose(self._model, answers)
        confidence = "" if result.confidence is None else f"{result.confidence:.2f}"
        return (result.suggested_stage or "", confidence, result.unclear or ""), []

    def _bad(
        self, line: int, cells: Sequence[object], reason: Msg, brief: Msg | None = None
    ) -> BadRow:
        respondent_id = self._text(cells, "respondent_id")
        texts = tuple(cell_text(c) for c in cells)
        return BadRow(line, respondent_id or None, reason, texts, brief)


def _getter(columns: list[int]) -> Callable[[Sequence[object]], Sequence[object]]:
    """The cells at `columns`, in that order: a slice when they sit side by side."""
    first = columns[0]
    if columns == list(range(first, first + len(columns))):
        block: Callable[[Sequence[object]], Sequence[object]] = itemgetter(
            slice(first, first + len(columns))
        )
        return block
    if len(columns) == 1:
        only = columns[0]
        return lambda cells: (cells[only],)
    getter: Callable[[Sequence[object]], Sequence[object]] = itemgetter(*columns)
    return getter


def _listed(problems: list[Msg]) -> Msg:
    """The problems of a row as one reason ("; " between them, "；" in Chinese)."""
    return problems[0] if len(problems) == 1 else MsgList(PROBLEMS_SEPARATOR, problems)


def _stripped(cell: object) -> str:
    return cell.strip() if type(cell) is str else cell_text(cell).strip()


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
