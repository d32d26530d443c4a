"""Why a `kam batch` / `kam stats` row is rejected, in the run's language.

Each kind of reason (kamcli/batch/rows.py, raters.py, row_outcomes.py) is produced by a real
row and checked in Chinese on the terminal and in the --rejects file; an English run keeps
today's exact text, byte for byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from tests.test_batch import HEADER, ITEMS, row, write_csv
from tests.test_batch_raters import self_only_model, write_rows

FIRST, SECOND = ITEMS[0], ITEMS[1]
HINT_EN = "expected a whole number from 1 to 5, or empty to skip"
HINT_ZH = "应填写 1 到 5 之间的整数，留空表示跳过"
STAGES = "early, mid, partnership, collaborative"


def with_answers(rid: str, answers: dict[int, str], stage: str = "mid") -> list[str]:
    """A full row with some answer cells replaced (by item position)."""
    cells = row(rid, stage=stage, seed=7)
    for position, value in answers.items():
        cells[4 + position] = value
    return cells


def bad_rows() -> list[list[str]]:
    """One row per kind of reason, in file order (rows 2..)."""
    thin = ["R-cov", "Ann", "Acme", "mid", "3", *[""] * (len(ITEMS) - 1)]
    return [
        row("R-ok", seed=1),  # 2: scored
        row("R-short")[:7],  # 3: too few cells
        ["", *row("x")[1:]],  # 4: no respondent_id
        row("R-stage", stage="late"),  # 5: unknown stage
        row("R-nostage", stage=""),  # 6: no stage
        with_answers("R-nan", {0: "x"}),  # 7: not a number
        with_answers("R-off", {1: "9"}),  # 8: outside the scale
        with_answers("R-half", {0: "2.5"}),  # 9: not a whole number
        thin,  # 10: too little coverage
        with_answers("R-four", {0: "a", 1: "b", 2: "c", 3: "0"}),  # 11: 4 problems
        with_answers("R-five", {0: "a", 1: "b", 2: "c", 3: "d", 4: "6"}),  # 12: 5 problems
        row("R-ok", seed=2),  # 13: duplicate id
    ]


def run(runner: CliRunner, tmp_path: Path, lang: str) -> tuple[Result, list[dict[str, str]]]:
    source = write_csv(tmp_path / "in.csv", bad_rows())
    rejects = tmp_path / f"rejects-{lang}.csv"
    args = ["--lang", lang, "batch", str(source), "-o", str(tmp_path / "out.csv")]
    result = runner.invoke(app, [*args, "--rejects", str(rejects)])
    assert "Traceback" not in result.stderr
    assert result.exit_code == ExitCode.ROWS_REJECTED
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        return result, list(csv.DictReader(handle))


def reasons(rejected: list[dict[str, str]]) -> dict[str, str]:
    return {r["row_number"]: r["reason"] for r in rejected}


ENGLISH = {
    "3": f"row has 7 cells, header has {len(HEADER)}",
    "4": "no respondent_id",
    "5": "unknown stage 'late' (stages: early, mid, partnership, collaborative; or pass --stage)",
    "6": "no stage: fill the stage column or pass --stage (early, mid, partnership, collaborative)",
    "7": f"{FIRST}: 'x' is not a number ({HINT_EN})",
    "8": f"{SECOND}: 9 is outside the scale 1..5",
    "9": f"{FIRST}: 2.5 is not a whole number ({HINT_EN})",
    "10": "too little coverage: 1 of 76 items answered (at least 50% needed)",
    "13": "duplicate respondent_id: an earlier row with this id was scored",
}

CHINESE = {
    "3": f"该行有 7 个单元格，表头有 {len(HEADER)} 列",
    "4": "缺少 respondent_id",
    "5": f"未知阶段 'late'（现有阶段：{STAGES}；也可使用 --stage 指定）",
    "6": f"缺少阶段：请填写 stage 列，或使用 --stage 指定（{STAGES}）",
    "7": f"{FIRST}：'x' 不是数字（{HINT_ZH}）",
    "8": f"{SECOND}：9 超出量表范围 1..5",
    "9": f"{FIRST}：2.5 不是整数（{HINT_ZH}）",
    "10": "作答题目过少：76 题中只答了 1 题（至少需要 50%）",
    "13": "respondent_id 重复：已有一行使用该编号并已计分",
}


def four_problems(lang: str) -> list[str]:
    if lang == "zh":
        return [f"{ITEMS[i]}：{v!r} 不是数字（{HINT_ZH}）" for i, v in enumerate("abc")]
    return [f"{ITEMS[i]}: {v!r} is not a number ({HINT_EN})" for i, v in enumerate("abc")]


def test_every_kind_of_reason_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    result, rejected = run(runner, tmp_path, "zh")
    written = reasons(rejected)
    for number, reason in CHINESE.items():
        assert written[number] == reason
        assert f"in.csv:{number}: {reason}" in result.stderr
    shown = "；".join(four_problems("zh"))
    fourth, fifth = f"{ITEMS[3]}：0 超出量表范围 1..5", f"{ITEMS[4]}：6 超出量表范围 1..5"
    # the terminal: the first three problems and how many more; the file: every problem
    assert f"in.csv:11: {shown}；另有 1 个问题（respondent_id R-four）" in result.stderr
    assert f"in.csv:12: {shown}；另有 2 个问题（respondent_id R-five）" in result.stderr
    assert written["11"] == f"{shown}；{fourth}"
    d_is_no_number = f"{ITEMS[3]}：'d' 不是数字（{HINT_ZH}）"
    assert written["12"] == f"{shown}；{d_is_no_number}；{fifth}"
    assert "is not a number" not in result.stderr + str(written)


def test_english_reasons_are_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    result, rejected = run(runner, tmp_path, "en")
    written = reasons(rejected)
    for number, reason in ENGLISH.items():
        assert written[number] == reason
        assert f"in.csv:{number}: {reason}" in result.stderr
    shown = "; ".join(four_problems("en"))
    assert f"in.csv:11: {shown}; and 1 more problem (respondent_id R-four)" in result.stderr
    assert f"in.csv:12: {shown}; and 2 more problems (respondent_id R-five)" in result.stderr
    assert written["11"] == f"{shown}; {ITEMS[3]}: 0 is outside the scale 1..5"
    assert written["12"] == (
        f"{shown}; {ITEMS[3]}: 'd' is not a number ({HINT_EN}); "
        f"{ITEMS[4]}: 6 is outside the scale 1..5"
    )


@pytest.mark.parametrize(
    ("lang", "unknown", "not_rated"),
    [
        (
            "zh",
            "未知的评估人角色 'boss'：只能是 self, manager, peer, customer, other 之一",
            "题目 honesty_1 不由上级（manager）评分，请留空",
        ),
        (
            "en",
            "unknown rater role 'boss': use one of self, manager, peer, customer, other",
            "item honesty_1 is not rated by managers; leave it empty",
        ),
    ],
)
def test_rater_reasons(
    runner: CliRunner, tmp_path: Path, lang: str, unknown: str, not_rated: str
) -> None:
    folder, model = self_only_model(tmp_path)
    header = ["respondent_id", "name", "stage", "subject", "rater", *model.item_ids()]
    rows = [
        ["A", "Ann", "first", "Ann", "boss", "3", "1", "2"],
        ["B", "Bo", "first", "Ann", "manager", "3", "1", "2"],  # answers the self-only item
        ["C", "Cy", "first", "Ann", "manager", "", "2", "3"],
    ]
    source = write_rows(tmp_path / "t.csv", rows, header)
    rejects = tmp_path / "rejects.csv"
    args = ["--lang", lang, "--model", str(folder), "batch", str(source), "--format", "jsonl"]
    result = runner.invoke(app, [*args, "--rejects", str(rejects)])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"t.csv:2: {unknown}" in result.stderr
    assert f"t.csv:3: {not_rated}" in result.stderr
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["reason"] for r in csv.DictReader(handle)] == [unknown, not_rated]


def test_stats_rejects_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    """kam stats takes rows through the same checks: its reject lines are Chinese too."""
    rows = [row(f"S{n}", seed=n) for n in range(40)]
    rows.append(with_answers("S-bad", {0: "x"}))
    source = write_csv(tmp_path / "in.csv", rows)
    result = runner.invoke(app, ["--lang", "zh", "stats", str(source)])
    assert "Traceback" not in result.stderr
    assert f"in.csv:42: {FIRST}：'x' 不是数字（{HINT_ZH}）（respondent_id S-bad）" in result.stderr


def test_rows_not_read_for_bad_bytes_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "team.csv", [row(f"R{i}", seed=i) for i in range(6)])
    lines = source.read_bytes().split(b"\r\n")
    lines[4] = lines[4].replace(b"Ann", b"A\xffn", 1)  # row R3, on line 5
    source.write_bytes(b"\r\n".join(lines))
    rejects = tmp_path / "rejects.csv"
    args = ["--lang", "zh", "batch", str(source), "-o", str(tmp_path / "out.csv")]
    result = runner.invoke(app, [*args, "--rejects", str(rejects)])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["row_number"] for r in rejected] == ["5", "6", "7"]
    why = f"{source}：第 5 行：内容不是有效的 gb18030 编码；请将文件另存为 UTF-8（或 GB18030）CSV"
    assert {r["reason"] for r in rejected} == {f"未读取：第 5 行出现无效字节（{why}）"}
