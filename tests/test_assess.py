"""kam assess end to end: the questionnaire (typed input), drafts and resume, --answers files."""

from __future__ import annotations

import builtins
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli import assess_cmd
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.store import Store
from tests.conftest import ROOT

MODEL = load_model()
ITEMS = MODEL.item_ids()
HAND_MADE = ROOT / "tests" / "data" / "hand_made_answers.yaml"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend stdin is a terminal so the questionnaire runs under CliRunner."""
    monkeypatch.setattr(assess_cmd, "stdin_is_terminal", lambda: True)


def store() -> Store:
    return Store.open_default()


def typed(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_not_a_terminal_fails_fast(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess"], input="4\n4\n4\n")
    assert result.exit_code == ExitCode.USAGE
    assert "--answers" in result.stderr and "not a terminal" in result.stderr
    assert store().list(status="draft") == []


def test_full_questionnaire_then_report(runner: CliRunner, terminal: None) -> None:
    answers = ["4"] * len(ITEMS)
    result = runner.invoke(app, ["assess", "--plain"], input=typed("Ana", "Acme", "2", *answers))
    assert result.exit_code == 0, result.output
    assert f"Question 1 of {len(ITEMS)}" in result.stderr
    assert "Competency gap report" in result.stdout
    assert "Ana" in result.stdout and "Mid KAM" in result.stdout
    [record] = store().list()
    assert record.status == "complete"
    assert record.person == "Ana" and record.account == "Acme" and record.stage == "mid"
    assert record.answers == dict.fromkeys(ITEMS, 4)
    assert record.result is not None and record.result["stage"] == "mid"


def test_invalid_input_is_asked_again_and_never_recorded(runner: CliRunner, terminal: None) -> None:
    # 7, abc and an empty line are re-asked; then 3 is the first recorded answer; q quits.
    result = runner.invoke(
        app,
        ["assess", "--plain", "--stage", "early", "--name", "X", "--account", ""],
        input=typed("7", "abc", "", "3", "q"),
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Not understood") == 3
    [draft] = store().drafts()
    assert draft.answers == {ITEMS[0]: 3}
    assert "saved as draft" in result.stderr and f"kam assess --resume {draft.id}" in result.stderr


def test_back_skip_explain(runner: CliRunner, terminal: None) -> None:
    # answer 5, go back, change it to 2, explain the 2nd, skip it, answer 4, quit.
    result = runner.invoke(
        app,
        ["assess", "--plain", "--stage", "mid", "--name", "", "--account", ""],
        input=typed("5", "b", "2", "?", "s", "4", "q"),
    )
    assert result.exit_code == 0, result.output
    assert "Proficiency levels" in result.stderr
    integrity = MODEL.competency("integrity")
    assert integrity.levels[0]["en"] in result.stderr
    [draft] = store().drafts()
    assert draft.answers == {ITEMS[0]: 2, ITEMS[1]: None, ITEMS[2]: 4}


def test_quit_then_resume_and_finish(runner: CliRunner, terminal: None) -> None:
    first = runner.invoke(
        app,
        ["assess", "--plain", "--stage", "partnership", "--name", "Bo", "--account", "K"],
        input=typed(*["5"] * 10, "q"),
    )
    assert first.exit_code == 0
    [draft] = store().drafts()
    assert len(draft.answers) == 10
    rest = ["3"] * (len(ITEMS) - 10)
    resumed = runner.invoke(
        app, ["assess", "--plain", "--resume", str(draft.id)], input=typed(*rest)
    )
    assert resumed.exit_code == 0, resumed.output
    assert f"Question 11 of {len(ITEMS)}" in resumed.stderr
    assert "Question 1 of" not in resumed.stderr
    record = store().get(draft.id)
    assert record.status == "complete"
    assert [record.answers[i] for i in ITEMS] == [5] * 10 + [3] * (len(ITEMS) - 10)
    assert store().drafts() == []


def test_next_assess_offers_every_unfinished_draft(runner: CliRunner, terminal: None) -> None:
    # Ben's run is offered Ann's draft first: n starts a new one.
    for name, keys in (("Ann", ("4", "q")), ("Ben", ("n", "4", "4", "4", "q"))):
        runner.invoke(
            app,
            ["assess", "--plain", "-s", "mid", "--name", name, "--account", ""],
            input=typed(*keys),
        )
    total = len(ITEMS)
    result = runner.invoke(app, ["assess", "--plain"], input=typed("2", "q"))
    assert result.exit_code == 0, result.output
    assert "You have unfinished assessments. Resume one, or start a new one?" in result.stderr
    assert (
        "1 Draft #2 of " in result.stderr
        and f"Ben, Mid KAM, 3 of {total} answered" in result.stderr
    )
    assert (
        "2 Draft #1 of " in result.stderr
        and f"Ann, Mid KAM, 1 of {total} answered" in result.stderr
    )
    assert "3 Start a new assessment" in result.stderr
    assert f"Question 2 of {total}" in result.stderr, "the older draft (Ann's) was resumed"
    assert "kam assess --resume 1" in result.stderr

    fresh = runner.invoke(
        app, ["assess", "--plain", "-s", "early"], input=typed("n", "Cy", "", "q")
    )
    assert fresh.exit_code == 0, fresh.output
    assert f"Question 1 of {total}" in fresh.stderr
    assert sorted(d.person or "" for d in store().drafts()) == ["Ann", "Ben", "Cy"]


def test_ctrl_c_keeps_a_resumable_draft(
    runner: CliRunner, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    script: Iterator[str] = iter(["Cy", "", "3", "4", "5"])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(script)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(builtins, "input", fake_input)
    result = runner.invoke(app, ["assess", "--plain"])
    assert result.exit_code == ExitCode.INTERRUPTED
    assert "Interrupted" in result.stderr and "--resume" in result.stderr
    [draft] = store().drafts()
    assert draft.stage == "partnership"
    assert draft.answers == {ITEMS[0]: 4, ITEMS[1]: 5}
    assert "Traceback" not in result.output


def test_eof_keeps_the_draft(runner: CliRunner, terminal: None) -> None:
    result = runner.invoke(app, ["assess", "--plain", "-s", "early"], input=typed("", "", "2"))
    assert result.exit_code == ExitCode.INTERRUPTED, result.output
    assert "Input ended" in result.stderr
    [draft] = store().drafts()
    assert draft.answers == {ITEMS[0]: 2}


def test_not_sure_runs_the_diagnostic(runner: CliRunner, terminal: None) -> None:
    statements = MODEL.diagnostic.statements
    agree = ["5" if "collaborative" in s.stages else "1" for s in statements]
    result = runner.invoke(
        app,
        ["assess", "--plain", "--name", "", "--account", ""],
        input=typed("5", *agree, "y", "q"),
    )
    assert result.exit_code == 0, result.output
    assert "Collaborative KAM. Use this stage?" in result.stderr
    assert re.search(r"Confidence \d+%; runner-up: \w+ KAM \(\d+%\)", result.stderr)
    [draft] = store().drafts()
    assert draft.stage == "collaborative"
    assert {s.id for s in statements} <= set(draft.answers)


def test_not_sure_with_flat_answers_says_why_and_asks_again(
    runner: CliRunner, terminal: None
) -> None:
    neutral = ["3"] * len(MODEL.diagnostic.statements)
    result = runner.invoke(
        app,
        ["assess", "--plain", "--name", "", "--account", ""],
        input=typed("5", *neutral, "2", "q"),
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "Stage unclear: the answers hardly differ" in said
    assert "Please pick a stage." in said and "Use this stage?" not in said
    [draft] = store().drafts()
    assert draft.stage == "mid"


def test_markup_in_names_is_shown_literally(runner: CliRunner, terminal: None) -> None:
    answers = ["3"] * len(ITEMS)
    result = runner.invoke(
        app, ["assess", "--plain", "-s", "mid"], input=typed("Li[/]", "[red]x", *answers)
    )
    assert result.exit_code == 0, result.output
    assert "Li[/]" in result.stdout and "[red]x" in result.stdout


# --- answers files ---------------------------------------------------------------------


def test_hand_made_answers_match_the_hand_computation(runner: CliRunner) -> None:
    """Numbers worked out by hand from competencies/*.yaml and stages/{mid,partnership}.yaml.

    integrity: 5, 4, rev(2)=4, skip, 5 -> 18/4 = 4.5; target 4 -> gap -0.5, met
    negotiation: all 3 -> 3.0; target 4 -> gap 1.0, develop; priority 1.0 x 2 = 2.0
    internal_coordination: six 4s, rev(2)=4 -> 4.0; target 4.5 -> gap 0.5 close; priority 1.5
    senior_links: 4, 4, 4, rev(2)=4, 5 -> 4.2; target 4.5 -> gap 0.3 close; priority 0.9
    social_networking: 2, 2, 2, 2, rev(4)=2 -> 2.0; target 4.5 -> gap 2.5 critical; prio 7.5
    business_acumen: 2 of 5 answered = 40% < 50% -> insufficient, left out of fit
    all others 4.0 (reverse items answered 2).
    fit(mid), weights without business acumen = 24:
      2x1 + 2x(2/3) + 2x1 + 1x1 + 2x1 + 3x(3/3.5) + 3x(3.2/3.5) + 3x(1/3.5) + 1 + 1 + 1
      + 2x1 + 1 = 20.504762 -> 85.4365
    fit(partnership), weights = 28:
      2 + 1x(2/2.5) + 2 + 1 + 3x(3/3.5) + 2 + 2x(3.2/3.5) + 2x(1/3) + 3 + 3x(3/3.5) + 2 + 2
      + 3x(3/3.5) = 25.009524 -> 89.3197
    strengths (furthest above, then weight, then model order): process_it and innovation
    (1.5 above, weight 1), boundary_spanning (1.0 above, weight 2; before performance_metrics)
    """
    result = runner.invoke(
        app, ["assess", "--answers", str(HAND_MADE), "--allow-missing", "-f", "json", "--no-save"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {c["competency_id"]: c for c in data["competencies"]}
    assert rows["integrity"]["score"] == pytest.approx(4.5)
    assert rows["integrity"]["coverage"] == pytest.approx(0.8)
    assert rows["integrity"]["status"] == "met"
    assert rows["integrity"]["gap"] == pytest.approx(-0.5)
    assert rows["negotiation"]["gap"] == pytest.approx(1.0)
    assert rows["negotiation"]["status"] == "develop"
    assert rows["internal_coordination"]["score"] == pytest.approx(4.0)
    assert rows["internal_coordination"]["status"] == "close"
    assert rows["internal_coordination"]["priority"] == pytest.approx(1.5)
    assert rows["senior_links"]["score"] == pytest.approx(4.2)
    assert rows["senior_links"]["priority"] == pytest.approx(0.9)
    assert rows["social_networking"]["priority"] == pytest.approx(7.5)
    assert rows["social_networking"]["status"] == "critical"
    assert rows["business_acumen"]["status"] == "insufficient"
    assert rows["business_acumen"]["score"] is None
    assert data["fit"] == pytest.approx(85.4365, abs=1e-3)
    assert data["next_fit"] == pytest.approx(89.3197, abs=1e-3)
    assert data["priorities"] == ["social_networking", "negotiation", "internal_coordination"]
    assert data["strengths"] == ["process_it", "innovation", "boundary_spanning"]
    assert data["model_hash"] == MODEL.content_hash
    assert data["schema_version"] == 1

    table = runner.invoke(app, ["assess", "--answers", str(HAND_MADE), "--allow-missing"])
    assert table.exit_code == 0
    out = table.stdout
    assert "Hand Made" in out and "Example Account" in out
    assert "Now (Mid KAM): 85%" in out and "Next stage (Partnership KAM): 89%" in out
    assert "+2.5" in out and "Critical" in out and "2/5 answered" in out
    assert "Saved as assessment #1" in table.stderr
    assert store().get(1).result == {
        k: v for k, v in data.items() if k not in {"schema_version", "report_lang"}
    } | {
        "competencies": store().get(1).result["competencies"],  # type: ignore[index]
        "created_at": store().get(1).result["created_at"],  # type: ignore[index]
    }


def test_answers_file_problems_are_all_listed(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "stage: mid\nanswers:\n  integrity_1: 7\n  nope_1: 3\n  integrity_2: abc\n"
        "  integrity_3: 3.5\n  integrity_1: 2\n  integrity_4: true\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["assess", "--answers", str(bad), "--allow-missing"])
    assert result.exit_code == ExitCode.INPUT
    err = result.stderr
    assert f"{bad}:3 [integrity_1]: 7 is outside the scale 1..5" in err
    assert f"{bad}:4 [nope_1]: unknown item id" in err
    assert f"{bad}:5 [integrity_2]: expected a whole number" in err
    assert f"{bad}:6 [integrity_3]" in err and "3.5" in err
    assert f"{bad}:7 [integrity_1]: answered more than once" in err
    assert f"{bad}:8 [integrity_4]" in err and "bool" in err
    assert "Traceback" not in result.output


def test_missing_stage_and_unanswered_items(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": {ITEMS[0]: 3}}), encoding="utf-8")
    result = runner.invoke(app, ["assess", "--answers", str(path)])
    assert result.exit_code == ExitCode.INPUT
    assert "no stage" in result.stderr
    assert f"{len(ITEMS) - 1} item(s) have no answer" in result.stderr


def test_json_duplicates_and_wrong_types(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        '{"stage": "mid", "answers": {"integrity_1": "3", "integrity_1": 4}}', encoding="utf-8"
    )
    result = runner.invoke(app, ["assess", "--answers", str(path), "--allow-missing"])
    assert result.exit_code == ExitCode.INPUT
    assert "answered more than once" in result.stderr


def test_csv_answers_one_respondent_and_stdin(runner: CliRunner) -> None:
    header = ",".join(["name", "stage", *ITEMS])
    row = ",".join(["Dee", "early", *(["4"] * len(ITEMS))])
    csv_text = f"\ufeff{header}\n{row}\n"
    result = runner.invoke(
        app, ["assess", "--answers", "-", "-f", "json", "--no-save"], input=csv_text
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["person"] == "Dee" and data["stage"] == "early"
    assert store().list() == []


def test_stage_option_overrides_and_unknown_stage(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["assess", "--answers", str(HAND_MADE), "--allow-missing", "--stage", "late"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "Unknown stage 'late'" in result.stderr


def test_template_answers_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    made = runner.invoke(app, ["template", "answers", "--stage", "early", "-o", str(target)])
    assert made.exit_code == 0
    text = target.read_text(encoding="utf-8")
    for _competency, item in MODEL.items():
        assert f"  {item.id}:    # {item.text['en']}" in text
    filled = text.replace(":    #", ": 4    #")
    target.write_text(filled.replace("diag_", "diag_"), encoding="utf-8")
    scored = runner.invoke(app, ["assess", "--answers", str(target), "-f", "json", "--no-save"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["stage"] == "early"
    zh = runner.invoke(app, ["--lang", "zh", "template", "answers"])
    assert MODEL.competency("integrity").items[0].text["zh"] in zh.stdout


def test_corrupt_store_is_reported_not_overwritten(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    db = home / "history.db"
    db.write_bytes(b"this is not sqlite" * 100)
    monkeypatch.setenv("KAM_HOME", str(home))
    result = runner.invoke(app, ["assess", "--answers", str(HAND_MADE), "--allow-missing"])
    assert result.exit_code == ExitCode.STORE
    assert str(db) in result.stderr
    assert db.read_bytes() == b"this is not sqlite" * 100


def test_two_processes_saving_at_once_both_kept(tmp_path: Path) -> None:
    env = {"KAM_HOME": str(tmp_path / "shared"), "PATH": "", "LANG": "C.UTF-8"}
    command = [
        sys.executable,
        "-m",
        "kamcli",
        "assess",
        "--answers",
        str(HAND_MADE),
        "--allow-missing",
        "-f",
        "json",
    ]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    codes = [p.wait(timeout=60) for p in procs]
    assert codes == [0, 0]
    with Store(tmp_path / "shared" / "history.db") as shared:
        assert len(shared.list()) == 2


def test_the_installed_command_refuses_piped_stdin() -> None:
    kam = shutil.which("kam")
    if kam is None:
        pytest.skip("the kam console script is not on PATH")
    done = subprocess.run(
        [kam, "assess"], input="5\n5\n", capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == ExitCode.USAGE
    assert "--answers" in done.stderr


def test_output_to_a_device_is_written_in_place(runner: CliRunner, tmp_path: Path) -> None:
    """`-o /dev/null` must never replace the device with a regular file (atomic rename)."""
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(
        app, ["report", "--answers", str(HAND_MADE), "--allow-missing", "-f", "md", "-o", str(fifo)]
    )
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO is still a FIFO"
    assert b"Hand Made" in received[0]
    exported = runner.invoke(app, ["history", "export", "-o", os.devnull])
    assert exported.exit_code == 0
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    sheet = tmp_path / "team.csv"
    sheet.write_text(
        "respondent_id,stage," + ",".join(ITEMS) + "\n1,mid," + ",".join(["3"] * len(ITEMS)) + "\n",
        encoding="utf-8",
    )
    batch = runner.invoke(app, ["batch", str(sheet), "-o", os.devnull, "--quiet"])
    assert batch.exit_code == 0, batch.output
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
