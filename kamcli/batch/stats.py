"""Psychometrics over the rows of a batch: `kam stats` and `kam batch --stats`.

Rows arrive one at a time from the batch pipeline (same readers, same row checks). Careless
responding is computed as they come, in chunks, and only flagged respondents are kept with
their reasons (they are listed, never dropped: `--exclude-flagged` leaves them out of the
reliability figures on request, and says how many). Reliability needs every answer, so each
respondent's answers are kept compactly: one byte per item (0 = unanswered, else the answer's
place on the scale from 1) in a list of `bytes` — O(respondents × items) bytes, about
items + 40 bytes per respondent (110 MB per million respondents of the 70-item default
model), plus a byte per respondent for the flag. The formulas: docs/statistics.md.
"""

from __future__ import annotations

import datetime
import math
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamcli.errors import UsageError
from kamcli.scoring.psychometrics import (
    DEFAULT_IRV_MIN,
    CarelessFlag,
    ScaleReliability,
    careless,
    default_longstring_limit,
    reliability,
)

if TYPE_CHECKING:
    from kamcli.batch.rows import GoodRow
    from kamcli.model.schema import CompetencyModel

TIME_COLUMNS = ("seconds", "duration")
MISSING_METHODS = ("listwise", "pairwise")
CHUNK = 1024  # rows per careless() call
UNANSWERED = 0
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")  # [h:]mm:ss[.f]

if TYPE_CHECKING:  # one code per item: bytes, or array('H') for scales past 254 points
    Codes = bytes | array[int]


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
            raise UsageError(f"--missing must be one of {', '.join(MISSING_METHODS)}.")
        if self.longstring is not None and self.longstring < 2:
            raise UsageError("--longstring must be 2 or more (identical answers in a row).")
        if self.irv_min is not None and not (math.isfinite(self.irv_min) and self.irv_min >= 0):
            raise UsageError("--irv-min must be a number of scale points, 0 or more.")


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


class _Answers(Mapping[str, int | None]):
    """One respondent's answers to one competency, read from the compact codes on demand."""

    __slots__ = ("_codes", "_decode", "_index")

    def __init__(self, codes: Codes, index: dict[str, int], decode: list[int | None]) -> None:
        self._codes = codes
        self._index = index
        self._decode = decode

    def __getitem__(self, key: str) -> int | None:
        return self._decode[self._codes[self._index[key]]]

    def get(self, key: str, default: object = None) -> int | None:
        """Mapping.get without its try/except: reliability() calls it once per answer."""
        position = self._index.get(key)
        if position is None:
            return default  # type: ignore[return-value]
        return self._decode[self._codes[position]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class StatsCollector:
    """Keeps what the statistics need of each good row; `result()` computes them."""

    def __init__(
        self, model: CompetencyModel, item_ids: Sequence[str], options: StatsOptions
    ) -> None:
        options.check()
        self._model = model
        self._item_ids = tuple(item_ids)
        self._options = options
        low, high = model.scale.min, model.scale.max
        self._low = low
        self._decode: list[int | None] = [None, *range(low, high + 1)]
        self._wide = high - low + 1 > 254  # codes no longer fit a byte
        digits = bytearray(range(256))
        if low >= 0 and high <= 9:
            for value in range(low, high + 1):
                digits[ord("0") + value] = value - low + 1
        self._from_digits = bytes(digits)
        self._answers: list[Codes] = []
        self._flags = bytearray()
        self._flagged: list[CarelessFlag] = []
        self._pending: list[tuple[int, str, Codes, float | None]] = []
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
        if row.digits is not None and not self._wide:
            codes: Codes = row.digits.translate(self._from_digits)
        else:
            values = row.values
            assert values is not None
            low = self._low
            encoded = [UNANSWERED if v is None else v - low + 1 for v in values]
            codes = array("H", encoded) if self._wide else bytes(encoded)
        seconds = None
        if self._time_index is not None and self._time_index < len(cells):
            seconds = parse_seconds(cells[self._time_index])
            if seconds is not None and math.isfinite(seconds) and seconds >= 0:
                self._timed += 1
            elif seconds is not None:
                self._bad_times += 1
        self._pending.append((len(self._answers), row.respondent_id, codes, seconds))
        self._answers.append(codes)
        self._flags.append(0)
        if len(self._pending) >= CHUNK:
            self._screen()

    def _screen(self) -> None:
        """Careless-responding indices for the pending rows; keep only the flagged ones."""
        decode, ids = self._decode, self._item_ids
        rows = [
            (rid, dict(zip(ids, map(decode.__getitem__, codes), strict=True)), seconds)
            for _, rid, codes, seconds in self._pending
        ]
        options = self._options
        found = careless(
            self._model,
            rows,
            longstring_limit=self._limit,
            irv_min=self._irv_min,
            min_seconds_per_item=options.min_seconds_per_item,
        )
        for (index, *_), flag in zip(self._pending, found, strict=True):
            if flag.flagged:
                self._flags[index] = 1
                self._flagged.append(flag)
        self._pending.clear()

    def result(self) -> StatsResult:
        self._screen()
        if self._bad_times:
            self._notes.append(
                f"{self._bad_times} completion time(s) are not a number of seconds "
                "(or m:ss); those rows are not checked for speed"
            )
        excluding = self._options.exclude_flagged
        keep = [
            codes
            for codes, flag in zip(self._answers, self._flags, strict=True)
            if not (excluding and flag)
        ]
        scales: list[ScaleReliability] = []
        start = 0
        for competency in self._model.competencies:
            stop = start + len(competency.items)
            index = {item_id: start + i for i, item_id in enumerate(self._item_ids[start:stop])}
            rows = [_Answers(codes, index, self._decode) for codes in keep]
            single = self._model.model_copy(update={"competencies": [competency]})
            scales += reliability(single, rows, missing=self._options.missing)
            start = stop
        return StatsResult(
            respondents=len(self._answers),
            used=len(keep),
            excluded=len(self._answers) - len(keep),
            options=self._options,
            longstring_limit=self._limit,
            irv_min=self._irv_min,
            time_columns=tuple(self._time_columns),
            timed=self._timed,
            reliability=tuple(scales),
            flagged=tuple(self._flagged),
            notes=tuple(self._notes),
        )
