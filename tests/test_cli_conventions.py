"""Command-line conventions every command shares: global options after the subcommand, shell
completion, examples in --help, one name set for formats, flags without a metavar, output to
a pipe that never splits a path, and install hints that fit a source checkout."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kamcli import extras
from kamcli.cli import common
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from tests.conftest import ROOT, strip_ansi
from tests.test_cli_basics import command_paths

MODEL = load_model()
ITEMS = MODEL.item_ids()
LEAVES = command_paths()
GROUPS = ["kam", "kam history", "kam model", "kam template"]


def args_of(path: str) -> list[str]:
    return path.split()[1:]


def help_text(runner: CliRunner, path: str) -> str:
    result = runner.invoke(app, [*args_of(path), "--help"])
    assert result.exit_code == 0, (path, result.output)
    return strip_ansi(result.stdout)


def write_answers(directory: Path, name: str = "Li Wei") -> Path:
    path = directory / "answers.yaml"
    answers = {item: 2 + i % 3 for i, item in enumerate(ITEMS)}
    data = {"stage": "mid", "name": name, "answers": answers}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_team(path: Path, people: int = 12) -> Path:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", "name", "stage", *ITEMS])
        for number in range(1, people + 1):
            base = rng.randint(2, 4)
            values = [max(1, min(5, base + rng.choice((-1, 0, 1)))) for _ in ITEMS]
            writer.writerow([f"R{number}", f"Person {number}", "mid", *values])
    return path


# --- 5. global options after the subcommand ---------------------------------------------


def test_there_are_leaf_commands_to_check() -> None:
    assert len(LEAVES) >= 15
    assert {"kam assess", "kam history list", "kam template responses"} <= {p for p, _ in LEAVES}


@pytest.mark.parametrize("path", [path for path, _ in LEAVES])
def test_every_leaf_command_accepts_the_global_options_after_it(
    runner: CliRunner, path: str, tiny_model_dir: Path
) -> None:
    # Parsing fails on an unknown option before --help is acted on, so exit 0 proves all three.
    argv = [*args_of(path), "--lang", "zh", "--model", str(tiny_model_dir), "--debug", "--help"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, (path, result.output)
    text = strip_ansi(result.stdout)
    assert "Global options" in text
    for option in ("--lang", "--model", "--debug"):
        assert option in text.split("Global options", 1)[1], (path, option)
    assert "KAM_LANG" in text and "KAM_MODEL" in text


def test_lang_after_the_subcommand_changes_the_language(runner: CliRunner) -> None:
    after = runner.invoke(app, ["stages", "--lang", "zh"])
    assert after.exit_code == 0, after.output
    assert "初期阶段" in after.stdout
    before = runner.invoke(app, ["--lang", "zh", "stages"])
    assert before.stdout == after.stdout


def test_lang_after_the_subcommand_of_a_group(runner: CliRunner, tmp_path: Path) -> None:
    answers = write_answers(tmp_path)
    saved = runner.invoke(app, ["assess", "--answers", str(answers), "-f", "json"])
    assert saved.exit_code == 0, saved.output
    zh = runner.invoke(app, ["history", "list", "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    assert "被评估人" in zh.stdout and "Li Wei" in zh.stdout
    shown = runner.invoke(app, ["history", "show", "1", "--lang", "zh", "-f", "md"])
    assert shown.exit_code == 0, shown.output
    assert MODEL.competency("integrity").name["zh"] in shown.stdout


def test_the_option_after_the_subcommand_wins(runner: CliRunner) -> None:
    both = runner.invoke(app, ["--lang", "en", "stages", "--lang", "zh"])
    assert "初期阶段" in both.stdout
    # The env var is a default: an explicit --lang before the subcommand still wins over it,
    # and the (absent) leaf option does not bring the env var back.
    env_then_flag = runner.invoke(app, ["--lang", "zh", "stages"], env={"KAM_LANG": "en"})
    assert "初期阶段" in env_then_flag.stdout
    env_then_leaf = runner.invoke(app, ["stages", "--lang", "en"], env={"KAM_LANG": "zh"})
    assert "Early KAM" in env_then_leaf.stdout and "初期" not in env_then_leaf.stdout


def test_assess_lang_after_the_subcommand(runner: CliRunner, tmp_path: Path) -> None:
    answers = write_answers(tmp_path)
    result = runner.invoke(
        app, ["assess", "--answers", str(answers), "--no-save", "-f", "md", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert MODEL.competency("integrity").name["zh"] in result.stdout
    assert MODEL.competency("integrity").name["en"] not in result.stdout


def test_model_after_the_subcommand(runner: CliRunner, tiny_model_dir: Path) -> None:
    result = runner.invoke(app, ["model", "show", "-f", "json", "--model", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "tiny"
    default = runner.invoke(app, ["model", "show", "-f", "json"])
    assert json.loads(default.stdout)["id"] != "tiny"


def test_a_bad_value_after_the_subcommand_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["stages", "--lang", "fr"])
    assert result.exit_code == ExitCode.USAGE
    assert "fr" in result.output


def test_debug_after_the_subcommand_shows_the_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(common.Settings, "model", boom)
    plain = runner.invoke(app, ["stages"])
    assert plain.exit_code == ExitCode.INTERNAL and "Traceback" not in plain.stderr
    debug = runner.invoke(app, ["stages", "--debug"])
    assert debug.exit_code == ExitCode.INTERNAL
    assert "Traceback" in debug.stderr and "kaboom" in debug.stderr


# --- 12. shell completion -----------------------------------------------------------------


def test_root_help_offers_completion(runner: CliRunner) -> None:
    text = help_text(runner, "kam")
    assert "--install-completion" in text and "--show-completion" in text


def test_completion_completes_commands_and_format_names() -> None:
    def complete(words: str) -> list[str]:
        env = {
            **_base_env(),
            "_KAM_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        done = subprocess.run(
            [sys.executable, "-m", "kamcli"], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("kam hist") == ["history"]
    assert set(complete("kam history ")) >= {"list", "show", "compare", "delete", "export"}
    assert complete("kam report --format m") == ["md", "markdown"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_show_and_install_completion_for_bash(tmp_path: Path) -> None:
    env = {**_base_env(), "HOME": str(tmp_path)}
    kam = f"{shlex.quote(sys.executable)} -m kamcli"
    # `; true` keeps bash as the parent process, where the shell is detected.
    shown = subprocess.run(
        ["bash", "-c", f"{kam} --show-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "_kam_completion()" in shown.stdout and "_KAM_COMPLETE=complete_bash" in shown.stdout
    installed = subprocess.run(
        ["bash", "-c", f"{kam} --install-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "bash completion installed" in installed.stdout, installed.stderr
    assert "kam" in (tmp_path / ".bashrc").read_text(encoding="utf-8")


def _base_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("_KAM")}


# --- 13. every leaf command's help ends with examples ----------------------------------------


@pytest.mark.parametrize("path", [path for path, _ in LEAVES])
def test_every_leaf_help_ends_with_examples_of_itself(runner: CliRunner, path: str) -> None:
    text = help_text(runner, path)
    assert "Examples:" in text, path
    tail = [line.strip() for line in text.split("Examples:")[-1].splitlines() if line.strip()]
    assert 1 <= len(tail) <= 2, (path, tail)
    assert all(line.startswith("kam ") for line in tail), tail
    assert any(line.startswith(path) for line in tail), (path, tail)
    for line in tail:  # each example parses: no unknown option, no unknown command
        words = shlex.split(re.split(r"\s[|>]\s?", line)[0])[1:]
        result = runner.invoke(app, [*words, "--help"])
        assert result.exit_code == 0, (line, result.output)


def test_every_leaf_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, _ in LEAVES:
        assert path in readme, path


# --- 14. md and markdown ------------------------------------------------------------------


@pytest.mark.parametrize("path", [path for path, _ in LEAVES])
def test_format_choices_name_markdown_both_ways(runner: CliRunner, path: str) -> None:
    text = help_text(runner, path)
    for choices in re.findall(r"<([a-z0-9|]+)>", text):
        names = choices.split("|")
        assert ("md" in names) == ("markdown" in names), (path, names)


def test_assess_md_and_markdown_are_the_same(runner: CliRunner, tmp_path: Path) -> None:
    answers = str(write_answers(tmp_path))
    outputs = []
    for name in ("md", "markdown"):
        result = runner.invoke(app, ["assess", "-a", answers, "--no-save", "--format", name])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("#") and "|" in outputs[0]


def test_history_show_and_report_take_both_names(runner: CliRunner, tmp_path: Path) -> None:
    answers = str(write_answers(tmp_path))
    assert runner.invoke(app, ["assess", "-a", answers, "-f", "json"]).exit_code == 0
    shown = [
        runner.invoke(app, ["history", "show", "1", "-f", n]).stdout for n in ("md", "markdown")
    ]
    assert shown[0] == shown[1] and shown[0].startswith("#")
    for name in ("md", "markdown"):
        target = tmp_path / f"report-{name}.md"
        result = runner.invoke(app, ["report", "1", "-f", name, "-o", str(target)])
        assert result.exit_code == 0, result.output
    first, second = ((tmp_path / f"report-{n}.md").read_text("utf-8") for n in ("md", "markdown"))
    assert first == second and first.startswith("#")


def test_batch_and_stats_take_both_names(runner: CliRunner, tmp_path: Path) -> None:
    team = str(write_team(tmp_path / "team.csv"))
    reports = tmp_path / "reports"
    result = runner.invoke(
        app,
        [
            "batch", team, "-q", "-o", str(tmp_path / "out.csv"),
            "--report-dir", str(reports), "--report-format", "markdown",
            "--summary-out", str(tmp_path / "cohort.markdown"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(p.suffix for p in reports.iterdir())
    assert written == [".md"] * 12
    assert (tmp_path / "cohort.markdown").read_text(encoding="utf-8").startswith("#")
    stats = [runner.invoke(app, ["stats", team, "-q", "-f", n]) for n in ("md", "markdown")]
    assert stats[0].exit_code == stats[1].exit_code == 0, stats[0].output
    assert stats[0].stdout == stats[1].stdout and stats[0].stdout.startswith("#")


# --- 15. flags show no metavar --------------------------------------------------------------


@pytest.mark.parametrize("path", GROUPS + [path for path, _ in LEAVES])
def test_flags_show_no_bool_metavar(runner: CliRunner, path: str) -> None:
    text = help_text(runner, path)
    assert "<bool>" not in text and "BOOLEAN" not in text, path
    flag_lines = [line for line in text.splitlines() if re.search(r"--(help|debug)\b", line)]
    assert flag_lines, path
    for line in flag_lines:
        assert "<" not in line, line


def test_debug_is_a_flag(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--debug", "stages"])
    assert result.exit_code == 0, result.output
    assert "Early KAM" in result.stdout


# --- 17. output to a pipe -------------------------------------------------------------------


@pytest.fixture
def long_folder(tmp_path: Path) -> Path:
    folder = tmp_path / ("a-rather-long-folder-name-for-the-team-" * 3) / "nested-once-more"
    folder.mkdir(parents=True)
    return folder


def test_a_long_path_in_a_hint_stays_on_one_line(runner: CliRunner, long_folder: Path) -> None:
    target = long_folder / "answers-for-the-whole-key-account-team.yaml"
    assert len(str(target)) > 150
    result = runner.invoke(app, ["template", "answers", "-o", str(target)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {target}. Fill it in, then: kam assess --answers {target}\n"
    sheet = long_folder / "team.csv"
    result = runner.invoke(app, ["template", "responses", "-o", str(sheet), "-s", "mid"])
    assert f"then: kam batch {sheet} --stage mid\n" in result.stderr


def test_written_and_exported_paths_stay_on_one_line(
    runner: CliRunner, tmp_path: Path, long_folder: Path
) -> None:
    answers = str(write_answers(tmp_path))
    assert runner.invoke(app, ["assess", "-a", answers, "-f", "json"]).exit_code == 0
    report = long_folder / "the-report-for-the-trainer.html"
    written = runner.invoke(app, ["report", "1", "-o", str(report)], env={"COLUMNS": "60"})
    assert written.exit_code == 0, written.output
    assert f"Wrote {report}\n" in written.stderr
    export = long_folder / "every-assessment.jsonl"
    exported = runner.invoke(app, ["history", "export", "-o", str(export)])
    assert exported.stderr == f"Exported 1 assessment to {export}.\n"
    copy = long_folder / "my-own-model"
    copied = runner.invoke(app, ["model", "init", str(copy)], env={"COLUMNS": "60"})
    assert f"Use it with: kam --model {copy} …\n" in copied.stdout


def test_tables_in_a_pipe_are_wider_than_80_columns(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS")
    wide = runner.invoke(app, ["stages"])
    assert wide.exit_code == 0, wide.output
    widest = max(len(line) for line in wide.stdout.splitlines())
    assert 80 < widest <= common.PIPE_WIDTH
    narrow = runner.invoke(app, ["stages"], env={"COLUMNS": "70"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 70


# --- 18. install hints fit how kamcli was installed -----------------------------------------


def test_install_hint_for_a_release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras, "source_checkout", lambda: None)
    assert extras.install_command("pdf") == 'pip install "kamcli[pdf]"'


def test_install_hint_from_a_checkout_names_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras, "source_checkout", lambda: (Path("/src/kam cli"), True))
    hint = extras.install_command("xlsx")
    assert hint.startswith('pip install -e "/src/kam cli[xlsx]"')
    assert 'pip install "kamcli[xlsx]"' in hint
    monkeypatch.setattr(extras, "source_checkout", lambda: (Path("/src/kamcli"), False))
    assert extras.install_command("pdf").startswith('pip install "/src/kamcli[pdf]"')


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return self.direct_url


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        ({"url": "file://{root}", "dir_info": {"editable": True}}, ("{root}", True)),
        ({"url": "file://{root}", "dir_info": {}}, ("{root}", False)),
        ({"url": "file:///tmp/kamcli-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "https://example.org/kamcli.tar.gz", "archive_info": {}}, None),
        ({"url": "file:///nowhere/at/all", "dir_info": {"editable": True}}, None),
        (None, None),
    ],
)
def test_direct_url_json_says_where_kamcli_came_from(
    monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None, expected: Any
) -> None:
    from importlib import metadata

    text = None if direct_url is None else json.dumps(direct_url).replace("{root}", str(ROOT))
    monkeypatch.setattr(metadata, "distribution", lambda name: FakeDistribution(text))
    found = extras._installed_from_folder()
    if expected is None:
        assert found is None
    else:
        assert found == (ROOT, expected[1])


def test_pdf_hint_of_this_checkout(runner: CliRunner, tmp_path: Path, monkeypatch: Any) -> None:
    """Run from this source checkout, the hint names it (and the release form too)."""
    if extras.PACKAGE_DIR.parent != ROOT:
        pytest.skip("kamcli is imported from an installed copy, not from this checkout")
    extras.source_checkout.cache_clear()
    answers = str(write_answers(tmp_path))
    monkeypatch.setitem(sys.modules, "fpdf", None)
    result = runner.invoke(
        app, ["report", "-a", answers, "-f", "pdf", "-o", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == ExitCode.MISSING_FEATURE
    message = " ".join(result.stderr.split())
    assert f'"{ROOT}[pdf]"' in message
    assert 'pip install "kamcli[pdf]"' in message


def test_dash_output_means_stdout(runner: CliRunner, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    team = write_team(tmp_path / "team.csv", people=3)
    to_stdout = runner.invoke(app, ["batch", str(team), "--quiet"])
    dashed = runner.invoke(app, ["batch", str(team), "-o", "-", "--quiet"])
    assert dashed.exit_code == 0, dashed.output
    assert dashed.stdout == to_stdout.stdout and "Person 1" in dashed.stdout
    assert not (tmp_path / "-").exists()
    answers = write_answers(tmp_path)
    report = runner.invoke(app, ["report", "--answers", str(answers), "-f", "md", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert report.stdout.startswith("#") and not (tmp_path / "-").exists()
