"""Issue 10 (hostile input and faults) and issue 9.16/9.19/9.20/9.21: one test per case.

Never destroy an input, bounded memory on any spreadsheet, no escape codes from data, no
internal errors. docs/security.md lists the limits and the exit code of each failure class.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.io import tempfiles, xlsx_read
from tests.test_batch import HEADER, ITEMS, answers_for, row, write_csv

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
EVIL = "Eve\x1b]8;;http://evil.example\x07Lin\x1b[31m\u202eRED\x9b2J\u2066x"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def kam(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real `kam` in a child process (signals, closed descriptors, pipes)."""
    command = [sys.executable, "-c", "from kamcli.cli.main import main; main()", *map(str, args)]
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=120, **kwargs)  # type: ignore[call-overload,no-any-return]


def answers_file(path: Path, name: str = "Li Wei", stage: str = "mid") -> Path:
    data = {"stage": stage, "name": name, "answers": dict.fromkeys(ITEMS, 3)}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- 10.1 an output naming an input --------------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dot", "absolute", "symlink", "hardlink"])
@pytest.mark.parametrize("option", ["-o", "--rejects", "--summary-out"])
def test_batch_output_that_is_the_input_is_refused(
    tmp_path: Path, runner: CliRunner, spelling: str, option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_csv(tmp_path / "in.csv", [row("A"), row("B")])
    before = source.read_bytes()
    suffix = ".json" if option == "--summary-out" else ".csv"  # --summary-out needs .json
    if suffix != ".csv" and spelling in ("same", "dot", "absolute"):
        spelling = "hardlink"
    target = {
        "same": "in.csv",
        "dot": "./in.csv",
        "absolute": str(source),
        "symlink": f"link{suffix}",
        "hardlink": f"hard{suffix}",
    }[spelling]
    if spelling == "symlink":
        (tmp_path / target).symlink_to(source)
    if spelling == "hardlink":
        os.link(source, tmp_path / target)
    code, _out, err = run(runner, "batch", "in.csv", option, target)
    assert code == ExitCode.OUTPUT
    assert "is the input file in.csv" in err and "nothing was read or written" in err
    assert source.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_refused_before_anything_is_read(tmp_path: Path, runner: CliRunner) -> None:
    """An unreadable input would give exit 4 or 11: 7 shows nothing was read first."""
    source = tmp_path / "in.csv"
    source.write_bytes(b"\x00\x01 not a csv")
    code, _out, err = run(runner, "batch", source, "-o", source)
    assert code == ExitCode.OUTPUT and "is the input file" in err
    assert source.read_bytes() == b"\x00\x01 not a csv"


def test_stats_and_report_refuse_their_input(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "in.csv", [row("A"), row("B")])
    before = source.read_bytes()
    assert run(runner, "stats", source, "-o", source)[0] == ExitCode.OUTPUT
    assert source.read_bytes() == before
    answers = answers_file(tmp_path / "a.yaml")
    kept = answers.read_bytes()
    for fmt in ("md", "json", "pdf"):
        code, _out, err = run(runner, "report", "--answers", answers, "-f", fmt, "-o", answers)
        assert code == ExitCode.OUTPUT, err
        assert answers.read_bytes() == kept


def test_two_outputs_of_one_run_may_not_be_one_file(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "in.csv", [row("A")])
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    code, _out, err = run(runner, "batch", source, "-o", out, "--rejects", out)
    assert code == ExitCode.OUTPUT and "same file" in err
    assert out.read_text(encoding="utf-8") == "old"


def test_template_refuses_an_existing_file_unless_forced(tmp_path: Path, runner: CliRunner) -> None:
    filled = answers_file(tmp_path / "a.yaml")
    kept = filled.read_bytes()
    code, _out, err = run(runner, "template", "answers", "-o", filled)
    assert code == ExitCode.OUTPUT and "--force" in err
    assert filled.read_bytes() == kept
    sheet = write_csv(tmp_path / "team.csv", [row("A")])
    assert run(runner, "template", "responses", "-o", sheet)[0] == ExitCode.OUTPUT
    assert run(runner, "template", "answers", "-o", filled, "--force")[0] == 0
    assert filled.read_bytes() != kept


# --- 10.2 xlsx: zip bombs, <dimension>, cell length, memory --------------------------------


def workbook(path: Path, sheet: bytes | None = None, strings: bytes | None = None) -> Path:
    """A minimal .xlsx written by hand, so a test can put anything in its parts."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="responses" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        if strings is not None:
            rels += (
                f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            )
            archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet or sheet_xml([HEADER]))
    return path


def _cell(column: int, line: int, value: object) -> str:
    ref = xlsx_ref(column, line)
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx_ref(column: int, line: int) -> str:
    letters, index = "", column + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{line}"


def sheet_xml(rows: list[list[object]], dimension: str = "", extra: str = "") -> bytes:
    body = "".join(
        f'<row r="{n}">' + "".join(_cell(c, n, v) for c, v in enumerate(cells)) + "</row>"
        for n, cells in enumerate(rows, 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{NS}">{dim}<sheetData>{body}{extra}</sheetData></worksheet>'.encode()


def good_rows(count: int = 2) -> list[list[object]]:
    return [[f"R{n}", "Ann", "Acme", "mid", *map(int, answers_for(n))] for n in range(count)]


def test_hand_written_workbook_is_read(tmp_path: Path, runner: CliRunner) -> None:
    source = workbook(tmp_path / "ok.xlsx", sheet_xml([HEADER, *good_rows(3)]))
    code, out, err = run(runner, "batch", source)
    assert code == 0, err
    assert [r["respondent_id"] for r in csv.DictReader(out.lstrip("\ufeff").splitlines())] == [
        "R0",
        "R1",
        "R2",
    ]


def test_a_highly_compressed_part_is_refused_before_unpacking(
    tmp_path: Path, runner: CliRunner
) -> None:
    padding = b" " * (40 << 20)  # 40 MiB of spaces: ~40 KiB packed, 1000:1
    source = workbook(
        tmp_path / "bomb.xlsx",
        sheet_xml([HEADER])[: -len(b"</worksheet>")] + padding + b"</worksheet>",
    )
    assert source.stat().st_size < 1 << 20
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ
    assert "looks like a zip bomb" in err and "xl/worksheets/sheet1.xml" in err


def test_declared_sizes_over_the_limits_are_refused(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = workbook(tmp_path / "big.xlsx", sheet_xml([HEADER, *good_rows(50)]))
    monkeypatch.setattr(xlsx_read, "MAX_MEMBER_BYTES", 10_000)
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ and "the limit is" in err
    monkeypatch.setattr(xlsx_read, "MAX_MEMBER_BYTES", 1 << 30)
    monkeypatch.setattr(xlsx_read, "MAX_TOTAL_BYTES", 10_000)
    assert "would unpack to" in run(runner, "batch", source)[2]


def test_shared_strings_over_their_limit_are_refused(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    strings = f'<sst xmlns="{NS}"><si><t>{"x" * 300_000}</t></si></sst>'.encode()
    source = workbook(tmp_path / "s.xlsx", sheet_xml([HEADER]), strings)
    monkeypatch.setattr(xlsx_read, "MAX_SHARED_STRINGS_BYTES", 100_000)
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ and "shared strings" in err


def test_a_cell_over_excels_limit_rejects_its_row(tmp_path: Path, runner: CliRunner) -> None:
    long_name = "y" * 40_000
    strings = (
        f'<sst xmlns="{NS}"><si><t>{long_name}</t></si>'
        "<si><r><t>Bo</t></r><r><t>b</t></r><rPh><t>ボブ</t></rPh></si></sst>"
    )
    rows = good_rows(2)
    sheet = (
        sheet_xml([HEADER, *rows])
        .replace(
            b'<c r="B2" t="inlineStr"><is><t>Ann</t></is></c>', b'<c r="B2" t="s"><v>0</v></c>'
        )
        .replace(
            b'<c r="B3" t="inlineStr"><is><t>Ann</t></is></c>', b'<c r="B3" t="s"><v>1</v></c>'
        )
    )
    source = workbook(tmp_path / "long.xlsx", sheet, strings.encode())
    code, out, err = run(runner, "batch", source)
    assert code == ExitCode.ROWS_REJECTED
    assert f"{source}:2: cell B2 holds more than 32,767 characters" in err
    assert "Bob" in out and "ボブ" not in out  # rich text runs joined, phonetic text left out


def test_dimension_is_never_trusted(tmp_path: Path, runner: CliRunner) -> None:
    """11 KB declaring A1:XFD1048576 with one far cell: openpyxl ran for > 300 s."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    sheet = sheet_xml([HEADER, *good_rows(1)], dimension="A1:XFD1048576", extra=far)
    source = workbook(tmp_path / "dim.xlsx", sheet)
    started = time.monotonic()
    code, _out, err = run(runner, "batch", source)
    assert time.monotonic() - started < 20
    assert code == ExitCode.ROWS_REJECTED
    assert f"{source}:1048576: row has 16384 cells" in err
    assert err.strip().splitlines()[-1] == "1 scored, 1 rejected"


def test_a_row_over_its_xml_limit_stops_the_file(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_read, "MAX_ROW_XML_BYTES", 2 << 20)
    monkeypatch.setattr(xlsx_read, "FEED_BYTES", 1 << 18)
    noise = os.urandom(3 << 20).hex()  # 6 MiB that does not compress
    sheet = sheet_xml([HEADER, ["R1", noise, "Acme", "mid", *answers_for(1)]])
    source = workbook(tmp_path / "row.xlsx", sheet)
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ and "row 2 holds more than 2.0 MiB of XML" in err


def test_a_doctype_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    source = workbook(tmp_path / "dtd.xlsx", laughs + sheet_xml([HEADER, *good_rows(1)]))
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ and "DOCTYPE" in err


def _peak_mib(*args: str | Path) -> tuple[int, int]:
    """Exit code and peak RSS (MiB) of `kam batch` in a fresh child process."""
    code = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-c', "
        "'from kamcli.cli.main import main; main()', *sys.argv[1:]],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "batch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    exit_code, peak_kib = done.stdout.split()
    return int(exit_code), int(peak_kib) // 1024


@pytest.mark.slow
def test_peak_memory_stays_bounded_on_bombs(tmp_path: Path) -> None:
    padding = b" " * (40 << 20)
    bomb = workbook(tmp_path / "bomb.xlsx", sheet_xml([HEADER])[:-12] + padding + b"</worksheet>")
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    dimension = workbook(
        tmp_path / "dim.xlsx",
        sheet_xml([HEADER, *good_rows(1)], dimension="A1:XFD1048576", extra=far),
    )
    many = workbook(tmp_path / "many.xlsx", sheet_xml([HEADER, *good_rows(3000)]))
    for source, expected in ((bomb, 11), (dimension, 10), (many, 0)):
        code, peak = _peak_mib(source, "-o", tmp_path / "out.csv")
        assert code == expected, source
        assert peak < 200, (source, peak)


# --- 10.3 escape sequences from data -------------------------------------------------------


def test_escape_and_bidi_controls_never_reach_the_terminal(
    tmp_path: Path, runner: CliRunner
) -> None:
    first = answers_file(tmp_path / "a.yaml", name=EVIL)
    second = answers_file(tmp_path / "b.yaml", name=EVIL, stage="early")
    outputs = []
    for args in (
        ["assess", "--answers", first],
        ["assess", "--answers", second],
        ["history", "list"],
        ["history", "show", "1"],
        ["history", "compare", "1", "2"],
        ["report", "1", "-f", "md"],
        ["report", "1", "-f", "json"],
        ["report", "--answers", first, "-f", "md"],
        ["history", "list", "-f", "json"],
    ):
        code, out, err = run(runner, *args)
        assert code == 0, (args, err)
        outputs.append((args, out + err))
    sheet = write_csv(
        tmp_path / "team.csv",
        [
            row("A", name=EVIL),
            row("B", name=EVIL),
            ["C\x1b[2J", EVIL, "Acme", "nope", *answers_for(1)],
        ],
    )
    for args in (
        ["batch", sheet, "--summary", "--by-subject", "-o", tmp_path / "out.csv"],
        ["batch", sheet, "-f", "json"],
        ["stats", sheet],
        ["--lang=zh", "history", "list"],
    ):
        code, out, err = run(runner, *args)
        outputs.append((args, out + err))
    code, out, err = run(runner, "batch", sheet)  # CSV to a pipe is data: kept as it is
    outputs.append((["batch", sheet], err))
    assert EVIL in out
    for args, text in outputs:
        assert not UNSAFE.findall(text), (args, UNSAFE.findall(text)[:3])
    code, out, _err = run(runner, "history", "list", "-f", "json")
    assert json.loads(out)[0]["person"] == EVIL  # JSON escapes them: the data are unchanged


# --- 10.4 finite numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        (
            "stages/first.yaml",
            "honesty: {target: 2, weight: 1}",
            "honesty: {target: 2, weight: .inf}",
        ),
        ("model.yaml", "max_gap: 0,", "max_gap: .nan,"),
        ("competencies/selling.yaml", "weight: 2}", "weight: .Inf}"),
    ],
)
def test_infinite_or_nan_numbers_are_refused(
    runner: CliRunner, tiny_model_dir: Path, file: str, old: str, new: str
) -> None:
    path = tiny_model_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _out, err = run(runner, "model", "validate", tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "expected a finite number" in err and file in err


# --- 10.5 duplicate keys ---------------------------------------------------------------------


def test_duplicate_keys_in_model_yaml(runner: CliRunner, tiny_model_dir: Path) -> None:
    head = tiny_model_dir / "model.yaml"
    head.write_text(head.read_text(encoding="utf-8") + 'version: "9"\n', encoding="utf-8")
    code, _out, err = run(runner, "model", "validate", tiny_model_dir)
    assert code == ExitCode.MODEL and "duplicate key 'version'" in err
    assert "undeclared language" not in err  # only the root cause (10.9)
    head.write_text(head.read_text(encoding="utf-8").replace('version: "9"\n', ""), "utf-8")
    stage = tiny_model_dir / "stages" / "first.yaml"
    stage.write_text(
        stage.read_text(encoding="utf-8").replace(
            "targets:\n", "targets:\n  selling: {target: 1, weight: 1}\n", 1
        ),
        encoding="utf-8",
    )
    code, _out, err = run(runner, "model", "validate", tiny_model_dir)
    assert code == ExitCode.MODEL
    assert re.search(
        r"first\.yaml:\d+ \[selling\]: duplicate key 'selling' \(first given on line \d+\)", err
    )


def test_duplicate_keys_in_answers_yaml(tmp_path: Path, runner: CliRunner) -> None:
    path = answers_file(tmp_path / "a.yaml")
    path.write_text("stage: early\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, _out, err = run(runner, "assess", "--answers", path)
    assert code == ExitCode.INPUT
    assert re.search(r"a\.yaml:\d+ \[stage\]: duplicate key 'stage' \(first given on line 1\)", err)


def test_duplicate_keys_in_json_lines(tmp_path: Path, runner: CliRunner) -> None:
    item = ITEMS[0]
    rows = [
        {"respondent_id": "A", "stage": "mid", **dict.fromkeys(ITEMS, 3)},
        '{"respondent_id": "B", "stage": "mid", "stage": "early"}',
        f'{{"respondent_id": "C", "stage": "mid", "answers": {{"{item}": 3, "{item}": 5}}}}',
    ]
    path = tmp_path / "team.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", "utf-8"
    )
    code, _out, err = run(runner, "batch", path)
    assert code == ExitCode.ROWS_REJECTED
    assert f"{path}:2: key 'stage' is given twice in this line" in err
    assert f"{path}:3: key '{item}' is given twice in this line" in err


# --- 10.6 internal errors that were not bugs -----------------------------------------------


def test_a_csv_header_cell_over_the_field_limit(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "wide.csv", [[*row("A"), "1"]], header=[*HEADER, "x" * 140_000])
    code, _out, err = run(runner, "batch", source)
    assert code == 0 and "internal error" not in err
    assert "xxxxx…" in err and len(err) < 2000  # the unknown column's name is shortened
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(",".join(HEADER) + ',"' + "y" * 140_000 + '"\r\n', encoding="utf-8")
    for command in ("batch", "stats"):
        code, _out, err = run(runner, command, quoted)
        assert code == ExitCode.NOTHING_READ, err
        assert "line 1: not valid CSV (field larger than field limit" in err


def test_unreadable_folder_inside_a_model(
    runner: CliRunner, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Path.iterdir

    def denied(self: Path) -> object:
        if self.name == "stages":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    code, _out, err = run(runner, "model", "validate", tiny_model_dir)
    assert code == ExitCode.MODEL
    assert "stages: Permission denied" in err


def test_unreadable_font_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kamcli.render import fonts

    blocked = tmp_path / "blocked"
    original = Path.is_dir

    def is_dir(self: Path) -> bool:
        if self == blocked:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    assert fonts._font_files([blocked]) == {}


def test_disk_full_is_exit_7(tmp_path: Path, runner: CliRunner) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    source = write_csv(tmp_path / "in.csv", [row("A")])
    code, _out, err = run(runner, "batch", source, "-o", "/dev/full")
    assert code == ExitCode.OUTPUT and "disk full" in err
    code, _out, err = run(
        runner,
        "report",
        "--answers",
        answers_file(tmp_path / "a.yaml"),
        "-f",
        "md",
        "-o",
        "/dev/full",
    )
    assert code == ExitCode.OUTPUT and "No space left" in err


@pytest.mark.slow
def test_closed_and_full_standard_streams(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [row("A")])
    answers = answers_file(tmp_path / "a.yaml")
    with Path("/dev/full").open("w") as full:
        done = kam("batch", source, stdout=full)
        assert done.returncode == ExitCode.OUTPUT and "disk full" in done.stderr
        done = kam("--help", stdout=full)
        assert done.returncode == ExitCode.OUTPUT and "Traceback" not in done.stderr
    for args in (["batch", source], ["--help"], ["report", "--answers", answers, "-f", "md"]):
        done = kam(*args, preexec_fn=lambda: os.close(1))
        assert done.returncode == ExitCode.OUTPUT, (args, done.stderr)
        assert "standard output is closed" in done.stderr and "Traceback" not in done.stderr
    done = kam("assess", "--answers", "-", preexec_fn=lambda: os.close(0))
    assert done.returncode == ExitCode.INPUT and "standard input is closed" in done.stderr
    done = kam("batch", "-", preexec_fn=lambda: os.close(0))
    assert "standard input is closed" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_reader_leaving_the_pipe_early_is_exit_0() -> None:
    for args in (["--help"], ["batch", "--help"], ["stages"]):
        command = [sys.executable, "-c", "from kamcli.cli.main import main; main()", *args]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stderr is not None
        child.stdout.read(10)  # like `| head -c 10`: read a little, then leave
        child.stdout.close()
        assert child.wait(60) == 0, args
        assert child.stderr.read() == b""
        child.stderr.close()


# --- 10.7 SIGTERM and temp files -------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_cleans_up_and_exits_143(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [row(f"R{n}", seed=n) for n in range(60_000)])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    command = [
        sys.executable,
        "-c",
        "from kamcli.cli.main import main; main()",
        "batch",
        str(source),
    ]
    command += ["-o", str(out_dir / "out.csv"), "--rejects", str(out_dir / "r.csv")]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(out_dir.glob(".out.csv.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    assert child.wait(60) == ExitCode.TERMINATED
    assert child.stderr is not None and "kam: terminated." in child.stderr.read()
    assert list(out_dir.iterdir()) == []


def test_stale_temp_files_of_ended_runs_are_removed(tmp_path: Path, runner: CliRunner) -> None:
    dead = 2**22 + 12345  # above the usual pid_max
    stale = [tmp_path / f".out.csv.kam{dead}-ab12.tmp", tmp_path / f".rep.kam{dead}-x9.partial"]
    stale[0].write_text("half", encoding="utf-8")
    stale[1].mkdir()
    (stale[1] / "0001-ann.html").write_text("half", encoding="utf-8")
    old_style = tmp_path / ".out.csv.a1b2c3d4.tmp"
    old_style.write_text("half", encoding="utf-8")
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    live = tmp_path / f".out.csv.kam{os.getppid()}-cd34.tmp"
    live.write_text("another run, still writing", encoding="utf-8")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("not ours", encoding="utf-8")
    tempfiles._swept.clear()
    source = write_csv(tmp_path / "in.csv", [row("A")])
    assert run(runner, "batch", source, "-o", tmp_path / "out.csv")[0] == 0
    assert not any(p.exists() for p in (*stale, old_style))
    assert live.exists() and unrelated.exists()


# --- issue 9.19, 9.20, 9.21 ------------------------------------------------------------------


def test_batch_summary_is_a_plain_line_and_rejections_are_short(
    tmp_path: Path, runner: CliRunner
) -> None:
    off_scale = ["X", "Ann", "Acme", "mid", *(["9"] * len(ITEMS))]
    source = write_csv(tmp_path / "in.csv", [row("A"), off_scale])
    code, _out, err = run(runner, "batch", source, "--rejects", tmp_path / "r.csv")
    assert code == ExitCode.ROWS_REJECTED
    lines = err.strip().splitlines()
    assert lines[-1] == "1 scored, 1 rejected"
    [rejected] = [line for line in lines if line.startswith(f"{source}:3:")]
    assert rejected.count("outside the scale") == 3
    assert f"and {len(ITEMS) - 3} more problems" in rejected and len(rejected) < 400
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        reason = next(iter(csv.DictReader(handle)))["reason"]
    assert reason.count("outside the scale") == len(ITEMS)  # the file keeps them all


def test_an_interrupted_report_dir_run_leaves_nothing(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kamcli.batch import reports

    source = write_csv(tmp_path / "in.csv", [row(f"R{n}", seed=n) for n in range(5)])
    target = tmp_path / "reports"
    written = []
    original = reports.ReportWriter.write

    def write_then_interrupt(self: reports.ReportWriter, *args: object) -> Path:
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(args)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(reports.ReportWriter, "write", write_then_interrupt)
    code, _out, err = run(
        runner,
        "batch",
        source,
        "-o",
        tmp_path / "o.csv",
        "--report-dir",
        target,
        "--report-format",
        "md",
    )
    assert code == ExitCode.INTERRUPTED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    monkeypatch.setattr(reports.ReportWriter, "write", original)
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    code, _out, err = run(runner, "batch", source, "--report-dir", target, "--report-format", "md")
    assert code == 0, err
    assert sorted(p.name for p in target.iterdir())[-1] == "keep.txt"
    assert len(list(target.glob("*.md"))) == 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- 10.9 minor ------------------------------------------------------------------------------


def test_inputs_that_are_not_files_are_named_for_what_they_are(
    tmp_path: Path, runner: CliRunner
) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(tmp_path / "loop2.csv")
    (tmp_path / "loop2.csv").symlink_to(loop)
    code, _out, err = run(runner, "batch", loop)
    assert code == ExitCode.INPUT and "loops back on itself" in err
    code, _out, err = run(runner, "assess", "--answers", loop)
    assert code == ExitCode.INPUT and "loops back on itself" in err
    code, _out, err = run(runner, "batch", tmp_path / "missing.csv")
    assert code == ExitCode.NOT_FOUND and "does not exist" in err


def test_batch_results_printed_to_a_terminal_are_sanitised(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kamcli.batch import record_writers

    shown = io.StringIO()
    monkeypatch.setattr(shown, "isatty", lambda: True)
    monkeypatch.setattr(record_writers.sys, "stdout", shown)
    target = record_writers.StreamTarget(None, bom=False)
    target.stream.write(f"A,{EVIL}\r\n")
    assert shown.getvalue() == f"A,{UNSAFE.sub(chr(0xFFFD), EVIL)}\n"


def test_a_nul_byte_stops_the_file_at_its_line_wherever_it_is(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = [row(f"R{n}", seed=n) for n in range(400)]  # well past the first 8 KiB
    for at in (3, 399):
        source = write_csv(tmp_path / "nul.csv", rows)
        lines = source.read_bytes().split(b"\r\n")
        lines[at] = lines[at].replace(b"Ann", b"A\x00nn")
        source.write_bytes(b"\r\n".join(lines))
        code, out, err = run(runner, "batch", source)
        assert code == ExitCode.ROWS_REJECTED
        assert f"line {at + 1} holds a NUL byte" in err
        assert "\x00" not in out
        assert len(out.strip().splitlines()) == at  # the header and the rows before it


def test_utf16_without_a_bom_is_named(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "u16.csv", [row("A")], encoding="utf-16-le")
    code, _out, err = run(runner, "batch", source)
    assert code == ExitCode.NOTHING_READ
    assert "UTF-16 text without a byte-order mark" in err and "binary" not in err


def test_formula_rows_keep_their_id_in_the_rejects_file(tmp_path: Path, runner: CliRunner) -> None:
    rows = [[*good_rows(1)[0]]]
    sheet = sheet_xml([HEADER, *rows]).replace(b'<c r="E2"><v>', b'<c r="E2"><f>1+1</f><v>')
    source = workbook(tmp_path / "f.xlsx", sheet)
    code, _out, err = run(runner, "batch", source, "--rejects", tmp_path / "r.csv")
    assert code == ExitCode.NOTHING_READ and "cell E2 holds a formula" in err
    assert "(respondent_id R0)" in err
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, record = list(csv.reader(handle))
    assert header.count("respondent_id") == 1
    assert record[header.index("respondent_id")] == "R0"
    assert record[header.index(ITEMS[0])] == "'=1+1"


def test_blank_answers_are_skips_and_blank_names_are_not_given(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "a.yaml"
    answers = dict.fromkeys(ITEMS, 3) | {ITEMS[0]: "", ITEMS[1]: "  "}
    path.write_text(yaml.safe_dump({"stage": "mid", "name": "   ", "answers": answers}), "utf-8")
    code, out, err = run(runner, "assess", "--answers", path)
    assert code == 0, err
    assert "(not given)" in out
