"""Errors, hints and notes of the cli, batch and render areas in the run's language.

Each test runs the real CLI on bad (or good) input with `--lang zh` and checks the Chinese
text and the exit code, and that English runs keep their exact text.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from tests.test_batch import HEADER, row, write_csv

HAND_MADE = Path(__file__).parent / "data" / "hand_made_answers.yaml"


def kam(runner: CliRunner, *args: str | Path, lang: str = "zh") -> Result:
    return runner.invoke(app, ["--lang", lang, *map(str, args)])


def error_of(result: Result) -> str:
    assert "Traceback" not in result.stderr
    assert "kam: error: " in result.stderr, result.stderr
    return result.stderr


# --- errors, one or more per module ------------------------------------------------------------


def test_assess_unknown_stage_and_resume_without_flag(runner: CliRunner) -> None:
    chinese = kam(runner, "assess", "--stage", "nope", "--answers", HAND_MADE)
    english = kam(runner, "assess", "--stage", "nope", "--answers", HAND_MADE, lang="en")
    assert chinese.exit_code == english.exit_code == ExitCode.USAGE
    assert "未知阶段 'nope'；模型中的阶段有：early, mid" in error_of(chinese)
    assert "Unknown stage 'nope'; the model's stages are early, mid" in english.stderr
    resume = kam(runner, "assess", "12")
    assert resume.exit_code == ExitCode.USAGE
    assert "要继续草稿 #12，请运行：kam assess --resume 12" in error_of(resume)


def test_report_usage_errors(runner: CliRunner) -> None:
    binary = kam(runner, "report", "latest", "--format", "pdf")
    assert binary.exit_code == ExitCode.USAGE
    assert "--format pdf 生成的是二进制文件：请加上 -o FILE.pdf" in error_of(binary)
    both = kam(runner, "report", "latest", "--answers", HAND_MADE)
    assert both.exit_code == ExitCode.USAGE
    assert "请在以下几项中只指定一项" in error_of(both)
    not_an_id = kam(runner, "report", "abc")
    assert not_an_id.exit_code == ExitCode.USAGE
    assert "'abc' 不是评估编号" in error_of(not_an_id)


def test_nothing_in_history(runner: CliRunner) -> None:
    latest = kam(runner, "report", "latest")
    english = kam(runner, "report", "latest", lang="en")
    assert latest.exit_code == english.exit_code == ExitCode.NOT_FOUND
    assert "中还没有已完成的评估（请先运行 kam assess，或指定 --answers FILE）。" in error_of(
        latest
    )
    assert "There is no completed assessment in " in english.stderr
    subject = kam(runner, "report", "--subject", "Li Lei")
    assert subject.exit_code == ExitCode.NOT_FOUND
    assert "历史记录中没有对 'Li Lei' 的已完成评估" in error_of(subject)


def test_history_delete_without_a_terminal(runner: CliRunner) -> None:
    result = kam(runner, "history", "delete", "1")
    assert result.exit_code == ExitCode.USAGE
    assert "kam history delete 需要您确认，但标准输入不是终端" in error_of(result)
    assert "--yes" in result.stderr


def test_history_export_to_a_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = kam(runner, "history", "export", "-o", tmp_path)
    assert result.exit_code == ExitCode.OUTPUT
    assert f"{tmp_path} 是一个目录；请指定要导出到的文件名。" in error_of(result)


def test_template_and_model_init_errors(runner: CliRunner, tmp_path: Path) -> None:
    xlsx = kam(runner, "template", "responses", "--format", "xlsx")
    assert xlsx.exit_code == ExitCode.USAGE
    assert "--format xlsx 生成的是二进制文件：请加上 -o FILE.xlsx" in error_of(xlsx)
    diagnostic = kam(runner, "template", "responses", "--diagnostic", "--rater", "peer")
    assert diagnostic.exit_code == ExitCode.USAGE
    assert "阶段诊断由客户经理本人作答" in error_of(diagnostic)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("x", encoding="utf-8")
    init = kam(runner, "model", "init", tmp_path / "taken")
    assert init.exit_code == ExitCode.OUTPUT
    assert "已存在且不为空；kam model init 不会覆盖已有内容" in error_of(init)


def test_batch_header_and_option_errors(runner: CliRunner, tmp_path: Path) -> None:
    twice = write_csv(tmp_path / "twice.csv", [[*row("A"), "x"]], header=[*HEADER, "name"])
    result = kam(runner, "batch", twice)  # a file that cannot be read: the run goes on
    english = kam(runner, "batch", twice, lang="en")
    assert result.exit_code == english.exit_code == ExitCode.NOTHING_READ
    assert f"{twice}：表头中的列 'name' 出现了不止一次" in result.stderr
    assert "column 'name' appears more than once in the header" in english.stderr
    assert "已计分 0 行，拒绝 0 行，1 个文件未能读取" in error_of(result)
    assert "0 scored, 0 rejected, 1 file not read" in error_of(english)
    no_id = write_csv(tmp_path / "no_id.csv", [row("A")[1:]], header=HEADER[1:])
    result = kam(runner, "batch", no_id)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "表头中没有 respondent_id 列" in result.stderr
    good = write_csv(tmp_path / "good.csv", [row("A")])
    summary = kam(runner, "batch", good, "--summary", "--summary-out", tmp_path / "s.txt")
    assert summary.exit_code == ExitCode.USAGE
    assert "文件名必须以 .html, .md, .markdown, .json 之一结尾" in error_of(summary)


def test_batch_output_errors(runner: CliRunner, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [row("A")])
    missing = tmp_path / "nowhere" / "out.csv"
    result = kam(runner, "batch", good, "-o", missing)
    assert result.exit_code == ExitCode.OUTPUT
    assert f"无法写入 {missing}：目录 {missing.parent} 不存在。" in error_of(result)
    a_file = tmp_path / "reports"
    a_file.write_text("", encoding="utf-8")
    result = kam(runner, "batch", good, "--report-dir", a_file)
    assert result.exit_code == ExitCode.OUTPUT
    assert f"无法将报告写入 {a_file}：这是一个文件，不是文件夹。" in error_of(result)


def test_batch_strict_stop_names_the_counts_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A"), row("B", stage="nope"), row("C")])
    result = kam(runner, "batch", source, "--strict", "-o", tmp_path / "out.csv")
    english = kam(runner, "batch", source, "--strict", "-o", tmp_path / "out.csv", lang="en")
    assert result.exit_code == english.exit_code == ExitCode.ROWS_REJECTED
    expected = "遇到第一个问题即已停止（--strict）：已计分 1 行，拒绝 1 行"
    assert error_of(result).splitlines()[-1] == f"kam: error: {expected}"
    assert english.stderr.splitlines()[-1] == (
        "kam: error: stopped at the first problem (--strict): 1 scored, 1 rejected"
    )


def test_stats_option_errors(runner: CliRunner, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [row("A"), row("B")])
    result = kam(runner, "stats", good, "--longstring", "1")
    assert result.exit_code == ExitCode.USAGE
    assert "--longstring 必须不小于 2" in error_of(result)
    result = kam(runner, "stats", good, "--irv-min", "-1")
    assert result.exit_code == ExitCode.USAGE
    assert "--irv-min 必须是不小于 0 的数" in error_of(result)


def test_a_missing_font_is_named_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    out = tmp_path / "r.pdf"
    args = ["report", "--answers", HAND_MADE, "--allow-missing", "-f", "pdf", "-o", out]
    font = tmp_path / "nofont.ttf"
    result = kam(runner, *args, "--font", font)
    english = kam(runner, *args, "--font", font, lang="en")
    assert result.exit_code == english.exit_code == ExitCode.MISSING_FEATURE
    assert f"找不到字体文件：{font}（由 --font 或 KAM_FONT 指定）" in error_of(result)
    assert f"Font file not found: {font} (given with --font or KAM_FONT)" in english.stderr
    not_a_font = tmp_path / "font.txt"
    not_a_font.write_text("x", encoding="utf-8")
    result = kam(runner, *args, "--font", not_a_font)
    assert result.exit_code == ExitCode.MISSING_FEATURE
    assert "需要 .ttf、.otf 或 .ttc 文件" in error_of(result)
    assert not out.exists()


def test_a_wrapped_message_is_shown_in_the_outer_language() -> None:
    """A Msg inside a Msg (the disk-full reason of a report folder) follows the run's language."""
    from kamcli.batch.reports import _why
    from kamcli.cli.faults import os_error_as_kam_error
    from kamcli.errors import OutputError, msg

    error = OutputError(
        msg("errors_cli.cannot_write", path="r/a.html", reason=_why(OSError(errno.ENOSPC, "x")))
    )
    assert error.message == "Cannot write r/a.html: disk full."
    assert error.render("zh") == "无法写入 r/a.html：磁盘已满。"
    mapped = os_error_as_kam_error(OSError(errno.EROFS, "read-only", "out.csv"))
    assert mapped is not None
    assert mapped.message == "Cannot write out.csv: the file system is read-only."
    assert mapped.render("zh") == "无法写入 out.csv：文件系统为只读。"


# --- hints and notes follow --lang -------------------------------------------------------------


def test_batch_notes_and_summary_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "team.csv",
        [[*row("A"), "1"], [*row("B", stage="nope"), "2"]],
        header=[*HEADER, "nosuch"],
    )
    out = tmp_path / "out.csv"
    result = kam(runner, "batch", source, "-o", out)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}：未知列 nosuch（不是本模型的题目编号）；其他列照常计分" in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1] == "已计分 1 行，拒绝 1 行"
    assert f"已将 1 行写入 {out}。" in result.stderr
    english = kam(runner, "batch", source, "-o", out, lang="en")
    assert english.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}: unknown column nosuch (not item ids of this model)" in english.stderr
    assert [line for line in english.stderr.splitlines() if line.strip()][-1] == (
        "1 scored, 1 rejected"
    )
    assert f"Wrote 1 rows to {out}." in english.stderr


def test_batch_without_lang_under_a_c_locale_is_english(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "C")
    source = write_csv(tmp_path / "team.csv", [row("A"), row("B", stage="nope")])
    result = runner.invoke(app, ["batch", str(source)])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert result.stderr.splitlines()[-1] == "1 scored, 1 rejected"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # a Chinese locale without --lang: Chinese
    result = runner.invoke(app, ["batch", str(source)])
    assert result.stderr.splitlines()[-1] == "已计分 1 行，拒绝 1 行"


def test_assess_answers_saved_as_and_next_steps_in_chinese(runner: CliRunner) -> None:
    result = kam(runner, "assess", "--answers", HAND_MADE, "--allow-missing")
    assert result.exit_code == 0
    assert "已保存为评估 #1。" in result.stderr
    assert "下一步" in result.stderr and "kam report 1 --format html" in result.stderr
    english = kam(runner, "assess", "--answers", HAND_MADE, "--allow-missing", lang="en")
    assert english.exit_code == 0
    assert "Saved as assessment #2." in english.stderr and "Next steps:" in english.stderr
    assert "下一步" not in english.stderr


def test_cli_hints_follow_lang(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    result = kam(runner, "template", "answers", "-o", answers)
    assert result.exit_code == 0
    assert result.stderr == f"已写入 {answers}。填好后运行：kam assess --answers {answers}\n"
    again = tmp_path / "again.yaml"
    english = kam(runner, "template", "answers", "-o", again, lang="en")
    assert english.stderr == f"Wrote {again}. Fill it in, then: kam assess --answers {again}\n"
    after = runner.invoke(
        app, ["template", "answers", "-o", str(tmp_path / "b.yaml"), "--lang", "zh"]
    )
    assert after.stderr.startswith("已写入 ")  # --lang after the subcommand counts too


def test_history_delete_and_export_notes_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    assert kam(runner, "assess", "--answers", HAND_MADE, "--allow-missing").exit_code == 0
    out = tmp_path / "all.jsonl"
    exported = kam(runner, "history", "export", "-o", out)
    assert exported.exit_code == 0
    assert exported.stderr == f"已将 1 份评估导出到 {out}。\n"
    deleted = kam(runner, "history", "delete", "1", "--yes")
    assert deleted.exit_code == 0
    assert "已删除评估 #1。" in deleted.stderr
