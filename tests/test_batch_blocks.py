"""The block fast path of kam batch (blocks.py, csv_rows.py, SeenIds.add_all, digit_key_rows)
gives exactly what the row-by-row path gives: the same output bytes, rejects and messages."""

from __future__ import annotations

import codecs
import csv
import io
import random
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kamcli.batch import blocks
from kamcli.batch import seen as seen_module
from kamcli.batch.record_writers import RecordWriter
from kamcli.batch.seen import SeenIds
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.io import decoding
from kamcli.io.csv_rows import csv_items, rows_of
from kamcli.io.decoding import ReadFailure, text_chunks, text_lines
from kamcli.model import load_model
from kamcli.scoring.plan import ScoringPlan
from tests.conftest import write_tiny_model

MODEL = load_model()
ITEMS = MODEL.item_ids()
PLAN = ScoringPlan(MODEL)
HEADER = ["respondent_id", "name", "account", "stage", *ITEMS]


def unit_weight_tiny_model(target: Path) -> Path:
    """The docs' tiny model with unit weights (so it has digit keys), competencies of two
    sizes (several window lengths) and an item that only self and managers rate."""
    folder = write_tiny_model(target)
    selling = folder / "competencies" / "selling.yaml"
    text = selling.read_text(encoding="utf-8").replace(", weight: 2}", ", raters: [self, manager]}")
    selling.write_text(text, encoding="utf-8")
    return folder


def run(
    runner: CliRunner, folder: Path, *args: str | Path, rows_only: bool = False
) -> tuple[object, ...]:
    """Exit code, stderr, output and rejects of a run; `rows_only`: without the block path."""
    out, rejects = folder / "out.csv", folder / "rejects.csv"
    for path in (out, rejects):
        path.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        if rows_only:
            patch.setattr(blocks.BlockScorer, "usable", staticmethod(lambda *args: False))
        else:  # small blocks, so that a short file has many of them
            patch.setattr(blocks, "BLOCK_LINES", 8)
            patch.setattr(blocks, "SMALL_BLOCK_LINES", 3)
        result = runner.invoke(app, [*map(str, args), "-o", str(out), "--rejects", str(rejects)])
    read = [p.read_bytes() if p.exists() else None for p in (out, rejects)]
    return result.exit_code, result.stderr, *read


# --- whole runs: block path == row path ---------------------------------------------------------

NAMES = ["Ann", "Li Wei", "张伟", "=cmd", "-x", "@a", "＋b", "", " padded ", "a;b", "x,y", 'q"t']


def cell_variants(rng: random.Random, answers: list[str]) -> list[str]:
    """A row's answers, now and then with one problem or an unusual but valid cell."""
    answers = list(answers)
    kind = rng.randrange(14)
    spot = rng.randrange(len(answers))
    if kind == 0:
        answers[spot] = rng.choice(["6", "0", "x", "1.0", " 3", "", "skip", "３", "5 "])
    elif kind == 1:
        answers = answers[:-1]
    elif kind == 2:
        answers = [*answers, rng.choice(["", "9"])]
    elif kind == 3:
        answers[: len(answers) // 2] = [""] * (len(answers) // 2)
    return answers


@st.composite
def response_files(draw: st.DrawFn) -> tuple[list[list[str]], str, str]:
    """Rows that are mostly plain and good, with every kind of trouble sprinkled in."""
    seed = draw(st.integers(0, 2**32 - 1))
    count = draw(st.integers(1, 60))
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        rid = rng.choice([f"R{number}", f"R{rng.randrange(number + 1)}", "", " R1 "])
        if rng.random() < 0.8:
            rid = f"R{number}"
        stage = rng.choice([*MODEL.stage_ids, "MID", " Early ", "nope", ""])
        if rng.random() < 0.7:
            stage = rng.choice(MODEL.stage_ids)
        answers = [rng.choice("12345") for _ in ITEMS]
        if rng.random() < 0.3:
            answers = cell_variants(rng, answers)
        name = rng.choice(NAMES) if rng.random() < 0.3 else f"Person {number}"
        rows.append([rid, name, rng.choice(["Acme", "", "+1"]), stage, *answers])
    return rows, draw(st.sampled_from(["\r\n", "\n"])), draw(st.sampled_from([",", ";"]))


def write_text(
    path: Path, header: list[str], rows: list[list[str]], end: str, delimiter: str
) -> Path:
    """A CSV file of the rows, with a blank line after row R5 (counted in line numbers)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=end)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if row[0] == "R5":
            buffer.write(end)  # a blank line
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=response_files())
def test_blocks_write_what_rows_write(
    tmp_path: Path, runner: CliRunner, data: tuple[list[list[str]], str, str]
) -> None:
    rows, end, delimiter = data
    source = write_text(tmp_path / "team.csv", HEADER, rows, end, delimiter)
    fast = run(runner, tmp_path, "batch", source)
    assert fast == run(runner, tmp_path, "batch", source, rows_only=True)


def test_blocks_with_stage_option_raters_and_answers_in_the_middle(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Meta cells after the answers, a rater column, --stage, and a model with items only
    some roles rate and competencies of different sizes."""
    model = unit_weight_tiny_model(tmp_path / "tiny")
    header = ["respondent_id", "honesty_1", "honesty_2", "selling_1", "stage", "rater", "name"]
    rng = random.Random(3)
    rows = [
        [
            f"c{n}",
            *(rng.choice("123") for _ in range(3)),
            rng.choice(["first", "second", "Second", "third"]),
            rng.choice(["", "self", "manager", "Manager", "peer", "boss"]),
            rng.choice(["", f"n{n}", "=x"]),
        ]
        for n in range(300)
    ]
    source = write_text(tmp_path / "rated.csv", header, rows, "\n", ",")
    for extra in ([], ["--stage", "second"]):
        args: list[str | Path] = ["--model", model, "batch", source, *extra]
        fast = run(runner, tmp_path, *args)
        assert fast[0] == ExitCode.ROWS_REJECTED
        assert fast == run(runner, tmp_path, *args, rows_only=True)


def test_a_block_failing_mid_run_leaves_no_output(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(1)
    rows = [
        [f"R{n}", "Ann", "Acme", "mid", *(rng.choice("12345") for _ in ITEMS)] for n in range(40)
    ]
    source = write_text(tmp_path / "team.csv", HEADER, rows, "\n", ",")
    out = tmp_path / "out.csv"
    out.write_text("old results\n", encoding="utf-8")
    calls = []
    original = RecordWriter.write_text

    def failing(self: RecordWriter, text: str, count: int) -> None:
        calls.append(count)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        original(self, text, count)

    monkeypatch.setattr(RecordWriter, "write_text", failing)
    monkeypatch.setattr(blocks, "BLOCK_LINES", 8)
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == ExitCode.INTERNAL
    assert calls == [7, 8, 8]  # the third block failed, after two (7 rows and a blank line)
    assert out.read_text(encoding="utf-8") == "old results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_strict_stops_inside_a_block_after_the_rows_before(
    tmp_path: Path, runner: CliRunner
) -> None:
    rng = random.Random(2)
    rows = [
        [f"R{n}", "Ann", "Acme", "mid", *(rng.choice("12345") for _ in ITEMS)] for n in range(50)
    ]
    rows[30][10] = "7"
    source = write_text(tmp_path / "team.csv", HEADER, rows, "\n", ",")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--strict"])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert "team.csv:33: " in result.stderr  # row 30 on line 33: header, blank line after R5
    ids = [line.split(",")[0] for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert ids == [f"R{n}" for n in range(30)]


# --- respondent ids, a block at a time ----------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.booleans(), st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), max_size=6)
        ),
        max_size=40,
    ),
    tiny_table=st.booleans(),
)
def test_add_all_is_all_or_nothing(steps: list[tuple[bool, list[str]]], tiny_table: bool) -> None:
    """add_all records every id or none of them; add one at a time; both exact."""
    with pytest.MonkeyPatch.context() as patch:
        if tiny_table:  # spills to disk after 8 ids
            patch.setattr(seen_module, "TABLE_SLOTS", 16)
            patch.setattr(seen_module, "MAX_IN_MEMORY", 8)
        seen, known = SeenIds(), set()
        for one_by_one, ids in steps:
            if one_by_one:
                for respondent_id in ids:
                    assert seen.add(respondent_id) == (respondent_id not in known)
                    known.add(respondent_id)
            else:
                new = len(set(ids)) == len(ids) and known.isdisjoint(ids)
                assert seen.add_all(ids) == new
                if new:
                    known.update(ids)
            assert len(seen) == len(known)
        assert not seen.add_all(sorted(known)[:1]) if known else seen.add_all([])
        seen.close()


# --- digit keys of many rows -------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.text(alphabet="12345", min_size=len(ITEMS), max_size=len(ITEMS)), min_size=1)
)
def test_digit_key_rows_are_each_rows_digit_keys(rows: list[str]) -> None:
    digits = [row.encode() for row in rows]
    assert list(PLAN.digit_key_rows(b"".join(digits))) == [PLAN.digit_keys(d) for d in digits]


def test_digit_key_rows_with_competencies_of_several_sizes(tmp_path: Path) -> None:
    plan = ScoringPlan(load_model(unit_weight_tiny_model(tmp_path / "tiny")))
    assert plan.has_digit_keys
    rows = [bytes(random.Random(n).choice(b"123") for _ in range(3)) for n in range(200)]
    assert list(plan.digit_key_rows(b"".join(rows))) == [plan.digit_keys(r) for r in rows]


# --- CSV text in pieces ------------------------------------------------------------------------


def reference_rows(
    lines: Iterator[str], delimiter: str, name: str
) -> Iterator[tuple[int, list[str]]]:
    """The line-by-line reader kam batch had before it read whole pieces: the oracle."""
    number = 0
    blank = delimiter + " \t\r\n"
    for text in lines:
        number += 1
        if '"' not in text:
            if text.strip(blank):
                yield number, text.rstrip("\r\n").split(delimiter)
            continue
        reader = csv.reader(chain((text,), lines), delimiter=delimiter, strict=False)
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ReadFailure(f"{name}: line {number}: not valid CSV ({exc})", number) from None
        start = number
        number += reader.line_num - 1
        if cells and any(cell.strip() for cell in cells):
            yield start, cells


def read_all(rows: Iterator[tuple[int, object]]) -> tuple[list[tuple[int, object]], str | None]:
    got: list[tuple[int, object]] = []
    try:
        got.extend((line, list(cells)) for line, cells in rows)  # type: ignore[call-overload]
    except ReadFailure as exc:
        return got, exc.message
    return got, None


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet='ab,;" \r\n', max_size=120),
    chunk=st.integers(1, 9),
    delimiter=st.sampled_from([",", ";"]),
)
def test_pieces_read_like_lines(text: str, chunk: int, delimiter: str) -> None:
    """Quotes, line breaks in quoted cells, CR LF and lone CRs, blank lines: the rows, their
    line numbers and the errors are those of the line-by-line reader, wherever pieces end."""
    data = text.encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decoding, "CHUNK_BYTES", chunk)
        pieces = list(text_chunks(io.BytesIO(data[chunk:]), data[:chunk], "t", None))
        assert "".join(pieces) == text
        assert all(piece.endswith("\n") for piece in pieces[:-1])
        want = read_all(
            reference_rows(
                text_lines(io.BytesIO(data[chunk:]), data[:chunk], "t", None), delimiter, "t"
            )
        )
        chunks = text_chunks(io.BytesIO(data[chunk:]), data[:chunk], "t", None)
        got = read_all(rows_of(csv_items(chunks, delimiter, "t", 0)))
    assert got == want


def test_pieces_stop_at_bad_bytes_after_the_lines_before() -> None:
    data = b"a,b\r\nc,d\r\n" * 3 + b"e\xff\xfe,f\n"
    decoder_pieces = text_chunks(io.BytesIO(data[4:]), data[:4], "t.csv", "utf-8")
    lines: list[str] = []
    with pytest.raises(ReadFailure) as failure:
        for piece in decoder_pieces:
            lines += piece.splitlines()
    assert lines == ["a,b", "c,d"] * 3
    assert failure.value.line == 7
    assert codecs.lookup("utf-8").name in failure.value.message
