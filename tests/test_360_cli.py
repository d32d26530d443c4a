"""360 from the command line: ratings via kam assess --rater/--about, kam report --subject."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli import assess_cmd
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.store import Store

MODEL = load_model()
ITEMS = MODEL.item_ids()


def answers_file(tmp_path: Path, label: str, value: int, role: str = "self", **meta: str) -> Path:
    path = tmp_path / f"{label}.yaml"
    lines = [f"{key}: {val!r}" for key, val in meta.items()] + ["stage: mid", "answers:"]
    # reverse-keyed items get the mirrored answer, so every competency scores exactly `value`;
    # only the items the rater's role may rate are answered
    lines += [
        f"  {item.id}: {6 - value if item.reverse else value}"
        for _, item in MODEL.items()
        if item.rated_by(role)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rate(runner: CliRunner, path: Path, *extra: str) -> None:
    result = runner.invoke(app, ["assess", "--answers", str(path), "-f", "json", *extra])
    assert result.exit_code == 0, result.output


def test_self_and_manager_ratings_make_a_360(runner: CliRunner, tmp_path: Path) -> None:
    rate(runner, answers_file(tmp_path, "self", 5, name="Li Wei"))
    rate(
        runner,
        answers_file(tmp_path, "boss", 2),
        "--rater",
        "manager",
        "--about",
        "Li Wei",
        "--name",
        "Boss",
    )
    records = Store.open_default().list(subject="li wei")
    assert {r.rater for r in records} == {"self", "manager"}
    result = runner.invoke(app, ["report", "--subject", "Li Wei", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    text = json.dumps(data)
    assert "blind_spot" in text
    # every competency: self 5.0 vs the manager's 2.0: a gap of 3 >= 4/3 -> a blind spot
    assert len(data["blind_spots"]) == len(MODEL.competencies)


def test_one_customer_rating_is_left_out_and_noted(runner: CliRunner, tmp_path: Path) -> None:
    rate(runner, answers_file(tmp_path, "self", 4, name="Ana"))
    rate(
        runner,
        answers_file(tmp_path, "cust", 1, "customer"),
        "--rater",
        "customer",
        "--about",
        "Ana",
    )
    result = runner.invoke(app, ["report", "--subject", "ana", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "customer rating was left out" in " ".join(data["notes"])
    assert data["left_out"] == ["customer"]
    for row in data["competencies"]:  # the lone customer's scores never show
        assert row["others"]["n"] == 0 and row["others"]["mean"] is None
        assert row["groups"] == []
    md = runner.invoke(app, ["report", "--subject", "ana", "--format", "md"])
    assert "left out" in md.stdout


def test_only_a_self_rating(runner: CliRunner, tmp_path: Path) -> None:
    rate(runner, answers_file(tmp_path, "self", 3, name="Solo"))
    result = runner.invoke(app, ["report", "--subject", "Solo", "--format", "json"])
    assert result.exit_code == 0
    assert "no comparison" in result.stdout.lower()


def test_unknown_subject_and_rater(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["report", "--subject", "Nobody", "-f", "md"])
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "--rater manager --about" in missing.stderr
    bad = runner.invoke(
        app, ["assess", "--answers", str(answers_file(tmp_path, "x", 3)), "--rater", "boss"]
    )
    assert bad.exit_code == ExitCode.USAGE
    path = answers_file(tmp_path, "y", 3, rater="boss")
    in_file = runner.invoke(app, ["assess", "--answers", str(path)])
    assert in_file.exit_code == ExitCode.INPUT
    assert "unknown rater role 'boss'" in in_file.stderr


def test_every_format_for_a_subject(runner: CliRunner, tmp_path: Path) -> None:
    rate(runner, answers_file(tmp_path, "self", 4, name="Zhang"))
    for n in range(3):
        rate(
            runner, answers_file(tmp_path, f"peer{n}", 2 + n), "--rater", "peer", "--about", "Zhang"
        )
    for fmt in ("html", "md", "json", "csv", "pdf"):
        out = tmp_path / f"zhang.{fmt}"
        result = runner.invoke(app, ["report", "--subject", "Zhang", "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
        assert out.stat().st_size > 200


def test_interactive_manager_rating_asks_who(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assess_cmd, "stdin_is_terminal", lambda: True)
    result = runner.invoke(
        app,
        ["assess", "--plain", "--rater", "manager", "-s", "mid"],
        input="\nLi Wei\nMe\n\n4\nq\n",
    )
    assert result.exit_code == 0, result.output
    assert "Who are you rating?" in result.stderr
    [draft] = Store.open_default().drafts()
    assert draft.rater == "manager" and draft.subject == "Li Wei" and draft.person == "Me"
