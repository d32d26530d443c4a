"""Broken models are rejected with file, line, key and a clear message — never a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import default_model_dir

DEFAULT = default_model_dir()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(DEFAULT, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def validate(runner: CliRunner, path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["model", "validate", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_model_is_valid(runner: CliRunner) -> None:
    result = runner.invoke(app, ["model", "validate", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    assert "14 competencies" in result.stdout
    assert "4 stages" in result.stdout


def test_tab_indentation(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "stages" / "first.yaml", "  honesty:", "\thonesty:")
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "first.yaml:4" in err
    assert "tabs" in err


def test_unclosed_quote(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "model.yaml", 'version: "0.1"', 'version: "0.1')
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "model.yaml:" in err and "invalid YAML" in err


def test_alias_bomb(runner: CliRunner, tiny_model_dir: Path) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]"
        for n in range(8)
    ]
    (tiny_model_dir / "diagnostic.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "diagnostic.yaml:1" in err and "aliases" in err


def test_fifty_megabyte_file(runner: CliRunner, tiny_model_dir: Path) -> None:
    big = tiny_model_dir / "stages" / "second.yaml"
    with big.open("ab") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "second.yaml" in err and "50.0 MiB" in err and "limit is 1 MiB" in err


def test_duplicate_competency_id(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(
        tiny_model_dir / "model.yaml",
        "competencies: [honesty, selling]",
        "competencies: [honesty, selling, honesty]",
    )
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "duplicate competency id 'honesty'" in err


def test_competency_file_with_another_id(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "competencies" / "selling.yaml", "id: selling", "id: honesty")
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "selling.yaml:2 [id]: id 'honesty' must match the file name 'selling'" in err


def test_stage_missing_a_competency(runner: CliRunner, model_copy: Path) -> None:
    path = model_copy / "stages" / "mid.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.strip().startswith("innovation:")]
    assert len(kept) == len(lines) - 1
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, err = validate(runner, model_copy)
    assert code == ExitCode.MODEL
    assert "mid.yaml" in err and "no target for competency 'innovation'" in err


def test_target_outside_scale(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "stages" / "first.yaml", "honesty: {target: 2,", "honesty: {target: 7,")
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "first.yaml:4 [targets.honesty.target]: target 7 is outside the scale 1..3" in err


def test_missing_english_text(runner: CliRunner, model_copy: Path) -> None:
    path = model_copy / "competencies" / "negotiation.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n  en:")
    assert sep, "negotiation.yaml has an en text under name"
    rest = rest.split("\n", 1)[1]
    path.write_text(head + "\n" + rest, encoding="utf-8")
    code, err = validate(runner, model_copy)
    assert code == ExitCode.MODEL
    assert "negotiation.yaml" in err and "missing text for language 'en'" in err


def test_yes_no_where_text_expected(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(
        tiny_model_dir / "competencies" / "honesty.yaml",
        'source: {en: "Example"}',
        "source: {en: no}",
    )
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "honesty.yaml:5 [source.en]: expected text, got bool False" in err
    assert "put the text in quotes" in err


def test_unknown_key(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(
        tiny_model_dir / "stages" / "second.yaml",
        "selling: {target: 2, weight: 1}",
        "selling: {target: 2, wieght: 1}",
    )
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "[targets.selling.wieght]: unknown key 'wieght'" in err
    assert "[targets.selling.weight]: missing required key 'weight'" in err


def test_non_utf8_file(runner: CliRunner, tiny_model_dir: Path) -> None:
    path = tiny_model_dir / "competencies" / "honesty.yaml"
    path.write_bytes(path.read_bytes() + "# 诚信\n".encode("gb18030"))
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "honesty.yaml:" in err and "not UTF-8" in err


def test_path_that_does_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    code, err = validate(runner, tmp_path / "nowhere")
    assert code == ExitCode.MODEL
    assert "does not exist" in err


def test_directory_without_model_yaml(runner: CliRunner, tmp_path: Path) -> None:
    code, err = validate(runner, tmp_path)
    assert code == ExitCode.MODEL
    assert "has no model.yaml" in err and "kam model init" in err


def test_all_problems_of_a_model_reported_at_once(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "stages" / "first.yaml", "honesty: {target: 2,", "honesty: {target: 9,")
    edit(tiny_model_dir / "competencies" / "selling.yaml", "name: {en: Selling}", "name: {en: ''}")
    edit(tiny_model_dir / "diagnostic.yaml", "stage: second", "stage: third")
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "3 problem(s)" in err
    assert "target 9" in err and "empty text" in err and "unknown stage 'third'" in err


def test_invalid_model_via_global_option(runner: CliRunner, tiny_model_dir: Path) -> None:
    edit(tiny_model_dir / "model.yaml", "languages: [en]", "languages: [en]\ncolour: blue")
    result = runner.invoke(app, ["--model", str(tiny_model_dir), "stages"])
    assert result.exit_code == ExitCode.MODEL
    assert "is invalid (1 problem)" in result.stderr
    assert "model.yaml:5 [colour]: unknown key 'colour'" in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_file_is_reported(runner: CliRunner, tiny_model_dir: Path) -> None:
    if os.geteuid() == 0:
        path = tiny_model_dir / "diagnostic.yaml"
        path.unlink()
        path.mkdir()  # root reads everything: a directory in place of the file is unreadable
    else:  # pragma: no cover - CI runs as root
        (tiny_model_dir / "diagnostic.yaml").chmod(0)
    code, err = validate(runner, tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "diagnostic.yaml" in err
