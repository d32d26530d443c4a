"""kam batch with rater roles: subject/rater columns, role checks, --by-subject 360° reports."""

from __future__ import annotations

import csv
import io
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import CompetencyModel, load_model
from kamcli.model.schema import RATER_ROLES
from kamcli.scoring import score_assessment
from kamcli.scoring.multirater import Rating, build_subject_report
from tests.conftest import write_tiny_model

MODEL = load_model()
ITEMS = MODEL.item_ids()
COMPETENCIES = [c.id for c in MODEL.competencies]
HEADER = ["respondent_id", "name", "account", "stage", "subject", "rater", *ITEMS]
SUBJECTS = 200
ONLY_SELF = "Subject 007"  # rated by nobody else
THREE_CUSTOMERS = {"Subject 010", "Subject 011"}  # a customer group large enough to show


def write_rows(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def batch(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(app, ["batch", *map(str, args)])


def answers(
    rng: random.Random, levels: dict[str, float], spread: float, role: str = "self"
) -> list[int | str]:
    """One rating: each item near its competency's level; reverse items given reversed;
    items the role does not rate (`raters:` in the model) left empty."""
    low, high = MODEL.scale.min, MODEL.scale.max
    out: list[int | str] = []
    for competency in MODEL.competencies:
        for item in competency.items:
            value = round(levels[competency.id] + rng.gauss(0, spread))
            value = min(high, max(low, value))
            answer = low + high - value if item.reverse else value
            out.append(answer if item.rated_by(role) else "")
    return out


def cohort(seed: int = 20240601) -> list[list[object]]:
    """200 subjects rated by themselves, their manager, 3 peers and (mostly) 1 customer.

    Self views are biased by ±1.8 on some competencies, so blind spots and hidden
    strengths occur; everyone else rates near the subject's true level.
    """
    rng = random.Random(seed)
    rows: list[list[object]] = []
    number = 0
    for s in range(1, SUBJECTS + 1):
        subject = f"Subject {s:03d}"
        stage = MODEL.stage_ids[s % len(MODEL.stage_ids)]
        truth = {c: rng.uniform(1.8, 4.2) for c in COMPETENCIES}
        bias = {c: rng.choice([0, 0, 0, 1.8, -1.8]) for c in COMPETENCIES}
        raters = [("self", 1)]
        if subject != ONLY_SELF:
            customers = 3 if subject in THREE_CUSTOMERS else 1
            raters += [("manager", 1), ("peer", 3), ("customer", customers)]
        for role, count in raters:
            for _ in range(count):
                number += 1
                levels = {c: truth[c] + (bias[c] if role == "self" else 0) for c in COMPETENCIES}
                spread = 0.3 if role == "self" else 0.6
                name = subject if role == "self" else f"Rater {number}"
                row: list[object] = [f"R{number:05d}", name, "Acme", stage, subject, role]
                rows.append(row + answers(rng, levels, spread, role))
    return rows


@pytest.fixture(scope="module")
def cohort_rows() -> list[list[object]]:
    return cohort()


def expected_reports(rows: list[list[object]]) -> dict[str, tuple[str, list[Rating]]]:
    """Each subject's stage and ratings, scored by the reference scorer, not the batch plan."""
    found: dict[str, tuple[str, list[Rating]]] = {}
    for row in rows:
        values = {i: int(str(v)) for i, v in zip(ITEMS, row[6:], strict=True) if str(v)}
        stage, subject, role = str(row[3]), str(row[4]), str(row[5])
        result = score_assessment(MODEL, values, stage=stage, lang="en", created_at="t", rater=role)
        scores = {c.competency_id: c.score for c in result.competencies}
        found.setdefault(subject, (stage, []))[1].append(Rating(role, scores))
    return found


def test_by_subject_reports_match_an_independent_computation(
    tmp_path: Path, runner: CliRunner, cohort_rows: list[list[object]]
) -> None:
    source = write_rows(tmp_path / "cohort.csv", cohort_rows, HEADER)
    folder = tmp_path / "reports"
    result = batch(
        runner, source, "--by-subject-dir", folder, "--report-format", "json", "-o", tmp_path / "o"
    )
    assert result.exit_code == 0, result.stderr
    files = sorted(folder.iterdir())
    assert len(files) == SUBJECTS
    assert files[0].name == "0001-subject-001.json"
    reports = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        reports[data["subject"]] = data
    assert set(reports) == {f"Subject {s:03d}" for s in range(1, SUBJECTS + 1)}
    flagged = {"blind": 0, "hidden": 0}
    threshold = (MODEL.scale.max - MODEL.scale.min) / 3
    for subject, (stage, ratings) in expected_reports(cohort_rows).items():
        want = build_subject_report(MODEL, subject, stage, ratings)
        got = reports[subject]
        assert got["stage"] == stage
        assert got["blind_spots"] == list(want.blind_spots)
        assert got["hidden_strengths"] == list(want.hidden_strengths)
        assert got["rater_counts"] == want.rater_counts
        # and by hand: self against the mean of every counted other (the lone customer is
        # left out; three customers count)
        counted = [r for r in ratings if r.rater in ("manager", "peer")]
        if subject in THREE_CUSTOMERS:
            counted += [r for r in ratings if r.rater == "customer"]
        own = next(r for r in ratings if r.rater == "self")
        blind, hidden = [], []
        for cid in COMPETENCIES:
            if not counted:
                continue
            others = math.fsum(r.scores[cid] or 0.0 for r in counted) / len(counted)
            difference = (own.scores[cid] or 0.0) - others
            if difference >= threshold - 1e-9:
                blind.append(cid)
            elif -difference >= threshold - 1e-9:
                hidden.append(cid)
        assert got["blind_spots"] == blind
        assert got["hidden_strengths"] == hidden
        flagged["blind"] += len(blind)
        flagged["hidden"] += len(hidden)
    assert flagged["blind"] > 50 and flagged["hidden"] > 50  # the data does exercise both


def test_edge_subjects_only_self_and_a_lone_customer(
    tmp_path: Path, runner: CliRunner, cohort_rows: list[list[object]]
) -> None:
    source = write_rows(tmp_path / "cohort.csv", cohort_rows[:57], HEADER)  # subjects 1-10
    folder = tmp_path / "reports"
    result = batch(runner, source, "--by-subject-dir", folder, "--report-format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    by_subject = {}
    for path in folder.iterdir():
        data = json.loads(path.read_text(encoding="utf-8"))
        by_subject[data["subject"]] = data
    alone = by_subject[ONLY_SELF]
    assert alone["rater_counts"]["self"] == 1 and alone["shown_groups"] == ["self"]
    assert alone["blind_spots"] == [] and alone["hidden_strengths"] == []
    assert "Only a self rating: no comparison possible." in alone["notes"]
    lone = by_subject["Subject 001"]
    assert lone["rater_counts"]["customer"] == 1
    assert lone["left_out"] == ["customer"] and "customer" not in lone["shown_groups"]
    assert any("1 customer rating was left out" in note for note in lone["notes"])
    shown = by_subject["Subject 010"]
    assert "customer" in shown["shown_groups"] and shown["left_out"] == []
    # the summary on stderr (printed even with -q, like --summary) names the subjects
    assert "360° summary: 10 subjects, 57 ratings" in result.stderr
    assert "Subject 007" in result.stderr
    assert "Only a self rating" in result.stderr


def test_summary_table_fits_80_columns(
    tmp_path: Path, runner: CliRunner, cohort_rows: list[list[object]]
) -> None:
    source = write_rows(tmp_path / "cohort.csv", cohort_rows[:30], HEADER)
    result = runner.invoke(app, ["batch", str(source), "--by-subject"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("360° summary: 5 subjects, 30 ratings") for line in lines)
    assert max(len(line.rstrip()) for line in lines if "scored" not in line) <= 80
    assert "left out of every figure" in result.stderr


def test_output_rows_gain_subject_and_rater(tmp_path: Path, runner: CliRunner) -> None:
    values = ["3"] * len(ITEMS)
    rows = [
        ["A", "Ann", "Acme", "mid", "", "", *values],
        ["B", "Bo", "Acme", "mid", "Ann", "Manager", *values],
        ["C", "", "Acme", "mid", "", "peer", *values],
    ]
    source = write_rows(tmp_path / "t.csv", rows, HEADER)
    wide = batch(runner, source)
    assert wide.exit_code == 0, wide.stderr
    records = list(csv.DictReader(io.StringIO(wide.stdout)))
    assert list(records[0])[-5:-3] == ["subject", "rater"]
    assert [(r["subject"], r["rater"]) for r in records] == [
        ("Ann", "self"),  # subject defaults to the name, rater to self
        ("Ann", "manager"),  # roles are read in any case
        ("C", "peer"),  # no subject and no name: the respondent id
    ]
    long = batch(runner, source, "--long", "--format", "jsonl")
    assert long.exit_code == 0, long.stderr
    lines = [json.loads(line) for line in long.stdout.splitlines()]
    assert len(lines) == 3 * len(COMPETENCIES)
    assert lines[-1]["subject"] == "C" and lines[-1]["rater"] == "peer"
    array = json.loads(batch(runner, source, "--format", "json").stdout)
    assert array[1]["subject"] == "Ann" and array[1]["rater"] == "manager"


def test_unknown_rater_role_is_rejected_with_the_roles(tmp_path: Path, runner: CliRunner) -> None:
    values = ["4"] * len(ITEMS)
    rows = [
        ["A", "Ann", "Acme", "mid", "Ann", "self", *values],
        ["B", "Bo", "Acme", "mid", "Ann", "boss", *values],
    ]
    source = write_rows(tmp_path / "t.csv", rows, HEADER)
    rejects = tmp_path / "rejects.csv"
    result = batch(runner, source, "--rejects", rejects, "--by-subject")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    message = f"{source}:3: unknown rater role 'boss': use one of {', '.join(RATER_ROLES)}"
    assert message in result.stderr
    assert "1 scored, 1 rejected" in result.stderr
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["respondent_id"] for r in rejected] == ["B"]
    assert "self, manager, peer, customer, other" in rejected[0]["reason"]


def self_only_model(tmp_path: Path) -> tuple[Path, CompetencyModel]:
    """The tiny model with honesty_1 kept for self ratings."""
    folder = write_tiny_model(tmp_path / "tiny")
    path = folder / "competencies" / "honesty.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - {id: honesty_1, text: {en: I keep my delivery promises.}}"
    assert old in text
    path.write_text(text.replace(old, old[:-1] + ", raters: [self]}"), encoding="utf-8")
    return folder, load_model(folder)


def test_items_a_role_does_not_rate_must_be_empty(tmp_path: Path, runner: CliRunner) -> None:
    folder, model = self_only_model(tmp_path)
    header = ["respondent_id", "name", "stage", "subject", "rater", *model.item_ids()]
    rows = [
        ["A", "Ann", "first", "Ann", "self", "3", "1", "2"],
        ["B", "Bo", "first", "Ann", "manager", "3", "1", "2"],  # answers the self-only item
        ["C", "Cy", "first", "Ann", "manager", "", "2", "3"],
    ]
    source = write_rows(tmp_path / "t.csv", rows, header)
    result = runner.invoke(app, ["--model", str(folder), "batch", str(source), "--format", "jsonl"])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:3: item honesty_1 is not rated by managers; leave it empty" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["respondent_id"] for r in records] == ["A", "C"]
    # C is scored over the items a manager rates, exactly as kam assess scores it
    answers = {"honesty_2": 2, "selling_1": 3}
    want = score_assessment(
        model, answers, stage="first", lang="en", created_at="t", rater="manager"
    )
    honesty = want.competencies[0]
    assert honesty.coverage == 1.0 and honesty.score is not None
    assert records[1]["honesty_score"] == round(honesty.score, 2)
    assert records[1]["coverage"] == 1.0
    assert records[1]["fit"] == round(want.fit or 0.0, 2)


def test_mixed_stages_use_the_most_common_and_say_so(tmp_path: Path, runner: CliRunner) -> None:
    values = ["3"] * len(ITEMS)
    rows = [
        ["A", "Ann", "Acme", "early", "Ann", "self", *values],
        ["B", "Bo", "Acme", "mid", "Ann", "manager", *values],
        ["C", "Cy", "Acme", "mid", "Ann", "peer", *values],
    ]
    source = write_rows(tmp_path / "t.csv", rows, HEADER)
    folder = tmp_path / "r"
    result = batch(runner, source, "--by-subject-dir", folder, "--report-format", "json")
    assert result.exit_code == 0, result.stderr
    (path,) = folder.iterdir()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["stage"] == "mid"
    assert any("different stages (mid 2, early 1)" in note for note in data["notes"])
    assert "Mid" in result.stderr and " *" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_by_subject_reports_in_other_formats(tmp_path: Path, runner: CliRunner, fmt: str) -> None:
    values = ["3"] * len(ITEMS)
    rows = [["A", "../../x", "Acme", "mid", "", "self", *values]]
    source = write_rows(tmp_path / "t.csv", rows, HEADER)
    folder = tmp_path / "r"
    result = batch(runner, source, "--by-subject-dir", folder, "--report-format", fmt, "-q")
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in folder.iterdir()] == [f"0001-x.{fmt}"]
