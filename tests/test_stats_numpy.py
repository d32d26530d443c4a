"""The numpy path of the statistics equals the pure-Python reference.

kamcli/scoring/reliability_sums.py and careless_arrays.py (what `kam stats`, `kam batch
--stats` and the cohort summary use) against reliability.py and careless.py (the
reference, checked against pingouin in test_psychometrics.py), on random cohorts with
missing answers, constant items, reverse-keyed items and odd scales, fed in random blocks.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamcli.batch.stats import StatsCollector, StatsOptions
from kamcli.model.loader import load_model
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.careless import careless
from kamcli.scoring.careless_arrays import careless_indices, screen
from kamcli.scoring.reliability import reliability
from kamcli.scoring.reliability_sums import ReliabilitySums, reliability_of_codes

TOLERANCE = 1e-12
Rows = list[dict[str, int | None]]


@functools.cache
def _base_model() -> dict[str, Any]:
    return load_model(None).model_dump()


@functools.cache
def build_model(low: int, high: int, scales: tuple[tuple[bool, ...], ...]) -> CompetencyModel:
    """A model on the scale low..high with one competency per entry of `scales` (the reverse
    flags of its items); the rest comes from the default model."""
    data = copy.deepcopy(_base_model())
    first = data["competencies"][0]
    anchors = [{"en": f"point {p}"} for p in range(low, high + 1)]
    data["scale"].update(min=low, max=high, anchors=anchors)
    data["scale"].pop("levels", None)  # the default model's named levels fit 1..5 only
    names = [f"c{number}" for number in range(len(scales))]
    data["competencies"] = [
        {
            **first,
            "id": name,
            "levels": anchors,
            "items": [
                {"id": f"{name}_{i + 1}", "text": {"en": f"{name} {i + 1}"}, "reverse": reverse}
                for i, reverse in enumerate(flags)
            ],
        }
        for name, flags in zip(names, scales, strict=True)
    ]
    for stage in data["stages"]:
        stage["targets"] = {name: {"target": float(low), "weight": 1.0} for name in names}
    return CompetencyModel.model_validate(data)


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[CompetencyModel, Rows, list[float | None]]:
    """A model shape, a scale and respondents: some items constant, some never answered,
    answers missing at a random rate, some respondents answering nothing."""
    low = draw(st.sampled_from([1, 0, -3, 1]))
    high = low + draw(st.sampled_from([1, 4, 4, 6, 9]))
    scales = draw(
        st.lists(st.lists(st.booleans(), min_size=1, max_size=6).map(tuple), min_size=1, max_size=4)
    )
    model = build_model(low, high, tuple(scales))
    item_ids = model.item_ids()
    missing_rate = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3, 0.7]))
    constant = set(draw(st.lists(st.sampled_from(item_ids), max_size=3)))
    never = set(draw(st.lists(st.sampled_from(item_ids), max_size=1)))
    count = draw(st.integers(0, 40))
    value = st.integers(low, high)
    rows: Rows = []
    for _ in range(count):
        blank = draw(st.integers(0, 9)) == 0
        row: dict[str, int | None] = {}
        for item_id in item_ids:
            skipped = blank or item_id in never or draw(st.floats(0, 1)) < missing_rate
            row[item_id] = None if skipped else (high if item_id in constant else draw(value))
        rows.append(row)
    times = st.one_of(
        st.none(),
        st.floats(0, 200),
        st.sampled_from([math.nan, math.inf, -5.0, 0.0]),
    )
    seconds = [draw(times) for _ in rows]
    return model, rows, seconds


def codes_of(model: CompetencyModel, rows: Rows) -> np.ndarray[Any, Any]:
    low = model.scale.min
    return np.array(
        [[0 if row[i] is None else row[i] - low + 1 for i in model.item_ids()] for row in rows],  # type: ignore[operator]
        dtype=np.uint8,
    ).reshape(len(rows), len(model.item_ids()))


def assert_same(numpy_side: Any, reference: Any, where: str = "") -> None:
    """Equal structures; floats to TOLERANCE (relative above 1), None only for None."""
    if isinstance(reference, float) and not isinstance(numpy_side, bool):
        assert isinstance(numpy_side, float), where
        assert abs(numpy_side - reference) <= TOLERANCE * max(1.0, abs(reference)), where
    elif isinstance(reference, dict):
        assert list(numpy_side) == list(reference), where
        for key in reference:
            assert_same(numpy_side[key], reference[key], f"{where}.{key}")
    elif isinstance(reference, list | tuple):
        assert len(numpy_side) == len(reference), where
        for index, (left, right) in enumerate(zip(numpy_side, reference, strict=True)):
            assert_same(left, right, f"{where}[{index}]")
    else:
        assert numpy_side == reference, where


def fed_in_blocks(
    model: CompetencyModel, codes: np.ndarray[Any, Any], cuts: Sequence[int], missing: str
) -> list[Any]:
    sums = ReliabilitySums(model, missing)
    bounds = [0, *sorted(c % (len(codes) + 1) for c in cuts), len(codes)]
    for start, stop in itertools.pairwise(bounds):
        sums.add(codes[start:stop])
    return [scale.to_dict() for scale in sums.results()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from(["listwise", "pairwise"]), st.lists(st.integers(0, 99)))
def test_reliability_sums_equal_the_reference(
    cohort: tuple[CompetencyModel, Rows, list[float | None]], missing: str, cuts: list[int]
) -> None:
    model, rows, _ = cohort
    reference = [scale.to_dict() for scale in reliability(model, rows, missing=missing)]
    codes = codes_of(model, rows)
    assert_same(fed_in_blocks(model, codes, cuts, missing), reference)
    wide = [
        s.to_dict() for s in reliability_of_codes(model, codes.astype(np.uint16), missing=missing)
    ]
    assert_same(wide, reference)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from([None, 2, 3]), st.sampled_from([None, 0.0, 0.8, 2.0]))
def test_careless_indices_and_flags_equal_the_reference(
    cohort: tuple[CompetencyModel, Rows, list[float | None]],
    limit: int | None,
    irv_min: float | None,
) -> None:
    model, rows, seconds = cohort
    ids = [f"r{number}" for number in range(len(rows))]
    options: dict[str, Any] = {"longstring_limit": limit, "irv_min": irv_min}
    reference = careless(model, zip(ids, rows, seconds, strict=True), **options)
    codes = codes_of(model, rows)
    everyone, flagged = screen(model, ids, codes, seconds, everyone=True, **options)
    assert_same([f.to_dict() for f in everyone], [f.to_dict() for f in reference])
    assert flagged.tolist() == [f.flagged for f in reference]
    only, _ = screen(model, ids, codes.astype(np.uint16), seconds, **options)
    assert [f.to_dict() for f in only] == [f.to_dict() for f in everyone if f.flagged]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from(["listwise", "pairwise"]), st.booleans())
def test_stats_collector_equals_the_reference(
    cohort: tuple[CompetencyModel, Rows, list[float | None]], missing: str, exclude: bool
) -> None:
    """What kam stats computes row by row (any order of blocks) is the reference's figures on
    the rows it keeps."""
    from kamcli.batch.row_outcomes import GoodRow

    model, rows, seconds = cohort
    options = StatsOptions(missing=missing, exclude_flagged=exclude, time_column="seconds")
    collector = StatsCollector(model, model.item_ids(), options)
    collector.start_table("t.csv", ["respondent_id", "seconds"])
    item_ids = model.item_ids()
    for number, (row, time) in enumerate(zip(rows, seconds, strict=True)):
        values = tuple(row[i] for i in item_ids)
        good = GoodRow(
            number + 2, f"r{number}", None, None, None, "self", "early", values, None, None, None
        )
        collector.add(good, [f"r{number}", "" if time is None else repr(time)])
    if not rows:
        return
    result = collector.result()
    ids = [f"r{number}" for number in range(len(rows))]
    reference_flags = careless(model, zip(ids, rows, seconds, strict=True))
    kept = [
        row
        for row, flag in zip(rows, reference_flags, strict=True)
        if not (exclude and flag.flagged)
    ]
    assert (result.respondents, result.used) == (len(rows), len(kept))
    expected = [s.to_dict() for s in reliability(model, kept, missing=missing)]
    assert_same([s.to_dict() for s in result.reliability], expected)
    assert_same(
        [f.to_dict() for f in result.flagged], [f.to_dict() for f in reference_flags if f.flagged]
    )


def test_long_string_takes_the_first_longest_run() -> None:
    codes = np.array(
        [
            [1, 1, 2, 2, 0, 3, 3],
            [0, 0, 0, 0, 0, 0, 0],
            [4, 4, 4, 0, 4, 4, 4],
            [5, 5, 1, 5, 5, 5, 1],
        ],
        dtype=np.uint8,
    )
    found = careless_indices(codes)
    assert found.run.tolist() == [2, 0, 3, 3]
    assert found.run_code.tolist()[0] == 1 and found.run_code.tolist()[2:] == [4, 5]
    assert found.answered.tolist() == [6, 0, 6, 7]
    assert math.isnan(found.irv[1]) and found.irv[2] == 0.0


def test_sums_refuse_a_matrix_of_the_wrong_width_and_unknown_methods() -> None:
    model = build_model(1, 5, ((False, True),))
    with pytest.raises(ValueError, match="respondents × 2"):
        ReliabilitySums(model).add(np.zeros((3, 3), np.uint8))
    with pytest.raises(ValueError, match="missing must be one of"):
        ReliabilitySums(model, "casewise")


@pytest.mark.parametrize("argv", [["--version"], ["stages"], ["assess", "--help"]])
def test_numpy_is_not_imported_at_startup(argv: list[str], tmp_path: Path) -> None:
    """numpy is imported by the commands that need it, never by `kam --version`, `kam stages`
    or `kam assess` (start-up time counts)."""
    code = (
        "import sys\n"
        f"sys.argv = ['kam', *{argv!r}]\n"
        "from kamcli.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('numpy imported:', 'numpy' in sys.modules)"
    )
    env = {**os.environ, "KAM_HOME": str(tmp_path), "TTY_COMPATIBLE": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip().splitlines()[-1] == "numpy imported: False"
