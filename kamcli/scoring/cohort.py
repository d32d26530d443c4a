"""Cohort statistics over scored rows, in memory that does not grow with the number of rows.

Competency scores are weighted means of a few answers, so a cohort holds few distinct
scores: `add` only counts (stage, competency, score) occurrences, and every statistic —
mean, sd, exact median, share meeting the target, bands, histogram, priorities — is derived
from those counts. Should a model allow very many distinct scores, the counts are folded
into running accumulators (Welford/Chan for mean and sd) and the median falls back to a fine
grid, so memory stays bounded whatever the input.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.plan import INSUFFICIENT, RowScore
from kamcli.scoring.score import EPSILON, TOP_N
from kamcli.scoring.stage_groups import (
    StageGroup,
    StagePriority,
    StageSums,
    majority_stage,
    stage_group,
)

__all__ = [
    "CohortStats",
    "CohortSummary",
    "CompetencySummary",
    "HistogramBin",
    "StageGroup",
    "StagePriority",
    "majority_stage",
]

HISTOGRAM_STEP = 0.5
# Distinct (competency, score) pairs held per stage before they are folded into accumulators.
PENDING_LIMIT = 4096
# Distinct scores kept per competency for the median; above it they are merged onto a grid.
MEDIAN_LIMIT = 2048
MEDIAN_GRID_POINTS = 1024


@dataclass(frozen=True, slots=True)
class HistogramBin:
    """Scores in [low, high) — the last bin also holds the top of the scale."""

    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class CompetencySummary:
    """One competency across the cohort. Averages are over respondents with a score."""

    competency_id: str
    n: int
    insufficient: int
    mean: float | None
    sd: float | None  # sample standard deviation; None below two scores
    median: float | None
    median_exact: bool  # False only after the grid fallback (see module docstring)
    share_meeting_target: float | None  # score >= the target of the respondent's stage
    mean_gap: float | None
    priority: float | None  # mean over scored rows of max(gap, 0) x the stage's weight
    distribution: dict[str, int]  # status band id (and "insufficient") -> respondents
    histogram: tuple[HistogramBin, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "n": self.n,
            "insufficient": self.insufficient,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "median_exact": self.median_exact,
            "share_meeting_target": self.share_meeting_target,
            "mean_gap": self.mean_gap,
            "priority": self.priority,
            "distribution": dict(self.distribution),
            "histogram": [{"low": b.low, "high": b.high, "count": b.count} for b in self.histogram],
        }


@dataclass(frozen=True, slots=True)
class CohortSummary:
    """The whole cohort: per-competency statistics in model order and the team's priorities."""

    model_id: str
    model_version: str
    stage: str | None  # the cohort's stage; None when respondents are at different stages
    n_respondents: int
    stages: dict[str, int]
    competencies: tuple[CompetencySummary, ...]
    priorities: tuple[str, ...]  # the top few of `ranked_priorities`
    ranked_priorities: tuple[str, ...]  # every competency with a positive mean priority
    mean_fit: float | None
    mean_next_fit: float | None
    stage_groups: tuple[StageGroup, ...] = ()  # per stage present, in model order

    @property
    def majority_stage(self) -> str | None:
        """The stage of more than half of the respondents (see `majority_stage`)."""
        return majority_stage(self.stages)

    def competency(self, competency_id: str) -> CompetencySummary:
        for summary in self.competencies:
            if summary.competency_id == competency_id:
                return summary
        raise KeyError(competency_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_version": self.model_version,
            "stage": self.stage,
            "n_respondents": self.n_respondents,
            "stages": dict(self.stages),
            "competencies": [c.to_dict() for c in self.competencies],
            "priorities": list(self.priorities),
            "ranked_priorities": list(self.ranked_priorities),
            "mean_fit": self.mean_fit,
            "mean_next_fit": self.mean_next_fit,
            "majority_stage": self.majority_stage,
            "stage_groups": [group.to_dict() for group in self.stage_groups],
        }


@dataclass(slots=True)
class _Accumulator:
    """Folded counts of one competency; every update takes a score with its multiplicity."""

    n: int = 0
    insufficient: int = 0
    mean: float = 0.0
    m2: float = 0.0  # sum of squared deviations from the mean (Chan's parallel Welford)
    gap_sum: float = 0.0
    priority_sum: float = 0.0
    meeting: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    histogram: list[int] = field(default_factory=list)
    scores: Counter[float] = field(default_factory=Counter)
    median_exact: bool = True


class CohortStats:
    """Streaming statistics of a cohort: `add` every RowScore, then ask for `summary()`."""

    def __init__(self, model: CompetencyModel, stage: str | None) -> None:
        if stage is not None and stage not in model.stage_ids:
            raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(model.stage_ids)})")
        self._model = model
        self._stage = stage
        self._competency_ids = tuple(c.id for c in model.competencies)
        self._indexes = range(len(self._competency_ids))
        self._low = float(model.scale.min)
        self._high = float(model.scale.max)
        self._bins = max(1, math.ceil((self._high - self._low) / HISTOGRAM_STEP))
        self._pending: dict[str, Counter[tuple[int, float | None]]] = {}
        self._accumulators = [
            _Accumulator(histogram=[0] * self._bins) for _ in self._competency_ids
        ]
        self._by_stage: dict[str, list[StageSums]] = {}
        self._respondents = 0
        self._stages: Counter[str] = Counter()
        self._fit_sum = 0.0
        self._fit_n = 0
        self._next_fit_sum = 0.0
        self._next_fit_n = 0

    def add(self, row: RowScore) -> None:
        """Count one respondent; constant time and no per-row memory."""
        pending = self._pending.get(row.stage)
        if pending is None:
            if row.stage not in self._model.stage_ids:
                raise ValueError(f"unknown stage {row.stage!r}")
            pending = self._pending[row.stage] = Counter()
        pending.update(zip(self._indexes, row.scores, strict=True))
        if len(pending) > PENDING_LIMIT:
            self._fold(row.stage, pending)
        self._respondents += 1
        self._stages[row.stage] += 1
        if row.fit is not None:
            self._fit_sum += row.fit
            self._fit_n += 1
        if row.next_fit is not None:
            self._next_fit_sum += row.next_fit
            self._next_fit_n += 1

    def _fold(self, stage_id: str, pending: Counter[tuple[int, float | None]]) -> None:
        """Move counted scores of one stage into the accumulators (gaps need the stage)."""
        targets = self._model.stage(stage_id).targets
        by_stage = self._by_stage.setdefault(stage_id, [StageSums() for _ in self._competency_ids])
        for (index, score), count in pending.items():
            acc = self._accumulators[index]
            if score is None:
                acc.insufficient += count
                acc.bands[INSUFFICIENT] += count
                continue
            target = targets[self._competency_ids[index]]
            gap = float(target.target) - score
            total = acc.n + count
            delta = score - acc.mean
            acc.mean += delta * count / total
            acc.m2 += delta * delta * acc.n * count / total
            acc.n = total
            acc.gap_sum += gap * count
            acc.priority_sum += max(gap, 0.0) * float(target.weight) * count
            meeting = count if score >= target.target - EPSILON else 0
            acc.meeting += meeting
            sums = by_stage[index]
            sums.n += count
            sums.score_sum += score * count
            sums.gap_sum += gap * count
            sums.priority_sum += max(gap, 0.0) * float(target.weight) * count
            sums.meeting += meeting
            acc.bands[self._model.band_for_gap(gap).id] += count
            acc.histogram[self._bin(score)] += count
            acc.scores[score] += count
            if len(acc.scores) > MEDIAN_LIMIT:
                self._coarsen(acc)
        pending.clear()

    def _bin(self, score: float) -> int:
        position = int((score - self._low) / HISTOGRAM_STEP + EPSILON)
        return min(max(position, 0), self._bins - 1)

    def _coarsen(self, acc: _Accumulator) -> None:
        """Merge the median's scores onto a grid of the scale: bounded memory, ~exact median."""
        step = (self._high - self._low) / MEDIAN_GRID_POINTS
        merged: Counter[float] = Counter()
        for score, count in acc.scores.items():
            merged[self._low + round((score - self._low) / step) * step] += count
        acc.scores = merged
        acc.median_exact = False

    def summary(self) -> CohortSummary:
        """Statistics so far; adding more rows afterwards is fine."""
        for stage_id, pending in self._pending.items():
            self._fold(stage_id, pending)
        competencies = tuple(
            self._competency_summary(competency_id, acc)
            for competency_id, acc in zip(self._competency_ids, self._accumulators, strict=True)
        )
        stage = self._stage
        if len(self._stages) > 1:
            stage = None
        elif self._stages:
            stage = next(iter(self._stages))
        ranked = self._ranked_priorities(competencies, stage)
        return CohortSummary(
            model_id=self._model.id,
            model_version=self._model.version,
            stage=stage,
            n_respondents=self._respondents,
            stages={s: self._stages[s] for s in self._model.stage_ids if s in self._stages},
            competencies=competencies,
            priorities=ranked[:TOP_N],
            ranked_priorities=ranked,
            mean_fit=self._fit_sum / self._fit_n if self._fit_n else None,
            mean_next_fit=self._next_fit_sum / self._next_fit_n if self._next_fit_n else None,
            stage_groups=tuple(
                self._stage_group(s) for s in self._model.stage_ids if s in self._stages
            ),
        )

    def _stage_group(self, stage_id: str) -> StageGroup:
        sums = self._by_stage.get(stage_id) or [StageSums() for _ in self._competency_ids]
        return stage_group(self._model, stage_id, self._stages[stage_id], sums)

    def _competency_summary(self, competency_id: str, acc: _Accumulator) -> CompetencySummary:
        scored = acc.n
        bands = [band.id for band in self._model.status_bands] + [INSUFFICIENT]
        edges = [self._low + i * HISTOGRAM_STEP for i in range(self._bins)]
        return CompetencySummary(
            competency_id=competency_id,
            n=scored,
            insufficient=acc.insufficient,
            mean=acc.mean if scored else None,
            sd=math.sqrt(max(acc.m2, 0.0) / (scored - 1)) if scored > 1 else None,
            median=_median(acc.scores, scored),
            median_exact=acc.median_exact,
            share_meeting_target=acc.meeting / scored if scored else None,
            mean_gap=acc.gap_sum / scored if scored else None,
            priority=acc.priority_sum / scored if scored else None,
            distribution={band: acc.bands[band] for band in bands},
            histogram=tuple(
                HistogramBin(low, min(low + HISTOGRAM_STEP, self._high), count)
                for low, count in zip(edges, acc.histogram, strict=True)
            ),
        )

    def _ranked_priorities(
        self, competencies: tuple[CompetencySummary, ...], stage: str | None
    ) -> tuple[str, ...]:
        """Largest mean weighted gap first; ties go to the stage's heavier competency."""
        targets = None if stage is None else self._model.stage(stage).targets
        ranked = [
            (
                -round(summary.priority, 9),
                0.0 if targets is None else -targets[summary.competency_id].weight,
                index,
                summary.competency_id,
            )
            for index, summary in enumerate(competencies)
            if summary.priority is not None and summary.priority > EPSILON
        ]
        return tuple(entry[-1] for entry in sorted(ranked))


def _median(counts: Counter[float], total: int) -> float | None:
    """The median of a multiset given as value -> count (mean of the middle two if even)."""
    if total == 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            upper = value
            break
    assert lower is not None and upper is not None
    return lower if lower == upper else (lower + upper) / 2
