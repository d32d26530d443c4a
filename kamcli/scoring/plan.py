"""Score many respondents fast, with exactly the numbers of `score_assessment`.

`kam batch` scores up to millions of rows, so the model is compiled once per stage into flat
tuples and lookup tables (for unit item weights, a competency's score, gap, status and share
of the fit depend only on how many items were answered and the sum of the answers) instead
of walking pydantic objects per answer. The arithmetic is the same as in score.py, operation
for operation, so a batch row and `kam assess` never disagree. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import getitem

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.compiled import (
    Entry,
    Floats,
    Profile,
    RowScore,
    StagePlan,
    Table,
    Tables,
    compile_competencies,
    reduce_sum,
    sequential_sum,
)
from kamcli.scoring.digit_keys import BYTE_MAX, INVALID, DigitKeys
from kamcli.scoring.score import EPSILON, INSUFFICIENT, TOP_N

__all__ = ["INSUFFICIENT", "RowScore", "ScoringPlan", "sequential_sum"]

_TABLE_LIMIT = 4096  # larger tables (huge scales) are not built: the generic loop is used


def _weighted_mean(pairs: list[tuple[float, int]]) -> float:
    """Same expression as score._weighted_mean, so the float result is bit-identical."""
    return sum(weight * value for weight, value in pairs) / sum(weight for weight, _ in pairs)


def _clamp(fit: float) -> float:
    return min(100.0, max(0.0, fit))


class ScoringPlan:
    """A model compiled for scoring rows of answers given in `item_ids` order."""

    def __init__(self, model: CompetencyModel) -> None:
        self.model = model
        self.item_ids: tuple[str, ...] = tuple(model.item_ids())
        self.competency_ids: tuple[str, ...] = tuple(c.id for c in model.competencies)
        self.stage_ids: tuple[str, ...] = tuple(model.stage_ids)
        self._size = len(self.item_ids)
        self._low, self._high = model.scale.min, model.scale.max
        self._min_coverage = model.min_coverage
        self._bands = tuple(
            (None if b.max_gap is None else b.max_gap + EPSILON, b.id) for b in model.status_bands
        )
        self._competencies = compile_competencies(model)
        span = self._high - self._low
        self._digit_scale = self._low >= 0 and self._high <= 9
        # Digits fast path: sums replace weighted means; each window sum must fit in a byte.
        self._fast = self._digit_scale and all(
            c.unit_weights and c.size * span <= BYTE_MAX for c in self._competencies
        )
        self._stages = {stage.id: self._compile_stage(stage.id) for stage in model.stages}
        keys = DigitKeys(self._competencies, self._low, self._high, self._digit_scale)
        self._keys, self._digit_keys, self._to_offset = keys, keys.keys, keys.to_offset
        self._digit_scorers = {sid: self._digit_scorer(plan) for sid, plan in self._stages.items()}
        self._fitters = {sid: self._fitter(plan) for sid, plan in self._stages.items()}
        # digit_keys(digits): per competency, the index of the row's entry in `stage_table`
        # (the same for every stage); None when score_digits would return None, or when the
        # model has no digit keys. An attribute, not a method: one call less per row.
        self.digit_keys: Callable[[bytes], tuple[int, ...] | None] = (
            self._digit_keys if self._fast else _no_keys
        )

    # --- compilation ---------------------------------------------------------------------

    def _compile_stage(self, stage_id: str) -> StagePlan:
        def profile_of(stage_id: str) -> tuple[Floats, Floats]:
            targets = self.model.stage(stage_id).targets
            return (
                tuple(float(targets[c].target) for c in self.competency_ids),
                tuple(float(targets[c].weight) for c in self.competency_ids),
            )

        targets, weights = profile_of(stage_id)
        following = self.model.next_stage(stage_id)
        next_targets, next_weights = (None, None) if following is None else profile_of(following.id)
        profile = (targets, weights, next_targets, next_weights)
        tables = tuple(self._tables(index, profile) for index in range(len(self._competencies)))
        lookups = tuple(_full_table(t) for t in tables) if self._fast else ()
        return StagePlan(
            stage_id=stage_id,
            profile=profile,
            tables=tables,
            lookups=lookups,
            reached=tuple(tuple(entry[3] for entry in table) for table in lookups),
            next_reached=tuple(tuple(entry[4] for entry in table) for table in lookups),
            weight_sum=reduce_sum(weights),
            next_weight_sum=0.0 if next_weights is None else reduce_sum(next_weights),
        )

    def _entry(self, index: int, score: float, profile: Profile) -> Entry:
        """Everything a competency's score implies at a stage, computed as score.py does."""
        targets, weights, next_targets, next_weights = profile
        gap = targets[index] - score
        reached_next = 0.0
        if next_targets is not None and next_weights is not None:
            reached_next = next_weights[index] * self._reached(score, next_targets[index])
        reached = weights[index] * self._reached(score, targets[index])
        return (score, gap, self.band(gap), reached, reached_next)

    def _tables(self, index: int, profile: Profile) -> Tables:
        """Entries for every (unanswered count, answer sum) of a unit-weight competency."""
        competency = self._competencies[index]
        span = self._high - self._low
        if not competency.unit_weights or competency.size * span > _TABLE_LIMIT:
            return None
        by_missing: list[Table | None] = []
        for missing in range(competency.size + 1):
            answered = competency.size - missing
            if not answered or answered / competency.size < self._min_coverage - EPSILON:
                by_missing.append(None)
                continue
            by_missing.append(
                tuple(
                    self._entry(index, (offset + answered * self._low) / answered, profile)
                    for offset in range(answered * span + 1)
                )
            )
        return tuple(by_missing)

    def _digit_scorer(self, plan: StagePlan) -> Callable[[bytes], RowScore | None]:
        """score_digits for one stage, as a closure over its constants (hot path)."""
        if not self._fast:
            return lambda digits: self._decoded(digits.translate(self._to_offset), plan)
        digit_keys, lookups = self._digit_keys, plan.lookups
        stage_id, coverages = plan.stage_id, (1.0,) * len(self.competency_ids)
        weight_sum, next_weight_sum = plan.weight_sum, plan.next_weight_sum
        has_next = plan.profile[2] is not None
        total, new_row = sequential_sum, tuple.__new__

        def score_digits(digits: bytes) -> RowScore | None:
            keys = digit_keys(digits)
            if keys is None:
                return None
            scores, gaps, statuses, reached, reached_next = zip(
                *map(getitem, lookups, keys), strict=False
            )
            fit = 100 * total(reached) / weight_sum
            if not 0.0 <= fit <= 100.0:
                fit = _clamp(fit)
            next_fit = None
            if has_next:
                next_fit = 100 * total(reached_next) / next_weight_sum
                if not 0.0 <= next_fit <= 100.0:
                    next_fit = _clamp(next_fit)
            row = (stage_id, scores, gaps, statuses, coverages, fit, next_fit, 1.0)
            return new_row(RowScore, row)

        return score_digits

    def digit_key_rows(self, digits: bytes) -> Iterator[tuple[int, ...]]:
        """digit_keys of many rows at once, with the same few big-integer operations.

        `digits` holds whole rows back to back, every byte a digit on the scale (the caller
        has checked that); only for models with digit keys (has_digit_keys).
        """
        return self._keys.rows(digits)

    # --- scoring ---------------------------------------------------------------------------

    def _stage(self, stage_id: str) -> StagePlan:
        try:
            return self._stages[stage_id]
        except KeyError:
            raise self._unknown_stage(stage_id) from None

    def _unknown_stage(self, stage_id: str) -> ValueError:
        return ValueError(f"unknown stage {stage_id!r} (stages: {', '.join(self.stage_ids)})")

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

    def score(self, values: Sequence[int | None], stage: str) -> RowScore:
        """Score one row: `values` in item_ids order, ints on the scale or None (unanswered).

        The caller validates answers (and reports bad ones); off-scale values raise here
        rather than index the wrong table entry.
        """
        plan = self._stage(stage)
        if len(values) != self._size:
            raise ValueError(f"expected {self._size} values, got {len(values)}")
        low, mirror = self._low, self._low + self._high
        filled = [low if value is None else value for value in values]
        if min(filled) < low or max(filled) > self._high:
            raise ValueError(f"answers must be on the scale {low}..{self._high}")
        entries: list[Entry | None] = []
        coverages: list[float] = []
        for index, (competency, tables) in enumerate(
            zip(self._competencies, plan.tables, strict=True)
        ):
            answers = values[competency.start : competency.stop]
            missing = answers.count(None)
            coverages.append((competency.size - missing) / competency.size)
            if tables is None:
                entries.append(self._generic_entry(index, answers, plan))
                continue
            table = tables[missing]
            if table is None:
                entries.append(None)
                continue
            # Unanswered items were filled with the scale min: they add nothing to the offset.
            offset = sum(filled[competency.start : competency.stop]) - competency.size * low
            for position in competency.reverse_positions:
                raw = values[position]
                if raw is not None:
                    offset += mirror - 2 * raw
            entries.append(table[offset])
        return self._row(plan, entries, coverages, values.count(None))

    def _generic_entry(
        self, index: int, answers: Sequence[int | None], plan: StagePlan
    ) -> Entry | None:
        """A competency with weights other than 1: score.py's weighted mean, as it does it."""
        competency = self._competencies[index]
        mirror = self._low + self._high
        pairs = [
            (weight, mirror - raw if reverse else raw)
            for raw, reverse, weight in zip(
                answers, competency.reverse, competency.weights, strict=True
            )
            if raw is not None
        ]
        if not pairs or len(pairs) / competency.size < self._min_coverage - EPSILON:
            return None
        return self._entry(index, _weighted_mean(pairs), plan.profile)

    def _row(
        self, plan: StagePlan, entries: list[Entry | None], coverages: list[float], missing: int
    ) -> RowScore:
        """Assemble a RowScore; fits add up the scored competencies in order, as stage_fit."""
        _, weights, _, next_weights = plan.profile
        reached_sum = weight_sum = next_reached_sum = next_weight_sum = 0.0
        for entry, weight, next_weight in zip(
            entries, weights, next_weights or weights, strict=True
        ):
            if entry is not None:
                reached_sum += entry[3]
                weight_sum += weight
                next_reached_sum += entry[4]
                next_weight_sum += next_weight
        fit = next_fit = None
        if weight_sum != 0:
            fit = _clamp(100 * reached_sum / weight_sum)
            if next_weights is not None:
                next_fit = _clamp(100 * next_reached_sum / next_weight_sum)
        return RowScore(
            stage=plan.stage_id,
            scores=tuple(None if e is None else e[0] for e in entries),
            gaps=tuple(None if e is None else e[1] for e in entries),
            statuses=tuple(INSUFFICIENT if e is None else e[2] for e in entries),
            coverages=tuple(coverages),
            fit=fit,
            next_fit=next_fit,
            coverage=(self._size - missing) / self._size,
        )

    def score_digits(self, digits: bytes, stage: str) -> RowScore | None:
        """Score a fully answered row given as one ASCII digit per item (e.g. b"4352…").

        None when a byte is not a digit on the scale, the length is wrong, or the scale has
        values that are not single digits; the caller then validates and scores the slow way.
        The caller must make sure each digit came from its own cell. Models with item weights
        other than 1 are decoded and scored by `score` (same numbers, not the table lookup).
        """
        try:
            scorer = self._digit_scorers[stage]
        except KeyError:
            raise self._unknown_stage(stage) from None
        return scorer(digits)

    def _decoded(self, offsets: bytes, plan: StagePlan) -> RowScore | None:
        """score_digits for models whose weights rule out the lookup tables."""
        if len(offsets) != self._size or INVALID in offsets:
            return None
        return self.score([offset + self._low for offset in offsets], plan.stage_id)

    # The fast path in two steps, for callers that only need text: `digit_keys` (set in
    # __init__) gives each competency's index in `stage_table`, whose entries can be
    # formatted once per run; `fits` adds up the fit of such a row.

    @property
    def has_digit_keys(self) -> bool:
        """Whether digit_keys/stage_table/fits work for this model (unit weights, digits)."""
        return self._fast

    def stage_table(self, stage: str) -> tuple[tuple[Entry, ...], ...]:
        """Per competency, the fully answered entries (score, gap, status, reached × weight,
        next stage's reached × weight) indexed by digit key."""
        table = self._stage(stage).lookups
        if not table:
            raise ValueError("this model has no digit keys (see has_digit_keys)")
        return table

    def fits(self, keys: Sequence[int], stage: str) -> tuple[float, float | None]:
        """Stage fit and next-stage fit of a row given by its digit keys."""
        try:
            fitter = self._fitters[stage]
        except KeyError:
            raise self._unknown_stage(stage) from None
        return fitter(keys)

    def fit_parts(self, stage: str) -> tuple[tuple[Floats, ...], tuple[Floats, ...], float, float]:
        """What `fits` adds up at a stage, for callers that add up many rows at once: per
        competency the reached × weight of each digit key, the same for the next stage, and
        the two weight sums (the next one 0.0 at the last stage, which has no next fit)."""
        plan = self._stage(stage)
        return plan.reached, plan.next_reached, plan.weight_sum, plan.next_weight_sum

    def _fitter(self, plan: StagePlan) -> Callable[[Sequence[int]], tuple[float, float | None]]:
        """fits() for one stage, as a closure over its constants (hot path)."""
        reached, next_reached = plan.reached, plan.next_reached
        weight_sum, next_weight_sum = plan.weight_sum, plan.next_weight_sum
        has_next, total = plan.profile[2] is not None, sequential_sum

        def fits(keys: Sequence[int]) -> tuple[float, float | None]:
            fit = 100 * total(map(getitem, reached, keys)) / weight_sum
            if not 0.0 <= fit <= 100.0:
                fit = _clamp(fit)
            if not has_next:
                return fit, None
            next_fit = 100 * total(map(getitem, next_reached, keys)) / next_weight_sum
            if not 0.0 <= next_fit <= 100.0:
                next_fit = _clamp(next_fit)
            return fit, next_fit

        return fits

    def priorities(self, row: RowScore, stage: str, top: int = TOP_N) -> tuple[str, ...]:
        """The competencies to develop first: largest gap × stage weight, as score.py ranks."""
        weights = self._stage(stage).profile[1]
        ranked = [
            (-(gap * weight), -weight, index, competency_id)
            for index, (competency_id, gap, weight) in enumerate(
                zip(self.competency_ids, row.gaps, weights, strict=True)
            )
            if gap is not None and gap > EPSILON
        ]
        return tuple(entry[-1] for entry in sorted(ranked)[:top])


def _no_keys(_digits: bytes) -> None:
    return None


def _full_table(tables: Tables) -> Table:
    """The table of a fully answered competency (none unanswered)."""
    assert tables is not None and tables[0] is not None, "the fast path needs unit weights"
    return tables[0]
