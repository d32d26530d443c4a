"""Score many respondents fast, with exactly the numbers of `score_assessment`.

`kam batch` scores up to millions of rows, so the model is compiled once per stage into flat
tuples (and, for fully answered rows, lookup tables indexed by a competency's answer sum)
instead of walking pydantic objects per answer. The arithmetic is the same as in score.py,
operation for operation, so a batch row and `kam assess` never disagree. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add, getitem, itemgetter

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.score import EPSILON, INSUFFICIENT, TOP_N

__all__ = ["INSUFFICIENT", "RowScore", "ScoringPlan"]

# Byte that marks "not a scale digit" after translating ASCII digits to scale offsets.
_INVALID = 0xFF
# A window sum of answer offsets must fit in one byte for the multiplication trick below.
_BYTE_MAX = 0xFF


@dataclass(frozen=True, slots=True)
class RowScore:
    """One respondent scored against one stage; tuples follow the model's competency order."""

    stage: str
    scores: tuple[float | None, ...]
    gaps: tuple[float | None, ...]
    statuses: tuple[str, ...]
    coverages: tuple[float, ...]
    fit: float | None
    next_fit: float | None
    coverage: float


@dataclass(frozen=True, slots=True)
class _Competency:
    """Where a competency's items sit in item order, and how each counts."""

    start: int
    stop: int
    weights: tuple[float, ...]
    reverse: tuple[bool, ...]
    unit_weights: bool


# One fully answered competency at one stage, indexed by its answer sum:
# (score, gap, status, reached × weight at this stage, the same at the next stage).
_Entry = tuple[float, float, str, float, float]


@dataclass(frozen=True, slots=True)
class _Stage:
    """A stage's target profile as flat tuples, plus the fast path's lookup tables."""

    stage_id: str
    targets: tuple[float, ...]
    weights: tuple[float, ...]
    next_targets: tuple[float, ...] | None
    next_weights: tuple[float, ...] | None
    lookups: tuple[tuple[_Entry, ...], ...]
    weight_sum: float
    next_weight_sum: float


def _weighted_mean(pairs: list[tuple[float, int]]) -> float:
    """Same expression as score._weighted_mean, so the float result is bit-identical."""
    return sum(weight * value for weight, value in pairs) / sum(weight for weight, _ in pairs)


class ScoringPlan:
    """A model compiled for scoring rows of answers given in `item_ids` order."""

    def __init__(self, model: CompetencyModel) -> None:
        self.model = model
        self.item_ids: tuple[str, ...] = tuple(model.item_ids())
        self.competency_ids: tuple[str, ...] = tuple(c.id for c in model.competencies)
        self.stage_ids: tuple[str, ...] = tuple(model.stage_ids)
        self._low = model.scale.min
        self._high = model.scale.max
        self._min_coverage = model.min_coverage
        self._bands = tuple(
            (None if b.max_gap is None else b.max_gap + EPSILON, b.id) for b in model.status_bands
        )
        self._competencies = self._compile_competencies()
        self._digit_scale = self._low >= 0 and self._high <= 9
        self._fast = self._fast_path_possible()
        self._stages = {stage.id: self._compile_stage(stage.id) for stage in model.stages}
        self._full_coverages = (1.0,) * len(self.competency_ids)
        self._compile_digit_decoding()

    # --- compilation ---------------------------------------------------------------------

    def _compile_competencies(self) -> tuple[_Competency, ...]:
        compiled = []
        start = 0
        for competency in self.model.competencies:
            stop = start + len(competency.items)
            weights = tuple(float(item.weight) for item in competency.items)
            compiled.append(
                _Competency(
                    start=start,
                    stop=stop,
                    weights=weights,
                    reverse=tuple(item.reverse for item in competency.items),
                    unit_weights=all(weight == 1.0 for weight in weights),
                )
            )
            start = stop
        return tuple(compiled)

    def _fast_path_possible(self) -> bool:
        """Sums replace weighted means for unit weights; each window sum must fit in a byte."""
        span = self._high - self._low
        return (
            self._digit_scale
            and all(c.unit_weights for c in self._competencies)
            and all((c.stop - c.start) * span <= _BYTE_MAX for c in self._competencies)
        )

    def _compile_stage(self, stage_id: str) -> _Stage:
        stage = self.model.stage(stage_id)
        following = self.model.next_stage(stage_id)
        targets = tuple(float(stage.targets[c].target) for c in self.competency_ids)
        weights = tuple(float(stage.targets[c].weight) for c in self.competency_ids)
        next_targets = next_weights = None
        if following is not None:
            next_targets = tuple(float(following.targets[c].target) for c in self.competency_ids)
            next_weights = tuple(float(following.targets[c].weight) for c in self.competency_ids)
        lookups: tuple[tuple[_Entry, ...], ...] = ()
        if self._fast:
            lookups = tuple(
                self._lookup_table(index, targets, weights, next_targets, next_weights)
                for index in range(len(self._competencies))
            )
        return _Stage(
            stage_id=stage_id,
            targets=targets,
            weights=weights,
            next_targets=next_targets,
            next_weights=next_weights,
            lookups=lookups,
            weight_sum=reduce(add, weights, 0.0),
            next_weight_sum=0.0 if next_weights is None else reduce(add, next_weights, 0.0),
        )

    def _lookup_table(
        self,
        index: int,
        targets: tuple[float, ...],
        weights: tuple[float, ...],
        next_targets: tuple[float, ...] | None,
        next_weights: tuple[float, ...] | None,
    ) -> tuple[_Entry, ...]:
        """Every possible answer sum of a fully answered, unit-weight competency, precomputed."""
        size = self._competencies[index].stop - self._competencies[index].start
        table = []
        for offset_sum in range(size * (self._high - self._low) + 1):
            score = (offset_sum + size * self._low) / size
            gap = targets[index] - score
            reached_next = 0.0
            if next_targets is not None and next_weights is not None:
                reached_next = next_weights[index] * self._reached(score, next_targets[index])
            table.append(
                (
                    score,
                    gap,
                    self.band(gap),
                    weights[index] * self._reached(score, targets[index]),
                    reached_next,
                )
            )
        return tuple(table)

    def _compile_digit_decoding(self) -> None:
        """Tables for score_digits: byte → offset on the scale, reverse masks, window sums."""
        size = len(self.item_ids)
        table = bytearray([_INVALID]) * 256
        if self._digit_scale:
            for value in range(self._low, self._high + 1):
                table[ord("0") + value] = value - self._low
        self._to_offset = bytes(table)
        reverse = [r for c in self._competencies for r in c.reverse]
        span = self._high - self._low
        self._reverse_mask = int.from_bytes(bytes(_BYTE_MAX * r for r in reverse), "little")
        self._reverse_span = int.from_bytes(bytes(span * r for r in reverse), "little")
        # Multiplying by 1 + 256 + … + 256**(k-1) puts in byte p the sum of bytes p-k+1..p:
        # one big-int product gives every window sum of length k; read those ending a group.
        windows: list[tuple[int, int, Callable[[bytes], tuple[int, ...]]]] = []
        positions: list[int] = []
        for length in sorted({c.stop - c.start for c in self._competencies}):
            ends = [c.stop - 1 for c in self._competencies if c.stop - c.start == length]
            windows.append((sum(256**j for j in range(length)), size + length, _picker(ends)))
            positions.extend(
                i for i, c in enumerate(self._competencies) if c.stop - c.start == length
            )
        self._windows = tuple(windows)
        order = sorted(range(len(positions)), key=positions.__getitem__)
        self._reorder = None if order == list(range(len(order))) else _picker(order)

    # --- scoring ---------------------------------------------------------------------------

    def _stage(self, stage_id: str) -> _Stage:
        try:
            return self._stages[stage_id]
        except KeyError:
            raise ValueError(
                f"unknown stage {stage_id!r} (stages: {', '.join(self.stage_ids)})"
            ) from None

    def band(self, gap: float) -> str:
        """The status band id for a gap, as CompetencyModel.band_for_gap decides it."""
        for limit, band_id in self._bands:
            if limit is None or gap <= limit:
                return band_id
        return self._bands[-1][1]  # pragma: no cover - the last band has no limit

    def _reached(self, score: float, target: float) -> float:
        """Share of the way from the scale's bottom to the target, as in score.stage_fit."""
        if target == self._low:
            return 1.0
        return (min(score, target) - self._low) / (target - self._low)

    def _fit(
        self, scores: Sequence[float | None], targets: tuple[float, ...], weights: tuple[float, ...]
    ) -> float | None:
        reached_sum = 0.0
        weight_sum = 0.0
        for score, target, weight in zip(scores, targets, weights, strict=True):
            if score is None:
                continue
            reached_sum += weight * self._reached(score, target)
            weight_sum += weight
        if weight_sum == 0:
            return None
        return min(100.0, max(0.0, 100 * reached_sum / weight_sum))

    def score(self, values: Sequence[int | None], stage: str) -> RowScore:
        """Score one row: `values` in item_ids order, ints on the scale or None (unanswered)."""
        plan = self._stage(stage)
        if len(values) != len(self.item_ids):
            raise ValueError(f"expected {len(self.item_ids)} values, got {len(values)}")
        mirror = self._low + self._high
        scores: list[float | None] = []
        coverages: list[float] = []
        answered_total = 0
        for competency in self._competencies:
            answered = values[competency.start : competency.stop]
            counted = [
                mirror - raw if reverse else raw
                for raw, reverse in zip(answered, competency.reverse, strict=True)
                if raw is not None
            ]
            total = competency.stop - competency.start
            coverage = len(counted) / total
            coverages.append(coverage)
            answered_total += len(counted)
            if not counted or coverage < self._min_coverage - EPSILON:
                scores.append(None)
            elif competency.unit_weights:
                scores.append(sum(counted) / len(counted))
            else:
                weights = [
                    w
                    for w, raw in zip(competency.weights, answered, strict=True)
                    if raw is not None
                ]
                scores.append(_weighted_mean(list(zip(weights, counted, strict=True))))
        gaps = tuple(
            None if score is None else target - score
            for score, target in zip(scores, plan.targets, strict=True)
        )
        next_fit = None
        if plan.next_targets is not None and plan.next_weights is not None:
            next_fit = self._fit(scores, plan.next_targets, plan.next_weights)
        return RowScore(
            stage=plan.stage_id,
            scores=tuple(scores),
            gaps=gaps,
            statuses=tuple(INSUFFICIENT if gap is None else self.band(gap) for gap in gaps),
            coverages=tuple(coverages),
            fit=self._fit(scores, plan.targets, plan.weights),
            next_fit=next_fit,
            coverage=answered_total / len(self.item_ids),
        )

    def score_digits(self, digits: bytes, stage: str) -> RowScore | None:
        """Score a fully answered row given as one ASCII digit per item (e.g. b"4352…").

        None when a byte is not a digit on the scale, the length is wrong, or the scale has
        values that are not single digits; the caller then validates and scores the slow way.
        The caller must make sure each digit came from its own cell. Models with item weights
        other than 1 are decoded and scored by `score` (same numbers, not the table lookup).
        """
        plan = self._stage(stage)
        offsets = digits.translate(self._to_offset)
        if len(offsets) != len(self.item_ids) or _INVALID in offsets:
            return None
        if not self._fast:
            return self.score([offset + self._low for offset in offsets], stage)
        number = int.from_bytes(offsets, "little")
        if self._reverse_mask:
            # A reverse answer at offset x counts as span - x: add span, subtract x twice.
            number = number + self._reverse_span - ((number & self._reverse_mask) << 1)
        sums: tuple[int, ...] = ()
        for window, length, pick in self._windows:
            sums += pick((number * window).to_bytes(length, "little"))
        if self._reorder is not None:
            sums = self._reorder(sums)
        scores, gaps, statuses, reached, reached_next = zip(
            *map(getitem, plan.lookups, sums), strict=True
        )
        fit = min(100.0, max(0.0, 100 * reduce(add, reached, 0.0) / plan.weight_sum))
        next_fit = None
        if plan.next_targets is not None:
            next_fit = min(
                100.0, max(0.0, 100 * reduce(add, reached_next, 0.0) / plan.next_weight_sum)
            )
        return RowScore(
            plan.stage_id, scores, gaps, statuses, self._full_coverages, fit, next_fit, 1.0
        )

    def priorities(self, row: RowScore, stage: str, top: int = TOP_N) -> tuple[str, ...]:
        """The competencies to develop first: largest gap × stage weight, as score.py ranks."""
        plan = self._stage(stage)
        ranked = [
            (-(gap * weight), -weight, index, competency_id)
            for index, (competency_id, gap, weight) in enumerate(
                zip(self.competency_ids, row.gaps, plan.weights, strict=True)
            )
            if gap is not None and gap > EPSILON
        ]
        return tuple(entry[-1] for entry in sorted(ranked)[:top])


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """itemgetter that always returns a tuple (itemgetter(i) alone returns a bare item)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda values: (values[only],)
    return itemgetter(*indexes)
