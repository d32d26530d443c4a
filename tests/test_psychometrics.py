"""Psychometrics core: alpha, Feldt interval, item–rest r and careless-responding indices.

The reference numbers come from pingouin (alpha, interval), pandas (item–rest r, pairwise
covariances), scipy (F quantiles) and the statistics module (IRV), on generated cohorts
with a latent trait, reverse-keyed items and missing answers.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import random
import statistics
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcli.model.loader import load_model
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.fdist import betainc, f_ppf
from kamcli.scoring.psychometrics import (
    LONG_STRING,
    LOW_IRV,
    TOO_FAST,
    CarelessFlag,
    ScaleReliability,
    careless,
    default_longstring_limit,
    feldt_interval,
    irv,
    longest_run,
    reliability,
)

pd = pytest.importorskip("pandas")
pg = pytest.importorskip("pingouin")
scipy_stats = pytest.importorskip("scipy.stats")
scipy_special = pytest.importorskip("scipy.special")

Rows = list[dict[str, int | None]]
TOLERANCE = 1e-6


@functools.cache
def _base_model() -> dict[str, Any]:
    return load_model(None).model_dump()


def build_model(scales: Mapping[str, Sequence[bool]]) -> CompetencyModel:
    """A 1–5 model with one competency per entry of `scales` (reverse flags of its items).

    Everything but the competencies comes from the default model, so only the shape the
    statistics read (items, reverse flags, scale) is chosen here.
    """
    data = copy.deepcopy(_base_model())
    first = data["competencies"][0]
    data["scale"]["min"], data["scale"]["max"] = 1, 5
    data["scale"]["anchors"] = [{"en": f"point {p}"} for p in range(1, 6)]
    data["competencies"] = [
        {
            **first,
            "id": name,
            "levels": data["scale"]["anchors"],
            "items": [
                {"id": f"{name}_{i + 1}", "text": {"en": f"{name} {i + 1}"}, "reverse": rev}
                for i, rev in enumerate(flags)
            ],
        }
        for name, flags in scales.items()
    ]
    for stage in data["stages"]:
        stage["targets"] = {name: {"target": 3.0, "weight": 1.0} for name in scales}
    return CompetencyModel.model_validate(data)


FIVE = (False, False, True, False, False)  # one reverse-keyed item per scale


FOUR_ITEMS = build_model({"a": (False, False, False, False)})


@pytest.fixture
def model() -> CompetencyModel:
    return build_model({"trust": FIVE, "selling": FIVE, "planning": FIVE})


def cohort(
    model: CompetencyModel,
    n: int = 200,
    *,
    seed: int = 7,
    missing_rate: float = 0.05,
    miskeyed: frozenset[str] = frozenset(),
) -> Rows:
    """Raw answers driven by one latent trait per competency plus noise.

    A reverse-keyed item is answered mirrored; a `miskeyed` item is answered mirrored
    although the model does not mark it reversed (the mistake kamcli must catch).
    """
    rng = random.Random(seed)
    rows: Rows = []
    for _ in range(n):
        row: dict[str, int | None] = {}
        for competency in model.competencies:
            trait = rng.gauss(0.0, 1.0)
            for item in competency.items:
                value = min(5, max(1, round(3 + 1.1 * trait + rng.gauss(0.0, 0.9))))
                if item.reverse or item.id in miskeyed:
                    value = 6 - value
                row[item.id] = None if rng.random() < missing_rate else value
        rows.append(row)
    return rows


def frame(model: CompetencyModel, competency_id: str, rows: Rows) -> Any:
    """The competency's answers as pandas sees them, reverse-keyed items mirrored by hand."""
    competency = model.competency(competency_id)
    data: dict[str, list[float]] = {}
    for item in competency.items:
        raw = [row.get(item.id) for row in rows]
        data[item.id] = [
            math.nan if x is None else float(6 - x if item.reverse else x) for x in raw
        ]
    return pd.DataFrame(data, dtype=float)


def by_id(results: list[ScaleReliability]) -> dict[str, ScaleReliability]:
    return {r.competency_id: r for r in results}


def pingouin_unrounded_ci(alpha: float, n: int, k: int) -> tuple[float, float]:
    """pingouin's own interval lines (it rounds its output to 3 decimals)."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (
        1 - (1 - alpha) * scipy_stats.f.isf(0.025, df1, df2),
        1 - (1 - alpha) * scipy_stats.f.isf(0.975, df1, df2),
    )


def assert_json_clean(results: Sequence[ScaleReliability | CarelessFlag]) -> None:
    json.dumps([r.to_dict() for r in results], allow_nan=False)


# --- agreement with pingouin and pandas -------------------------------------------------


@pytest.mark.parametrize("seed", [7, 11])
def test_listwise_alpha_and_interval_match_pingouin(model: CompetencyModel, seed: int) -> None:
    rows = cohort(model, seed=seed)
    results = reliability(model, rows)
    for result in results:
        complete = frame(model, result.competency_id, rows).dropna()
        assert result.missing_method == "listwise"
        assert result.n_used == len(complete) < 200  # missing answers really were dropped
        assert result.n_total == 200
        # pingouin takes n for the interval before deleting rows, so give it the complete rows.
        alpha, ci = pg.cronbach_alpha(complete, nan_policy="listwise")
        assert result.alpha == pytest.approx(alpha, abs=TOLERANCE)
        assert 0.6 < result.alpha < 0.95  # the generated scales are consistent
        assert result.ci_low == pytest.approx(ci[0], abs=5e-4 + 1e-12)
        assert result.ci_high == pytest.approx(ci[1], abs=5e-4 + 1e-12)
        low, high = pingouin_unrounded_ci(alpha, len(complete), result.k)
        assert result.ci_low == pytest.approx(low, abs=1e-9)
        assert result.ci_high == pytest.approx(high, abs=1e-9)
        assert result.ci_low < result.alpha < result.ci_high
        assert result.warnings == ()
        assert result.note is None
    assert_json_clean(results)


def test_pairwise_alpha_and_interval_match_pingouin(model: CompetencyModel) -> None:
    rows = cohort(model)
    for result in reliability(model, rows, missing="pairwise"):
        data = frame(model, result.competency_id, rows)
        assert not data.isna().all(axis=1).any()
        alpha, _ = pg.cronbach_alpha(data, nan_policy="pairwise")
        listwise, _ = pg.cronbach_alpha(data, nan_policy="listwise")
        assert result.missing_method == "pairwise"
        assert result.n_used == len(data) == 200
        assert result.alpha == pytest.approx(alpha, abs=TOLERANCE)
        assert abs(alpha - listwise) > 1e-6  # the two methods really differ on this data
        low, high = pingouin_unrounded_ci(alpha, len(data), result.k)
        assert result.ci_low == pytest.approx(low, abs=1e-9)
        assert result.ci_high == pytest.approx(high, abs=1e-9)


def test_item_rest_matches_pandas_listwise(model: CompetencyModel) -> None:
    rows = cohort(model)
    for result in reliability(model, rows):
        complete = frame(model, result.competency_id, rows).dropna()
        for item in complete.columns:
            rest = complete.drop(columns=item).sum(axis=1)
            expected = complete[item].corr(rest)
            assert result.item_rest[item] == pytest.approx(expected, abs=TOLERANCE)
            assert 0.2 < expected < 0.95


def test_item_rest_matches_pandas_pairwise_covariances(model: CompetencyModel) -> None:
    rows = cohort(model)
    for result in reliability(model, rows, missing="pairwise"):
        cov = frame(model, result.competency_id, rows).cov()
        for item in cov.columns:
            others = [c for c in cov.columns if c != item]
            expected = cov.loc[item, others].sum() / math.sqrt(
                cov.loc[item, item] * cov.loc[others, others].to_numpy().sum()
            )
            assert result.item_rest[item] == pytest.approx(expected, abs=TOLERANCE)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_alpha_if_deleted_matches_pingouin_on_the_reduced_frame(
    model: CompetencyModel, missing: str
) -> None:
    rows = cohort(model)
    for result in reliability(model, rows, missing=missing):
        data = frame(model, result.competency_id, rows)
        if missing == "listwise":
            data = data.dropna()  # the same respondents as the full-scale alpha
        for item in data.columns:
            expected, _ = pg.cronbach_alpha(data.drop(columns=item), nan_policy=missing)
            assert result.alpha_if_deleted[item] == pytest.approx(expected, abs=TOLERANCE)


def test_reverse_keyed_items_are_mirrored_before_computing() -> None:
    """Flip an item's flag and its answers together: the statistics must not change."""
    plain = build_model({"trust": (False,) * 5})
    flipped = build_model({"trust": (False, True, False, False, False)})
    rows = cohort(plain, n=120)
    mirrored = [
        {k: (None if v is None else 6 - v) if k == "trust_2" else v for k, v in row.items()}
        for row in rows
    ]
    (a,) = reliability(plain, rows)
    (b,) = reliability(flipped, mirrored)
    assert a.to_dict() == b.to_dict()


# --- warnings and bad input -------------------------------------------------------------


def test_miskeyed_item_is_flagged(model: CompetencyModel) -> None:
    rows = cohort(model, miskeyed=frozenset({"selling_4"}))
    results = by_id(reliability(model, rows))
    selling = results["selling"]
    assert selling.item_rest["selling_4"] is not None
    assert selling.item_rest["selling_4"] < -0.2
    assert selling.alpha_if_deleted["selling_4"] > selling.alpha  # type: ignore[operator]
    flagged = [w for w in selling.warnings if "correlates negatively" in w]
    assert flagged == [
        w for w in selling.warnings if w.startswith("item selling_4 correlates negatively")
    ]
    assert len(flagged) == 1
    assert "mis-keyed" in flagged[0]
    assert results["trust"].warnings == ()  # the correctly keyed scales stay quiet


def test_negative_alpha_names_the_suspect_items() -> None:
    two = build_model({"trust": (False, False)})
    rng = random.Random(3)
    rows: Rows = []
    for _ in range(60):
        value = rng.randint(1, 5)
        rows.append(
            {"trust_1": value, "trust_2": min(5, max(1, 6 - value + rng.choice([-1, 0, 1])))}
        )
    (result,) = reliability(two, rows)
    assert result.alpha is not None and result.alpha < 0
    negative_alpha = [w for w in result.warnings if w.startswith("negative alpha")]
    assert len(negative_alpha) == 1
    assert "trust_1, trust_2" in negative_alpha[0]


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_zero_variance_gives_none_and_a_note_never_nan(
    model: CompetencyModel, missing: str
) -> None:
    rows: Rows = [dict.fromkeys(model.item_ids(), 3) for _ in range(30)]
    results = reliability(model, rows, missing=missing)
    for result in results:
        assert result.alpha is None
        assert result.ci_low is None and result.ci_high is None
        assert result.note is not None and "same answers" in result.note
        assert set(result.item_rest.values()) == {None}
        assert set(result.alpha_if_deleted.values()) == {None}
        assert any("same answers" in w for w in result.warnings)
    assert_json_clean(results)


def test_items_that_cancel_out_are_explained() -> None:
    two = build_model({"trust": (False, False)})
    rows: Rows = [{"trust_1": v, "trust_2": 6 - v} for v in (1, 2, 3, 4, 5, 2) * 2]
    (result,) = reliability(two, rows)
    assert result.alpha is None
    assert result.note == "the scale total is the same for every respondent: alpha undefined"
    assert any("cancel each other out" in w for w in result.warnings)


def test_a_single_item_has_no_alpha() -> None:
    one = build_model({"solo": (False,)})
    rows = cohort(one, n=50)
    (result,) = reliability(one, rows)
    assert result.k == 1
    assert result.alpha is None and result.ci_low is None
    assert result.note == "a single item: alpha needs at least two items"
    assert result.item_rest == {"solo_1": None}
    assert result.alpha_if_deleted == {"solo_1": None}
    assert result.warnings[0].startswith("a single item: alpha undefined")
    assert_json_clean([result])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_two_respondents_give_alpha_with_a_small_n_warning(model: CompetencyModel) -> None:
    rows = cohort(model, n=40, missing_rate=0.0)[:2]
    compared = 0
    for result in reliability(model, rows):
        alpha, _ = pg.cronbach_alpha(frame(model, result.competency_id, rows))
        assert result.n_used == 2
        if math.isfinite(alpha):
            assert result.alpha == pytest.approx(alpha, abs=TOLERANCE)
            assert result.ci_low is not None and result.ci_high is not None
            assert result.ci_low < result.ci_high
            compared += 1
        else:  # pingouin divides by a zero total variance; kamcli says so instead
            assert result.alpha is None and result.note is not None
        # With two people every r is ±1: the only advice is that n is too small.
        assert result.warnings == (
            "n = 2: too few respondents for a reliable alpha "
            "(need at least 10; see the confidence interval)",
        )
    assert compared >= 1


def test_an_item_nobody_answered(model: CompetencyModel) -> None:
    rows = cohort(model)
    for row in rows:
        row["trust_5"] = None
    listwise = by_id(reliability(model, rows))["trust"]
    assert listwise.n_used == 0 and listwise.alpha is None
    assert listwise.note == "item trust_5 was never answered"
    assert any(w.startswith("item trust_5: all answers are missing") for w in listwise.warnings)
    pairwise = by_id(reliability(model, rows, missing="pairwise"))["trust"]
    assert pairwise.alpha is None and pairwise.note == "item trust_5 was never answered"
    assert pairwise.item_rest["trust_5"] is None
    others, _ = pg.cronbach_alpha(frame(model, "trust", rows).drop(columns="trust_5"))
    assert pairwise.alpha_if_deleted["trust_5"] == pytest.approx(others, abs=TOLERANCE)
    assert_json_clean([listwise, pairwise])


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_no_respondents(model: CompetencyModel, missing: str) -> None:
    results = reliability(model, iter([]), missing=missing)
    assert [r.competency_id for r in results] == ["trust", "selling", "planning"]
    for result in results:
        assert (result.n_used, result.n_total, result.alpha) == (0, 0, None)
        assert result.note is not None and result.note.startswith("n = 0")
    assert_json_clean(results)


def test_heavy_listwise_loss_suggests_pairwise(model: CompetencyModel) -> None:
    rows = cohort(model, missing_rate=0.15)
    trust = by_id(reliability(model, rows))["trust"]
    assert any("consider pairwise" in w for w in trust.warnings)
    assert not any(
        "consider pairwise" in w
        for w in by_id(reliability(model, rows, missing="pairwise"))["trust"].warnings
    )


def test_unknown_missing_method_is_refused(model: CompetencyModel) -> None:
    with pytest.raises(ValueError, match="listwise, pairwise"):
        reliability(model, [], missing="mean")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*(st.integers(1, 5) for _ in range(4))), min_size=2, max_size=40))
def test_alpha_is_the_textbook_variance_formula(answers: list[tuple[int, ...]]) -> None:
    items = ["a_1", "a_2", "a_3", "a_4"]
    rows: Rows = [dict(zip(items, answer, strict=True)) for answer in answers]
    (result,) = reliability(FOUR_ITEMS, rows)
    item_variances = [statistics.variance(a[i] for a in answers) for i in range(4)]
    total_variance = statistics.variance(sum(a) for a in answers)
    if total_variance == 0:
        assert result.alpha is None and result.note is not None
        return
    expected = 4 / 3 * (1 - sum(item_variances) / total_variance)
    assert result.alpha == pytest.approx(expected, abs=1e-12)
    assert result.alpha <= 1 + 1e-12  # type: ignore[operator]
    assert result.ci_low is not None and result.ci_low <= result.alpha <= result.ci_high  # type: ignore[operator]


# --- F distribution ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    p=st.floats(0.001, 0.999),
    dfn=st.floats(0.5, 5000),
    dfd=st.floats(0.5, 50000),
)
def test_f_quantile_matches_scipy(p: float, dfn: float, dfd: float) -> None:
    expected = scipy_stats.f.ppf(p, dfn, dfd)
    assert f_ppf(p, dfn, dfd) == pytest.approx(expected, rel=1e-10)


@settings(max_examples=300, deadline=None)
@given(a=st.floats(0.05, 3000), b=st.floats(0.05, 3000), x=st.floats(0.0, 1.0))
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    assert betainc(a, b, x) == pytest.approx(scipy_special.betainc(a, b, x), abs=1e-12)


@pytest.mark.parametrize(("n", "k"), [(2, 2), (10, 5), (200, 5), (5000, 70)])
def test_feldt_interval_at_typical_sizes(n: int, k: int) -> None:
    low, high = feldt_interval(0.8, n, k)
    expected = pingouin_unrounded_ci(0.8, n, k)
    assert (low, high) == pytest.approx(expected, abs=1e-10)


def test_feldt_interval_needs_two_respondents_and_two_items() -> None:
    with pytest.raises(ValueError):
        feldt_interval(0.8, 1, 5)
    with pytest.raises(ValueError):
        feldt_interval(0.8, 10, 1)


def test_thousands_of_respondents_stay_fast() -> None:
    big = build_model({f"c{i}": FIVE for i in range(14)})
    rows = cohort(big, n=3000)
    start = time.perf_counter()
    reliability(big, rows)
    reliability(big, rows, missing="pairwise")
    careless(big, [(str(i), row, 600.0) for i, row in enumerate(rows)])
    assert time.perf_counter() - start < 10  # about a second on a laptop


# --- careless responding ----------------------------------------------------------------


@pytest.fixture
def long_model() -> CompetencyModel:
    return build_model({f"c{i}": FIVE for i in range(14)})  # 70 items


def test_forty_threes_in_a_row_are_a_long_string(long_model: CompetencyModel) -> None:
    ids = long_model.item_ids()
    rng = random.Random(5)
    answers: dict[str, int | None] = {i: rng.choice([1, 2, 4, 5]) for i in ids}
    for item_id in ids[10:50]:
        answers[item_id] = 3
    (flag,) = careless(long_model, [("ann", answers, None)])
    assert (flag.longstring, flag.longstring_answer) == (40, 3)
    assert flag.flags == (LONG_STRING,)
    assert flag.flagged and "40 identical answers (3) in a row (limit 35)" in flag.reasons[0]


def test_random_responder_is_not_flagged(long_model: CompetencyModel) -> None:
    rng = random.Random(9)
    rows = [
        (f"r{n}", {i: rng.randint(1, 5) for i in long_model.item_ids()}, 400.0) for n in range(50)
    ]
    flags = careless(long_model, rows)
    assert [f for f in flags if f.flagged] == []
    assert max(f.longstring for f in flags) < 10


def test_straight_liner_has_zero_irv(long_model: CompetencyModel) -> None:
    (flag,) = careless(long_model, [("bob", dict.fromkeys(long_model.item_ids(), 4), 600.0)])
    assert flag.irv == 0.0
    assert flag.flags == (LONG_STRING, LOW_IRV)


def test_irv_is_the_sample_sd_of_the_answered_items(long_model: CompetencyModel) -> None:
    rng = random.Random(2)
    for _ in range(30):
        answers = {i: rng.choice([1, 2, 3, 4, 5, None]) for i in long_model.item_ids()}
        (flag,) = careless(long_model, [("x", answers, None)])
        answered = [a for a in answers.values() if a is not None]
        assert flag.answered == len(answered)
        assert flag.irv == pytest.approx(statistics.stdev(answered), abs=1e-12)
        assert flag.irv != pytest.approx(statistics.pstdev(answered), abs=1e-6)


def test_low_irv_needs_enough_answers(long_model: CompetencyModel) -> None:
    ids = long_model.item_ids()
    few = {ids[0]: 3, ids[2]: 3, ids[4]: 3}  # gaps break the run; IRV 0 on 3 answers
    (flag,) = careless(long_model, [("few", few, None)])
    assert flag.irv == 0.0 and flag.longstring == 1 and not flag.flagged


@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=40))
def test_longest_run_counts_only_consecutive_answers(answers: list[int | None]) -> None:
    length, value = longest_run(answers)
    brute = 0
    for start in range(len(answers)):
        end = start
        while end < len(answers) and answers[end] is not None and answers[end] == answers[start]:
            end += 1
        brute = max(brute, end - start)
    assert length == brute
    assert (value is None) == (length == 0)


def test_skipped_item_breaks_a_run() -> None:
    assert longest_run([3, 3, None, 3, 3, 3, 2]) == (3, 3)
    assert longest_run([]) == (0, None)


def test_speeding(long_model: CompetencyModel) -> None:
    answers = {i: random.Random(i).randint(1, 5) for i in long_model.item_ids()}
    fast, slow = careless(long_model, [("fast", answers, 35.0), ("slow", answers, 700.0)])
    assert fast.seconds_per_item == pytest.approx(0.5)
    assert TOO_FAST in fast.flags
    assert slow.seconds_per_item == pytest.approx(10.0) and not slow.flagged
    (off,) = careless(long_model, [("fast", answers, 35.0)], min_seconds_per_item=0)
    assert not off.flagged


def test_bad_time_and_no_answers_stay_json_clean(long_model: CompetencyModel) -> None:
    flags = careless(long_model, [("nan", {}, math.nan), ("neg", {}, -3.0), ("empty", {}, 10.0)])
    assert [f.seconds for f in flags] == [None, None, 10.0]
    assert all(f.irv is None and f.longstring == 0 and not f.flagged for f in flags)
    assert flags[0].note is not None and "ignored" in flags[0].note
    assert flags[2].note is not None and "seconds per item undefined" in flags[2].note
    assert_json_clean(flags)


def test_default_long_string_limit() -> None:
    assert default_longstring_limit(70) == 35
    assert default_longstring_limit(71) == 36
    assert default_longstring_limit(3) == 5


def test_bad_thresholds_are_refused(long_model: CompetencyModel) -> None:
    with pytest.raises(ValueError, match="longstring_limit"):
        careless(long_model, [], longstring_limit=1)
    with pytest.raises(ValueError, match="irv_min"):
        careless(long_model, [], irv_min=-1.0)
    with pytest.raises(ValueError, match="min_seconds_per_item"):
        careless(long_model, [], min_seconds_per_item=math.nan)


def test_irv_helper_with_too_few_answers() -> None:
    assert irv([None, 4]) is None
    assert irv([2, 4]) == pytest.approx(math.sqrt(2))
