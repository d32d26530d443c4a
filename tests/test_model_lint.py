"""kam model lint: every rule fires on a bad example; the shipped model passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.model.lint import lint_model


def lint(runner: CliRunner, *paths: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["model", "lint", *map(str, paths)])
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_model_passes(runner: CliRunner) -> None:
    code, out, err = lint(runner)
    assert code == 0, out
    assert out == ""
    assert "no warnings" in err


def test_shipped_model_has_observer_wording_and_full_width_chinese() -> None:
    model = load_model()
    assert model.version.startswith("2.")
    for _, item in model.items():
        assert item.observer is not None, item.id
        assert not item.observer["zh"].startswith("我"), item.id
        assert not item.text["zh"].startswith("我会"), item.id
    assert lint_model(model) == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        (
            "{id: selling_1, text: {en: I explain what our product does for the buyer.}",
            "{id: selling_1, text: {en: I explain the product and then ask for the order.}",
            "two-behaviours",
        ),
        (
            "{id: selling_1, text: {en: I explain what our product does for the buyer.}",
            "{id: selling_1, text: {en: I regularly explain what our product does.}",
            "built-in-frequency",
        ),
        (
            "{id: selling_1, text: {en: I explain what our product does for the buyer.}",
            "{id: selling_1, text: {en: I can explain what our product does for the buyer.}",
            "ability-claim",
        ),
        (
            "{id: selling_1, text: {en: I explain what our product does for the buyer.}",
            "{id: selling_1, text: {en: I consider what our product does for the buyer.}",
            "unobservable",
        ),
        (
            "{id: honesty_1, text: {en: I keep my delivery promises.}}",
            "{id: honesty_1, text: {en: I keep my delivery promises.}, reverse: true}",
            "reverse-keyed",
        ),
        (
            "{id: honesty_1, text: {en: I keep my delivery promises.}}",
            "{id: honesty_1, text: {en: I promise dates before checking them!}}",
            "near-duplicate",
        ),
    ],
)
def test_each_item_rule_fires(
    runner: CliRunner, tiny_model_dir: Path, old: str, new: str, rule: str
) -> None:
    path = tiny_model_dir / (
        "competencies/selling.yaml" if "selling" in old else "competencies/honesty.yaml"
    )
    edit(path, old, new)
    code, out, _ = lint(runner, tiny_model_dir)
    assert code == ExitCode.LINT_WARNINGS
    assert f"] {rule}:" in out, out


def test_tiny_model_warns_about_missing_observer_wording_and_thin_diagnostic(
    runner: CliRunner, tiny_model_dir: Path
) -> None:
    code, out, _ = lint(runner, tiny_model_dir)
    assert code == ExitCode.LINT_WARNINGS
    assert "competencies/honesty.yaml [items.0 (honesty_1)] no-observer-wording" in out
    assert "competencies/selling.yaml [items] too-few-items" in out
    assert "only 1 statement(s) hold at stage 'first'; use at least 3" in out
    assert "stages-not-separated" in out


def test_half_width_punctuation_beside_chinese_is_caught(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["model", "init", str(tmp_path / "m")])
    assert result.exit_code == 0, result.stderr
    edit(tmp_path / "m/competencies/integrity.yaml", "按时兑现；先弄清", "按时兑现;先弄清(核实)")
    code, out, _ = lint(runner, tmp_path / "m")
    assert code == ExitCode.LINT_WARNINGS
    assert (
        "competencies/integrity.yaml [description.zh] half-width-punctuation: half-width ( ) ;"
        in out
    )


def test_chinese_calque_and_joined_behaviours_are_caught(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["model", "init", str(tmp_path / "m")])
    edit(
        tmp_path / "m/competencies/integrity.yaml",
        "zh: 我向客户了解，我方的哪些承诺对其最为重要。",
        "zh: 我会询问客户最看重哪些承诺，并把这些承诺记录下来。",
    )
    code, out, _ = lint(runner, tmp_path / "m")
    assert code == ExitCode.LINT_WARNINGS
    assert "[items.0 (integrity_1).zh] calque-wo-hui" in out
    assert "[items.0 (integrity_1).zh] two-behaviours" in out


def test_an_invalid_model_exits_with_the_model_code(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = lint(runner, tmp_path / "nothing")
    assert code == ExitCode.MODEL
    assert "does not exist" in err


def test_lint_without_a_path_checks_the_model_in_use(tmp_path: Path) -> None:
    """`kam --model DIR model lint` lints DIR, not the shipped model."""
    from typer.testing import CliRunner

    from kamcli.cli.main import app

    copy = tmp_path / "m"
    init = CliRunner().invoke(app, ["model", "init", str(copy)])
    assert init.exit_code == 0, init.output
    item_file = next((copy / "competencies").glob("*.yaml"))
    text = item_file.read_text(encoding="utf-8")
    item_file.write_text(text.replace("。", ".", 1), encoding="utf-8")
    shipped = CliRunner().invoke(app, ["model", "lint"])
    assert shipped.exit_code == 0, shipped.output
    mine = CliRunner().invoke(app, ["--model", str(copy), "model", "lint"])
    assert mine.exit_code == 12, mine.output
    assert "half-width" in mine.stdout
