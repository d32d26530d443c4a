"""Model 2.0 seen from the commands: observer wording, diagnostic columns in batch, levels in
reports, stage profiles with their own peaks, and kam stages wrapping Chinese correctly."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.questionnaire.questions import build_questions
from kamcli.render.cjk_wrap import wrap_lines
from kamcli.render.model_view import top_competencies
from tests.conftest import strip_ansi
from tests.test_batch import HEADER, ITEMS, answers_for, batch, write_csv

MODEL = load_model()
STATEMENTS = [s.id for s in MODEL.diagnostic.statements]


def test_other_raters_see_observer_wording_and_only_items_they_can_observe() -> None:
    own = build_questions(MODEL, "zh", "self")
    customer = build_questions(MODEL, "zh", "customer")
    manager = build_questions(MODEL, "en", "manager")
    assert len(own) == len(ITEMS)
    hidden = {i.id for _, i in MODEL.items() if not i.rated_by("customer")}
    assert hidden and {q.item_id for q in customer}.isdisjoint(hidden)
    assert all(
        q.text.startswith(("他/她", "向客户", "预见", "供应商", "失约")) or "他/她" in q.text
        for q in customer
    )
    assert not any(re.search(r"\bI\b|\bmy\b|\bme\b", q.text) for q in manager)
    assert own[0].text != build_questions(MODEL, "zh", "peer")[0].text


def test_answers_template_for_a_customer(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "zh", "template", "answers", "--rater", "customer"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "rater: customer" in text and 'subject: ""' in text
    assert "internal_coordination_1" not in text  # customers cannot see internal work
    assert "  integrity_1:    # 他/她向客户了解" in text
    assert "# 我" not in text
    assert "diagnostic:" not in text  # the stage diagnostic is the manager's own to answer


def test_responses_sheet_for_managers_has_subject_and_rater_columns(runner: CliRunner) -> None:
    result = runner.invoke(app, ["template", "responses", "--rater", "manager"])
    assert result.exit_code == 0, result.stderr
    header = next(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert header[:6] == ["respondent_id", "name", "account", "stage", "subject", "rater"]
    assert header[6:] == [i.id for _, i in MODEL.items() if i.rated_by("manager")]
    customer = runner.invoke(app, ["template", "responses", "--rater", "customer"]).stdout
    assert "internal_coordination_1" not in customer


def diag_row(rid: str, values: dict[str, str]) -> list[str]:
    return [rid, "Ann", "Acme", "mid", *answers_for(3), *(values.get(s, "") for s in STATEMENTS)]


def test_batch_writes_the_suggested_stage_for_rows_with_statement_answers(
    tmp_path: Path, runner: CliRunner
) -> None:
    collaborative = {
        s.id: "5" if "collaborative" in s.stages else "1" for s in MODEL.diagnostic.statements
    }
    neutral = dict.fromkeys(STATEMENTS, "3")
    source = write_csv(
        tmp_path / "team.csv",
        [diag_row("A", collaborative), diag_row("B", {}), diag_row("C", neutral)],
        header=[*HEADER, *STATEMENTS],
    )
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert "unknown" not in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0]["suggested_stage"] == "collaborative"
    assert float(rows[0]["stage_confidence"]) > 0.9 and rows[0]["stage_unclear"] == ""
    assert (rows[1]["suggested_stage"], rows[1]["stage_confidence"], rows[1]["stage_unclear"]) == (
        "",
        "",
        "",
    )
    assert rows[2]["suggested_stage"] == "" and rows[2]["stage_unclear"] == "flat"
    # the competency columns are those of the same rows without statement columns
    plain = write_csv(tmp_path / "plain.csv", [r[: len(HEADER)] for r in (diag_row("A", {}),)])
    without = next(csv.DictReader(io.StringIO(batch(runner, plain).stdout.lstrip("\ufeff"))))
    assert {k: v for k, v in without.items() if not k.startswith(("suggested", "stage_"))} == {
        k: v for k, v in rows[0].items() if not k.startswith(("suggested", "stage_"))
    }


def test_batch_rejects_a_bad_statement_answer_naming_it(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(
        tmp_path / "team.csv",
        [diag_row("A", {STATEMENTS[0]: "7"}), diag_row("B", {STATEMENTS[1]: "4"})],
        header=[*HEADER, *STATEMENTS],
    )
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert (
        f"team.csv:2: {STATEMENTS[0]}: 7 is outside the scale 1..5 (respondent_id A)"
        in result.stderr
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [r["respondent_id"] for r in rows] == ["B"]
    assert rows[0]["stage_unclear"] == "too_few"


def test_batch_jsonl_output_carries_the_diagnostic(tmp_path: Path, runner: CliRunner) -> None:
    early = {s.id: "5" if "early" in s.stages else "1" for s in MODEL.diagnostic.statements}
    source = write_csv(
        tmp_path / "t.csv", [diag_row("A", early), diag_row("B", {})], header=[*HEADER, *STATEMENTS]
    )
    lines = [json.loads(x) for x in batch(runner, source, "--format", "jsonl").stdout.splitlines()]
    assert lines[0]["suggested_stage"] == "early" and lines[0]["stage_confidence"] > 0.9
    assert lines[1]["suggested_stage"] is None and lines[1]["stage_confidence"] is None


def test_reports_show_the_level_of_scores_and_targets(tmp_path: Path, runner: CliRunner) -> None:
    answers = tmp_path / "a.yaml"
    lines = ["stage: partnership", "answers:"] + [f"  {i}: 3" for i in ITEMS]
    lines += ["diagnostic:"] + [
        f"  {s.id}: {5 if 'partnership' in s.stages else 1}" for s in MODEL.diagnostic.statements
    ]
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    md = runner.invoke(app, ["report", "--answers", str(answers), "--format", "md", "--lang", "en"])
    assert md.exit_code == 0, md.stderr
    assert "| 4.5 L4–5 |" in md.stdout  # a target halfway between two descriptors
    assert (
        "Levels: L1 Starting · L2 Developing · L3 Proficient · L4 Advanced · L5 Role model"
        in md.stdout
    )
    assert "The diagnostic suggests: **Partnership KAM**" in md.stdout
    assert "Confidence " in md.stdout and "runner-up:" in md.stdout
    data = json.loads(
        runner.invoke(app, ["report", "--answers", str(answers), "--format", "json"]).stdout
    )
    performance = next(
        c for c in data["competencies"] if c["competency_id"] == "performance_metrics"
    )
    assert performance["target_level"] == "L4–5"
    assert data["diagnostic"]["suggested_stage"] == "partnership"
    assert data["diagnostic"]["unclear"] is None


def test_each_stage_peaks_on_its_own_competencies() -> None:
    tops = {s.id: top_competencies(MODEL, s, 3) for s in MODEL.stages}
    assert set(tops["early"]) == {"integrity", "negotiation", "communication"}
    assert set(tops["mid"]) == {"senior_links", "social_networking", "internal_coordination"}
    assert set(tops["partnership"]) == {"performance_metrics", "account_planning", "innovation"}
    assert set(tops["collaborative"]) == {"process_it", "analytical_thinking", "boundary_spanning"}
    targets = {s.id: {c: t.target for c, t in s.targets.items()} for s in MODEL.stages}
    falls = [
        (c, a, b)
        for a, b in zip(MODEL.stage_ids, MODEL.stage_ids[1:], strict=False)
        for c in targets[a]
        if targets[b][c] < targets[a][c]
    ]
    assert falls, "a stage that does not need a skill as much any more asks for less of it"
    assert all(s.source is not None for s in MODEL.stages)


@pytest.mark.parametrize("width", [50, 60, 72, 80, 100, 120])
def test_kam_stages_in_chinese_never_starts_a_line_with_closing_punctuation(
    runner: CliRunner, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = runner.invoke(app, ["--lang", "zh", "stages"])
    assert result.exit_code == 0, result.stderr
    for line in strip_ansi(result.stdout).splitlines():
        for cell in line.split("│")[1:-1]:
            assert not cell.strip().startswith(tuple("。，、；：）》」")), line


def test_wrap_lines_keeps_punctuation_and_latin_words_whole() -> None:
    assert wrap_lines("客户刚开始与我们做生意。经理要找准人", 12) == [
        "客户刚开始与",
        "我们做生意。",
        "经理要找准人",
    ]
    assert wrap_lines("中文（括号）测试", 8) == ["中文（括", "号）测试"]
    assert wrap_lines("use IT systems daily", 8) == ["use IT", "systems", "daily"]


def test_model_show_for_a_stage_lists_the_statements_that_hold_there(runner: CliRunner) -> None:
    result = runner.invoke(app, ["model", "show", "--stage", "mid", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    ids = {s["id"] for s in data["diagnostic"]["statements"]}
    assert ids == {s.id for s in MODEL.diagnostic.statements if "mid" in s.stages}
    assert data["scale"]["levels"][2]["name"]["en"] == "Proficient"


def test_a_result_stored_with_model_1x_still_shows(runner: CliRunner, tmp_path: Path) -> None:
    """History made with 1.0.0 (other item ids, a mean-per-stage diagnostic) stays readable."""
    from kamcli.scoring import score_assessment
    from kamcli.store import Store

    result = score_assessment(
        MODEL,
        dict.fromkeys(ITEMS, 3),
        stage="mid",
        lang="en",
        created_at="2026-01-02T03:04:05+00:00",
    ).to_dict()
    result.update(model_version="1.0.0", model_hash="7597c9dc1b6b73c4")
    result["answers"] = {"account_planning_4": 2, "integrity_5": 1}  # ids 2.0 reworded
    result["diagnostic"] = {
        "suggested_stage": "partnership",
        "stage_scores": {"early": 2.0, "mid": 3.5, "partnership": 4.5, "collaborative": 4.0},
        "evidence": ["diag_5", "diag_6"],
    }
    with Store.open_default() as store:
        record_id = store.save_complete(
            answers=result["answers"],
            result=result,
            person="Old Timer",
            account=None,
            stage="mid",
            lang="en",
            model_id="kam_default",
            model_version="1.0.0",
            model_hash="7597c9dc1b6b73c4",
            rater="self",
            subject=None,
        )
    shown = runner.invoke(app, ["history", "show", str(record_id)])
    assert shown.exit_code == 0, shown.output
    assert "kam_default 1.0.0 (7597c9dc1b6b73c4)" in shown.stdout
    assert "was scored with model kam_default 1.0.0" in shown.stderr
    assert "The diagnostic suggests: Partnership KAM" in strip_ansi(shown.stdout)
    assert "Confidence" not in shown.stdout  # 1.x stored no confidence: none is invented
    report = runner.invoke(app, ["report", str(record_id), "--format", "json"])
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["model_version"] == "1.0.0" and data["diagnostic"]["confidence"] is None


def test_responses_sheet_with_diagnostic_columns_round_trips_through_batch(
    runner: CliRunner, tmp_path: Path
) -> None:
    sheet = runner.invoke(app, ["template", "responses", "--diagnostic"])
    assert sheet.exit_code == 0, sheet.stderr
    header = next(csv.reader(io.StringIO(sheet.stdout.lstrip("\ufeff"))))
    assert header[-len(STATEMENTS) :] == STATEMENTS
    early = {s.id: "5" if "early" in s.stages else "1" for s in MODEL.diagnostic.statements}
    row = ["A", "Ann", "Acme", "mid", *answers_for(5), *(early[s] for s in STATEMENTS)]
    source = write_csv(tmp_path / "filled.csv", [row], header=header)
    out = next(csv.DictReader(io.StringIO(batch(runner, source).stdout.lstrip("\ufeff"))))
    assert out["suggested_stage"] == "early"
    refused = runner.invoke(app, ["template", "responses", "--diagnostic", "--rater", "peer"])
    assert refused.exit_code == ExitCode.USAGE
    assert "answered by the account manager" in refused.stderr


def test_xlsx_sheet_lists_observer_wording_and_statements(
    runner: CliRunner, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "peers.xlsx"
    result = runner.invoke(
        app, ["template", "responses", "-f", "xlsx", "--rater", "peer", "-o", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    items = list(openpyxl.load_workbook(target)["items"].iter_rows(values_only=True))
    texts = {row[0]: row[2] for row in items if row and row[0] in ITEMS}
    assert texts["integrity_1"] == MODEL.competency("integrity").items[0].observer["en"]
    self_book = tmp_path / "self.xlsx"
    runner.invoke(
        app, ["template", "responses", "-f", "xlsx", "--diagnostic", "-o", str(self_book)]
    )
    rows = list(openpyxl.load_workbook(self_book)["items"].iter_rows(values_only=True))
    assert any(row and row[0] == STATEMENTS[0] for row in rows)


def test_jsonl_rows_may_carry_a_diagnostic_object(tmp_path: Path, runner: CliRunner) -> None:
    collaborative = {
        s.id: 5 if "collaborative" in s.stages else 1 for s in MODEL.diagnostic.statements
    }
    rows = [
        {"respondent_id": "A", "stage": "mid", "answers": dict.fromkeys(ITEMS, 3)},
        {
            "respondent_id": "B",
            "stage": "mid",
            "answers": dict.fromkeys(ITEMS, 3),
            "diagnostic": collaborative,
        },
        {"respondent_id": "C", "stage": "mid", "answers": dict.fromkeys(ITEMS, 3), "diagnostic": 4},
    ]
    source = tmp_path / "team.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = batch(runner, source, "--format", "jsonl")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert '"diagnostic" must be an object' in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["respondent_id"], r["suggested_stage"]) for r in out] == [
        ("A", None),
        ("B", "collaborative"),
    ]
