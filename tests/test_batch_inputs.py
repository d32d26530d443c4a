"""kam batch against the bad input the issue lists: it survives each, every row accounted for."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.errors import ExitCode
from tests.test_batch import (
    HEADER,
    ITEMS,
    answers_for,
    as_number,
    batch,
    expected,
    read_output,
    row,
    stderr_lines,
    write_csv,
)

openpyxl = pytest.importorskip("openpyxl")


def output_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- encodings and delimiters ------------------------------------------------------------------


def test_gb18030_as_saved_by_chinese_excel(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row("A", name="张伟", seed=1), row("B", name="欧阳娜娜", seed=2)]
    rows[0][2] = "华为技术有限公司"
    source = write_csv(tmp_path / "team.csv", rows, encoding="gb18030")
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    got = output_rows(result.stdout)
    assert [r["name"] for r in got] == ["张伟", "欧阳娜娜"]
    assert got[0]["account"] == "华为技术有限公司"


def test_gb18030_after_a_long_ascii_start(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The encoding is decided at the first non-ASCII bytes, not from a fixed sample."""
    from kamcli.io import decoding

    monkeypatch.setattr(decoding, "CHUNK_BYTES", 1024)
    rows = [row(f"A{i}", name=f"Name {i}", seed=i) for i in range(40)] + [row("Z", name="张伟")]
    source = write_csv(tmp_path / "team.csv", rows, encoding="gb18030")
    assert source.stat().st_size > 4 * 1024
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert output_rows(result.stdout)[-1]["name"] == "张伟"


def test_utf8_with_bom(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", name="李娜")], encoding="utf-8-sig")
    assert source.read_bytes().startswith(codecs.BOM_UTF8)
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr  # the BOM did not hide the respondent_id column
    assert output_rows(result.stdout)[0]["name"] == "李娜"


def test_utf16_unicode_text_from_excel(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.txt"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t").writerows([HEADER, row("A", name="王芳")])
    source.write_bytes(codecs.BOM_UTF16_LE + buffer.getvalue().encode("utf-16-le"))
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert output_rows(result.stdout)[0]["name"] == "王芳"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated(tmp_path: Path, runner: CliRunner, delimiter: str) -> None:
    rows = [row("A", name="Müller, Hans", seed=3), row("B", seed=4)]
    source = write_csv(tmp_path / "team.csv", rows, delimiter=delimiter)
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    got = output_rows(result.stdout)
    assert got[0]["name"] == "Müller, Hans"
    want = expected("A", rows[0][4:], "mid")
    assert {k: as_number(got[0][k]) for k in want} == want


def test_excel_sep_line(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.csv"
    body = ";".join(HEADER) + "\n" + ";".join(row("A")) + "\n"
    source.write_text("sep=;\n" + body, encoding="utf-8")
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert output_rows(result.stdout)[0]["respondent_id"] == "A"


# --- header problems ---------------------------------------------------------------------------


def test_unknown_item_column_warns_and_scores_the_rest(tmp_path: Path, runner: CliRunner) -> None:
    header = [*HEADER[:4], "integrity_99", *HEADER[4:]]
    given = row("A", seed=9)
    source = write_csv(tmp_path / "team.csv", [[*given[:4], "5", *given[4:]]], header=header)
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert "unknown column integrity_99" in result.stderr
    got = output_rows(result.stdout)[0]
    want = expected("A", given[4:], "mid")
    assert {k: as_number(got[k]) for k in want} == want


def test_missing_item_columns_count_as_unanswered(tmp_path: Path, runner: CliRunner) -> None:
    header = HEADER[:-1]
    given = row("A", seed=9)
    source = write_csv(tmp_path / "team.csv", [given[:-1]], header=header)
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert f"1 item(s) of the model have no column and count as unanswered: {ITEMS[-1]}" in (
        result.stderr
    )
    assert output_rows(result.stdout)[0]["coverage"] == "0.99"


def test_header_without_respondent_id_or_items(tmp_path: Path, runner: CliRunner) -> None:
    no_id = write_csv(tmp_path / "a.csv", [row("A")[1:]], header=HEADER[1:])
    result = batch(runner, no_id)
    assert result.exit_code == ExitCode.NOTHING_READ and "no respondent_id column" in result.stderr
    no_items = write_csv(tmp_path / "b.csv", [["A", "x"]], header=["respondent_id", "name"])
    result = batch(runner, no_items)
    assert result.exit_code == ExitCode.NOTHING_READ and "no column is an item id" in result.stderr


def test_duplicated_header_column(tmp_path: Path, runner: CliRunner) -> None:
    header = [*HEADER, ITEMS[0]]
    source = write_csv(tmp_path / "a.csv", [[*row("A"), "3"]], header=header)
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ and "more than once" in result.stderr


# --- row problems ------------------------------------------------------------------------------


def test_blank_lines_are_skipped_but_counted(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.csv"
    lines = [",".join(HEADER), "", ",".join(row("A")), "   ", ",".join(row("B", stage="x")), ""]
    source.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:5: unknown stage 'x'" in result.stderr  # the file's own line number
    assert stderr_lines(result)[-1].endswith("1 scored, 1 rejected")


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("abc", "integrity_2: 'abc' is not a number"),
        ("6", "integrity_2: 6 is outside the scale 1..5"),
        ("0", "integrity_2: 0 is outside the scale 1..5"),
        ("3.5", "integrity_2: 3.5 is not a whole number"),
    ],
)
def test_bad_cells_reject_the_row(
    tmp_path: Path, runner: CliRunner, cell: str, reason: str
) -> None:
    bad = row("B")
    bad[5] = cell
    source = write_csv(tmp_path / "team.csv", [row("A"), bad, row("C")])
    result = batch(runner, source, "--rejects", tmp_path / "rej.csv")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:3: {reason}" in result.stderr
    assert "(respondent_id B)" in result.stderr
    assert [r["respondent_id"] for r in output_rows(result.stdout)] == ["A", "C"]
    assert read_output(tmp_path / "rej.csv")[0]["reason"].startswith(reason)


def test_empty_cells_and_skip_words_are_unanswered(tmp_path: Path, runner: CliRunner) -> None:
    given = row("A", seed=4)
    given[4], given[5], given[6] = "", "skip", " 4 "
    source = write_csv(tmp_path / "team.csv", [given])
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    got = output_rows(result.stdout)[0]
    answers = [*given[4:]]
    answers[0] = answers[1] = ""
    assert {k: as_number(got[k]) for k in expected("A", answers, "mid")} == expected(
        "A", answers, "mid"
    )


def test_whole_numbers_written_as_decimals_are_accepted(tmp_path: Path, runner: CliRunner) -> None:
    given = row("A", seed=4)
    decimal = [*given[:4], *(f"{a}.0" for a in given[4:])]
    source = write_csv(tmp_path / "team.csv", [decimal])
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    got = output_rows(result.stdout)[0]
    want = expected("A", given[4:], "mid")
    assert {k: as_number(got[k]) for k in want} == want


def test_too_little_coverage(tmp_path: Path, runner: CliRunner) -> None:
    sparse = row("B")
    for index in range(4, 4 + 40):
        sparse[index] = ""
    source = write_csv(tmp_path / "team.csv", [row("A"), sparse])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    total = len(ITEMS)
    answered = total - 40
    assert (
        f"too little coverage: {answered} of {total} items answered (at least 50% needed)"
        in result.stderr
    )


def test_duplicate_ids_keep_the_first(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", name="first"), row("A", name="second")])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:3: duplicate respondent_id" in result.stderr
    assert [r["name"] for r in output_rows(result.stdout)] == ["first"]


def test_a_rejected_row_does_not_take_its_id(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", stage="x"), row("A")])
    result = batch(runner, source)
    assert [r["respondent_id"] for r in output_rows(result.stdout)] == ["A"]
    assert stderr_lines(result)[-1].endswith("1 scored, 1 rejected")


def test_short_row(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A"), row("B")[:10], row("C")])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:3: row has 10 cells, header has {len(HEADER)}" in result.stderr


def test_trailing_empty_cells_are_fine_but_extra_values_are_not(
    tmp_path: Path, runner: CliRunner
) -> None:
    source = write_csv(tmp_path / "t.csv", [[*row("A"), "", ""], [*row("B"), "", "7"]])
    result = batch(runner, source)
    assert [r["respondent_id"] for r in output_rows(result.stdout)] == ["A"]
    assert f"row has {len(HEADER) + 2} cells, header has {len(HEADER)}" in result.stderr


def test_missing_id_and_stage(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "t.csv", [row(""), row("B", stage="")])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "no respondent_id" in result.stderr and "no stage" in result.stderr


def test_formula_looking_name_is_neutralised(tmp_path: Path, runner: CliRunner) -> None:
    names = ['=HYPERLINK("http://evil","x")', "+SUM(1)", "@cmd", "-2+3", " =1+1"]
    source = write_csv(tmp_path / "team.csv", [row(f"R{i}", name=n) for i, n in enumerate(names)])
    out = tmp_path / "out.csv"
    result = batch(runner, source, "-o", out)
    assert result.exit_code == 0, result.stderr
    # names are stripped like every cell, then defused with a leading apostrophe
    assert [r["name"] for r in read_output(out)] == ["'" + n.strip() for n in names]


def test_quoted_cells_with_line_breaks(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row("A", name="Ann\nSecond line"), row("B", stage="x")]
    source = write_csv(tmp_path / "team.csv", rows)
    result = batch(runner, source)
    assert output_rows(result.stdout)[0]["name"] == "Ann\nSecond line"
    assert f"{source}:4: unknown stage" in result.stderr  # row 2 starts on line 4


# --- files that cannot be read -----------------------------------------------------------------


def test_empty_file(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.csv"
    source.write_bytes(b"")
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "empty" in result.stderr and stderr_lines(result)[-1].endswith("1 file not read")


def test_header_only_file(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert stderr_lines(result)[-1].endswith("0 scored, 0 rejected")


def test_binary_file(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.csv"
    source.write_bytes(Path(sys.executable).read_bytes()[:5000])
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "binary file" in result.stderr


def test_a_bad_file_does_not_stop_the_good_one(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    good = write_csv(tmp_path / "good.csv", [row("A")])
    result = batch(runner, bad, good)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert stderr_lines(result)[-1].endswith("1 scored, 0 rejected, 1 file not read")


def test_xlsx_named_csv_and_old_xls(tmp_path: Path, runner: CliRunner) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.save(tmp_path / "real.xlsx")
    disguised = tmp_path / "team.csv"
    disguised.write_bytes((tmp_path / "real.xlsx").read_bytes())
    assert "this is an .xlsx (zip) file" in batch(runner, disguised).stderr
    old = tmp_path / "team.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "old .xls format" in batch(runner, old).stderr


# --- xlsx --------------------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    workbook.save(path)
    return path


def test_xlsx_with_formulas_and_numbers_as_text(tmp_path: Path, runner: CliRunner) -> None:
    numbers = [int(a) for a in answers_for(1)]
    rows: list[list[object]] = [
        ["A", "Ann", "Acme", "mid", *numbers],
        ["B", "Bob", "Acme", "mid", "=1+1", *numbers[1:]],
        ["C", '=HYPERLINK("x")', "Acme", "mid", *numbers],
        [1001, "Numeric id", "Acme", "mid", *(str(n) for n in numbers)],  # numbers stored as text
        [None] * 4,
        ["E", "Eve", "Acme", "mid", *(float(n) for n in numbers)],
    ]
    source = write_xlsx(tmp_path / "team.xlsx", rows)
    result = batch(runner, source, "--rejects", tmp_path / "rej.csv")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:3: cell E3 holds a formula" in result.stderr
    assert f"{source}:4: cell B4 holds a formula" in result.stderr
    got = output_rows(result.stdout)
    assert [r["respondent_id"] for r in got] == ["A", "1001", "E"]
    want = expected("A", [str(n) for n in numbers], "mid")
    for record in got:
        assert {k: as_number(record[k]) for k in want} == want
    rejected = read_output(tmp_path / "rej.csv")
    assert rejected[1]["name"] == '\'=HYPERLINK("x")'  # never evaluated, neutralised


def test_xlsx_template_round_trip(tmp_path: Path, runner: CliRunner) -> None:
    from kamcli.cli.main import app

    template = tmp_path / "sheet.xlsx"
    result = runner.invoke(app, ["template", "responses", "--format", "xlsx", "-o", str(template)])
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(template)
    workbook["responses"].append(["A", "Ann", "Acme", "early", *map(int, answers_for(2))])
    workbook.save(template)
    result = batch(runner, template)
    assert result.exit_code == 0, result.stderr
    assert output_rows(result.stdout)[0]["stage"] == "early"


def test_xlsx_is_read_without_openpyxl(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading uses only the standard library (kamcli/io/xlsx_read.py); writing a template
    still needs the xlsx extra."""
    source = write_xlsx(tmp_path / "team.xlsx", [["A", "Ann", "Acme", "mid", *answers_for(1)]])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = batch(runner, source)
    assert result.exit_code == 0, result.stderr
    assert [r["respondent_id"] for r in output_rows(result.stdout)] == ["A"]


def test_broken_xlsx(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.xlsx"
    source.write_bytes(b"PK\x03\x04 not really a zip")
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "not a readable .xlsx workbook" in result.stderr


# --- json lines --------------------------------------------------------------------------------


def test_json_lines_input(tmp_path: Path, runner: CliRunner) -> None:
    numbers = [int(a) for a in answers_for(3)]
    nested = {
        "respondent_id": "J1",
        "name": "Ann",
        "stage": "mid",
        "answers": dict(zip(ITEMS, numbers, strict=True)),
    }
    flat = {
        "respondent_id": 2,
        "person": "Bob",
        "stage": "mid",
        "extra": 1,
        **dict(zip(ITEMS, numbers, strict=True)),
    }
    twice = {"respondent_id": "J3", "stage": "mid", ITEMS[0]: 3, "answers": {ITEMS[0]: 4}}
    lines = [json.dumps(nested), "", json.dumps(flat), "{oops", "[1]", json.dumps(twice)]
    source = tmp_path / "team.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = batch(runner, source)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    got = output_rows(result.stdout)
    assert [(r["respondent_id"], r["name"]) for r in got] == [("J1", "Ann"), ("2", "Bob")]
    assert f"{source}:3: unknown key 'extra'" in result.stderr
    assert f"{source}:4: invalid JSON" in result.stderr
    assert f"{source}:5: expected a JSON object" in result.stderr
    assert f"{source}:6: {ITEMS[0]} is given more than once" in result.stderr
    want = expected("J1", [str(n) for n in numbers], "mid")
    assert {k: as_number(got[0][k]) for k in want} == want


def test_json_array_is_refused_with_a_hint(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "team.json"
    source.write_text("[{}]", encoding="utf-8")
    assert "JSON Lines" in batch(runner, source).stderr


# --- stdin -------------------------------------------------------------------------------------


def test_stdin_csv_and_jsonl(tmp_path: Path, runner: CliRunner) -> None:
    text = (tmp_path / "x.csv").write_text("", encoding="utf-8")
    assert text == 0
    data = write_csv(
        tmp_path / "team.csv", [row("A", name="张伟")], encoding="gb18030"
    ).read_bytes()
    result = batch(runner, "-", stdin=data)
    assert result.exit_code == 0, result.stderr
    assert output_rows(result.stdout)[0]["name"] == "张伟"
    line = json.dumps({"respondent_id": "J", "stage": "mid", "answers": dict.fromkeys(ITEMS, 3)})
    result = batch(runner, "-", stdin=line.encode())
    assert result.exit_code == 0, result.stderr


def test_stdin_xlsx(tmp_path: Path, runner: CliRunner) -> None:
    source = write_xlsx(tmp_path / "t.xlsx", [["A", "Ann", "Acme", "mid", *answers_for(1)]])
    result = batch(runner, "-", stdin=source.read_bytes())
    assert result.exit_code == 0, result.stderr


def test_empty_stdin(runner: CliRunner) -> None:
    result = batch(runner, "-", stdin=b"")
    assert result.exit_code == ExitCode.NOTHING_READ
    assert "<stdin>: the input is empty" in result.stderr


def test_stdin_closed_early(tmp_path: Path, runner: CliRunner) -> None:
    """A producer that dies mid-row: the rows before are scored, the cut row is rejected."""
    data = write_csv(tmp_path / "team.csv", [row("A"), row("B"), row("C")]).read_bytes()
    cut = data[: data.rindex(b"\r\n", 0, len(data) - 2) + 40]
    result = batch(runner, "-", stdin=cut)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert [r["respondent_id"] for r in output_rows(result.stdout)] == ["A", "B"]
    assert "<stdin>:4: row has" in result.stderr


def test_stdin_only_once(tmp_path: Path, runner: CliRunner) -> None:
    assert batch(runner, "-", "-", stdin=b"").exit_code == ExitCode.INPUT


def test_damaged_utf8_stops_where_it_breaks(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row(f"R{i}", name=f"欧阳娜娜{i}", seed=i) for i in range(30)]
    source = write_csv(tmp_path / "team.csv", rows)
    lines = source.read_bytes().split(b"\r\n")
    lines[21] = lines[21].replace("娜".encode(), b"\xff", 1)  # row R20, on line 22
    source.write_bytes(b"\r\n".join(lines))
    rejects = tmp_path / "rejects.csv"
    result = batch(runner, source, "--rejects", rejects)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert "line 22: the bytes are not valid utf-8" in result.stderr
    assert "this line and the 9 line(s) after it were not read" in result.stderr
    scored = output_rows(result.stdout)
    assert [r["name"] for r in scored] == [
        f"欧阳娜娜{i}" for i in range(len(scored))
    ]  # no mojibake
    # every row is accounted for: R0..R19 scored, R20..R29 (lines 22..31) rejected
    assert len(scored) == 20
    assert stderr_lines(result)[-1] == "20 scored, 10 rejected"
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [int(r["row_number"]) for r in rejected] == list(range(22, 32))
    assert all(r["reason"].startswith("not read: invalid bytes at line 22") for r in rejected)
