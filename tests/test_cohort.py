"""CohortStats against the statistics module, edge cohorts, and memory that stays flat."""

from __future__ import annotations

import gc
import json
import random
import statistics
import tracemalloc
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamcli.model import load_model
from kamcli.scoring.cohort import MEDIAN_LIMIT, PENDING_LIMIT, CohortStats, CohortSummary
from kamcli.scoring.plan import INSUFFICIENT, RowScore, ScoringPlan
from kamcli.scoring.stage_groups import majority_stage

MODEL = load_model()
PLAN = ScoringPlan(MODEL)
STAGES = MODEL.stage_ids
SIZE = len(PLAN.item_ids)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANSWER = st.one_of(st.none(), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))


def summarise(rows: list[RowScore], stage: str | None = None) -> CohortSummary:
    stats = CohortStats(MODEL, stage)
    for row in rows:
        stats.add(row)
    return stats.summary()


def random_rows(count: int, seed: int, stages: tuple[str, ...] = ("mid",)) -> list[RowScore]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        digits = bytes(rng.choice(b"12345") for _ in range(SIZE))
        row = PLAN.score_digits(digits, rng.choice(stages))
        assert row is not None
        rows.append(row)
    return rows


@PROPERTY
@given(
    answers=st.lists(st.lists(ANSWER, min_size=SIZE, max_size=SIZE), min_size=1, max_size=30),
    stage_picks=st.lists(st.sampled_from(STAGES), min_size=30, max_size=30),
    mixed=st.booleans(),
)
def test_statistics_match_the_statistics_module(
    answers: list[list[int | None]], stage_picks: list[str], mixed: bool
) -> None:
    stages = stage_picks if mixed else [stage_picks[0]] * len(stage_picks)
    rows = [PLAN.score(values, stage) for values, stage in zip(answers, stages, strict=False)]
    summary = summarise(rows)
    assert summary.n_respondents == len(rows)
    assert summary.stages == dict(Counter(row.stage for row in rows))
    assert summary.stage == (rows[0].stage if len(summary.stages) == 1 else None)
    band_ids = [band.id for band in MODEL.status_bands]
    expected_priorities = {}
    for index, competency_id in enumerate(PLAN.competency_ids):
        got = summary.competencies[index]
        assert got.competency_id == competency_id
        scored = [(row.scores[index], row.stage) for row in rows if row.scores[index] is not None]
        scores = [score for score, _ in scored]
        assert got.n == len(scores)
        assert got.insufficient == len(rows) - len(scores)
        assert got.distribution == {
            band: sum(row.statuses[index] == band for row in rows)
            for band in [*band_ids, INSUFFICIENT]
        }
        assert sum(b.count for b in got.histogram) == len(scores)
        for low_bin in got.histogram:
            inside = [
                s for s in scores if low_bin.low <= s < low_bin.high or s == low_bin.high == 5.0
            ]
            assert low_bin.count == len(inside)
        if not scores:
            assert got.mean is got.sd is got.median is got.share_meeting_target is None
            assert got.mean_gap is got.priority is None
            continue
        assert got.mean == pytest.approx(statistics.mean(scores), rel=1e-12)
        assert got.median == statistics.median(scores)
        assert got.median_exact
        if len(scores) > 1:
            assert got.sd == pytest.approx(statistics.stdev(scores), rel=1e-9, abs=1e-12)
        else:
            assert got.sd is None
        targets = [MODEL.stage(stage).targets[competency_id] for _, stage in scored]
        meeting = [score >= t.target for score, t in zip(scores, targets, strict=True)]
        assert got.share_meeting_target == pytest.approx(sum(meeting) / len(scores))
        gaps = [t.target - score for score, t in zip(scores, targets, strict=True)]
        assert got.mean_gap == pytest.approx(statistics.mean(gaps), abs=1e-12)
        weighted = [max(g, 0) * t.weight for g, t in zip(gaps, targets, strict=True)]
        assert got.priority == pytest.approx(statistics.mean(weighted), abs=1e-12)
        expected_priorities[competency_id] = statistics.mean(weighted)
    ranked = list(summary.ranked_priorities)
    assert set(ranked) == {c for c, p in expected_priorities.items() if p > 1e-9}
    values = [expected_priorities[c] for c in ranked]
    assert values == sorted(values, reverse=True) or values == pytest.approx(
        sorted(values, reverse=True)
    )
    assert summary.priorities == tuple(ranked[:3])
    fits = [row.fit for row in rows if row.fit is not None]
    assert summary.mean_fit == (pytest.approx(statistics.mean(fits)) if fits else None)
    next_fits = [row.next_fit for row in rows if row.next_fit is not None]
    assert summary.mean_next_fit == (
        pytest.approx(statistics.mean(next_fits)) if next_fits else None
    )


def test_empty_cohort_has_no_numbers_and_no_nan() -> None:
    summary = summarise([], stage="mid")
    assert summary.n_respondents == 0 and summary.stages == {}
    assert summary.stage == "mid"
    assert summary.priorities == () and summary.mean_fit is None and summary.mean_next_fit is None
    for competency in summary.competencies:
        assert competency.n == 0 and competency.insufficient == 0
        assert competency.mean is None and competency.sd is None and competency.median is None
        assert competency.share_meeting_target is None
        assert all(count == 0 for count in competency.distribution.values())
    json.dumps(summary.to_dict(), allow_nan=False)


def test_one_respondent_has_no_sd() -> None:
    row = PLAN.score_digits(b"4" * SIZE, "early")
    assert row is not None
    summary = summarise([row])
    integrity = summary.competency("integrity")
    # integrity has one reverse item: 4, 4, 2, 4, 4 -> 3.6; early target 4.5
    assert integrity.mean == integrity.median == pytest.approx(3.6)
    assert integrity.sd is None
    assert integrity.share_meeting_target == 0.0
    assert integrity.distribution["develop"] == 1
    assert summary.mean_fit == row.fit
    json.dumps(summary.to_dict(), allow_nan=False)


def test_median_of_even_cohort_is_the_mean_of_the_middle_two() -> None:
    low = PLAN.score_digits(b"1" * SIZE, "mid")
    high = PLAN.score_digits(b"5" * SIZE, "mid")
    assert low is not None and high is not None
    product = summarise([low, high]).competency("product_knowledge")  # item 4 reverse
    assert product.median == statistics.median([low.scores[3], high.scores[3]])
    assert product.median == 3.0


def test_to_dict_is_json_and_complete() -> None:
    summary = summarise(random_rows(200, seed=4, stages=("early", "mid")))
    data = json.loads(json.dumps(summary.to_dict(), allow_nan=False))
    assert data["stage"] is None
    assert data["n_respondents"] == 200
    assert [c["competency_id"] for c in data["competencies"]] == list(PLAN.competency_ids)
    first = data["competencies"][0]
    assert sum(b["count"] for b in first["histogram"]) == first["n"] == 200
    assert [b["low"] for b in first["histogram"]] == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]


def test_unknown_stages_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown stage 'late'"):
        CohortStats(MODEL, "late")
    row = PLAN.score_digits(b"3" * SIZE, "mid")
    assert row is not None
    stats = CohortStats(MODEL, None)
    with pytest.raises(ValueError, match="unknown stage 'late'"):
        stats.add(row._replace(stage="late"))


def traced_growth(stats: CohortStats, rows: int, make_row: object) -> int:
    """Bytes still allocated after adding `rows` rows built by make_row(i) one at a time."""
    assert callable(make_row)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(rows):
            stats.add(make_row(i))
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_respondents() -> None:
    rng = random.Random(7)

    def make_row(_: int) -> RowScore:
        digits = bytes(rng.choice(b"12345") for _ in range(SIZE))
        row = PLAN.score_digits(digits, rng.choice(STAGES))
        assert row is not None
        return row

    stats = CohortStats(MODEL, None)
    traced_growth(stats, 5_000, make_row)  # nearly every distinct score has been seen by now
    growth = traced_growth(stats, 20_000, make_row)
    # Keeping even one 8-byte pointer per row would add 160,000 bytes.
    assert growth < 48_000, f"state grew by {growth} bytes over 20,000 rows"
    assert stats.summary().n_respondents == 25_000


def test_many_distinct_scores_stay_bounded_and_close() -> None:
    # Scores no real model produces (arbitrary floats): the fallback keeps what is held
    # bounded, mean and sd stay accurate and the median lands within the grid step.
    rng = random.Random(11)
    scores = [rng.uniform(1.0, 5.0) for _ in range(30_000)]
    width = len(PLAN.competency_ids)
    stats = CohortStats(MODEL, "mid")
    for value in scores:
        same = (value,) * width
        gaps = (4.0 - value,) * width
        stats.add(RowScore("mid", same, gaps, ("met",) * width, (1.0,) * width, None, None, 1.0))
        assert len(stats._pending["mid"]) <= PENDING_LIMIT
    summary = stats.summary()
    assert all(len(acc.scores) <= MEDIAN_LIMIT for acc in stats._accumulators)
    integrity = summary.competency("integrity")
    assert integrity.n == len(scores)
    assert integrity.mean == pytest.approx(statistics.mean(scores), rel=1e-9)
    assert integrity.sd == pytest.approx(statistics.stdev(scores), rel=1e-9)
    assert not integrity.median_exact
    assert integrity.median == pytest.approx(statistics.median(scores), abs=4.0 / 1024)
    target = MODEL.stage("mid").targets["integrity"].target
    assert integrity.share_meeting_target == pytest.approx(
        sum(s >= target for s in scores) / len(scores)
    )


# --- stage by stage (issue 9.22) ------------------------------------------------------------


@given(st.dictionaries(st.sampled_from(STAGES), st.integers(1, 40), min_size=1))
def test_a_majority_stage_holds_more_than_half_of_the_people(counts: dict[str, int]) -> None:
    found = majority_stage(counts)
    total = sum(counts.values())
    if found is None:
        assert all(2 * count <= total for count in counts.values())
    else:
        assert 2 * counts[found] > total


def test_majority_edges() -> None:
    assert majority_stage({"early": 1}) == "early"
    assert majority_stage({"early": 2, "mid": 2}) is None  # a tie is no majority
    assert majority_stage({"early": 3, "mid": 2}) == "early"
    assert majority_stage({"early": 5, "mid": 5, "partnership": 5, "collaborative": 6}) is None
    assert majority_stage({}) is None


@PROPERTY
@given(
    answers=st.lists(st.lists(ANSWER, min_size=SIZE, max_size=SIZE), min_size=1, max_size=24),
    stage_picks=st.lists(st.sampled_from(STAGES), min_size=24, max_size=24),
)
def test_each_stage_group_ranks_its_own_rows_against_its_own_targets(
    answers: list[list[int | None]], stage_picks: list[str]
) -> None:
    rows = [PLAN.score(values, stage) for values, stage in zip(answers, stage_picks, strict=False)]
    summary = summarise(rows)
    assert [g.stage for g in summary.stage_groups] == [s for s in STAGES if s in summary.stages]
    for group in summary.stage_groups:
        mine = [row for row in rows if row.stage == group.stage]
        assert group.n_respondents == len(mine)
        targets = MODEL.stage(group.stage).targets
        expected = []
        for index, competency in enumerate(MODEL.competencies):
            scores = [row.scores[index] for row in mine if row.scores[index] is not None]
            if not scores:
                continue
            target = targets[competency.id]
            gaps = [target.target - score for score in scores if score is not None]
            priority = statistics.fmean(max(gap, 0.0) * target.weight for gap in gaps)
            if priority > 1e-9:
                expected.append((-round(priority, 9), -target.weight, index, competency.id))
                found = next(
                    (p for p in group.priorities if p.competency_id == competency.id), None
                )
                if found is not None:
                    assert found.n == len(gaps)
                    assert found.mean_gap == pytest.approx(statistics.fmean(gaps))
                    assert found.priority == pytest.approx(priority)
                    met = sum(1 for gap in gaps if gap <= 1e-9) / len(gaps)
                    assert found.share_meeting_target == pytest.approx(met)
        assert [p.competency_id for p in group.priorities] == [e[-1] for e in sorted(expected)[:3]]
    data = summary.to_dict()
    assert data["majority_stage"] == majority_stage(summary.stages)
    assert [g["stage"] for g in data["stage_groups"]] == [g.stage for g in summary.stage_groups]
    json.dumps(data)  # plain JSON types only
