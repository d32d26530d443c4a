"""The last texts of a run that were still English in a zh run: the internal-error advice,
the assessment described in `kam history compare`/`delete`, and a survey import's notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import survey_fixtures as fx
import yaml
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model

MODEL = load_model(None)


def test_internal_error_advice_follows_the_language_but_keeps_its_tag(
    runner: CliRunner, monkeypatch: Any
) -> None:
    from kamcli.cli import common

    def boom(self: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(common.Settings, "model", boom)
    english = runner.invoke(app, ["--lang", "en", "stages"])
    chinese = runner.invoke(app, ["--lang", "zh", "stages"])
    assert english.exit_code == chinese.exit_code == ExitCode.INTERNAL
    assert english.stderr == (
        "kam: internal error: RuntimeError: kaboom\nThis is a bug in kamcli. Run again with "
        "--debug to see the traceback, and please report it.\n"
    )
    assert chinese.stderr == (
        "kam: internal error: RuntimeError: kaboom\n"
        "这是 kamcli 的程序缺陷。请加上 --debug 重新运行以查看错误堆栈，并向我们报告。\n"
    )


def _save(runner: CliRunner, tmp_path: Path, value: int, name: str | None) -> int:
    answers = tmp_path / f"answers{value}.yaml"
    body: dict[str, object] = {"stage": "mid", "answers": dict.fromkeys(MODEL.item_ids(), value)}
    if name:
        body["name"] = name
    answers.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["--lang", "en", "assess", "--answers", str(answers), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    found = re.search(r"#(\d+)", result.stderr)
    assert found
    return int(found.group(1))


def test_compare_title_describes_each_assessment_in_the_runs_language(
    runner: CliRunner, tmp_path: Path
) -> None:
    before = _save(runner, tmp_path, 3, None)
    after = _save(runner, tmp_path, 4, "李伟")
    english = runner.invoke(app, ["--lang", "en", "history", "compare", str(before), str(after)])
    chinese = runner.invoke(app, ["--lang", "zh", "history", "compare", str(before), str(after)])
    assert english.exit_code == chinese.exit_code == 0, english.stderr + chinese.stderr
    assert re.search(rf"#{before} \(no name, mid, [^)]+\) → #{after} \(李伟, mid, ", english.stdout)
    assert re.search(rf"#{before}（未填姓名，mid，[^）]+） → #{after}（李伟，mid，", chinese.stdout)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "q.csv: read as a Qualtrics export"), ("zh", "q.csv：已按 Qualtrics 导出文件读取")],
)
def test_a_survey_import_says_what_it_read_the_file_as(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("q.csv").write_bytes(fx.qualtrics(MODEL, fx.responses(MODEL, 2)))
    result = runner.invoke(app, ["--lang", lang, "batch", "q.csv"])
    assert result.exit_code == 0, result.stderr
    assert expected in result.stderr
