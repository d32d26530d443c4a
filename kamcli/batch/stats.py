"""Psychometrics over the rows of a batch: `kam stats` and `kam batch --stats`.

Rows arrive from the batch pipeline (same readers, same row checks), one at a time or, for
plain CSV lines, a block of digits at a time. They are kept compactly — one byte per answer
(0 = unanswered, else the answer's place on the scale from 1), a uint16 past 254 scale
points — until BLOCK rows are pending; then careless responding is screened and the
reliability sums are added, both with numpy (kamcli/scoring/careless_arrays.py and
reliability_sums.py), and the block is dropped. Only flagged respondents are kept, with
their reasons: they are listed, never dropped (`--exclude-flagged` leaves them out of the
reliability figures on request, and says how many). Memory is therefore flat: about
BLOCK × (items + ~100) bytes for the pending rows, plus the numpy working set of one block,
plus each flagged respondent's finding. The formulas: docs/statistics.md.
"""

from __future__ import annotations

import datetime
import math
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamcli.errors import UsageError, msg
from kamcli.scoring.careless import DEFAULT_IRV_MIN, CarelessFlag, default_longstring_limit

if TYPE_CHECKING:
    from kamcli.batch.row_outcomes import GoodRow
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.reliability import ScaleReliability

TIME_COLUMNS = ("seconds", "duration")
MISSING_METHODS = ("listwise", "pairwise")
BLOCK = 8192  # rows screened and added up together
UNANSWERED = 0
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")  # [h:]mm:ss[.f]


@dataclass(frozen=True)
class StatsOptions:
    """The choices of `kam stats` (and `kam batch --stats`); None = the documented default."""

    missing: str = "listwise"
    exclude_flagged: bool = False
    longstring: int | None = None
    irv_min: float | None = None
    time_column: str | None = None
    min_seconds_per_item: float = 1.0

    def check(self) -> None:
        """Usage problems, found before anything is read."""
        if self.missing not in MISSING_METHODS:
            methods = ", ".join(MISSING_METHODS)
            raise UsageError(msg("errors_batch.missing_method", methods=methods))
        if self.longstring is not None and self.longstring < 2:
            raise UsageError(msg("errors_batch.longstring"))
        if self.irv_min is not None and not (math.isfinite(self.irv_min) and self.irv_min >= 0):
            raise UsageError(msg("errors_batch.irv_min"))


@dataclass(frozen=True)
class StatsResult:
    """Reliability per competency and the careless-responding findings of one run."""

    respondents: int
    used: int  # respondents behind the reliability figures
    excluded: int  # flagged respondents left out of them (--exclude-flagged)
    options: StatsOptions
    longstring_limit: int
    irv_min: float
    time_columns: tuple[str, ...]  # the columns completion times were read from
    timed: int  # respondents with a usable completion time
    reliability: tuple[ScaleReliability, ...]
    flagged: tuple[CarelessFlag, ...]
    notes: tuple[str, ...] = field(default=())


def parse_seconds(value: object) -> float | None:
    """A completion time in seconds: a number, `m:ss`/`h:mm:ss`, or a spreadsheet duration.

    None for an empty cell; NaN for anything else, which careless() reports as ignored.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, datetime.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    text = str(value).strip()
    if not text:
        return None
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, seconds = clock.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    try:
        return float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        return math.nan


class StatsCollector:
    """Screens and adds up the good rows a block at a time; `result()` gives the figures.

    Rows are kept only until BLOCK of them are pending, as one byte per answer; then
    careless responding is screened and the reliability sums are added (both with numpy),
    and the block is dropped. So memory does not grow with the number of respondents
    (only with the number of flagged ones, which are listed).
    """

    def __init__(
        self, model: CompetencyModel, item_ids: Sequence[str], options: StatsOptions
    ) -> None:
        options.check()
        if tuple(item_ids) != tuple(model.item_ids()):
            raise ValueError("the statistics need the answers in model order")
        from kamcli.scoring.reliability_sums import ReliabilitySums

        self._model = model
        self._options = options
        self._width = len(item_ids)
        low, high = model.scale.min, model.scale.max
        self._low = low
        self._wide = high - low + 1 > 254  # codes no longer fit a byte
        digits = bytearray(range(256))
        if low >= 0 and high <= 9:
            for value in range(low, high + 1):
                digits[ord("0") + value] = value - low + 1
        self._from_digits = bytes(digits)
        self._sums = ReliabilitySums(model, options.missing)
        self._respondents = 0
        self._used = 0
        self._flagged: list[CarelessFlag] = []
        self._codes: bytearray | array[int] = array("H") if self._wide else bytearray()
        self._ids: list[str] = []
        self._seconds: list[float | None] = []
        self._limit = (
            default_longstring_limit(len(item_ids))
            if options.longstring is None
            else options.longstring
        )
        self._irv_min = DEFAULT_IRV_MIN if options.irv_min is None else options.irv_min
        self._time_index: int | None = None
        self._time_columns: list[str] = []
        self._timed = 0
        self._bad_times = 0
        self._notes: list[str] = []

    @property
    def time_index(self) -> int | None:
        """The current table's completion-time column (None: there is none)."""
        return self._time_index

    def start_table(self, name: str, header: Sequence[str]) -> str | None:
        """Find the table's completion-time column; returns its header name (or None)."""
        columns = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
        wanted = self._options.time_column
        candidates = (wanted.strip().lower(),) if wanted else TIME_COLUMNS
        self._time_index = None
        for candidate in candidates:
            if candidate in columns:
                self._time_index = columns.index(candidate)
                found = header[self._time_index].strip()
                if found not in self._time_columns:
                    self._time_columns.append(found)
                return candidate
        if wanted:
            self._notes.append(
                f"{name}: no column {wanted!r}; completion times of its rows are not checked"
            )
        return None

    def add(self, row: GoodRow, cells: Sequence[object]) -> None:
        """One good row (`cells` as read, for the completion time)."""
        if row.digits is not None and not self._wide:
            self._codes.extend(row.digits.translate(self._from_digits))
        else:
            values = row.values
            assert values is not None
            low = self._low
            self._codes.extend([UNANSWERED if v is None else v - low + 1 for v in values])
        seconds = None
        if self._time_index is not None and self._time_index < len(cells):
            seconds = self._seconds_of(cells[self._time_index])
        self._ids.append(row.respondent_id)
        self._seconds.append(seconds)
        if len(self._ids) >= BLOCK:
            self._screen()

    def add_digits(
        self, digits: bytes, respondent_ids: Sequence[str], times: Sequence[object] | None
    ) -> None:
        """Many good rows whose answers are all one digit: their digits side by side, as
        b"4352…" (items × rows long), their ids and their time cells (None: no time column)."""
        assert not self._wide and len(digits) == self._width * len(respondent_ids)
        self._codes.extend(digits.translate(self._from_digits))
        self._ids += respondent_ids
        if times is None:
            self._seconds += [None] * len(respondent_ids)
        else:
            self._seconds += map(self._seconds_of, times)
        if len(self._ids) >= BLOCK:
            self._screen()

    def _seconds_of(self, cell: object) -> float | None:
        seconds = parse_seconds(cell)
        if seconds is not None and math.isfinite(seconds) and seconds >= 0:
            self._timed += 1
        elif seconds is not None:
            self._bad_times += 1
        return seconds

    def _screen(self) -> None:
        """Careless responding of the pending rows, then their reliability sums (both numpy)."""
        if not self._ids:
            return
        import numpy as np

        from kamcli.scoring.careless_arrays import screen

        flat = (
            np.frombuffer(self._codes, np.uint16)
            if self._wide
            else np.frombuffer(self._codes, np.uint8)
        )
        codes = flat.reshape(-1, self._width).copy()
        del flat  # (lets the buffer go)
        options = self._options
        found, flagged = screen(
            self._model,
            self._ids,
            codes,
            self._seconds,
            longstring_limit=self._limit,
            irv_min=self._irv_min,
            min_seconds_per_item=options.min_seconds_per_item,
        )
        self._flagged += found
        if options.exclude_flagged and found:
            codes = codes[~flagged]
        self._sums.add(codes)
        self._respondents += len(self._ids)
        self._used += codes.shape[0]
        del codes
        self._codes = array("H") if self._wide else bytearray()
        self._ids = []
        self._seconds = []

    def result(self) -> StatsResult:
        self._screen()
        if self._bad_times:
            self._notes.append(
                f"{self._bad_times} completion time(s) are not a number of seconds "
                "(or m:ss); those rows are not checked for speed"
            )
        return StatsResult(
            respondents=self._respondents,
            used=self._used,
            excluded=self._respondents - self._used,
            options=self._options,
            longstring_limit=self._limit,
            irv_min=self._irv_min,
            time_columns=tuple(self._time_columns),
            timed=self._timed,
            reliability=tuple(self._sums.results()),
            flagged=tuple(self._flagged),
            notes=tuple(self._notes),
        )
