"""360° reports: a hand-computed example, a 200-person cohort checked exactly, bad inputs.

Default model: scale 1..5, so blind spots need |self - others| >= 4/3; anonymity threshold 3;
bands met (gap <= 0) / close (<= 0.5) / develop (<= 1.5) / critical.
Stage early: integrity, negotiation, communication, product_knowledge all target 4.0, weight 3.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamcli.model import CompetencyModel, load_model
from kamcli.model.schema import RATER_ROLES
from kamcli.scoring import score_assessment
from kamcli.scoring.multirater import (
    BLIND_SPOT,
    FOLDED_GROUP,
    HIDDEN_STRENGTH,
    Rating,
    SubjectReport,
    build_subject_report,
    item_allowed,
    rating_from_result,
    unknown_rater_problem,
)
from tests.conftest import write_tiny_model

DEFAULT = load_model()
COMPETENCY_IDS = [c.id for c in DEFAULT.competencies]
LEFT_OUT_NOTE = (
    "1 customer rating was left out of every figure: fewer than 3 ratings could identify the rater."
)
ONLY_SELF_NOTE = "Only a self rating: no comparison possible."
NOTHING_SHOWN_NOTE = "Only the self rating can be shown: no comparison possible."


def no_nan_json(report: SubjectReport) -> dict[str, Any]:
    text = json.dumps(report.to_dict(), allow_nan=False)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def rating(rater: str, **scores: float | None) -> Rating:
    return Rating(rater=rater, scores=scores)


# --- the hand-computed example --------------------------------------------------------


def hand_example() -> list[Rating]:
    """One competency per flag case; every other competency is unscored by everyone."""
    return [
        rating("self", integrity=4.6, negotiation=2.0, communication=13 / 3, product_knowledge=4.3),
        rating("manager", integrity=3.0, negotiation=3.4, communication=3.0, product_knowledge=3.0),
        rating("peer", integrity=3.0, negotiation=3.4, communication=3.0, product_knowledge=3.0),
        rating("peer", integrity=3.4, negotiation=3.6, communication=3.0, product_knowledge=3.0),
        rating("peer", integrity=2.6, negotiation=3.2, communication=3.0, product_knowledge=3.0),
        rating(
            "customer", integrity=2.0, negotiation=3.4, communication=3.0, product_knowledge=3.0
        ),
    ]


def test_hand_computed_example() -> None:
    report = build_subject_report(DEFAULT, "Li Wei", "early", hand_example())
    assert report.rater_counts == {"self": 1, "manager": 1, "peer": 3, "customer": 1, "other": 0}
    # One customer < threshold 3 and no other folded role to join: left out of every number.
    assert report.shown_groups == ("self", "manager", "peer")
    assert report.folded == report.left_out == ("customer",)
    assert report.notes == (LEFT_OUT_NOTE,)

    integrity = report.competency("integrity")
    assert [g.group for g in integrity.groups] == ["manager", "peer"]
    manager, peers = integrity.groups
    assert (manager.n, manager.mean, manager.sd, manager.min, manager.max) == (1, 3.0, None, 3, 3)
    # peers: mean (3.0 + 3.4 + 2.6) / 3 = 3.0; sd sqrt((0 + 0.16 + 0.16) / 2) = 0.4
    assert peers.n == 3
    assert peers.mean == pytest.approx(3.0)
    assert peers.sd == pytest.approx(0.4)
    assert (peers.min, peers.max) == (2.6, 3.4)
    # others = manager + peers, the customer's 2.0 left out: (3.0 + 3.0 + 3.4 + 2.6) / 4 = 3.0
    # sd: deviations 0 0 0.4 -0.4 -> squares sum 0.32 / 3 -> sqrt 0.32659…
    assert integrity.others.n == 4
    assert integrity.others.mean == pytest.approx(3.0)
    assert integrity.others.sd == pytest.approx(math.sqrt(0.32 / 3))
    assert (integrity.others.min, integrity.others.max) == (2.6, 3.4)  # not the customer's 2.0
    # gap 4.5 - 3.0 = 1.5 -> develop (0.5 < 1.5 <= 1.5); self - others = 4.6 - 3.0 = 1.6 >= 4/3
    assert integrity.gap == pytest.approx(1.5)
    assert integrity.status == "develop"
    assert integrity.self_score == 4.6
    assert integrity.self_minus_others == pytest.approx(1.6)
    assert integrity.flag == BLIND_SPOT

    negotiation = report.competency("negotiation")
    # others (3.4 + 3.4 + 3.6 + 3.2) / 4 = 13.6 / 4 = 3.4; sd sqrt((0.04 + 0.04) / 3)
    # self - others = 2.0 - 3.4 = -1.4, and 1.4 >= 4/3 -> hidden strength; gap 0.6 -> develop
    assert negotiation.others.n == 4
    assert negotiation.others.mean == pytest.approx(3.4)
    assert negotiation.others.sd == pytest.approx(math.sqrt(0.08 / 3))
    assert negotiation.self_minus_others == pytest.approx(-1.4)
    assert negotiation.flag == HIDDEN_STRENGTH
    assert negotiation.status == "develop"

    # Exactly on the threshold: 13/3 - 3 = 4/3 counts (>= within 1e-9); 4.3 - 3 = 1.3 does not.
    assert report.competency("communication").flag == BLIND_SPOT
    assert report.competency("product_knowledge").flag is None
    assert report.competency("product_knowledge").self_minus_others == pytest.approx(1.3)

    unscored = report.competency("innovation")
    assert (unscored.others.n, unscored.others.mean, unscored.gap) == (0, None, None)
    assert (unscored.status, unscored.flag, unscored.self_score) == ("insufficient", None, None)
    assert [(g.group, g.n, g.mean) for g in unscored.groups] == [
        ("manager", 0, None),
        ("peer", 0, None),
    ]

    assert report.blind_spots == ("integrity", "communication")
    assert report.hidden_strengths == ("negotiation",)
    # fit from others' means at early (integrity, negotiation, communication: target 4.5,
    # weight 3; product knowledge: target 4, weight 2), on 1..5:
    # [3x(2/3.5) + 3x(2.4/3.5) + 3x(2/3.5) + 2x(2/3)] / 11 = (192/35 + 4/3) / 11 = 0.61991
    assert report.fit_others == pytest.approx(100 * (192 / 35 + 4 / 3) / 11)
    data = no_nan_json(report)
    assert data["folded"] == data["left_out"] == ["customer"]
    assert data["rater_counts"]["customer"] == 1  # a count, not a score
    assert data["competencies"][0]["others"]["n"] == 4


def test_shown_groups_come_in_role_order_and_folded_groups_combine() -> None:
    scores = {"integrity": 3.0}
    ratings = [Rating(role, scores) for role in ("other", "customer", "peer") for _ in range(3)]
    ratings.append(Rating("manager", scores))
    report = build_subject_report(DEFAULT, "A", "early", ratings)
    assert report.shown_groups == ("manager", "peer", "customer", "other")
    assert [g.group for g in report.competency("integrity").groups] == list(report.shown_groups)
    assert report.folded == ()
    assert report.notes == ("No self rating: blind spots and hidden strengths need one.",)

    # 2 peers + 1 customer: each alone is below 3, together they reach 3 and show combined.
    combined = [Rating("peer", {"integrity": 2.0})] * 2 + [Rating("customer", {"integrity": 5.0})]
    report = build_subject_report(DEFAULT, "A", "early", [Rating("self", scores), *combined])
    assert report.shown_groups == ("self", FOLDED_GROUP)
    assert report.folded == ("peer", "customer")
    (group,) = report.competency("integrity").groups
    assert (group.group, group.n, group.mean, group.min, group.max) == (FOLDED_GROUP, 3, 3, 2, 5)
    assert report.left_out == ()
    # Shown together, so they count in the pooled others too: (2 + 2 + 5) / 3 = 3.
    assert (
        report.competency("integrity").others.n,
        report.competency("integrity").others.mean,
    ) == (
        3,
        3.0,
    )
    assert report.notes == (
        "2 peer ratings and 1 customer rating were too few to show alone (threshold 3): "
        "together they are shown as 'others (combined)'.",
    )

    # 1 peer + 1 customer: still below 3 together: left out of everything, others included.
    report = build_subject_report(DEFAULT, "A", "early", combined[1:])
    assert report.shown_groups == ()
    assert report.folded == report.left_out == ("peer", "customer")
    assert report.competency("integrity").groups == ()
    assert report.competency("integrity").others.n == 0
    assert report.fit_others is None
    assert report.notes == (
        "No self rating: blind spots and hidden strengths need one.",
        "1 peer rating and 1 customer rating were left out of every figure: "
        "fewer than 3 ratings could identify the raters.",
    )


# --- bad input ---------------------------------------------------------------------------


def test_only_a_self_rating_compares_nothing_and_does_not_crash() -> None:
    report = build_subject_report(DEFAULT, "A", "mid", [rating("self", integrity=4.0)])
    view = report.competency("integrity")
    assert (view.others.n, view.others.mean, view.others.sd) == (0, None, None)
    assert (view.gap, view.status, view.flag, view.self_minus_others) == (
        None,
        "insufficient",
        None,
        None,
    )
    assert view.self_score == 4.0
    assert report.notes == (ONLY_SELF_NOTE,)
    assert report.shown_groups == ("self",)
    assert report.fit_others is None
    assert report.blind_spots == report.hidden_strengths == ()
    assert no_nan_json(report)["competencies"][0]["others"]["mean"] is None


def test_one_customer_rating_is_left_out_and_noted() -> None:
    ratings = [rating("self", integrity=5.0), rating("customer", integrity=2.0)]
    report = build_subject_report(DEFAULT, "A", "early", ratings)
    assert report.folded == report.left_out == ("customer",)
    assert report.shown_groups == ("self",)
    view = report.competency("integrity")
    assert view.groups == ()
    assert (view.others.n, view.others.mean, view.gap, view.flag) == (0, None, None, None)
    assert report.rater_counts["customer"] == 1
    assert report.notes == (NOTHING_SHOWN_NOTE, LEFT_OUT_NOTE)


CUSTOMER_ANSWERS: list[dict[str, float | None]] = [
    dict.fromkeys(COMPETENCY_IDS, 1.0),
    dict.fromkeys(COMPETENCY_IDS, 5.0),
    dict.fromkeys(COMPETENCY_IDS),  # answered too few items everywhere
    {},
    {cid: 1.0 + (index % 5) for index, cid in enumerate(COMPETENCY_IDS)},
    {"integrity": 2.0},
]


def test_a_lone_customer_cannot_be_recovered_whatever_they_answered() -> None:
    """Self + manager + one customer: the customer's answers change nothing in the report.

    Were the customer pooled into others, customer = 2 * others.mean - manager.mean.
    """
    me = rating("self", integrity=4.0, negotiation=2.0, communication=None)
    boss = rating("manager", integrity=3.0, negotiation=4.0, communication=3.5)
    reports = [
        build_subject_report(DEFAULT, "A", "early", [me, boss, Rating("customer", answers)])
        for answers in CUSTOMER_ANSWERS
    ]
    first = no_nan_json(reports[0])
    assert all(no_nan_json(report) == first for report in reports[1:])

    report = reports[0]
    assert report.notes == (LEFT_OUT_NOTE,)
    assert report.left_out == ("customer",)
    assert report.shown_groups == ("self", "manager")
    for view in report.competencies:  # others is exactly the manager, nothing more
        (manager,) = view.groups
        assert view.others.n == manager.n
        assert view.others.mean == manager.mean
    # integrity: self 4 - others 3 = 1 < 4/3: no flag; negotiation: 2 - 4 = -2: hidden strength
    assert report.blind_spots == ()
    assert report.hidden_strengths == ("negotiation",)
    # The same figures as without the customer: only counts, folded roles and notes differ.
    alone = no_nan_json(build_subject_report(DEFAULT, "A", "early", [me, boss]))
    for key in ("rater_counts", "folded", "left_out", "notes"):
        first.pop(key), alone.pop(key)
    assert first == alone


def test_unknown_rater_role_is_refused_with_the_allowed_roles() -> None:
    with pytest.raises(ValueError, match="unknown rater role 'boss'") as caught:
        build_subject_report(DEFAULT, "A", "early", [rating("self"), rating("boss")])
    for role in RATER_ROLES:
        assert role in str(caught.value)
    assert unknown_rater_problem("Manager") is not None
    assert all(unknown_rater_problem(role) is None for role in RATER_ROLES)
    with pytest.raises(ValueError, match="self, manager, peer, customer, other"):
        item_allowed(DEFAULT, DEFAULT.item_ids()[0], "boss")


def test_groups_of_two() -> None:
    ratings = [
        rating("self", integrity=3.0),
        rating("manager", integrity=2.0),
        rating("manager", integrity=4.0),
        rating("peer", integrity=3.0),
        rating("peer", integrity=5.0),
    ]
    report = build_subject_report(DEFAULT, "A", "early", ratings)
    # Managers are shown even as two; two peers are folded and, alone below 3, left out.
    assert report.shown_groups == ("self", "manager")
    assert report.folded == report.left_out == ("peer",)
    assert report.notes == (
        "2 peer ratings were left out of every figure: "
        "fewer than 3 ratings could identify the raters.",
    )
    (managers,) = report.competency("integrity").groups
    # sd of 2 and 4: sqrt(((-1)^2 + 1^2) / (2 - 1)) = sqrt(2)
    assert (managers.n, managers.mean) == (2, 3.0)
    assert managers.sd == pytest.approx(math.sqrt(2))
    others = report.competency("integrity").others
    # Only the managers count: (2 + 4) / 2 = 3.0, sd sqrt(2), not (2 + 4 + 3 + 5) / 4 = 3.5.
    assert (others.n, others.mean, others.min, others.max) == (2, 3.0, 2.0, 4.0)
    assert others.sd == pytest.approx(math.sqrt(2))


def test_all_scores_none() -> None:
    nothing = dict.fromkeys(COMPETENCY_IDS)
    ratings = [Rating(role, nothing) for role in ("self", "manager", "peer", "peer", "peer")]
    report = build_subject_report(DEFAULT, "A", "early", ratings)
    assert all(v.others.n == 0 and v.status == "insufficient" for v in report.competencies)
    assert all(g.n == 0 and g.mean is None for v in report.competencies for g in v.groups)
    assert report.fit_others is None
    assert "The other raters answered too few items to score any competency." in report.notes
    assert "The self rating answered too few items to score any competency." in report.notes
    no_nan_json(report)


def test_no_ratings_at_all() -> None:
    report = build_subject_report(DEFAULT, "A", "early", [])
    assert report.notes == ("No ratings of this subject: nothing to compare.",)
    assert report.shown_groups == report.folded == ()
    no_nan_json(report)


def test_the_latest_self_rating_is_used() -> None:
    ratings = [rating("self", integrity=1.0), rating("manager", integrity=3.0)]
    ratings.append(rating("self", integrity=5.0))
    report = build_subject_report(DEFAULT, "A", "early", ratings)
    assert report.competency("integrity").self_score == 5.0
    assert report.competency("integrity").flag == BLIND_SPOT
    assert report.notes[0] == "2 self ratings were given; only the latest (the last one) is used."


def test_bad_scores_and_stage_are_all_reported() -> None:
    bad = [rating("self", integrity=math.nan, typo=3.0), rating("peer", integrity=6.0)]
    with pytest.raises(ValueError, match="3 invalid ratings") as caught:
        build_subject_report(DEFAULT, "A", "early", bad)
    message = str(caught.value)
    assert "'typo': not a competency" in message
    assert "score nan is off the scale 1..5" in message
    assert "score 6.0 is off the scale" in message
    with pytest.raises(ValueError, match="unknown stage 'late'"):
        build_subject_report(DEFAULT, "A", "late", [])


# --- model settings: threshold and per-item rater roles --------------------------------


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CompetencyModel]:
    root = tmp_path_factory.mktemp("models")
    plain = load_model(write_tiny_model(root / "plain"))
    edited = write_tiny_model(root / "edited")
    model_yaml = edited / "model.yaml"
    model_yaml.write_text(
        model_yaml.read_text(encoding="utf-8").replace(
            "min_coverage: 0.5\n", "min_coverage: 0.5\nanonymity_threshold: 1\n"
        ),
        encoding="utf-8",
    )
    return {"plain": plain, "edited": with_rater_roles(load_model(edited))}


def with_rater_roles(model: CompetencyModel) -> CompetencyModel:
    """honesty_1 may be rated by self and manager only.

    Built in Python because strict pydantic refuses the YAML list `raters: [self]` for the
    tuple field (reported to the schema's owner); item_allowed only needs the Item.
    """
    honesty = model.competency("honesty")
    first, *rest = honesty.items
    restricted = first.model_copy(update={"raters": ("self", "manager")})
    honesty = honesty.model_copy(update={"items": [restricted, *rest]})
    others = [c for c in model.competencies if c.id != "honesty"]
    return model.model_copy(update={"competencies": [honesty, *others]})


def test_threshold_comes_from_the_model(tiny_models: dict[str, CompetencyModel]) -> None:
    edited = tiny_models["edited"]
    assert edited.anonymity_threshold == 1
    ratings = [rating("self", honesty=3.0), rating("customer", honesty=1.0)]
    report = build_subject_report(edited, "A", "first", ratings)
    assert report.shown_groups == ("self", "customer")
    assert report.folded == ()
    assert report.notes == ()
    # Scale 1..3: the flag threshold is 2/3; 3 - 1 = 2 is a blind spot.
    assert report.blind_spots == ("honesty",)


def test_item_allowed_follows_the_items_rater_roles(
    tiny_models: dict[str, CompetencyModel],
) -> None:
    edited, plain = tiny_models["edited"], tiny_models["plain"]
    assert item_allowed(edited, "honesty_1", "self")
    assert item_allowed(edited, "honesty_1", "manager")
    assert not item_allowed(edited, "honesty_1", "customer")
    assert item_allowed(edited, "honesty_2", "customer")
    assert all(item_allowed(plain, "honesty_1", role) for role in RATER_ROLES)
    with pytest.raises(ValueError, match="unknown item 'nope'"):
        item_allowed(plain, "nope", "self")


# --- properties on random ratings ----------------------------------------------------------


def counts_in_others(role: str, counts: Mapping[str, int], threshold: int) -> bool:
    """The rule restated: a non-self rating counts when its role is the manager, has enough
    raters of its own, or when all ratings of too-small roles together reach the threshold."""
    too_small = sum(n for r, n in counts.items() if r not in ("self", "manager") and n < threshold)
    return role == "manager" or counts[role] >= threshold or too_small >= threshold


SCORES = st.one_of(st.none(), st.floats(min_value=1, max_value=3, allow_nan=False))
RATINGS = st.lists(
    st.builds(
        Rating,
        rater=st.sampled_from(RATER_ROLES),
        scores=st.fixed_dictionaries({"honesty": SCORES, "selling": SCORES}),
    ),
    max_size=12,
)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCORE_SETS = st.fixed_dictionaries({"honesty": SCORES, "selling": SCORES})


@PROPERTY
@given(ratings=RATINGS, seed=st.integers(0, 2**16))
def test_properties(
    tiny_models: dict[str, CompetencyModel], ratings: list[Rating], seed: int
) -> None:
    model = tiny_models["plain"]
    report = build_subject_report(model, "A", "second", ratings)
    data = no_nan_json(report)
    threshold = model.anonymity_threshold
    counts = report.rater_counts
    assert counts == {role: sum(r.rater == role for r in ratings) for role in RATER_ROLES}
    for view in report.competencies:
        counted = [
            r.scores[view.competency_id]
            for r in ratings
            if r.rater != "self" and counts_in_others(r.rater, counts, threshold)
        ]
        assert view.others.n == sum(score is not None for score in counted)
        for group in (*view.groups, view.others):
            if group.n:
                assert group.min is not None and group.max is not None
                assert group.mean is not None and group.min <= group.mean <= group.max
            assert (group.sd is None) == (group.n < 2)
        for group in view.groups:  # nothing below the threshold is shown but the manager
            raters = report.rater_counts.get(group.group)
            if group.group == FOLDED_GROUP:
                raters = sum(report.rater_counts[role] for role in report.folded)
            assert group.group == "manager" or (raters is not None and raters >= threshold)
        if view.flag == BLIND_SPOT:
            assert view.self_minus_others is not None and view.self_minus_others > 0
        if view.flag == HIDDEN_STRENGTH:
            assert view.self_minus_others is not None and view.self_minus_others < 0
    assert not set(report.blind_spots) & set(report.hidden_strengths)
    assert set(report.left_out) <= set(report.folded)
    if report.left_out:
        assert FOLDED_GROUP not in report.shown_groups
        assert sum(counts[role] for role in report.left_out) < threshold
    # fsum and stdev are exact up to the final rounding: the order of others does not matter.
    selfs = [r for r in ratings if r.rater == "self"]
    others = [r for r in ratings if r.rater != "self"]
    random.Random(seed).shuffle(others)
    reordered = build_subject_report(model, "A", "second", [*others, *selfs])
    assert reordered.to_dict() == data


@PROPERTY
@given(ratings=RATINGS, data=st.data())
def test_left_out_answers_change_nothing(
    tiny_models: dict[str, CompetencyModel], ratings: list[Rating], data: st.DataObject
) -> None:
    """Whatever the left-out raters answered, the report is the same: nothing to subtract."""
    model = tiny_models["plain"]
    report = build_subject_report(model, "A", "second", ratings)
    rewritten = [
        Rating(r.rater, data.draw(SCORE_SETS)) if r.rater in report.left_out else r for r in ratings
    ]
    assert build_subject_report(model, "A", "second", rewritten).to_dict() == report.to_dict()


# --- a 200-person cohort, checked against exact rational arithmetic ------------------------

COHORT_SEED = 360


def generate_cohort(seed: int) -> list[tuple[str, str, list[tuple[str, dict[str, int | None]]]]]:
    """(subject, stage, [(role, answers)]) with self-raters who flatter or sell themselves short."""
    rng = random.Random(seed)
    items = DEFAULT.items()
    low, high = DEFAULT.scale.min, DEFAULT.scale.max
    cohort = []
    for number in range(200):
        level = {c.id: rng.uniform(1.5, 4.5) for c in DEFAULT.competencies}
        self_bias = rng.choice([-1.6, -0.8, 0.0, 0.8, 1.6])
        roles = ["self"] * rng.choices([0, 1, 2], weights=[1, 18, 1])[0]
        roles += ["manager"] * rng.choices([0, 1, 2], weights=[2, 16, 2])[0]
        roles += ["peer"] * rng.randint(0, 5) + ["customer"] * rng.randint(0, 4)
        roles += ["other"] * rng.choice([0, 0, 1, 2])
        rng.shuffle(roles)
        ratings = []
        for role in roles:
            bias = self_bias if role == "self" else rng.gauss(0, 0.3)
            answers: dict[str, int | None] = {}
            blank = rng.random() < 0.05  # now and then a rater skips most of a competency
            for competency, item in items:
                if not item.rated_by(role):
                    continue  # `raters:` in the model: this role is not asked the item
                if rng.random() < (0.7 if blank and competency.id == "integrity" else 0.04):
                    answers[item.id] = None
                    continue
                value = round(level[competency.id] + bias + rng.gauss(0, 0.7))
                value = min(high, max(low, value))
                answers[item.id] = low + high - value if item.reverse else value
            ratings.append((role, answers))
        cohort.append((f"KAM {number:03d}", rng.choice(DEFAULT.stage_ids), ratings))
    return cohort


def exact_scores(
    answers: Mapping[str, int | None], role: str = "self"
) -> dict[str, Fraction | None]:
    """Competency scores as exact fractions, straight from the model's definition (coverage
    counted over the items the role is asked)."""
    low, high = DEFAULT.scale.min, DEFAULT.scale.max
    scores: dict[str, Fraction | None] = {}
    for competency in DEFAULT.competencies:
        pairs: list[tuple[Fraction, int]] = []
        asked = [item for item in competency.items if item.rated_by(role)]
        if not asked:
            scores[competency.id] = None
            continue
        for item in asked:
            raw = answers.get(item.id)
            if raw is not None:
                pairs.append((Fraction(item.weight), low + high - raw if item.reverse else raw))
        covered = Fraction(len(pairs), len(asked)) >= Fraction(DEFAULT.min_coverage)
        total_weight = sum((weight for weight, _ in pairs), Fraction(0))
        scores[competency.id] = (
            sum((weight * value for weight, value in pairs), Fraction(0)) / total_weight
            if pairs and covered
            else None
        )
    return scores


def expected_flags(
    ratings: Sequence[tuple[str, dict[str, int | None]]],
) -> tuple[list[str], list[str], dict[str, list[Fraction]]]:
    """Flags and the counted others' scores per competency, by the rule in the docstring."""
    threshold = Fraction(DEFAULT.scale.max - DEFAULT.scale.min, 3)
    counts = {role: sum(r == role for r, _ in ratings) for role in RATER_ROLES}
    selfs = [exact_scores(answers, role) for role, answers in ratings if role == "self"]
    others = [
        exact_scores(answers, role)
        for role, answers in ratings
        if role != "self" and counts_in_others(role, counts, DEFAULT.anonymity_threshold)
    ]
    blind, hidden, counted = [], [], {}
    for cid in COMPETENCY_IDS:
        values = [score for s in others if (score := s[cid]) is not None]
        counted[cid] = values
        mean = sum(values, Fraction(0)) / len(values) if values else None
        own = selfs[-1][cid] if selfs else None
        if own is None or mean is None:
            continue
        if own - mean >= threshold:
            blind.append(cid)
        elif mean - own >= threshold:
            hidden.append(cid)
    return blind, hidden, counted


def test_generated_cohort_matches_an_exact_recomputation() -> None:
    totals = {"blind": 0, "hidden": 0, "folded": 0, "combined": 0, "left_out": 0, "no_self": 0}
    for subject, stage, raw_ratings in generate_cohort(COHORT_SEED):
        ratings = []
        for index, (role, answers) in enumerate(raw_ratings):
            result = score_assessment(
                DEFAULT,
                answers,
                stage=stage,
                lang="en",
                created_at="2024-05-01T09:30:00+00:00",
                person=f"{subject} rater {index}",
                rater=role,
                subject=subject,
            )
            ratings.append(rating_from_result(result))
        report = build_subject_report(DEFAULT, subject, stage, ratings)
        no_nan_json(report)
        blind, hidden, counted = expected_flags(raw_ratings)
        assert list(report.blind_spots) == blind, subject
        assert list(report.hidden_strengths) == hidden, subject
        for view in report.competencies:
            values = counted[view.competency_id]
            assert view.others.n == len(values), subject
            if values:
                mean = sum(values, Fraction(0)) / len(values)
                assert view.others.mean == pytest.approx(float(mean), abs=1e-12)
                assert view.gap == pytest.approx(float(view.target - mean), abs=1e-12)
            else:
                assert (view.others.mean, view.gap, view.status) == (None, None, "insufficient")
        counts = {role: sum(r == role for r, _ in raw_ratings) for role in RATER_ROLES}
        small = [r for r in ("peer", "customer", "other") if 0 < counts[r] < 3]
        together = sum(counts[r] for r in small)
        assert report.folded == tuple(small), subject
        assert report.left_out == (tuple(small) if together < 3 else ()), subject
        assert (FOLDED_GROUP in report.shown_groups) == (together >= 3), subject
        left_out_notes = [n for n in report.notes if "left out of every figure" in n]
        assert len(left_out_notes) == (0 < together < 3), subject
        totals["blind"] += len(blind)
        totals["hidden"] += len(hidden)
        totals["folded"] += bool(small)
        totals["combined"] += together >= 3
        totals["left_out"] += 0 < together < 3
        totals["no_self"] += not counts["self"]
    # The cohort really exercises what it checks.
    assert totals["blind"] > 100 and totals["hidden"] > 100, totals
    assert totals["folded"] > 50 and totals["combined"] > 5 and totals["left_out"] > 20, totals
    assert totals["no_self"] > 0, totals


def test_rating_from_result_keeps_role_scores_and_rater() -> None:
    answers = dict.fromkeys(DEFAULT.item_ids(), 4)
    result = score_assessment(
        DEFAULT,
        answers,
        stage="early",
        lang="en",
        created_at="now",
        person="Zhang Min",
        rater="peer",
        subject="Li Wei",
    )
    converted = rating_from_result(result)
    assert converted.rater == "peer"
    assert converted.rater_id == "Zhang Min"
    assert dict(converted.scores) == {c.competency_id: c.score for c in result.competencies}
