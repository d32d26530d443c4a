"""The parts of kam batch on their own: safe report names, seen ids, the digit fast path,
the stream decoder, and `kam template responses`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kamcli.batch import seen as seen_module
from kamcli.batch.formats import OutputFormat
from kamcli.batch.layout import layout_for
from kamcli.batch.record_format import RecordFormatter
from kamcli.batch.row_outcomes import GoodRow, row_score
from kamcli.batch.rows import RowChecker
from kamcli.batch.seen import SeenIds
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.io.decoding import StreamDecoder
from kamcli.io.safe_names import WINDOWS_RESERVED, report_filename, slugify
from kamcli.scoring.plan import ScoringPlan
from tests.test_batch import HEADER, ITEMS, MODEL

PLAN = ScoringPlan(MODEL)
SAFE_NAME = re.compile(
    r"^\d{4,}-[a-z0-9\-\u3040-\u30ff\u3100-\u312f\u3400-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f]+\.html$"
)


# --- report file names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "respondent_id", "wanted"),
    [
        ("../../x", "R1", "0001-x.html"),
        ("..\\..\\windows\\system32", "R1", "0001-windows-system32.html"),
        (".bashrc", "R1", "0001-bashrc.html"),
        ("José Müller", "R1", "0001-jose-muller.html"),
        ("张伟", "R1", "0001-张伟.html"),
        ("ＡＢＣ", "R1", "0001-abc.html"),  # full-width letters fold to ASCII
        ("CON", "R1", "0001-con-respondent.html"),
        ("lpt9", "R1", "0001-lpt9-respondent.html"),
        ("", "R-7", "0001-r-7.html"),
        (None, "../", "0001-respondent.html"),
        ("🙂🙂", "🙂", "0001-respondent.html"),
    ],
)
def test_report_filename(name: str | None, respondent_id: str, wanted: str) -> None:
    assert report_filename(1, name, respondent_id, "html", set()) == wanted


def test_report_filename_collisions_and_length() -> None:
    taken: set[str] = set()
    assert report_filename(7, "Ann", "1", "md", taken) == "0007-ann.md"
    assert report_filename(7, "ANN", "2", "md", taken) == "0007-ann-2.md"  # case-insensitive
    assert report_filename(7, "ann", "3", "md", taken) == "0007-ann-3.md"
    long = report_filename(12345, "a" * 300, "1", "html", set())
    assert long == "12345-" + "a" * 60 + ".html"


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=120), respondent_id=st.text(max_size=20), index=st.integers(1, 99999))
def test_report_filenames_are_always_safe(name: str, respondent_id: str, index: int) -> None:
    taken: set[str] = set()
    first = report_filename(index, name, respondent_id, "html", taken)
    second = report_filename(index, name, respondent_id, "html", taken)
    for filename in (first, second):
        assert SAFE_NAME.match(filename), filename
        assert "/" not in filename and "\\" not in filename and ".." not in filename
        assert filename.split(".")[0].lower() not in WINDOWS_RESERVED
        assert len(filename.encode("utf-8")) < 255
    assert first != second


def test_slugify_keeps_cjk_and_drops_the_rest() -> None:
    assert slugify("Wang 王 fang!") == "wang-王-fang"
    assert slugify("---") == ""


# --- seen respondent ids -----------------------------------------------------------------------


def test_seen_ids_in_memory() -> None:
    seen = SeenIds()
    assert seen.add("A") and seen.add("B")
    assert not seen.add("A")
    assert len(seen) == 2
    seen.close()


def test_seen_ids_move_to_disk_and_stay_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen_module, "TABLE_SLOTS", 64)
    monkeypatch.setattr(seen_module, "MAX_IN_MEMORY", 32)
    seen = SeenIds()
    ids = [f"id-{n}" for n in range(500)]
    assert all(seen.add(i) for i in ids)
    assert seen._table is None and seen._disk is not None  # spilled
    assert not any(seen.add(i) for i in ids)
    assert seen.add("new one") and not seen.add("new one")
    assert len(seen) == 501
    seen.close()


# --- the digit fast path -----------------------------------------------------------------------


def checker() -> RowChecker:
    layout = layout_for(HEADER, PLAN.item_ids, "t")
    return RowChecker(PLAN, MODEL, layout, SeenIds(), None)


@settings(max_examples=400, deadline=None)
@given(
    cells=st.lists(
        st.text(alphabet='123456," x', max_size=3), min_size=len(ITEMS), max_size=len(ITEMS)
    )
)
def test_digits_only_when_every_cell_is_one_character(cells: list[str]) -> None:
    """The fast path's proof: `d,d,…,d` can only come from one character per cell."""
    row = ["R", "n", "a", "mid", *cells]
    digits = checker()._digits(row)
    if digits is not None:
        assert all(len(cell) == 1 for cell in cells)
        assert digits.decode() == "".join(cells)


def test_fast_and_slow_paths_agree() -> None:
    check = checker()
    answers = [str((n * 7) % 5 + 1) for n in range(len(ITEMS))]
    fast = check.check(2, ["A", "n", "a", "mid", *answers])
    slow = check.check(3, ["B", "n", "a", "mid", *(f" {a}" for a in answers)])
    assert isinstance(fast, GoodRow) and isinstance(slow, GoodRow)
    assert fast.digits is not None and fast.keys is not None and fast.score is None
    assert slow.digits is None and slow.keys is None and slow.score is not None
    assert row_score(PLAN, fast) == slow.score
    assert fast.answers(ITEMS) == slow.answers(ITEMS)
    formatter = RecordFormatter(MODEL, PLAN, "en", False, OutputFormat.csv)
    fast_line, slow_line = formatter.wide_csv_line(fast), formatter.wide_csv_line(slow)
    assert fast_line.split(",")[1:] == slow_line.split(",")[1:]


# --- decoding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["abc,张伟\n", "x" * 100 + "欧阳娜娜,华为技术有限公司" + "y" * 10, "王芳,李娜\n" * 20],
)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("step", [1, 2, 3, 7, 4096])
def test_decoder_decides_from_the_non_ascii_bytes(text: str, encoding: str, step: int) -> None:
    """Fed in pieces of any size: characters split across pieces still decode right."""
    data = text.encode(encoding)
    decoder = StreamDecoder(None)
    pieces = [decoder.decode(data[i : i + step], False) for i in range(0, len(data), step)]
    assert "".join(pieces) + decoder.decode(b"", True) == text
    assert decoder.encoding == encoding


# --- kam template responses --------------------------------------------------------------------


def test_template_responses_csv(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["template", "responses"])
    assert result.exit_code == 0, result.stderr
    assert next(csv.reader(io.StringIO(result.stdout))) == HEADER
    out = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["template", "responses", "-o", str(out), "--stage", "mid"])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "kam batch" in result.stderr and "--stage mid" in result.stderr


def test_template_responses_xlsx(tmp_path: Path, runner: CliRunner) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "sheet.xlsx"
    args = ["--lang", "zh", "template", "responses", "-f", "xlsx", "-s", "early", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["responses", "items"]
    assert [c.value for c in workbook["responses"][1]] == HEADER
    assert workbook["responses"].max_row == 1  # blank: no respondents pre-filled
    items = list(workbook["items"].iter_rows(values_only=True))
    competency, item = MODEL.items()[0]
    wanted = (item.id, MODEL.text(competency.name, "zh"), MODEL.text(item.text, "zh"))
    row = next(r for r in items if r[0] == item.id)
    assert row[:3] == wanted
    assert row[3] == MODEL.stage("early").targets[competency.id].target
    legend = [r[:2] for r in items if r[0] in MODEL.scale.values]
    assert legend == [
        (v, MODEL.text(a, "zh"))
        for v, a in zip(MODEL.scale.values, MODEL.scale.anchors, strict=True)
    ]


def test_template_responses_xlsx_needs_output(runner: CliRunner) -> None:
    result = runner.invoke(app, ["template", "responses", "--format", "xlsx"])
    assert result.exit_code == ExitCode.USAGE and "-o FILE.xlsx" in result.stderr
    result = runner.invoke(app, ["template", "responses", "--stage", "nope"])
    assert result.exit_code == ExitCode.USAGE


def test_quiet_keeps_problems_and_the_count(tmp_path: Path, runner: CliRunner) -> None:
    from tests.test_batch import batch, row, stderr_lines, write_csv

    source = write_csv(tmp_path / "t.csv", [row("A"), row("B", stage="x")])
    result = batch(runner, source, "-q", "-o", tmp_path / "o.csv")
    lines = stderr_lines(result)
    assert len(lines) == 2 and "unknown stage" in lines[0] and "Wrote" not in result.stderr


def test_progress_bar_prints_messages_above_it(capsys: pytest.CaptureFixture[str]) -> None:
    from kamcli.batch.progress import Progress
    from kamcli.io.batch_read import InputFormat, Table

    bar = Progress(enabled=True)
    bar.start(Table("team.csv", InputFormat.csv, ("respondent_id",), iter(()), size=100))
    bar.update(50)
    bar.print("team.csv:3: a problem")
    bar.stop()
    assert "team.csv:3: a problem" in capsys.readouterr().err
    quiet = Progress(enabled=False)
    quiet.start(Table("t", InputFormat.csv, (), iter(())))
    quiet.update(1)
    quiet.print("plain line")
    quiet.stop()
    assert capsys.readouterr().err == "plain line\n"
