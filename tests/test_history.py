"""kam history: list, show, compare, delete, export over the real CLI; compare_results itself."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kamcli.cli import history_cmd
from kamcli.cli.main import app
from kamcli.errors import ExitCode, StoreError
from kamcli.model import load_model
from kamcli.render.compare_view import fmt_change
from kamcli.scoring import AssessmentResult, CompetencyResult, score_assessment
from kamcli.scoring.compare import EPSILON, compare_results, mismatches, trend_of
from kamcli.store import Store

ITEMS = load_model().item_ids()

# Raised from an all-3 baseline; hand-checked means of five equally weighted items:
RAISED = {
    "integrity_1": 5,  # (5+3+3+3+3)/5 = 3.4  → +0.4 improved
    "negotiation_1": 4,  # negotiation_3 is reverse-keyed and stays 3:
    "negotiation_2": 4,  # (4+4+3+4+4)/5 = 3.8  → +0.8 improved
    "negotiation_4": 4,
    "negotiation_5": 4,
    "communication_3": 4,  # reverse-keyed: counts as 2 → (5x3+2)/6 = 2.83 → -0.17, under 0.25
    "product_knowledge_1": 1,  # (1+1+3+3+3)/5 = 2.2 → -0.8 declined
    "product_knowledge_2": 1,
}


def write_answers(
    directory: Path, name: str = "Li Wei", stage: str = "mid", **overrides: int
) -> Path:
    path = directory / f"answers-{len(list(directory.glob('answers-*')))}.yaml"
    answers = {item: overrides.get(item, 3) for item in ITEMS}
    path.write_text(
        yaml.safe_dump({"stage": stage, "name": name, "answers": answers}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def assess(runner: CliRunner, answers: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """Score and store an answers file through `kam assess`; its id and JSON report."""
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    match = re.search(r"Saved as assessment #(\d+)", result.stderr)
    assert match, result.stderr
    return int(match.group(1)), json.loads(result.stdout)


def make_draft(person: str = "Wang Fang") -> int:
    model = load_model()
    with Store.open_default() as store:
        draft = store.create_draft(
            person=person,
            account=None,
            stage="mid",
            lang="en",
            model_id=model.id,
            model_version=model.version,
            model_hash=model.content_hash,
        )
        store.save_answer(draft, ITEMS[0], 4)
    return draft


def run(runner: CliRunner, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, ["history", *args], **kwargs)


# -- list ---------------------------------------------------------------------------------------


def test_list_empty_history_says_so_on_stderr(runner: CliRunner) -> None:
    table = run(runner, "list")
    assert table.exit_code == 0
    assert table.stdout == ""
    assert "No assessments" in table.stderr
    as_json = run(runner, "list", "--format", "json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == []


def test_list_table_and_json_show_every_assessment(runner: CliRunner, tmp_path: Path) -> None:
    first, report = assess(runner, write_answers(tmp_path), "--account", "Acme")
    draft = make_draft()
    table = run(runner, "list")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "Date",
        "Status",
        "Person",
        "Account",
        "Stage",
        "Fit",
        "Model",
    ]
    assert lines[1].split()[0] == str(draft) and "draft" in lines[1]  # newest first
    assert "Wang Fang" in lines[1] and "Mid KAM" in lines[1]
    fit = f"{report['fit']:.0f}%"
    for text in (str(first), "complete", "Li Wei", "Acme", "Mid KAM", fit, load_model().version):
        assert text in lines[2]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", lines[2])
    assert "Fit = stage fit: how much of the stage's target profile is reached" in " ".join(
        table.stdout.split()
    )

    rows = json.loads(run(runner, "list", "-f", "json").stdout)
    assert [row["id"] for row in rows] == [draft, first]
    assert rows[1]["fit"] == pytest.approx(report["fit"])
    assert rows[1]["stage_name"] == "Mid KAM" and rows[1]["status"] == "complete"
    assert rows[0]["fit"] is None and rows[0]["status"] == "draft"


def test_list_filters_by_person_ignoring_case(runner: CliRunner, tmp_path: Path) -> None:
    li, _ = assess(runner, write_answers(tmp_path, name="Li Wei"))
    assess(runner, write_answers(tmp_path, name="Zhang San"))
    rows = json.loads(run(runner, "list", "--person", "li wei", "-f", "json").stdout)
    assert [row["id"] for row in rows] == [li]
    nobody = run(runner, "list", "--person", "Nobody")
    assert nobody.exit_code == 0 and "No assessments for 'Nobody'" in nobody.stderr


def test_list_prints_markup_in_user_text_literally(runner: CliRunner, tmp_path: Path) -> None:
    assess(runner, write_answers(tmp_path, name="Li[/]"), "--account", "[red]x")
    result = run(runner, "list")
    assert result.exit_code == 0, result.output
    assert "Li[/]" in result.stdout
    assert "[red]x" in result.stdout


# -- show ---------------------------------------------------------------------------------------


def test_show_reprints_the_stored_numbers(runner: CliRunner, tmp_path: Path) -> None:
    record_id, report = assess(runner, write_answers(tmp_path, **RAISED))
    shown = run(runner, "show", str(record_id), "--format", "json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["competencies"] == report["competencies"]
    assert data["fit"] == report["fit"]
    assert data["answers"] == report["answers"]

    table = run(runner, "show", str(record_id))
    assert table.exit_code == 0, table.output
    integrity = next(line for line in table.stdout.splitlines() if line.startswith("Integrity"))
    # score and target with the level each corresponds to (mid target 4.0)
    assert integrity.split()[3:8] == ["3.4", "L3", "4.0", "L4", "+0.6"]
    markdown = run(runner, "show", str(record_id), "-f", "markdown")
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# ")
    assert "Warning" not in table.stderr


def test_show_warns_when_the_model_changed(runner: CliRunner) -> None:
    model = load_model()
    result = score_assessment(
        model, dict.fromkeys(ITEMS, 4), stage="mid", lang="en", created_at="2024-01-02T03:04:05Z"
    ).to_dict()
    result["model_hash"] = "0ldhash"
    with Store.open_default() as store:
        record_id = store.save_complete(
            answers=result["answers"],
            result=result,
            person="Li Wei",
            account=None,
            stage="mid",
            lang="en",
            model_id=model.id,
            model_version="0.9",
            model_hash="0ldhash",
        )
    shown = run(runner, "show", str(record_id), "-f", "json")
    assert shown.exit_code == 0, shown.output
    assert "0ldhash" in shown.stderr and model.content_hash in shown.stderr
    assert json.loads(shown.stdout)["model_hash"] == "0ldhash"  # stored numbers, not re-scored


def test_show_of_a_draft_says_how_to_resume(runner: CliRunner) -> None:
    draft = make_draft()
    result = run(runner, "show", str(draft))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "draft" in result.stderr and f"kam assess --resume {draft}" in result.stderr
    assert result.stdout == ""


def test_show_of_a_missing_id_is_not_found(runner: CliRunner) -> None:
    result = run(runner, "show", "42")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "42" in result.stderr


# -- compare ------------------------------------------------------------------------------------


def test_compare_reports_hand_checked_changes(runner: CliRunner, tmp_path: Path) -> None:
    before, before_report = assess(runner, write_answers(tmp_path))
    after, after_report = assess(runner, write_answers(tmp_path, **RAISED))
    result = run(runner, "compare", str(before), str(after), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {row["competency_id"]: row for row in data["competencies"]}
    expected = {
        "integrity": (3.4, "improved"),
        "negotiation": (3.8, "improved"),
        "communication": (17 / 6, "unchanged"),
        "product_knowledge": (2.2, "declined"),
        "innovation": (3.0, "unchanged"),
    }
    for competency_id, (after_score, trend) in expected.items():
        row = rows[competency_id]
        assert row["before"] == pytest.approx(3.0)
        assert row["after"] == pytest.approx(after_score)
        assert row["change"] == pytest.approx(after_score - 3.0)
        assert row["trend"] == trend
    assert data["same_stage"] is True
    assert data["fit_change"] == pytest.approx(after_report["fit"] - before_report["fit"])
    assert "Warning" not in result.stderr

    table = run(runner, "compare", str(before), str(after))
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    integrity = next(line for line in lines if line.startswith("Integrity"))
    assert integrity.split()[-5:] == ["3.00", "3.40", "+0.40", "▲", "improved"]
    product = next(line for line in lines if line.startswith("Product"))
    assert product.split()[-5:] == ["3.00", "2.20", "-0.80", "▼", "declined"]
    communication = next(line for line in lines if line.startswith("Communication"))
    assert communication.split()[-5:] == ["3.00", "2.83", "-0.17", "=", "unchanged"]
    rule = " ".join(table.stdout.split())
    assert "unrounded score changed by at least 0.25" in rule and "--threshold" in rule
    assert "Stage fit: how much of the stage's target profile is reached" in rule
    fit_line = next(line for line in lines if line.startswith("Stage fit"))
    assert f"{before_report['fit']:.0f}% → {after_report['fit']:.0f}%" in fit_line


def test_compare_threshold_option_changes_the_trend(runner: CliRunner, tmp_path: Path) -> None:
    before, _ = assess(runner, write_answers(tmp_path))
    after, _ = assess(runner, write_answers(tmp_path, **RAISED))
    result = run(runner, "compare", str(before), str(after), "-f", "json", "--threshold", "0.1")
    data = json.loads(result.stdout)
    rows = {row["competency_id"]: row for row in data["competencies"]}
    assert rows["communication"]["trend"] == "declined"
    assert data["threshold"] == 0.1
    table = run(runner, "compare", str(before), str(after), "--threshold", "0.1")
    assert "at least 0.1," in " ".join(table.stdout.split())


def test_compare_shows_the_unrounded_change_it_decided_on(
    runner: CliRunner, tmp_path: Path
) -> None:
    """One skipped item makes a mean of four: 3.25. One decimal would show 3.0 → 3.2 (+0.2)
    beside "improved"; the table shows the 3.25 and the +0.25 that reached the threshold."""
    before, _ = assess(runner, write_answers(tmp_path))
    path = write_answers(tmp_path, integrity_1=4)
    path.write_text(path.read_text(encoding="utf-8").replace("integrity_2: 3", "integrity_2: skip"))
    after, _ = assess(runner, path)
    table = run(runner, "compare", str(before), str(after))
    assert table.exit_code == 0, table.output
    integrity = next(line for line in table.stdout.splitlines() if line.startswith("Integrity"))
    assert integrity.split()[-5:] == ["3.00", "3.25", "+0.25", "▲", "improved"]


@pytest.mark.parametrize(
    ("second", "extra", "warning"),
    [
        ("Wang Fang", (), "#1 is about 'Li Wei' and #2 about 'Wang Fang'"),
        ("Li Wei", ("--rater", "manager", "--about", "li  WEI"), "rated by self and #2 by manager"),
    ],
)
def test_compare_warns_about_different_people_and_raters(
    runner: CliRunner, tmp_path: Path, second: str, extra: tuple[str, ...], warning: str
) -> None:
    before, _ = assess(runner, write_answers(tmp_path))
    after, _ = assess(runner, write_answers(tmp_path, name=second), *extra)
    result = run(runner, "compare", str(before), str(after))
    assert result.exit_code == 0, result.output
    assert warning in " ".join(result.stderr.split())
    assert result.stderr.count("Warning") == 1  # "li  WEI" is Li Wei: no person warning
    assert "Integrity" in result.stdout  # the numbers are still shown
    data = json.loads(run(runner, "compare", str(before), str(after), "-f", "json").stdout)
    assert [m["kind"] for m in data["mismatches"]] == ["person" if not extra else "rater"]


def test_compare_warns_when_stages_differ(runner: CliRunner, tmp_path: Path) -> None:
    before, _ = assess(runner, write_answers(tmp_path, stage="mid"))
    after, _ = assess(runner, write_answers(tmp_path, stage="partnership"))
    result = run(runner, "compare", str(before), str(after))
    assert result.exit_code == 0, result.output
    assert "stage" in result.stderr and "different targets" in result.stderr


@pytest.mark.parametrize("which", ["missing", "draft"])
def test_compare_refuses_missing_or_draft(runner: CliRunner, tmp_path: Path, which: str) -> None:
    done, _ = assess(runner, write_answers(tmp_path))
    other = 99 if which == "missing" else make_draft()
    result = run(runner, "compare", str(done), str(other))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert str(other) in result.stderr
    assert ("resume" in result.stderr) == (which == "draft")


# -- delete -------------------------------------------------------------------------------------


def test_delete_with_yes_removes_the_assessment(runner: CliRunner, tmp_path: Path) -> None:
    record_id, _ = assess(runner, write_answers(tmp_path))
    result = run(runner, "delete", str(record_id), "--yes")
    assert result.exit_code == 0, result.output
    assert f"Deleted assessment #{record_id}." in result.stderr
    assert run(runner, "show", str(record_id)).exit_code == ExitCode.NOT_FOUND
    assert run(runner, "delete", str(record_id), "--yes").exit_code == ExitCode.NOT_FOUND


def test_delete_without_a_terminal_needs_yes(runner: CliRunner, tmp_path: Path) -> None:
    record_id, _ = assess(runner, write_answers(tmp_path))
    result = run(runner, "delete", str(record_id), input="y\n")
    assert result.exit_code == ExitCode.USAGE
    assert "--yes" in result.stderr
    assert run(runner, "show", str(record_id), "-f", "json").exit_code == 0


@pytest.mark.parametrize(("reply", "deleted"), [("n\n", False), ("y\n", True)])
def test_delete_asks_in_a_terminal(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: str, deleted: bool
) -> None:
    monkeypatch.setattr(history_cmd, "stdin_is_terminal", lambda: True)
    record_id = make_draft()
    result = run(runner, "delete", str(record_id), input=reply)
    assert result.exit_code == 0, result.output
    assert f"Delete assessment #{record_id} (draft, Wang Fang" in result.stderr
    with Store.open_default() as store:
        remaining = [record.id for record in store.list()]
    assert (record_id not in remaining) == deleted


# -- export -------------------------------------------------------------------------------------


def test_export_writes_json_lines_with_answers(runner: CliRunner, tmp_path: Path) -> None:
    first, _ = assess(runner, write_answers(tmp_path, name="李伟", **RAISED))
    draft = make_draft()
    result = run(runner, "export")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == [first, draft]  # oldest first
    assert "李伟" in result.stdout  # not \u escaped
    assert rows[0]["answers"]["integrity_1"] == 5 and len(rows[0]["answers"]) == len(ITEMS)
    assert rows[0]["result"]["competencies"][0]["score"] == pytest.approx(3.4)
    assert rows[1]["status"] == "draft" and rows[1]["answers"] == {ITEMS[0]: 4}
    assert rows[1]["result"] is None


def test_export_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    assess(runner, write_answers(tmp_path))
    make_draft()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "history.jsonl"
    result = run(runner, "export", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Exported 2 assessments" in result.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line)["answers"] for line in lines)
    assert [p.name for p in out_dir.iterdir()] == ["history.jsonl"]  # no temporary file left


def test_export_to_a_missing_folder_fails_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    assess(runner, write_answers(tmp_path))
    target = tmp_path / "no" / "such" / "history.jsonl"
    result = run(runner, "export", "-o", str(target))
    assert result.exit_code == ExitCode.OUTPUT
    assert "does not exist" in result.stderr
    assert not target.exists() and not target.parent.exists()


def test_failed_export_leaves_the_old_file_alone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assess(runner, write_answers(tmp_path))
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def broken_export(self: Store) -> Any:
        yield {"id": 1}
        raise StoreError("disk went away")

    monkeypatch.setattr(Store, "export", broken_export)
    result = run(runner, "export", "-o", str(target))
    assert result.exit_code == ExitCode.STORE
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# -- compare_results ----------------------------------------------------------------------------


def result_with(
    scores: dict[str, float | None], fit: float | None = 50.0, stage: str = "mid"
) -> AssessmentResult:
    """A minimal result: only what compare_results reads has meaningful values."""
    competencies = tuple(
        CompetencyResult(
            competency_id=cid,
            score=score,
            answered=5,
            total=5,
            coverage=1.0,
            sufficient=score is not None,
            target=4.0,
            weight=1.0,
            gap=None if score is None else 4.0 - score,
            status="close",
            priority=None,
            next_target=None,
        )
        for cid, score in scores.items()
    )
    return AssessmentResult(
        model_id="m",
        model_version="1",
        model_hash="h",
        stage=stage,
        next_stage=None,
        lang="en",
        created_at="2024-01-01T00:00:00Z",
        person=None,
        account=None,
        rater="self",
        subject=None,
        answers={},
        competencies=competencies,
        fit=fit,
        next_fit=None,
        priorities=(),
        strengths=(),
        diagnostic=None,
    )


def test_compare_results_trends_and_threshold_edges() -> None:
    before = result_with({"a": 3.0, "b": 3.0, "c": 3.0, "d": 3.2, "e": None, "f": 4.0})
    after = result_with({"a": 3.25, "b": 2.75, "c": 3.2, "d": 3.4, "e": 4.0, "f": None}, fit=62.5)
    comparison = compare_results(before, after)
    trends = {c.competency_id: c.trend for c in comparison.changes}
    assert trends == {
        "a": "improved",  # exactly the threshold counts as a change
        "b": "declined",
        "c": "unchanged",
        "d": "unchanged",
        "e": "n/a",
        "f": "n/a",
    }
    by_id = {c.competency_id: c for c in comparison.changes}
    assert by_id["a"].change == pytest.approx(0.25)
    assert by_id["e"].change is None and by_id["e"].after == 4.0
    assert comparison.fit_change == pytest.approx(12.5)
    # 3.4 - 3.2 is 0.1999… in floats; with threshold 0.2 it must still count as a change.
    assert compare_results(before, after, threshold=0.2).changes[3].trend == "improved"


def test_compare_results_competencies_on_one_side_only_and_stages() -> None:
    before = result_with({"a": 3.0, "b": 2.0}, fit=None, stage="mid")
    after = result_with({"b": 2.0, "z": 4.0}, stage="partnership")
    comparison = compare_results(before, after)
    assert [c.competency_id for c in comparison.changes] == ["a", "b", "z"]
    assert [c.trend for c in comparison.changes] == ["n/a", "unchanged", "n/a"]
    assert comparison.fit_change is None
    assert (comparison.stage_before, comparison.stage_after) == ("mid", "partnership")
    assert comparison.same_stage is False
    assert compare_results(before, before).same_stage is True


def test_compare_results_rejects_a_negative_threshold() -> None:
    with pytest.raises(ValueError, match="threshold"):
        compare_results(result_with({}), result_with({}), threshold=-0.1)


def test_zero_threshold_counts_any_change() -> None:
    assert trend_of(0.01, threshold=0) == "improved"
    assert trend_of(-0.01, threshold=0) == "declined"
    assert trend_of(0.0, threshold=0) == "unchanged"


scores = st.one_of(st.none(), st.floats(min_value=1, max_value=5))


@given(
    st.dictionaries(st.sampled_from("abcdef"), scores),
    st.dictionaries(st.sampled_from("abcdef"), scores),
    st.floats(min_value=0, max_value=2),
)
def test_compare_results_is_antisymmetric(
    first: dict[str, float | None], second: dict[str, float | None], threshold: float
) -> None:
    forward = compare_results(result_with(first), result_with(second), threshold)
    backward = {
        c.competency_id: c
        for c in compare_results(result_with(second), result_with(first), threshold).changes
    }
    mirror = {"improved": "declined", "declined": "improved", "unchanged": "unchanged"}
    mirror["n/a"] = "n/a"
    assert {c.competency_id for c in forward.changes} == set(first) | set(second)
    for change in forward.changes:
        reverse = backward[change.competency_id]
        assert change.trend == mirror[reverse.trend]
        if change.change is None:
            assert reverse.change is None and change.trend == "n/a"
        else:
            assert change.before is not None and change.after is not None
            assert change.change == pytest.approx(change.after - change.before)
            assert reverse.change == pytest.approx(-change.change)
            moved = abs(change.change) >= threshold - 1e-9 and change.change != 0
            assert (change.trend != "unchanged") == moved


@given(st.floats(min_value=-4, max_value=4), st.floats(min_value=0, max_value=2))
def test_the_change_shown_never_looks_on_the_other_side_of_the_threshold(
    change: float, threshold: float
) -> None:
    text = fmt_change(change, threshold)
    shown = float(text)
    assert abs(shown - change) <= 0.005 + 1e-12
    edges = (threshold - EPSILON, EPSILON)
    if all(abs(abs(change) - edge) > 1e-11 for edge in edges):
        assert trend_of(shown, threshold) == trend_of(change, threshold)
    assert text == "0.00" or text[0] in "+-"


def test_fmt_change_adds_decimals_only_near_the_threshold() -> None:
    assert fmt_change(0.2475, 0.25) == "+0.247"
    assert fmt_change(0.25, 0.25) == "+0.25"
    assert fmt_change(-0.8, 0.25) == "-0.80"
    assert fmt_change(1e-12, 0.25) == "0.00"
    assert fmt_change(None, 0.25) == "—"


def test_mismatches_name_person_rater_stage_and_model() -> None:
    first = result_with({"a": 3.0})
    same = replace(first, subject="  Li Wei ", person="x")
    assert mismatches(replace(first, subject="li wei"), same) == ()
    assert mismatches(replace(first, subject=None), replace(first, subject="Wu")) == ()
    other = replace(
        first, subject="Wu", rater="peer", stage="early", model_hash="h2", model_version="2"
    )
    found = mismatches(replace(first, subject="Li"), other)
    assert [(m.kind, m.before, m.after) for m in found] == [
        ("person", "Li", "Wu"),
        ("rater", "self", "peer"),
        ("stage", "mid", "early"),
        ("model", "m 1 (h)", "m 2 (h2)"),
    ]
    assert compare_results(first, other).mismatches == mismatches(first, other)
