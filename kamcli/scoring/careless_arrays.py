"""Careless-responding indices for a block of respondents at once, with numpy.

The same indices and flags as careless.py (the reference, one respondent at a time), over a
respondents × items matrix of answer codes (0 = not answered, else the answer's place on
the scale from 1; see reliability_sums.py): long-string by one pass over the item columns,
IRV from exact integer sums, seconds per answered item. Only the respondents who need a
`CarelessFlag` get one (`careless.judge` writes its reasons and notes), so a block of
attentive respondents costs a few vector operations per item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kamcli.scoring.careless import MIN_ANSWERS_FOR_IRV_FLAG, CarelessFlag, judge, thresholds

if TYPE_CHECKING:
    import numpy.typing as npt

    from kamcli.model.schema import CompetencyModel

    Codes = npt.NDArray[np.unsignedinteger[Any]]

__all__ = ["CarelessIndices", "careless_indices", "screen"]


@dataclass(frozen=True)
class CarelessIndices:
    """Per respondent: answers given, longest run and its code (0: none), IRV (NaN: none)."""

    answered: npt.NDArray[np.int64]
    run: npt.NDArray[np.int64]
    run_code: npt.NDArray[np.int64]
    irv: npt.NDArray[np.float64]


def careless_indices(codes: Codes) -> CarelessIndices:
    """The indices of careless.longest_run and careless.irv for every row of `codes`.

    The run follows longest_run step by step, a column at a time: an unanswered item ends a
    run, and the first longest run wins. IRV is √((n·Σc² − (Σc)²) / (n(n − 1))) with integer
    sums (of codes: the SD does not change with a shift), the reference's own arithmetic.
    """
    rows, items = codes.shape
    if not items:
        nothing = np.zeros(rows, np.int64)
        return CarelessIndices(nothing, nothing, nothing, np.full(rows, np.nan))
    columns = np.ascontiguousarray(codes.T)  # one item's answers side by side
    given = columns != 0
    answered = np.count_nonzero(given, axis=0).astype(np.int64)
    run = given[0].astype(np.int32)
    best = run.copy()
    best_code = columns[0].copy()
    for item in range(1, items):
        going_on = (columns[item] == columns[item - 1]) & given[item]
        run = np.where(going_on, run + 1, given[item])
        longer = run > best
        np.maximum(best, run, out=best)
        np.copyto(best_code, columns[item], where=longer)
    values = columns.astype(np.float64)  # Σc² is a whole number below 2**53: exact
    squares = np.einsum("ij,ij->j", values, values).astype(np.int64)
    total = columns.sum(axis=0, dtype=np.int64)
    numerator = answered * squares - total * total
    denominator = answered * (answered - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        irv = np.where(answered >= 2, np.sqrt(numerator / denominator), np.nan)
    return CarelessIndices(
        answered=answered,
        run=best.astype(np.int64),
        run_code=best_code.astype(np.int64),
        irv=irv,
    )


def screen(
    model: CompetencyModel,
    respondent_ids: Sequence[str],
    codes: Codes,
    seconds: Sequence[float | None],
    *,
    longstring_limit: int | None = None,
    irv_min: float | None = None,
    min_seconds_per_item: float = 1.0,
    everyone: bool = False,
) -> tuple[list[CarelessFlag], npt.NDArray[np.bool_]]:
    """careless.careless for rows of codes: the CarelessFlag of each flagged respondent (of
    everyone with `everyone`), in row order, and which rows are flagged."""
    items = codes.shape[1]
    limit, irv_floor = thresholds(items, longstring_limit, irv_min, min_seconds_per_item)
    found = careless_indices(codes)
    times = np.array([math.nan if s is None else s for s in seconds], dtype=np.float64)
    usable = np.isfinite(times) & (times >= 0) & (found.answered > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        too_fast = usable & (times / found.answered < min_seconds_per_item)
    low_irv = (found.answered >= MIN_ANSWERS_FOR_IRV_FLAG) & (found.irv < irv_floor)
    flagged = (found.run >= limit) | low_irv | too_fast
    rows = range(len(respondent_ids)) if everyone else np.flatnonzero(flagged).tolist()
    offset = model.scale.min - 1
    limits = (limit, irv_floor, min_seconds_per_item)
    flags = []
    for row in rows:
        run = int(found.run[row])
        variability = float(found.irv[row])
        indices = (
            run,
            int(found.run_code[row]) + offset if run else None,
            None if math.isnan(variability) else variability,
        )
        answered = int(found.answered[row])
        flags.append(judge(respondent_ids[row], items, answered, indices, seconds[row], limits))
    return flags, flagged
