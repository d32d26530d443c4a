"""Errors of the competency model, the history store and scoring, in Chinese in a zh run:
which file, which key or record, what is wrong; the same exit code as in English."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode, Msg
from kamcli.i18n import catalogue
from kamcli.model import load_model
from kamcli.scoring import ResultDataError
from kamcli.scoring.multirater import Rating, build_subject_report
from kamcli.scoring.result import AssessmentResult
from kamcli.store import Store

ROOT = Path(__file__).resolve().parent.parent


def run(runner: CliRunner, lang: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--lang", lang, *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def both(runner: CliRunner, *args: str) -> tuple[str, str]:
    """English and Chinese stderr of the same failing command, which must exit alike."""
    en_code, english = run(runner, "en", *args)
    zh_code, chinese = run(runner, "zh", *args)
    assert en_code == zh_code != 0, (en_code, zh_code, english, chinese)
    return english, chinese


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the competency model -----------------------------------------------------------------------


def test_model_not_found(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    english, chinese = both(runner, "--model", str(missing), "stages")
    assert f"Model not found: {missing} does not exist." in english
    assert f"找不到能力模型：{missing} 不存在。" in chinese
    (tmp_path / "empty").mkdir()
    _, chinese = both(runner, "--model", str(tmp_path / "empty"), "stages")
    assert "中没有 model.yaml" in chinese and "`kam model init DIR`" in chinese


def test_unknown_key_names_file_line_and_key(runner: CliRunner, tiny_model_dir: Path) -> None:
    stage = tiny_model_dir / "stages" / "second.yaml"
    edit(stage, "selling: {target: 2, weight: 1}", "selling: {target: 2, wieght: 1}")
    english, chinese = both(runner, "--model", str(tiny_model_dir), "stages")
    assert "is invalid (2 problems):" in english
    assert f"{tiny_model_dir} 中的能力模型有误（共 2 处问题）：" in chinese
    assert f"{stage}:5 [targets.selling.wieght]: 未知的键“wieght”" in chinese
    assert f"{stage}:5 [targets.selling.weight]: 缺少必填的键“weight”" in chinese
    assert "unknown key" not in chinese


def test_yaml_pitfalls_in_chinese(runner: CliRunner, tiny_model_dir: Path) -> None:
    honesty = tiny_model_dir / "competencies" / "honesty.yaml"
    edit(honesty, "name: {en: Honesty}", "name: {en: yes}")
    first = tiny_model_dir / "stages" / "first.yaml"
    edit(first, "  honesty:", "\thonesty:")
    selling = tiny_model_dir / "competencies" / "selling.yaml"
    edit(selling, "id: selling\n", "id: selling\nid: selling\n")
    english, chinese = both(runner, "--model", str(tiny_model_dir), "stages")
    assert "expected text, got bool True (YAML reads yes/no/on/off" in english
    assert (
        f"{honesty}:3 [name.en]: 应为文本，实际是 bool True"
        "（YAML 会把 yes/no/on/off 读成 true/false：请给文本加上引号）"
    ) in chinese
    assert f"{first}:4: YAML 格式错误：" in chinese
    assert "（YAML 缩进只能用空格，不能用制表符）" in chinese
    assert f"{selling}:3 [id]: 键“id”重复（第 2 行已出现过）；每个键只能写一次" in chinese


def test_schema_rules_in_chinese(runner: CliRunner, tiny_model_dir: Path) -> None:
    head = tiny_model_dir / "model.yaml"
    edit(head, "competencies: [honesty, selling]", "competencies: [honesty, selling, selling]")
    edit(head, "- {id: met, max_gap: 0,", "- {id: met,")
    english, chinese = both(runner, "--model", str(tiny_model_dir), "stages")
    assert "duplicate competency id 'selling'" in english
    assert "重复的能力 id：'selling'" in chinese
    # pydantic stops at the first model-level rule; fix it to see the next
    edit(head, "[honesty, selling, selling]", "[honesty, selling]")
    english, chinese = both(runner, "--model", str(tiny_model_dir), "stages")
    assert "status band 'met' needs a max_gap (only the last has none)" in english
    assert "状态档“met”需要设置 max_gap（只有最后一档不设）" in chinese


def test_cross_file_checks_in_chinese(runner: CliRunner, tiny_model_dir: Path) -> None:
    first = tiny_model_dir / "stages" / "first.yaml"
    edit(first, "selling: {target: 3, weight: 2}", "selling: {target: 9, weight: 2}")
    (tiny_model_dir / "competencies" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
    english, chinese = both(runner, "--model", str(tiny_model_dir), "stages")
    assert "target 9 is outside the scale 1..3" in english
    assert f"{first}:5 [targets.selling.target]: 目标值 9 超出了量表范围 1..3" in chinese
    assert "该文件未列在 model.yaml 的 competencies 中；请在那里添加，或删除此文件" in chinese


# -- the history store --------------------------------------------------------------------------


def test_newer_store_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    Store.open_default().close()
    path = Store.default_path()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    english, chinese = both(runner, "history", "list")
    assert "was written by a newer kamcli (schema v99" in english
    assert f"历史记录库 {path} 由更新版本的 kamcli 写入" in chinese
    assert "（数据结构 v99，当前版本最高只支持 v1）；请升级 kamcli 后再使用。" in chinese
    code, _ = run(runner, "zh", "history", "list")
    assert code == ExitCode.STORE


def test_corrupt_store_in_chinese(runner: CliRunner) -> None:
    path = Store.default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database " * 500)
    english, chinese = both(runner, "history", "list")
    assert "is not a readable kamcli history store" in english
    assert f"{path} 不是可读取的 kamcli 历史记录库（不是 SQLite 文件，或已损坏）" in chinese
    assert "KAM_HOME" in chinese


def test_missing_assessment_in_chinese(runner: CliRunner) -> None:
    english, chinese = both(runner, "history", "show", "99")
    path = Store.default_path()
    assert f"No assessment with id 99 in {path}." in english
    assert f"{path} 中没有编号为 99 的评估。" in chinese
    assert run(runner, "zh", "history", "show", "99")[0] == ExitCode.NOT_FOUND


# -- scoring: stored results and 360 ratings ----------------------------------------------------


def _stored_assessment(runner: CliRunner, tmp_path: Path) -> int:
    model = load_model()
    answers = tmp_path / "answers.yaml"
    body = {"stage": "mid", "name": "Li Wei", "answers": dict.fromkeys(model.item_ids(), 3)}
    answers.write_text(yaml.safe_dump(body), encoding="utf-8")
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--format", "json"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Saved as assessment #(\d+)", result.stderr)
    assert match, result.stderr
    return int(match.group(1))


def _damage(assessment_id: int, change: dict[str, object]) -> None:
    raw = sqlite3.connect(Store.default_path())
    (text,) = raw.execute(
        "SELECT result_json FROM assessments WHERE id = ?", (assessment_id,)
    ).fetchone()
    raw.execute(
        "UPDATE assessments SET result_json = ? WHERE id = ?",
        (json.dumps({**json.loads(text), **change}), assessment_id),
    )
    raw.commit()
    raw.close()


def test_damaged_stored_result(runner: CliRunner, tmp_path: Path) -> None:
    assessment_id = _stored_assessment(runner, tmp_path)
    _damage(assessment_id, {"fit": "high"})
    english, chinese = both(runner, "report", str(assessment_id), "-f", "md")
    assert "assessment result: 'fit' must be a number, got 'high'" in english
    assert run(runner, "zh", "report", str(assessment_id))[0] == ExitCode.INPUT
    assert "评估结果：字段“fit”应为数字，实际是 'high'" in chinese


def test_damaged_result_reason_from_the_catalogue() -> None:
    with pytest.raises(ResultDataError) as caught:
        AssessmentResult.from_dict({"model_id": 7})
    reason = caught.value.args[0]
    assert isinstance(reason, Msg)
    assert str(caught.value) == "assessment result: missing key 'answers'"
    assert reason.in_lang("zh") == "评估结果：缺少字段“answers”"


def test_bad_ratings_listed_in_chinese() -> None:
    model = load_model()
    first, second = (c.id for c in model.competencies[:2])
    ratings = [Rating("boss", {first: 3.0}), Rating("peer", {second: 9.0, "nope": 1.0})]
    with pytest.raises(ValueError) as caught:
        build_subject_report(model, "Zhang", "mid", ratings)
    reason = caught.value.args[0]
    assert isinstance(reason, Msg)
    assert str(caught.value) == (
        "3 invalid ratings: rating 1: unknown rater role 'boss': use one of self, manager, "
        f"peer, customer, other; rating 2, '{second}': score 9.0 is off the scale 1..5; "
        f"rating 2, 'nope': not a competency of model '{model.id}'"
    )
    assert reason.in_lang("zh") == (
        "评分中有 3 处问题：第 1 份评分：未知的评估人角色 'boss'：只能是 self, manager, peer, "
        f"customer, other 之一；第 2 份评分的“{second}”：分数 9.0 超出了量表范围 1..5；"
        f"第 2 份评分的“nope”：不是模型“{model.id}”中的能力"
    )


def test_360_with_a_damaged_rating(runner: CliRunner, tmp_path: Path) -> None:
    assessment_id = _stored_assessment(runner, tmp_path)
    raw = sqlite3.connect(Store.default_path())
    raw.execute("UPDATE assessments SET subject = 'Zhang' WHERE id = ?", (assessment_id,))
    raw.commit()
    raw.close()
    model = load_model()
    result = json.loads(
        sqlite3.connect(Store.default_path())
        .execute("SELECT result_json FROM assessments WHERE id = ?", (assessment_id,))
        .fetchone()[0]
    )
    result["subject"] = "Zhang"
    result["competencies"][0]["score"] = 9.0
    _damage(assessment_id, result)
    english, chinese = both(runner, "report", "--subject", "Zhang", "-f", "md")
    first = model.competencies[0].id
    assert f"rating 1, '{first}': score 9.0 is off the scale 1..5" in english
    assert f"第 1 份评分的“{first}”：分数 9.0 超出了量表范围 1..5" in chinese


def test_360_report_over_a_damaged_stored_result_names_the_assessment(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A subject's stored result that no longer reads back is a clear error (exit 4), not an
    internal error: `kam report --subject` reads every stored rating of that person."""
    assessment_id = _stored_assessment(runner, tmp_path)
    raw = sqlite3.connect(Store.default_path())
    raw.execute("UPDATE assessments SET subject = 'Zhang' WHERE id = ?", (assessment_id,))
    raw.commit()
    raw.close()
    _damage(assessment_id, {"fit": "high"})
    english, chinese = both(runner, "report", "--subject", "Zhang", "-f", "md")
    assert f"Assessment #{assessment_id} in history is damaged" in english
    assert "'fit' must be a number, got 'high'" in english
    assert "评估结果：字段“fit”应为数字，实际是 'high'" in chinese
    assert "Traceback" not in english + chinese
    assert run(runner, "en", "report", "--subject", "Zhang")[0] == ExitCode.INPUT


# -- catalogue keys chosen at run time ---------------------------------------------------------


def test_keys_passed_as_values_exist_in_both_languages() -> None:
    """Keys the guard test's scan cannot see (passed to a helper, looked up on failure)."""
    sources = [ROOT / "kamcli" / "model" / "schema.py", ROOT / "kamcli" / "scoring" / "result.py"]
    keys = {
        key
        for path in sources
        for key in re.findall(r'"(errors_(?:model|scoring)\.what_\w+)"', path.read_text("utf-8"))
    }
    assert len(keys) >= 10
    for lang in ("en", "zh"):
        assert keys <= set(catalogue(lang)), keys - set(catalogue(lang))
