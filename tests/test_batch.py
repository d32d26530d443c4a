"""kam batch end to end: outputs, exit codes, --strict, --long, atomic -o, --save, reports."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kamcli.batch.row_outcomes import GoodRow
from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import load_model
from kamcli.scoring import score_assessment
from kamcli.store import Store
from tests.conftest import ROOT

MODEL = load_model()
ITEMS = MODEL.item_ids()
HEADER = ["respondent_id", "name", "account", "stage", *ITEMS]
COMPETENCIES = [c.id for c in MODEL.competencies]


# --- helpers shared by the test_batch*.py files ------------------------------------------------


def answers_for(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [str(rng.randint(MODEL.scale.min, MODEL.scale.max)) for _ in ITEMS]


def row(rid: str, name: str = "Ann", stage: str = "mid", seed: int | None = None) -> list[str]:
    return [rid, name, "Acme", stage, *answers_for(hash(rid) if seed is None else seed)]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def batch(runner: CliRunner, *args: str | Path, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, ["batch", *map(str, args)], input=stdin)


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def expected(rid: str, answers: Sequence[str], stage: str) -> dict[str, float | None]:
    """What score_assessment says for a row, rounded like kam batch writes it."""
    values = {i: int(a) for i, a in zip(ITEMS, answers, strict=True) if a.strip()}
    result = score_assessment(MODEL, values, stage=stage, lang="en", created_at="t")
    out: dict[str, float | None] = {}
    for competency in result.competencies:
        cid = competency.competency_id
        out[f"{cid}_score"] = None if competency.score is None else round(competency.score, 2)
        out[f"{cid}_gap"] = None if competency.gap is None else round(competency.gap, 2)
    out["fit"] = None if result.fit is None else round(result.fit, 2)
    out["next_fit"] = None if result.next_fit is None else round(result.next_fit, 2)
    return out


def as_number(text: str) -> float | None:
    return None if text == "" else float(text)


# --- outputs -----------------------------------------------------------------------------------


def test_wide_csv_matches_score_assessment(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row(f"R{i}", stage=MODEL.stage_ids[i % 4], seed=i) for i in range(40)]
    rows[5][10] = ""  # one unanswered item: the slow path, same numbers
    source = write_csv(tmp_path / "team.csv", rows)
    out = tmp_path / "out.csv"
    result = batch(runner, source, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert stderr_lines(result)[-1] == "40 scored, 0 rejected"
    written = read_output(out)
    assert list(written[0]) == [
        "respondent_id",
        "name",
        "account",
        "stage",
        *[f"{c}_{p}" for c in COMPETENCIES for p in ("score", "gap", "status")],
        "fit",
        "next_fit",
        "coverage",
        "subject",
        "rater",
        "suggested_stage",
        "stage_confidence",
        "stage_unclear",
    ]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    for given, got in zip(rows, written, strict=True):
        want = expected(given[0], given[4:], given[3])
        assert {k: as_number(got[k]) for k in want} == want
    assert written[5]["coverage"] == "0.99"
    assert written[0]["coverage"] == "1.00"


def test_long_output_has_one_row_per_competency(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", seed=1), row("B", seed=2)])
    out = tmp_path / "long.csv"
    result = batch(runner, source, "--long", "-o", out)
    assert result.exit_code == 0, result.stderr
    written = read_output(out)
    assert list(written[0]) == [
        "respondent_id",
        "name",
        "stage",
        "competency_id",
        "competency",
        "score",
        "target",
        "gap",
        "status",
        "coverage",
        "priority",
        "subject",
        "rater",
        "suggested_stage",
        "stage_confidence",
        "stage_unclear",
    ]
    assert len(written) == 2 * len(COMPETENCIES)
    assert [r["competency_id"] for r in written[: len(COMPETENCIES)]] == COMPETENCIES
    first = written[0]
    assert first["competency"] == MODEL.text(MODEL.competency(COMPETENCIES[0]).name, "en")
    target = MODEL.stage("mid").targets[COMPETENCIES[0]]
    gap = float(first["gap"])
    assert float(first["target"]) == target.target
    assert float(first["priority"]) == pytest.approx(max(gap, 0) * target.weight, abs=0.011)


def test_long_uses_the_language(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", seed=1)])
    result = runner.invoke(app, ["--lang", "zh", "batch", str(source), "--long"])
    assert result.exit_code == 0, result.stderr
    assert MODEL.text(MODEL.competencies[0].name, "zh") in result.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_outputs_parse(tmp_path: Path, runner: CliRunner, fmt: str) -> None:
    rows = [row("A", name="=cmd|' /C calc'!A0", seed=1), row("B", seed=2)]
    source = write_csv(tmp_path / "team.csv", rows)
    result = batch(runner, source, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        records = json.loads(result.stdout)
    else:
        records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["respondent_id"] for r in records] == ["A", "B"]
    assert records[0]["name"] == "=cmd|' /C calc'!A0"  # JSON is data, not a spreadsheet
    want = expected("A", rows[0][4:], "mid")
    assert {k: records[0][k] for k in want} == want
    assert records[0]["account"] == "Acme" and records[0]["coverage"] == 1.0


def test_json_long_and_empty_array(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", seed=1)])
    result = batch(runner, source, "--format", "json", "--long")
    records = json.loads(result.stdout)
    assert len(records) == len(COMPETENCIES) and records[0]["competency_id"] == COMPETENCIES[0]
    bad = write_csv(tmp_path / "bad.csv", [row("A", stage="nope")])
    out = tmp_path / "o.json"
    result = batch(runner, bad, "--format", "json", "--strict", "-o", out)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert json.loads(out.read_text(encoding="utf-8")) == []


# --- exit codes, counts, --strict --------------------------------------------------------------


def test_exit_codes_0_10_11(tmp_path: Path, runner: CliRunner) -> None:
    good = write_csv(tmp_path / "good.csv", [row("A"), row("B")])
    some = write_csv(tmp_path / "some.csv", [row("A"), row("B", stage="nope")])
    none = write_csv(tmp_path / "none.csv", [row("A", stage="nope")])
    assert batch(runner, good).exit_code == ExitCode.OK
    result = batch(runner, some)
    assert result.exit_code == ExitCode.ROWS_REJECTED == 10
    assert stderr_lines(result)[-1].endswith("1 scored, 1 rejected")
    result = batch(runner, none)
    assert result.exit_code == ExitCode.NOTHING_READ == 11
    assert stderr_lines(result)[-1].endswith("0 scored, 1 rejected")
    assert result.stdout == ""  # nothing scored: not even a header on stdout


def test_strict_stops_at_the_first_bad_row(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row("A"), row("B"), row("C", stage="nope"), row("D")]
    source = write_csv(tmp_path / "team.csv", rows)
    out = tmp_path / "out.csv"
    result = batch(runner, source, "--strict", "-o", out)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert "--strict" in stderr_lines(result)[-1]
    assert "2 scored, 1 rejected" in stderr_lines(result)[-1]
    assert [r["respondent_id"] for r in read_output(out)] == ["A", "B"]  # rows before it kept
    assert f"{source}:4: unknown stage 'nope'" in result.stderr


def test_strict_stops_on_an_unknown_column(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "t.csv", [[*row("A"), "3"]], header=[*HEADER, "nosuch"])
    result = batch(runner, source, "--strict")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert "unknown column nosuch" in result.stderr
    assert stderr_lines(result)[-1].endswith("0 scored, 0 rejected")


def test_every_row_is_scored_or_rejected_in_a_gb18030_file(
    tmp_path: Path, runner: CliRunner
) -> None:
    """The issue's "done when": 1,000 rows in GB18030 with a few bad ones, all accounted for."""
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静"]
    rows = [
        row(f"K{i:04d}", name=f"{names[i % 5]}{i}", stage=MODEL.stage_ids[i % 4], seed=i)
        for i in range(1000)
    ]
    rows[10][5] = "abc"
    rows[200][6] = "6"
    rows[333][7] = "3.5"
    rows[500] = rows[500][:10]
    rows[700][0] = rows[699][0]  # duplicate id
    rows[900][3] = "未知"
    source = write_csv(tmp_path / "team.csv", rows, encoding="gb18030")
    out, rejects = tmp_path / "out.csv", tmp_path / "rejects.csv"
    result = batch(runner, source, "-o", out, "--rejects", rejects)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    scored, rejected = read_output(out), read_output(rejects)
    assert len(scored) + len(rejected) == 1000
    assert len(rejected) == 6
    assert stderr_lines(result)[-1].endswith("994 scored, 6 rejected")
    assert [int(r["row_number"]) for r in rejected] == [12, 202, 335, 502, 702, 902]
    by_id = {r["respondent_id"]: r for r in scored}
    for index in random.Random(5).sample(range(1000), 25):
        given = rows[index]
        if given[0] not in by_id or index in (700,):
            continue
        got = by_id[given[0]]
        assert got["name"] == given[1]  # Chinese names decoded right
        want = expected(given[0], given[4:], given[3])
        assert {k: as_number(got[k]) for k in want} == want


# --- -o is atomic ------------------------------------------------------------------------------


def test_output_is_atomic_when_the_run_fails(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kamcli.batch.blocks import BlockScorer
    from kamcli.batch.record_format import RecordFormatter

    source = write_csv(tmp_path / "team.csv", [row(f"R{i}") for i in range(50)])
    out = tmp_path / "out.csv"
    out.write_text("old results\n", encoding="utf-8")
    calls = {"n": 0}
    original = RecordFormatter.wide_csv_line

    def failing(self: RecordFormatter, good: GoodRow) -> str:
        calls["n"] += 1
        if calls["n"] == 30:
            raise RuntimeError("disk on fire")
        return original(self, good)

    monkeypatch.setattr(RecordFormatter, "wide_csv_line", failing)
    # row by row here (the block path has its own test in test_batch_blocks.py)
    monkeypatch.setattr(BlockScorer, "usable", staticmethod(lambda *args: False))
    result = batch(runner, source, "-o", out, "--rejects", tmp_path / "rej.csv")
    assert result.exit_code == ExitCode.INTERNAL
    assert out.read_text(encoding="utf-8") == "old results\n"
    assert calls["n"] == 30  # the failure came mid-run, after 29 rows were written
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files
    assert not (tmp_path / "rej.csv").exists()


def test_nothing_scored_leaves_no_output_file(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", stage="nope")])
    out = tmp_path / "out.csv"
    assert batch(runner, source, "-o", out).exit_code == ExitCode.NOTHING_READ
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_rejects_file_names_the_row_and_keeps_its_cells(tmp_path: Path, runner: CliRunner) -> None:
    bad = row("B", name='=HYPERLINK("http://x")')
    bad[4] = "abc"
    source = write_csv(tmp_path / "team.csv", [row("A"), bad])
    rejects = tmp_path / "rejects.csv"
    batch(runner, source, "--rejects", rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        header, record = list(csv.reader(handle))
    assert header == ["file", "row_number", "reason", *HEADER]  # one respondent_id column
    assert record[:2] == [str(source), "3"]
    assert "integrity_1: 'abc' is not a number" in record[2]
    assert record[3] == "B"  # the respondent_id cell
    assert record[4] == '\'=HYPERLINK("http://x")'  # neutralised
    assert record[7] == "abc"


# --- --save ------------------------------------------------------------------------------------


def test_save_stores_each_row_once_and_is_safe_to_rerun(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row(f"R{i}", seed=i) for i in range(12)]
    source = write_csv(tmp_path / "team.csv", rows)
    first = batch(runner, source, "--save", "-o", tmp_path / "a.csv")
    assert first.exit_code == 0, first.stderr
    assert "Saved 12 assessments" in first.stderr
    second = batch(runner, source, "--save", "-o", tmp_path / "b.csv")
    assert "Saved 0 assessments" in second.stderr and "12 were already there" in second.stderr
    rows[3][6] = "1" if rows[3][6] != "1" else "2"  # a corrected row is a new assessment
    write_csv(source, rows)
    third = batch(runner, source, "--save", "-o", tmp_path / "c.csv")
    assert "Saved 1 assessments" in third.stderr
    with Store.open_default() as store:
        records = store.list()
    assert len(records) == 13
    record = next(r for r in records if r.result and r.result["batch"]["respondent_id"] == "R0")
    assert record.status == "complete" and record.person == "Ann" and record.stage == "mid"
    assert record.answers == {i: int(a) for i, a in zip(ITEMS, rows[0][4:], strict=True)}
    want = expected("R0", rows[0][4:], "mid")
    scores = {c["competency_id"]: c["score"] for c in record.result["competencies"]}
    assert {f"{k}_score": round(v, 2) for k, v in scores.items()} == {
        k: v for k, v in want.items() if k.endswith("_score")
    }


@pytest.mark.slow
def test_two_concurrent_saves_store_each_row_once(tmp_path: Path) -> None:
    rows = [row(f"R{i}", seed=i) for i in range(1200)]
    source = write_csv(tmp_path / "team.csv", rows)
    env = {**os.environ, "KAM_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kamcli",
                "batch",
                str(source),
                "--save",
                "-q",
                "-o",
                str(tmp_path / f"out{n}.csv"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outcomes = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outcomes, strict=True):
        assert run.returncode == 0, err
        assert "locked" not in err
    with Store(tmp_path / "home" / "history.db") as store:
        records = store.list()
    ids = [r.result["batch"]["respondent_id"] for r in records if r.result]
    assert len(ids) == 1200 and len(set(ids)) == 1200


# --- reports and summaries ---------------------------------------------------------------------


def test_report_dir_writes_safe_names(tmp_path: Path, runner: CliRunner) -> None:
    rows = [
        row("A", name="../../x"),
        row("B", name="张伟"),
        row("C", name="CON"),
        row("D", name=""),
    ]
    source = write_csv(tmp_path / "team.csv", rows)
    folder = tmp_path / "reports" / "team"
    result = batch(runner, source, "--report-dir", folder, "--report-format", "md", "-q")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001-x.md",
        "0002-张伟.md",
        "0003-con-respondent.md",
        "0004-d.md",
    ]
    assert not (tmp_path / "x.md").exists() and not (tmp_path / "reports" / "x.md").exists()
    text = (folder / "0002-张伟.md").read_text(encoding="utf-8")
    assert "张伟" in text


def test_report_dir_html(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A", name="<script>alert(1)</script>")])
    result = batch(runner, source, "--report-dir", tmp_path / "r")
    assert result.exit_code == 0, result.stderr
    [page] = (tmp_path / "r").iterdir()
    assert page.name == "0001-script-alert-1-script.html"
    assert "<script>alert(1)" not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".html", ".md", ".json"])
def test_summary_out(tmp_path: Path, runner: CliRunner, suffix: str) -> None:
    rows = [row(f"R{i}", name=f"N{i}", seed=i) for i in range(30)]
    source = write_csv(tmp_path / "team.csv", rows)
    target = tmp_path / f"summary{suffix}"
    result = batch(runner, source, "--summary-out", target, "-o", tmp_path / "o.csv")
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    if suffix == ".json":
        data = json.loads(text)
        assert data["n_respondents"] == 30
    elif suffix == ".html":
        assert "<svg" in text and "N0" in text and "N29" in text  # heat map rows
    else:
        assert MODEL.text(MODEL.competencies[0].name, "en") in text


def test_summary_prints_to_stdout_with_o_and_to_stderr_without(
    tmp_path: Path, runner: CliRunner
) -> None:
    source = write_csv(tmp_path / "team.csv", [row(f"R{i}", seed=i) for i in range(5)])
    name = MODEL.text(MODEL.competencies[0].name, "en")
    with_o = batch(runner, source, "--summary", "-o", tmp_path / "o.csv")
    assert name in with_o.stdout
    without = batch(runner, source, "--summary")
    assert without.stdout.startswith("respondent_id,") and name in without.stderr


def test_summary_out_needs_a_known_suffix(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A")])
    result = batch(runner, source, "--summary-out", tmp_path / "s.txt")
    assert result.exit_code == ExitCode.USAGE and ".html" in result.stderr


def test_unknown_stage_option_and_missing_file(tmp_path: Path, runner: CliRunner) -> None:
    source = write_csv(tmp_path / "team.csv", [row("A")])
    assert batch(runner, source, "--stage", "nope").exit_code == ExitCode.USAGE
    assert batch(runner, tmp_path / "missing.csv").exit_code == ExitCode.NOT_FOUND


def test_stage_option_overrides_rows(tmp_path: Path, runner: CliRunner) -> None:
    rows = [row("A", stage="nope"), row("B", stage="")]
    source = write_csv(tmp_path / "team.csv", rows)
    result = batch(runner, source, "--stage", "early")
    assert result.exit_code == 0, result.stderr
    assert [r["stage"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["early", "early"]


def test_no_stage_column_needs_the_option(tmp_path: Path, runner: CliRunner) -> None:
    header = [h for h in HEADER if h != "stage"]
    source = write_csv(
        tmp_path / "t.csv", [[r for j, r in enumerate(row("A")) if j != 3]], header=header
    )
    result = batch(runner, source)
    assert result.exit_code == ExitCode.NOTHING_READ and "no stage column" in result.stderr
    assert batch(runner, source, "--stage", "mid").exit_code == 0


def test_several_inputs_share_duplicate_detection(tmp_path: Path, runner: CliRunner) -> None:
    first = write_csv(tmp_path / "a.csv", [row("A"), row("B")])
    second = write_csv(tmp_path / "b.csv", [row("B"), row("C")])
    result = batch(runner, first, second)
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{second}:2: duplicate respondent_id" in result.stderr
    assert stderr_lines(result)[-1].endswith("3 scored, 1 rejected")
