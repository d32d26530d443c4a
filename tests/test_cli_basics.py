"""The CLI shell: version, language, global options, help for every command, exit-code docs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from typer.main import get_command
from typer.testing import CliRunner

from kamcli import __version__
from kamcli.cli.common import detect_lang
from kamcli.cli.main import app
from kamcli.errors import ExitCode, KamError
from tests.conftest import ROOT


def command_paths() -> list[tuple[str, Any]]:
    """Every leaf command as 'kam a b', with its click command object."""
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(f"{prefix} {name}", sub)
        else:
            found.append((prefix, command))

    walk("kam", get_command(app))
    return found


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"kam {__version__}\n"


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kamcli", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"kam {__version__}"


def test_every_command_has_help_and_is_in_readme(runner: CliRunner) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = command_paths()
    assert len(paths) >= 4
    for path, command in paths:
        assert (command.help or "").strip(), f"{path} has no help text"
        assert path in readme, f"{path} is not documented in README.md"
        result = runner.invoke(app, [*path.split()[1:], "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.stdout


def test_exit_codes_documented() -> None:
    doc = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", doc, re.M)}
    defined = {v for k, v in vars(ExitCode).items() if k.isupper()}
    assert documented == defined
    for cls in KamError.__subclasses__():
        assert cls.exit_code in documented, cls.__name__


def test_lang_from_locale() -> None:
    assert detect_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert detect_lang({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert detect_lang({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert detect_lang({"LANG": "C.UTF-8"}) == "en"
    assert detect_lang({}) == "en"


def test_stages_in_chinese_and_english(runner: CliRunner) -> None:
    zh = runner.invoke(app, ["--lang", "zh", "stages"])
    assert zh.exit_code == 0, zh.output
    for name in ("初期阶段", "中期阶段", "伙伴式阶段", "协作式阶段", "诚信与守诺"):
        assert name in zh.stdout
    en = runner.invoke(app, ["stages"])
    assert "Early KAM" in en.stdout and "Collaborative KAM" in en.stdout
    assert "初期" not in en.stdout


def test_lang_from_environment(runner: CliRunner) -> None:
    result = runner.invoke(app, ["stages"], env={"KAM_LANG": "zh"})
    assert "初期阶段" in result.stdout
    result = runner.invoke(app, ["stages"], env={"LANG": "zh_CN.UTF-8"})
    assert "初期阶段" in result.stdout


def test_bad_lang_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "fr", "stages"])
    assert result.exit_code == ExitCode.USAGE
    assert "fr" in result.output


def test_model_show_json_lists_everything(runner: CliRunner) -> None:
    result = runner.invoke(app, ["model", "show", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = [c["id"] for c in data["competencies"]]
    assert len(ids) >= 12
    for required in (
        "integrity",
        "negotiation",
        "social_networking",
        "process_it",
        "boundary_spanning",
    ):
        assert required in ids
    for competency in data["competencies"]:
        assert set(competency["name"]) == {"zh", "en"}
        assert len(competency["levels"]) == 5
        assert len(competency["items"]) >= 4
        assert set(competency["actions"]) == {"early", "mid", "partnership", "collaborative"}
    assert [s["id"] for s in data["stages"]] == ["early", "mid", "partnership", "collaborative"]
    for stage in data["stages"]:
        assert set(stage["targets"]) == set(ids)
    assert re.fullmatch(r"[0-9a-f]{16}", data["content_hash"])
    assert 12 <= len(data["diagnostic"]["statements"]) <= 20
    assert all(s["holds_at"] for s in data["diagnostic"]["statements"])


def test_stage_profiles_follow_the_article(runner: CliRunner) -> None:
    data = json.loads(runner.invoke(app, ["model", "show", "-f", "json"]).stdout)
    stages = {s["id"]: s["targets"] for s in data["stages"]}

    def weight(stage: str, competency: str) -> float:
        return float(stages[stage][competency]["weight"])

    assert weight("early", "negotiation") > weight("collaborative", "negotiation")
    assert weight("mid", "social_networking") > weight("early", "social_networking")
    assert weight("mid", "senior_links") > weight("early", "senior_links")
    assert weight("collaborative", "process_it") > weight("early", "process_it")
    assert weight("collaborative", "boundary_spanning") > weight("mid", "boundary_spanning")
    reverse = [i for c in data["competencies"] for i in c["items"] if i["reverse"]]
    assert reverse, "some items are reverse-keyed"


def test_model_show_one_stage_yaml(runner: CliRunner) -> None:
    result = runner.invoke(app, ["model", "show", "--stage", "mid", "--format", "yaml"])
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert [s["id"] for s in data["stages"]] == ["mid"]
    assert all(set(c["actions"]) == {"mid"} for c in data["competencies"])


def test_model_show_table_and_unknown_stage(runner: CliRunner) -> None:
    table = runner.invoke(app, ["model", "show", "--stage", "early"])
    assert table.exit_code == 0
    assert "Integrity" in table.stdout and "Target" in table.stdout
    bad = runner.invoke(app, ["model", "show", "--stage", "late"])
    assert bad.exit_code == ExitCode.USAGE
    assert "Unknown stage 'late'" in bad.stderr and "early, mid" in bad.stderr


def test_model_init_copies_and_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    result = runner.invoke(app, ["model", "init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "model.yaml").is_file()
    assert len(list((target / "competencies").glob("*.yaml"))) >= 12
    valid = runner.invoke(app, ["model", "validate", str(target)])
    assert valid.exit_code == 0
    before = (target / "model.yaml").read_bytes()
    again = runner.invoke(app, ["model", "init", str(target)])
    assert again.exit_code == ExitCode.OUTPUT
    assert "never overwrites" in again.stderr
    assert (target / "model.yaml").read_bytes() == before


def test_custom_model_via_option_and_env(runner: CliRunner, tiny_model_dir: Path) -> None:
    result = runner.invoke(app, ["--model", str(tiny_model_dir), "model", "show", "-f", "json"])
    assert json.loads(result.stdout)["id"] == "tiny"
    result = runner.invoke(
        app, ["model", "show", "-f", "json"], env={"KAM_MODEL": str(tiny_model_dir / "model.yaml")}
    )
    assert json.loads(result.stdout)["id"] == "tiny"


def test_content_hash_ignores_comments(tiny_model_dir: Path) -> None:
    from kamcli.model import load_model

    first = load_model(tiny_model_dir).content_hash
    path = tiny_model_dir / "stages" / "first.yaml"
    path.write_text("# a trainer's note\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_model(tiny_model_dir).content_hash == first
    path.write_text(
        path.read_text(encoding="utf-8").replace("target: 2", "target: 3"), encoding="utf-8"
    )
    assert load_model(tiny_model_dir).content_hash != first


def test_internal_errors_are_one_paragraph_unless_debug(
    runner: CliRunner, monkeypatch: Any
) -> None:
    from kamcli.cli import common

    def boom(self: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(common.Settings, "model", boom)
    result = runner.invoke(app, ["stages"])
    assert result.exit_code == ExitCode.INTERNAL
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    debug = runner.invoke(app, ["--debug", "stages"])
    assert debug.exit_code == ExitCode.INTERNAL
    assert "Traceback" in debug.stderr
