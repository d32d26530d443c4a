"""ScoringPlan gives exactly the numbers of score_assessment, on both of its paths.

Properties run on the default model (unit weights, reverse items, digit fast path) and on
variants of the tiny model from docs/model-format.md: as written (an item of weight 2, so
digits are decoded and scored the slow way), with a weighted reverse item too, with unit
weights (competencies of different sizes: two window sums that must be put back in model
order) and with a 0..10 scale (no digit path at all).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamcli.model import CompetencyModel, load_model
from kamcli.scoring import AssessmentResult, score_assessment
from kamcli.scoring.plan import INSUFFICIENT, RowScore, ScoringPlan
from tests.conftest import write_tiny_model

DEFAULT = load_model()
DEFAULT_PLAN = ScoringPlan(DEFAULT)
N = len(DEFAULT_PLAN.item_ids)  # items in the default model
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tiny_variant(target: Path, edit: dict[str, tuple[str, str]]) -> CompetencyModel:
    """The docs' tiny model with `old -> new` text replacements in the named files."""
    write_tiny_model(target)
    for name, (old, new) in edit.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}: the tiny model changed, update this test"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return load_model(target)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CompetencyModel]:
    root = tmp_path_factory.mktemp("models")
    wide_scale = (
        "  min: 1\n  max: 3\n  anchors: [{en: Rarely}, {en: Sometimes}, {en: Usually}]",
        "  min: 0\n  max: 10\n  anchors: [" + ", ".join(f"{{en: p{i}}}" for i in range(11)) + "]",
    )
    return {
        "weighted": tiny_variant(root / "weighted", {}),
        "weighted_reverse": tiny_variant(
            root / "weighted_reverse",
            {"competencies/honesty.yaml": ("reverse: true}", "reverse: true, weight: 1.5}")},
        ),
        "unit": tiny_variant(root / "unit", {"competencies/selling.yaml": (", weight: 2}", "}")}),
        "wide": tiny_variant(
            root / "wide",
            {
                "model.yaml": wide_scale,
                "competencies/honesty.yaml": (
                    "levels: [{en: Often late}, {en: Mostly on time}, {en: Always on time}]",
                    "levels: [" + ", ".join(f"{{en: l{i}}}" for i in range(11)) + "]",
                ),
                "competencies/selling.yaml": (
                    "levels: [{en: Basic}, {en: Good}, {en: Expert}]",
                    "levels: [" + ", ".join(f"{{en: l{i}}}" for i in range(11)) + "]",
                ),
                "diagnostic.yaml": (
                    "anchors: [{en: Disagree}, {en: Partly}, {en: Agree}]",
                    "anchors: [" + ", ".join(f"{{en: a{i}}}" for i in range(11)) + "]",
                ),
            },
        ),
    }


def reference(model: CompetencyModel, values: list[int | None], stage: str) -> AssessmentResult:
    answers = {i: v for i, v in zip(model.item_ids(), values, strict=True) if v is not None}
    return score_assessment(model, answers, stage=stage, lang="en", created_at="now")


def assert_same(row: RowScore, expected: AssessmentResult, plan: ScoringPlan) -> None:
    """Bit-identical floats: the plan repeats score.py's arithmetic operation for operation."""
    results = expected.competencies
    assert row.stage == expected.stage
    assert row.scores == tuple(r.score for r in results)
    assert row.gaps == tuple(r.gap for r in results)
    assert row.statuses == tuple(r.status for r in results)
    assert row.coverages == tuple(r.coverage for r in results)
    assert row.fit == expected.fit
    assert row.next_fit == expected.next_fit
    answered = sum(r.answered for r in results)
    assert row.coverage == answered / sum(r.total for r in results)
    assert plan.priorities(row, row.stage) == expected.priorities


def answer_rows(
    model: CompetencyModel, *, allow_missing: bool
) -> st.SearchStrategy[list[int | None]]:
    value: st.SearchStrategy[int | None] = st.integers(model.scale.min, model.scale.max)
    if allow_missing:
        value = st.one_of(st.none(), value)
    size = len(model.item_ids())
    return st.lists(value, min_size=size, max_size=size)


# --- the default model ------------------------------------------------------------------


@PROPERTY
@given(data=st.data(), stage=st.sampled_from(DEFAULT.stage_ids))
def test_score_matches_score_assessment_with_missing_answers(
    data: st.DataObject, stage: str
) -> None:
    values = data.draw(answer_rows(DEFAULT, allow_missing=True))
    assert_same(DEFAULT_PLAN.score(values, stage), reference(DEFAULT, values, stage), DEFAULT_PLAN)


@PROPERTY
@given(data=st.data(), stage=st.sampled_from(DEFAULT.stage_ids))
def test_score_digits_matches_score_assessment(data: st.DataObject, stage: str) -> None:
    values = data.draw(answer_rows(DEFAULT, allow_missing=False))
    digits = "".join(str(v) for v in values).encode("ascii")
    row = DEFAULT_PLAN.score_digits(digits, stage)
    assert row is not None
    assert_same(row, reference(DEFAULT, list(values), stage), DEFAULT_PLAN)
    assert row == DEFAULT_PLAN.score(values, stage)


@PROPERTY
@given(data=st.data(), stage=st.sampled_from(DEFAULT.stage_ids))
def test_digit_keys_tables_and_fits_agree_with_score_digits(
    data: st.DataObject, stage: str
) -> None:
    values = data.draw(answer_rows(DEFAULT, allow_missing=False))
    digits = "".join(str(v) for v in values).encode("ascii")
    row = DEFAULT_PLAN.score_digits(digits, stage)
    keys = DEFAULT_PLAN.digit_keys(digits)
    assert row is not None and keys is not None
    entries = [table[key] for table, key in zip(DEFAULT_PLAN.stage_table(stage), keys, strict=True)]
    assert tuple(e[0] for e in entries) == row.scores
    assert tuple(e[1] for e in entries) == row.gaps
    assert tuple(e[2] for e in entries) == row.statuses
    assert DEFAULT_PLAN.fits(keys, stage) == (row.fit, row.next_fit)


def test_digit_keys_refuse_what_score_digits_refuses(
    tiny_models: dict[str, CompetencyModel],
) -> None:
    assert DEFAULT_PLAN.has_digit_keys
    assert DEFAULT_PLAN.digit_keys(b"6" * 70) is None
    assert DEFAULT_PLAN.digit_keys(b"3" * 69) is None
    weighted = ScoringPlan(tiny_models["weighted"])
    assert not weighted.has_digit_keys
    assert weighted.digit_keys(b"312") is None
    with pytest.raises(ValueError, match="no digit keys"):
        weighted.stage_table("first")
    unit = ScoringPlan(tiny_models["unit"])
    # honesty: 3 and reverse 1 -> offsets 2 + 2 = 4; selling: 2 -> offset 1
    assert unit.digit_keys(b"312") == (4, 1)


@pytest.mark.parametrize("stage", DEFAULT.stage_ids)
@pytest.mark.parametrize("value", range(1, 6))
def test_score_digits_on_uniform_answers(stage: str, value: int) -> None:
    # Every answer equal: the extremes of each lookup table (all mirrored at once).
    values: list[int | None] = [value] * len(DEFAULT_PLAN.item_ids)
    row = DEFAULT_PLAN.score_digits(str(value).encode() * len(values), stage)
    assert row is not None
    assert_same(row, reference(DEFAULT, values, stage), DEFAULT_PLAN)


def test_reverse_items_are_mirrored_on_the_fast_path() -> None:
    # integrity_3 is reverse-keyed: 5,5,1,5,5 counts as five 5s.
    digits = bytearray(b"3" * len(DEFAULT_PLAN.item_ids))
    digits[0:5] = b"55155"
    row = DEFAULT_PLAN.score_digits(bytes(digits), "early")
    assert row is not None
    assert DEFAULT_PLAN.competency_ids[0] == "integrity"
    assert [i.reverse for i in DEFAULT.competency("integrity").items] == [0, 0, 1, 0, 0]
    assert row.scores[0] == 5.0
    assert row.gaps[0] == 4.5 - 5.0
    assert row.statuses[0] == "met"


@pytest.mark.parametrize(
    "digits",
    [
        b"",
        b"3" * (N - 1),  # one answer short
        b"3" * (N + 1),
        b"0" + b"3" * (N - 1),  # below the scale
        b"6" + b"3" * (N - 1),  # above the scale
        b"3" * (N - 1) + b" ",
        b"3" * 35 + b"\xff" + b"3" * (N - 36),
        b"3" * (N - 2) + "४".encode()[:2],  # not ASCII, right length
    ],
)
def test_score_digits_refuses_rows_it_cannot_read(digits: bytes) -> None:
    assert DEFAULT_PLAN.score_digits(digits, "mid") is None


def test_unknown_stage_and_wrong_length_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown stage 'late'"):
        DEFAULT_PLAN.score_digits(b"3" * N, "late")
    with pytest.raises(ValueError, match="unknown stage"):
        DEFAULT_PLAN.score([3] * N, "late")
    with pytest.raises(ValueError, match="unknown stage"):
        DEFAULT_PLAN.fits((10,) * 14, "late")
    with pytest.raises(ValueError, match=f"expected {N} values, got 3"):
        DEFAULT_PLAN.score([3, 3, 3], "mid")
    for off_scale in (0, 6):
        with pytest.raises(ValueError, match=r"on the scale 1\.\.5"):
            DEFAULT_PLAN.score([3] * (N - 1) + [off_scale], "mid")


def test_too_little_coverage_is_insufficient_not_zero() -> None:
    values: list[int | None] = [None] * N
    values[0:2] = [5, 5]  # 2 of 5 integrity items, below min_coverage 0.5
    values[5:8] = [1, 1, 5]  # 3 of 5 negotiation items: enough (negotiation_3 reversed)
    row = DEFAULT_PLAN.score(values, "early")
    assert row.scores[0] is None and row.gaps[0] is None
    assert row.statuses[0] == INSUFFICIENT
    assert row.coverages[:2] == (0.4, 0.6)
    assert row.scores[1] == 1.0
    assert row.coverage == 5 / N
    assert_same(row, reference(DEFAULT, values, "early"), DEFAULT_PLAN)


def test_nothing_answered_has_no_fit() -> None:
    row = DEFAULT_PLAN.score([None] * N, "mid")
    assert row.fit is None and row.next_fit is None
    assert set(row.statuses) == {INSUFFICIENT}
    assert DEFAULT_PLAN.priorities(row, "mid") == ()


def test_last_stage_has_no_next_fit() -> None:
    row = DEFAULT_PLAN.score_digits(b"3" * N, DEFAULT.stage_ids[-1])
    assert row is not None
    assert row.fit is not None and row.next_fit is None


def test_priorities_honour_top() -> None:
    row = DEFAULT_PLAN.score_digits(b"1" * N, "partnership")
    assert row is not None
    assert len(DEFAULT_PLAN.priorities(row, "partnership", top=14)) == 14
    assert DEFAULT_PLAN.priorities(row, "partnership", top=1) == (
        DEFAULT_PLAN.priorities(row, "partnership")[0],
    )


# --- tiny model variants ------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
@pytest.mark.parametrize("variant", ["weighted", "weighted_reverse", "unit", "wide"])
def test_tiny_models_match_score_assessment(
    tiny_models: dict[str, CompetencyModel], variant: str, data: st.DataObject
) -> None:
    model = tiny_models[variant]
    plan = ScoringPlan(model)
    stage = data.draw(st.sampled_from(model.stage_ids))
    values = data.draw(answer_rows(model, allow_missing=True))
    assert_same(plan.score(values, stage), reference(model, values, stage), plan)
    full = data.draw(answer_rows(model, allow_missing=False))
    row = plan.score_digits("".join(str(v) for v in full).encode(), stage)
    if variant == "wide":
        assert row is None  # 10 is not a digit: the caller takes the slow path
    else:
        assert row is not None
        assert_same(row, reference(model, list(full), stage), plan)


def test_tiny_hand_computed(tiny_models: dict[str, CompetencyModel]) -> None:
    # Same example as test_scoring: honesty (3, reverse 1 -> 3) = 3.0, selling 2 (weight 2).
    plan = ScoringPlan(tiny_models["weighted"])
    row = plan.score_digits(b"312", "first")
    assert row == RowScore(
        stage="first",
        scores=(3.0, 2.0),
        gaps=(-1.0, 1.0),
        statuses=("met", "develop"),
        coverages=(1.0, 1.0),
        fit=100 * (1 * 1.0 + 2 * 0.5) / 3,
        next_fit=100.0,
        coverage=1.0,
    )
    assert plan.priorities(row, "first") == ("selling",)
    assert plan.score_digits(b"314", "first") is None  # 4 is off the 1..3 scale
