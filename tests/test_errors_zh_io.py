"""Errors of kamcli/io (answers files, batch readers, xlsx, paths, survey imports) in Chinese:
`kam --lang zh …` on bad input says what is wrong in Chinese, with the same exit code as in
English and no traceback; the English text stays what it was."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import survey_fixtures as fx
from test_hostile import workbook
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import InputError, Problem, in_lang, msg
from kamcli.io.messages import joined, some_ids
from kamcli.model import load_model

MODEL = load_model(None)
ITEMS = MODEL.item_ids()
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def both(runner: CliRunner, *args: object) -> tuple[int, str, str]:
    """The run in English and in Chinese: (exit code, English stderr, Chinese stderr)."""
    words = [str(a) for a in args]
    english = runner.invoke(app, ["--lang", "en", *words])
    chinese = runner.invoke(app, ["--lang", "zh", *words])
    assert english.exit_code == chinese.exit_code, (english.stderr, chinese.stderr)
    for result in (english, chinese):
        assert "Traceback" not in result.stderr, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
    return english.exit_code, english.stderr, chinese.stderr


def answers_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def plain_csv(path: Path, rows: list[list[object]]) -> Path:
    header = ["respondent_id", "name", "account", "stage", *ITEMS]
    lines = [",".join(header), *(",".join(str(c) for c in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_row(rid: str) -> list[object]:
    return [rid, "Ann", "Acme", "mid", *([3] * len(ITEMS))]


def sheet_xml(rows: list[list[str]], extra: str = "") -> bytes:
    body = "".join(
        f'<row r="{n}">'
        + "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)
        + "</row>"
        for n, cells in enumerate(rows, 1)
    )
    return f'<worksheet xmlns="{NS}"><sheetData>{body}{extra}</sheetData></worksheet>'.encode()


# --- answers files (kamcli/io/answers.py, paths.py) -------------------------------------------


def test_a_missing_answers_file_is_named_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    missing = tmp_path / "missing.yaml"
    code, english, chinese = both(runner, "assess", "--answers", missing)
    assert code == 5
    assert f"Answers file {missing} does not exist." in english
    assert f"答案文件 {missing} 不存在。" in chinese


def test_an_answers_directory_says_why_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    code, english, chinese = both(runner, "assess", "--answers", tmp_path)
    assert code == 4
    assert f"Answers file {tmp_path} is a directory." in english
    assert f"答案文件 {tmp_path} 是一个目录，不是文件。" in chinese


def test_every_problem_of_an_answers_file_is_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    first, second, third = ITEMS[:3]
    source = answers_file(
        tmp_path / "a.yaml",
        f"stage: nowhere\nanswers:\n  {first}: 3\n  {first}: 4\n  {second}: 9\n"
        f"  {third}: often\n  no_such_item: 2\ncolour: blue\n",
    )
    code, english, chinese = both(runner, "assess", "--answers", source)
    assert code == 4
    assert "the answers cannot be used (7 problems):" in english
    assert f"{source}：答案无法使用（7 处问题）：" in chinese
    assert f"{source} [stage]: 未知的阶段 'nowhere'（可用阶段：early, mid, partnership" in chinese
    assert f"{source}:4 [{first}]: 重复作答" in chinese
    assert f"{source}:5 [{second}]: 9 超出了量表范围 1..5" in chinese
    assert f"[{third}]: 应为 1 到 5 之间的整数（留空表示跳过），实际是 str 'often'" in chinese
    assert (
        f"{source}:7 [no_such_item]: 未知的题目 id（kam template answers 会列出所有 id）" in chinese
    )
    assert "[colour]: 未知的键 'colour'（可用的键：name, account, stage" in chinese
    left = len(ITEMS) - 3  # the first is answered, the next two are wrong
    assert f"有 {left} 道题没有作答：{', '.join(ITEMS[3:11])}，另有 {left - 8} 项。" in chinese
    assert (
        f"{left} item(s) have no answer: {', '.join(ITEMS[3:11])} and {left - 8} more." in english
    )


def test_invalid_json_answers_are_reported_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    source = answers_file(tmp_path / "a.json", '{"stage": "mid", "answers": {')
    code, english, chinese = both(runner, "assess", "--answers", source)
    assert code == 4
    assert f"{source}:1: invalid JSON: Expecting property name" in english
    assert f"{source}:1: JSON 格式错误：Expecting property name" in chinese  # json's own words


def test_a_binary_answers_file_is_refused_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "a.yaml"
    source.write_bytes(b"stage: mid\x00\x01\x02")
    code, _english, chinese = both(runner, "assess", "--answers", source)
    assert code == 4
    assert f"{source}：这是二进制文件，不是 YAML、JSON 或 CSV 文本。" in chinese


def test_an_answers_csv_with_two_rows_is_refused_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    source = plain_csv(tmp_path / "a.csv", [good_row("r1"), good_row("r2")])
    code, english, chinese = both(runner, "assess", "--answers", source)
    assert code == 4
    assert "found 2 answer rows (use kam batch for many)" in english
    assert "应为一行表头加恰好一行答案，实际有 2 行答案（多人请用 kam batch）" in chinese


# --- kam batch inputs (batch_read.py, decoding.py, jsonl_rows.py, paths.py) -------------------


def test_a_missing_batch_input_and_stdin_twice_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    missing = tmp_path / "nope.csv"
    code, english, chinese = both(runner, "batch", missing)
    assert code == 5
    assert f"Input file {missing} does not exist." in english
    assert f"输入文件 {missing} 不存在。" in chinese
    code, english, chinese = both(runner, "batch", "-", "-")
    assert code == 4
    assert "stdin ('-') can be read only once." in english
    assert "标准输入（'-'）只能读取一次。" in chinese


def test_an_old_xls_and_a_binary_csv_are_not_read_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not read")
    code, english, chinese = both(runner, "batch", old)
    assert code == 11
    assert f"{old}: the old .xls format is not read; save it as .xlsx or CSV." in english
    assert f"{old}：不支持旧的 .xls 格式；请另存为 .xlsx 或 CSV。" in chinese
    binary = tmp_path / "data.csv"
    binary.write_bytes(bytes(range(32)) * 64)
    code, _english, chinese = both(runner, "batch", binary)
    assert code == 11
    assert f"{binary}：这是二进制文件，不是 CSV 或 JSON Lines 文本" in chinese


def test_jsonl_rows_are_rejected_with_chinese_reasons(tmp_path: Path, runner: CliRunner) -> None:
    good = {"respondent_id": "r1", "stage": "mid", "answers": dict.fromkeys(ITEMS, 3)}
    source = tmp_path / "rows.jsonl"
    source.write_text(
        json.dumps(good)
        + '\n{"respondent_id": "r2", "stage": "mid", "stage": "early"}\n[1, 2]\n{"stage": \n'
        + '{"respondent_id": "r3", "answers": 5, "diagnostic": 7}\n',
        encoding="utf-8",
    )
    code, english, chinese = both(runner, "batch", source, "-o", tmp_path / "out.csv")
    assert code == 10
    assert f"{source}:2: key 'stage' is given twice in this line" in english
    assert f"{source}:2: 本行中键 'stage' 出现了两次" in chinese
    assert f"{source}:3: 每行应为一个 JSON 对象 {{…}}" in chinese
    assert f"{source}:4: JSON 格式错误：Expecting value（第 1 列）" in chinese
    assert '"answers" must be an object {"id": value, …}; "diagnostic" must be' in english
    assert (
        f'{source}:5: "answers" 必须是对象，形如 {{"id": value, …}}；'
        '"diagnostic" 必须是对象，形如 {"id": value, …}' in chinese
    )


def test_output_over_its_input_is_refused_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    source = plain_csv(tmp_path / "in.csv", [good_row("r1")])
    kept = source.read_bytes()
    code, english, chinese = both(runner, "batch", source, "-o", source)
    assert code == 7
    assert f"-o {source} is the input file {source}: writing there would destroy it." in english
    assert f"-o {source} 就是输入文件 {source}：写入会毁掉它。" in chinese
    assert source.read_bytes() == kept


def test_a_template_never_replaces_a_file_and_names_a_missing_folder_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    existing = answers_file(tmp_path / "mine.yaml", "stage: mid\n")
    code, _english, chinese = both(runner, "template", "answers", "-o", existing)
    assert code == 7
    assert f"{existing} 已存在（其中可能已有填好的答案）；未写入任何内容。" in chinese
    assert existing.read_text(encoding="utf-8") == "stage: mid\n"
    nowhere = tmp_path / "no" / "such" / "answers.yaml"
    code, english, chinese = both(runner, "template", "answers", "-o", nowhere)
    assert code == 7
    assert f"Cannot write {nowhere}: the directory {nowhere.parent} does not exist." in english
    assert f"无法写入 {nowhere}：目录 {nowhere.parent} 不存在。" in chinese


# --- xlsx (xlsx_read.py, xlsx_sheet.py, batch_read.py) -------------------------------------


def test_a_zip_bomb_workbook_is_refused_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    padding = b" " * (40 << 20)  # 40 MiB of spaces: ~40 KiB packed, 1000:1
    sheet = sheet_xml([["respondent_id", "stage"]])
    source = workbook(
        tmp_path / "bomb.xlsx", sheet[: -len(b"</worksheet>")] + padding + sheet[-12:]
    )
    code, english, chinese = both(runner, "batch", source)
    assert code == 11
    assert "this looks like a zip bomb, not a spreadsheet (docs/security.md)." in english
    assert f"{source}：xl/worksheets/sheet1.xml 将从 " in chinese
    assert "这看起来是 zip 炸弹，而不是电子表格（见 docs/security.md）。" in chinese


def test_formula_cells_and_a_cell_past_xfd_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    header = ["respondent_id", "name", "account", "stage", *ITEMS]
    row = ["r1", "Ann", "Acme", "mid", *(["3"] * len(ITEMS))]
    formula = (
        '<row r="3"><c r="A3"><f>1+1</f><v>2</v></c>'
        '<c r="B3" t="inlineStr"><is><t>Bo</t></is></c></row>'
    )
    source = workbook(tmp_path / "f.xlsx", sheet_xml([header, row], extra=formula))
    code, english, chinese = both(runner, "batch", source, "-o", tmp_path / "out.csv")
    assert code == 10
    assert f"{source}:3: cell A3 holds a formula, which kam batch never evaluates" in english
    assert f"{source}:3: 单元格 A3 含有公式，kam batch 从不计算公式；请改为粘贴数值" in chinese
    wide = '<row r="2"><c r="XFE2"><v>1</v></c></row>'
    source = workbook(tmp_path / "wide.xlsx", sheet_xml([header], extra=wide))
    code, _english, chinese = both(runner, "batch", source)
    assert code == 11
    assert f"{source}：第 2 行：单元格 XFE2 超出了 Excel 的最后一列 XFD。" in chinese


def test_a_workbook_without_its_parts_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    code, english, chinese = both(runner, "batch", source)
    assert code == 11
    assert f"{source}: not an .xlsx workbook (xl/workbook.xml is missing)." in english
    assert f"{source}：不是 .xlsx 工作簿（缺少 xl/workbook.xml）。" in chinese


# --- survey imports (survey/adapt.py, columns.py, mapping.py, vocabulary.py) ----------------


def test_an_unfinished_survey_response_is_rejected_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = fx.responses(MODEL, 3)
    rows[1].finished = False
    source = tmp_path / "ls.csv"
    source.write_bytes(fx.limesurvey(MODEL, rows))
    code, english, chinese = both(runner, "batch", source, "-o", tmp_path / "out.csv")
    assert code == 10
    assert "response 2 is unfinished (no submitdate): not scored" in english
    assert "答卷 2 未完成（缺少 submitdate）：不计分" in chinese


def test_another_models_questionnaire_is_refused_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    other = fx.Stamp(MODEL.id, "0.9.0", "0123456789abcdef")
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, fx.responses(MODEL, 2), stamp=other))
    code, english, chinese = both(runner, "batch", source)
    assert code == 11
    assert f"version 0.9.0 (model in use: {MODEL.version}); content hash" in english
    assert (
        f"{source}：这份问卷是从另一个模型导出的：版本为 0.9.0（当前使用的模型：{MODEL.version}）；"
        f"内容哈希为 0123456789abcdef（当前使用的模型：{MODEL.content_hash}）。" in chinese
    )


def test_missing_item_columns_and_an_unmatched_column_in_chinese(
    tmp_path: Path, runner: CliRunner
) -> None:
    header, body = fx.wjx_rows(MODEL, fx.responses(MODEL, 2), labels=False, matrix=False)
    header[10] = header[10][:-2]  # the last characters of the question were cut off
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.xlsx(header, body))
    code, english, chinese = both(runner, "batch", source)
    assert code == 11
    assert f"1 item(s) of model {MODEL.id} {MODEL.version} have no column" in english
    assert f"模型 {MODEL.id} {MODEL.version} 中有 1 道题没有对应的列（{ITEMS[0]}）" in chinese
    assert f"另外，有 1 列与模型 {MODEL.id} 的题目都不完全匹配，不会计分：" in chinese
    assert f"（最接近的题目：{ITEMS[0]} " in chinese


def test_map_file_errors_in_chinese(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, fx.responses(MODEL, 2)))
    missing = tmp_path / "map.yaml"
    code, english, chinese = both(runner, "batch", source, "--map", missing)
    assert code == 5
    assert f"--map {missing}: the file does not exist." in english
    assert f"--map {missing}：文件不存在。" in chinese
    answers_file(missing, 'columns:\n  "Q1": nothing_like_it\n')
    code, _english, chinese = both(runner, "batch", source, "--map", missing)
    assert code == 4
    assert (
        f"{missing}：列 'Q1' 映射到 'nothing_like_it'，它既不是模型 {MODEL.id} 的题目 id" in chinese
    )
    answers_file(missing, "columns: [1, 2]\n")
    code, _english, chinese = both(runner, "batch", source, "--map", missing)
    assert code == 4
    assert f"{missing}：应有一个 `columns:` 映射（列标题 -> 题目 id）。" in chinese


# --- messages made of messages --------------------------------------------------------------


def test_a_message_inside_a_message_is_rendered_in_the_same_language() -> None:
    reason = msg("errors_io.reason_missing")
    outer = msg("errors_io.input_not_found", source="a.csv", reason=reason)
    assert outer == "Input file a.csv does not exist."
    assert in_lang(outer, "zh") == "输入文件 a.csv 不存在。"
    problem = Problem("m.yaml", msg("errors_io.csv_empty"), 3)
    wrapped = InputError(msg("errors_survey.map_yaml", problem=problem))
    assert wrapped.message == "--map: m.yaml:3: the file is empty"
    assert wrapped.render("zh") == "--map：m.yaml:3: 文件是空的"


def test_joined_parts_keep_their_order_and_language() -> None:
    parts = [msg("errors_io.jsonl_given_twice", field=f"i{n}") for n in range(5)]
    together = joined(parts)
    assert together == "; ".join(parts)
    assert in_lang(together, "zh") == "；".join(f"i{n} 给出了不止一次" for n in range(5))
    assert joined(parts[:1]) is parts[0]
    ids = [f"x{n}" for n in range(10)]
    assert some_ids(ids[:8]) == ", ".join(ids[:8])
    assert some_ids(ids) == f"{', '.join(ids[:8])} and 2 more"
    assert in_lang(some_ids(ids), "zh") == f"{', '.join(ids[:8])}，另有 2 项"
