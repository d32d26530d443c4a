"""Careless-responding indices per respondent: long-string, IRV and completion speed.

These flag respondents for a human to look at; nothing is dropped here. All three work on
the raw answers in the questionnaire's item order (reverse-keyed items are not mirrored: a
person ticking "3" throughout ticked the same box, whatever the items mean). Definitions,
defaults and references: docs/statistics.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kamcli.model.schema import CompetencyModel

__all__ = [
    "DEFAULT_IRV_MIN",
    "LONG_STRING",
    "LOW_IRV",
    "MIN_ANSWERS_FOR_IRV_FLAG",
    "TOO_FAST",
    "CarelessFlag",
    "careless",
    "default_longstring_limit",
    "irv",
    "judge",
    "longest_run",
    "thresholds",
]

LONG_STRING = "long_string"
LOW_IRV = "low_irv"
TOO_FAST = "too_fast"
# Half a scale point: what an even split between two neighbouring answers gives.
DEFAULT_IRV_MIN = 0.5
# An SD of a handful of answers says little; below this many answers IRV is shown, not flagged.
MIN_ANSWERS_FOR_IRV_FLAG = 10
# The default long-string limit is half the questionnaire, but never below this.
MIN_DEFAULT_LONGSTRING = 5


@dataclass(frozen=True)
class CarelessFlag:
    """One respondent's careless-responding indices and the flags they raise (maybe none)."""

    respondent_id: str
    items: int
    answered: int
    longstring: int
    longstring_answer: int | None
    irv: float | None
    seconds: float | None
    seconds_per_item: float | None
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    note: str | None

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {
            "respondent_id": self.respondent_id,
            "items": self.items,
            "answered": self.answered,
            "longstring": self.longstring,
            "longstring_answer": self.longstring_answer,
            "irv": self.irv,
            "seconds": self.seconds,
            "seconds_per_item": self.seconds_per_item,
            "flagged": self.flagged,
            "flags": list(self.flags),
            "reasons": list(self.reasons),
            "note": self.note,
        }


def longest_run(answers: Sequence[int | None]) -> tuple[int, int | None]:
    """Length and value of the longest run of identical consecutive answers.

    A skipped answer (None) ends a run, as R's rle() treats NA in the careless package:
    the respondent did something other than repeat the same box. The first longest run wins.
    """
    best, best_value = 0, None
    run, value = 0, None
    for answer in answers:
        if answer is None:
            run, value = 0, None
            continue
        run = run + 1 if answer == value else 1
        value = answer
        if run > best:
            best, best_value = run, answer
    return best, best_value


def irv(answers: Sequence[int | None]) -> float | None:
    """Intra-individual response variability: the sample SD of the answered items (n − 1).

    Computed exactly from integer sums; None with fewer than two answers.
    """
    values = [a for a in answers if a is not None]
    n = len(values)
    if n < 2:
        return None
    total = sum(values)
    numerator = n * sum(v * v for v in values) - total * total
    return math.sqrt(numerator / (n * (n - 1)))


def default_longstring_limit(items: int) -> int:
    """Half the questionnaire (rounded up), at least MIN_DEFAULT_LONGSTRING (Curran 2016)."""
    return max(math.ceil(items / 2), MIN_DEFAULT_LONGSTRING)


def thresholds(
    items: int,
    longstring_limit: int | None,
    irv_min: float | None,
    min_seconds_per_item: float,
) -> tuple[int, float]:
    """The long-string limit and IRV floor in force (None = the default); refuses bad ones."""
    limit = default_longstring_limit(items) if longstring_limit is None else longstring_limit
    irv_floor = DEFAULT_IRV_MIN if irv_min is None else irv_min
    if limit < 2:
        raise ValueError(f"longstring_limit must be at least 2, not {limit}")
    if not irv_floor >= 0:
        raise ValueError(f"irv_min must be a number >= 0, not {irv_min}")
    if not min_seconds_per_item >= 0:
        raise ValueError(f"min_seconds_per_item must be a number >= 0, not {min_seconds_per_item}")
    return limit, irv_floor


def careless(
    model: CompetencyModel,
    rows: Iterable[tuple[str, Mapping[str, int | None], float | None]],
    *,
    longstring_limit: int | None = None,
    irv_min: float | None = None,
    min_seconds_per_item: float = 1.0,
) -> list[CarelessFlag]:
    """Indices and flags for each (respondent id, answers, completion seconds or None).

    A long-string of `longstring_limit` or more identical answers in a row, an IRV below
    `irv_min` (with at least MIN_ANSWERS_FOR_IRV_FLAG answers) and fewer than
    `min_seconds_per_item` seconds per answered item each raise a flag. None means the
    documented default; pass 0 for `irv_min` or `min_seconds_per_item` to switch a check off.
    This is the reference implementation; careless_arrays.py computes the same with numpy.
    """
    item_ids = model.item_ids()
    limit, irv_floor = thresholds(len(item_ids), longstring_limit, irv_min, min_seconds_per_item)
    flags = []
    for respondent, answers, seconds in rows:
        ordered = [answers.get(item_id) for item_id in item_ids]
        run, run_value = longest_run(ordered)
        flags.append(
            judge(
                respondent,
                len(item_ids),
                sum(a is not None for a in ordered),
                (run, run_value, irv(ordered)),
                seconds,
                (limit, irv_floor, min_seconds_per_item),
            )
        )
    return flags


def judge(
    respondent: str,
    items: int,
    answered: int,
    indices: tuple[int, int | None, float | None],
    seconds: float | None,
    limits: tuple[int, float, float],
) -> CarelessFlag:
    """One respondent's flags, reasons and notes from the indices (longest run, its answer,
    IRV) and the completion time; `limits` = (long-string limit, IRV floor, seconds/item)."""
    run, run_value, variability = indices
    limit, irv_floor, min_seconds_per_item = limits
    notes: list[str] = []
    flags: list[str] = []
    reasons: list[str] = []
    if run >= limit:
        flags.append(LONG_STRING)
        reasons.append(f"{run} identical answers ({run_value}) in a row (limit {limit})")
    if variability is None:
        notes.append("IRV needs at least two answers")
    elif answered >= MIN_ANSWERS_FOR_IRV_FLAG and variability < irv_floor:
        flags.append(LOW_IRV)
        reasons.append(
            f"answers barely vary: IRV {variability:.2f} is below {irv_floor:g} "
            f"across {answered} answers"
        )
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        notes.append(f"completion time {seconds!r} ignored: not a number of seconds")
        seconds = None
    per_item = None
    if seconds is not None and answered:
        per_item = seconds / answered
        if per_item < min_seconds_per_item:
            flags.append(TOO_FAST)
            reasons.append(
                f"{per_item:.2f} s per answered item is below {min_seconds_per_item:g} s: "
                "too fast to have read the statements"
            )
    elif seconds is not None:
        notes.append("no answers: seconds per item undefined")
    return CarelessFlag(
        respondent_id=respondent,
        items=items,
        answered=answered,
        longstring=run,
        longstring_answer=run_value,
        irv=variability,
        seconds=None if seconds is None else float(seconds),
        seconds_per_item=per_item,
        flags=tuple(flags),
        reasons=tuple(reasons),
        note="; ".join(notes) or None,
    )
