"""The flat shapes a ScoringPlan (plan.py) compiles a model into, and the RowScore it gives.

Tuples and small frozen dataclasses instead of pydantic objects, so scoring a row walks no
model objects. Pure: no I/O.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import add
from typing import NamedTuple

from kamcli.model.schema import CompetencyModel


def reduce_sum(values: Iterable[float]) -> float:
    return reduce(add, values, 0.0)


# stage_fit adds left to right; so does sum() of floats before 3.12 (faster than reduce),
# while 3.12+ compensates rounding, which would change the last bit.
sequential_sum: Callable[[Iterable[float]], float] = (
    sum if sys.version_info < (3, 12) else reduce_sum
)


class RowScore(NamedTuple):
    """One respondent scored against one stage; tuples follow the model's competency order.

    A NamedTuple rather than a frozen dataclass: just as immutable, and built about four
    times faster, which counts when a batch builds one per respondent.
    """

    stage: str
    scores: tuple[float | None, ...]
    gaps: tuple[float | None, ...]
    statuses: tuple[str, ...]
    coverages: tuple[float, ...]
    fit: float | None
    next_fit: float | None
    coverage: float


@dataclass(frozen=True, slots=True)
class CompiledCompetency:
    """Where a competency's items sit in the row, and how each counts."""

    start: int
    stop: int
    size: int
    weights: tuple[float, ...]
    reverse: tuple[bool, ...]
    reverse_positions: tuple[int, ...]  # reverse-keyed items as indexes into the whole row
    unit_weights: bool


# A scored competency at one stage: (score, gap, status, reached × weight at this stage,
# the same at the next stage). Tables holds them per unanswered count (None: too few
# answers count), each indexed by the sum of answer offsets (answer − scale min).
Entry = tuple[float, float, str, float, float]
Table = tuple[Entry, ...]
Tables = tuple[Table | None, ...] | None  # None: weights other than 1, no tables
Floats = tuple[float, ...]
Profile = tuple[Floats, Floats, Floats | None, Floats | None]  # targets, weights, next


@dataclass(frozen=True, slots=True)
class StagePlan:
    """A stage's target profile as flat tuples, plus its lookup tables."""

    stage_id: str
    profile: Profile
    tables: tuple[Tables, ...]
    lookups: tuple[Table, ...]  # fully answered competencies: the digit fast path
    reached: tuple[Floats, ...]  # the lookups' reached × weight, for fits()
    next_reached: tuple[Floats, ...]
    weight_sum: float
    next_weight_sum: float


def compile_competencies(model: CompetencyModel) -> tuple[CompiledCompetency, ...]:
    """Where each competency's items sit in a row in item_ids order, and how each counts."""
    compiled = []
    start = 0
    for competency in model.competencies:
        weights = tuple(float(item.weight) for item in competency.items)
        reverse = tuple(item.reverse for item in competency.items)
        positions = tuple(start + i for i, r in enumerate(reverse) if r)
        unit = all(weight == 1.0 for weight in weights)
        stop = start + len(reverse)
        compiled.append(
            CompiledCompetency(start, stop, len(reverse), weights, reverse, positions, unit)
        )
        start = stop
    return tuple(compiled)
