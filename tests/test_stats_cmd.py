"""kam stats and kam batch --stats: reliability and careless responding from batch inputs."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.model import CompetencyModel, load_model
from kamcli.scoring.psychometrics import reliability
from tests.conftest import write_tiny_model

MODEL = load_model()
ITEMS = MODEL.item_ids()
HEADER = ["respondent_id", "name", "stage", *ITEMS]
MISKEYED = "negotiation_3"  # generated as if reversed, while the model says it is not


def write_rows(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, which JSON does not have."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


def stats(runner: CliRunner, *args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["stats", *map(str, args)], env=env)


def trait_answers(rng: random.Random, missing: float = 0.0) -> list[str]:
    """One respondent with a latent level per competency; MISKEYED is answered mirrored."""
    out = []
    for competency in MODEL.competencies:
        level = rng.gauss(3, 0.9)
        for item in competency.items:
            value = min(5, max(1, round(level + rng.gauss(0, 0.6))))
            keyed_reversed = item.reverse != (item.id == MISKEYED)
            answer = 6 - value if keyed_reversed else value
            out.append("" if rng.random() < missing else str(answer))
    return out


def cohort(n: int, seed: int = 7, missing: float = 0.0) -> list[list[str]]:
    rng = random.Random(seed)
    return [[f"R{i:04d}", f"Person {i}", "mid", *trait_answers(rng, missing)] for i in range(n)]


def scale(data: dict[str, Any], competency_id: str) -> dict[str, Any]:
    found = data["reliability"]["competencies"]
    return next(entry for entry in found if entry["competency_id"] == competency_id)


def test_a_miskeyed_item_is_flagged(tmp_path: Path, runner: CliRunner) -> None:
    rows = cohort(200, missing=0.03)
    source = write_rows(tmp_path / "c.csv", rows, HEADER)
    result = stats(runner, source, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = strict_json(result.stdout)
    assert data["schema_version"] == 1 and data["respondents"] == 200
    negotiation = scale(data, "negotiation")
    assert negotiation["item_rest"][MISKEYED] < -0.3
    others = [r for item, r in negotiation["item_rest"].items() if item != MISKEYED]
    assert all(r > 0 for r in others)
    assert any(MISKEYED in w and "mis-keyed" in w for w in negotiation["warnings"])
    assert negotiation["alpha_if_deleted"][MISKEYED] > negotiation["alpha"]
    clean = scale(data, "integrity")
    assert clean["warnings"] == [] and clean["alpha"] > 0.7
    # the compact storage reads back exactly the answers reliability() gets directly
    direct = reliability(
        MODEL, [{i: int(v) for i, v in zip(ITEMS, row[3:], strict=True) if v} for row in rows]
    )
    for want in direct:
        got = scale(data, want.competency_id)
        assert got["alpha"] == want.alpha and got["n_used"] == want.n_used
        assert got["item_rest"] == want.item_rest
    table = stats(runner, source, env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.stderr
    assert f"item {MISKEYED} correlates negatively" in table.stdout.replace("\n   ", " ")
    assert "⚠" in table.stdout
    assert max(len(line.rstrip()) for line in table.stdout.splitlines()) <= 80
    assert table.stderr.strip().endswith("200 read, 0 rejected")


def test_pairwise_is_reported_and_listwise_loss_warned(tmp_path: Path, runner: CliRunner) -> None:
    source = write_rows(tmp_path / "c.csv", cohort(60, missing=0.15), HEADER)
    listwise = strict_json(stats(runner, source, "--format", "json").stdout)
    pairwise = strict_json(
        stats(runner, source, "--format", "json", "--missing", "pairwise").stdout
    )
    lw, pw = scale(listwise, "integrity"), scale(pairwise, "integrity")
    assert lw["missing_method"] == "listwise" and pw["missing_method"] == "pairwise"
    assert lw["n_used"] < pw["n_used"] == 60
    assert any("consider pairwise" in w for w in lw["warnings"])


def tiny_rows(answers: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[f"T{i}", "", "first", *row] for i, row in enumerate(answers)]


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, CompetencyModel]:
    folder = write_tiny_model(tmp_path / "tiny")
    return folder, load_model(folder)


def tiny_stats(
    runner: CliRunner, folder: Path, source: Path, *args: str
) -> tuple[Result, dict[str, Any]]:
    result = runner.invoke(
        app, ["--model", str(folder), "stats", str(source), "--format", "json", *args]
    )
    assert result.exit_code == 0, result.stderr
    return result, strict_json(result.stdout)


def test_zero_variance_one_item_and_tiny_n(
    tmp_path: Path, runner: CliRunner, tiny: tuple[Path, CompetencyModel]
) -> None:
    folder, model = tiny
    header = ["respondent_id", "name", "stage", *model.item_ids()]
    same = tiny_rows([["2", "2", str(1 + i % 3)] for i in range(12)])
    source = write_rows(tmp_path / "same.csv", same, header)
    _, data = tiny_stats(runner, folder, source)
    honesty = scale(data, "honesty")
    assert honesty["alpha"] is None and honesty["ci_low"] is None
    assert "no variance" in honesty["note"]
    selling = scale(data, "selling")  # a single item
    assert selling["alpha"] is None and "single item" in selling["note"]
    table = runner.invoke(app, ["--model", str(folder), "stats", str(source)])
    assert table.exit_code == 0, table.stderr
    assert "alpha undefined" in table.stdout and "nan" not in table.stdout.lower()
    two = write_rows(tmp_path / "two.csv", tiny_rows([["1", "3", "2"], ["3", "1", "3"]]), header)
    _, data = tiny_stats(runner, folder, two)
    honesty = scale(data, "honesty")
    assert honesty["n_used"] == 2 and honesty["alpha"] is not None
    assert any("n = 2: too few respondents" in w for w in honesty["warnings"])
    markdown = runner.invoke(app, ["--model", str(folder), "stats", str(two), "--format", "md"])
    assert "n = 2: too few respondents" in markdown.stdout


def test_an_item_nobody_answered(tmp_path: Path, runner: CliRunner) -> None:
    rows = cohort(40)
    column = 3 + ITEMS.index("integrity_2")
    for row in rows:
        row[column] = ""
    source = write_rows(tmp_path / "c.csv", rows, HEADER)
    for method in ("listwise", "pairwise"):
        result = stats(runner, source, "--format", "json", "--missing", method)
        assert result.exit_code == 0, result.stderr
        integrity = scale(strict_json(result.stdout), "integrity")
        assert integrity["alpha"] is None
        assert "integrity_2 was never answered" in integrity["note"]
        assert any("integrity_2: all answers are missing" in w for w in integrity["warnings"])
        if method == "pairwise":
            assert integrity["alpha_if_deleted"]["integrity_2"] is not None


def test_careless_respondents_are_listed_and_can_be_excluded(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = cohort(80, seed=3)
    rows[5][3 + 10 : 3 + 50] = ["3"] * 40  # forty 3s in a row
    header = [*HEADER, "seconds"]
    timed = [[*row, "600"] for row in rows]
    timed[9][-1] = "20"  # 70 items in 20 s
    timed[11][-1] = "soon"
    source = write_rows(tmp_path / "c.csv", timed, header)
    result = stats(runner, source, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "unknown column" not in result.stderr  # the time column is known to kam stats
    data = strict_json(result.stdout)
    flagged = {f["respondent_id"]: f for f in data["careless"]["flagged"]}
    assert set(flagged) == {"R0005", "R0009"}
    assert flagged["R0005"]["longstring"] >= 40 and "long_string" in flagged["R0005"]["flags"]
    assert flagged["R0009"]["flags"] == ["too_fast"]
    assert data["careless"]["time_columns"] == ["seconds"]
    assert data["careless"]["respondents_timed"] == 79
    assert any("not a number of seconds" in note for note in data["notes"])
    kept = scale(data, "integrity")["n_used"]
    assert data["reliability"]["excluded_flagged"] == 0 and kept == 80
    excluded = strict_json(stats(runner, source, "--format", "json", "--exclude-flagged").stdout)
    assert excluded["reliability"]["excluded_flagged"] == 2
    assert scale(excluded, "integrity")["n_used"] == 78
    assert len(excluded["careless"]["flagged"]) == 2  # still listed
    table = stats(runner, source, "--exclude-flagged")
    assert "R0005" in table.stdout and "2 excluded from the reliability figures" in table.stdout
    renamed = write_rows(tmp_path / "d.csv", timed, [*HEADER, "Dauer"])
    custom = strict_json(
        stats(runner, renamed, "--format", "json", "--time-column", "dauer").stdout
    )
    assert "R0009" in {f["respondent_id"] for f in custom["careless"]["flagged"]}
    lenient = strict_json(stats(runner, source, "--format", "json", "--longstring", "60").stdout)
    assert "R0005" not in {f["respondent_id"] for f in lenient["careless"]["flagged"]}


def test_rejected_rows_and_usage_errors(tmp_path: Path, runner: CliRunner) -> None:
    rows = cohort(12)
    rows[3][5] = "9"
    source = write_rows(tmp_path / "c.csv", rows, HEADER)
    result = stats(runner, source, "-o", tmp_path / "out.md", "--format", "md")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert f"{source}:5:" in result.stderr and "11 read, 1 rejected" in result.stderr
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("# Psychometrics")
    assert stats(runner, source, "--longstring", "1").exit_code == ExitCode.USAGE
    assert stats(runner, source, "--irv-min", "-1").exit_code == ExitCode.USAGE
    empty = write_rows(tmp_path / "e.csv", [["X", "", "mid", *["9"] * len(ITEMS)]], HEADER)
    assert stats(runner, empty).exit_code == ExitCode.NOTHING_READ


def test_no_stage_column_is_fine_for_stats(tmp_path: Path, runner: CliRunner) -> None:
    rows = [[row[0], *row[3:]] for row in cohort(15)]
    source = write_rows(tmp_path / "c.csv", rows, ["respondent_id", *ITEMS])
    result = stats(runner, source, "-o", tmp_path / "s.txt")
    assert result.exit_code == 0, result.stderr
    assert "Reliability (Cronbach's alpha)" in (tmp_path / "s.txt").read_text(encoding="utf-8")


def test_user_text_is_escaped(tmp_path: Path, runner: CliRunner) -> None:
    rows = cohort(20)
    rows[0][0] = "<b>|*x*|"
    rows[0][3:] = ["3"] * len(ITEMS)
    source = write_rows(tmp_path / "c.csv", rows, HEADER)
    markdown = stats(runner, source, "--format", "md").stdout
    assert "\\<b\\>\\|\\*x\\*\\|" in markdown and "<b>" not in markdown
    out = tmp_path / "summary.html"
    result = runner.invoke(app, ["batch", str(source), "--stats", "--summary-out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;|*x*|" in page and "<b>|" not in page
    assert page.index('class="psychometrics"') < page.index("</body>")


def test_batch_stats_in_every_summary_format(tmp_path: Path, runner: CliRunner) -> None:
    source = write_rows(tmp_path / "c.csv", cohort(30), HEADER)
    rows_out = str(tmp_path / "o.csv")
    printed = runner.invoke(app, ["batch", str(source), "--stats", "--summary", "-o", rows_out])
    assert printed.exit_code == 0, printed.stderr
    assert "Cohort summary" in printed.stdout and "Psychometrics" in printed.stdout
    out = tmp_path / "s.json"
    result = runner.invoke(app, ["batch", str(source), "--stats", "--summary-out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    data = strict_json(out.read_text(encoding="utf-8"))
    assert data["psychometrics"]["schema_version"] == 1
    assert data["psychometrics"]["respondents"] == 30
    md = tmp_path / "s.md"
    runner.invoke(app, ["batch", str(source), "--stats", "--summary-out", str(md), "-q"])
    text = md.read_text(encoding="utf-8")
    assert text.index("# Cohort summary") < text.index("## Psychometrics")
    plain = runner.invoke(app, ["batch", str(source), "--summary-out", str(md), "-q"])
    assert plain.exit_code == 0 and "Psychometrics" not in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("time_first", [True, False])
def test_blocks_of_plain_lines_give_what_the_row_by_row_path_gives(
    tmp_path: Path, runner: CliRunner, time_first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kam stats` takes plain CSV lines a block at a time (stats_blocks.py); `kam batch
    --stats` reads row by row. Both see the same good rows, flags and times, so every figure
    agrees, also with bad rows, quotes, blank lines and late duplicates among them."""
    rng = random.Random(11)
    rows = cohort(900, seed=5, missing=0.0)
    rows[40][3:] = ["4"] * len(ITEMS)  # a straight-liner inside a plain block
    rows[300][5] = ""  # unanswered item: that block is re-read row by row
    rows[301][6] = "8"  # off the scale: rejected
    rows[500][1] = "Smith, Jo"  # quoted by the CSV writer
    rows[700][0] = rows[20][0]  # a duplicate id, seen in an earlier block
    times = [str(rng.choice([600, 500, 40, 30.5])) for _ in rows]
    times[42] = "0:35"
    times[43] = "later"
    if time_first:
        header = ["seconds", *HEADER]
        lines = [[t, *row] for t, row in zip(times, rows, strict=True)]
    else:
        header = [*HEADER, "seconds"]
        lines = [[*row, t] for t, row in zip(times, rows, strict=True)]
    source = write_rows(tmp_path / "c.csv", lines, header)
    with source.open("a", encoding="utf-8") as out:
        out.write("\r\n")  # a blank last line
    from kamcli.batch.stats_blocks import StatsBlockReader

    taken = []
    block_text = StatsBlockReader.text

    def counted(self: StatsBlockReader, lines: list[str]) -> tuple[str, int] | None:
        done = block_text(self, lines)
        taken.append(0 if done is None else done[1])
        return done

    monkeypatch.setattr(StatsBlockReader, "text", counted)
    fast = stats(runner, source, "--format", "json")
    assert fast.exit_code == ExitCode.ROWS_REJECTED, fast.stderr
    assert sum(taken) > 800 and 0 in taken  # most rows in blocks, some blocks refused
    assert "898 read, 2 rejected" in fast.stderr
    assert f"{source}:303:" in fast.stderr and f"{source}:702:" in fast.stderr
    summary, rows_out = tmp_path / "s.json", tmp_path / "rows.csv"
    slow = runner.invoke(
        app,
        ["batch", str(source), "--stats", "--summary-out", str(summary), "-q", "-o", str(rows_out)],
    )
    assert slow.exit_code == ExitCode.ROWS_REJECTED, slow.stderr
    data = strict_json(fast.stdout)
    assert data == strict_json(summary.read_text(encoding="utf-8"))["psychometrics"]
    assert data["careless"]["respondents_timed"] == 897  # "later" is not a time
    flagged = {f["respondent_id"]: f["flags"] for f in data["careless"]["flagged"]}
    assert flagged["R0040"][:2] == ["long_string", "low_irv"]
    assert flagged["R0042"] == ["too_fast"]  # 35 s for 70 items
    good = [row for number, row in enumerate(rows) if number not in (301, 700)]
    answers = [
        {item: (int(cell) if cell else None) for item, cell in zip(ITEMS, row[3:], strict=True)}
        for row in good
    ]
    pairwise = strict_json(stats(runner, source, "-f", "json", "--missing", "pairwise").stdout)
    expected = reliability(MODEL, answers, missing="pairwise")
    found = pairwise["reliability"]["competencies"]
    assert [(c["alpha"], c["n_used"]) for c in found] == [(r.alpha, r.n_used) for r in expected]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_progress_bar_shows_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    """On a terminal kam stats draws kam batch's progress bar on stderr (up to 100 %), then
    clears it; --quiet (or stderr not a terminal) draws none. The results go to stdout."""
    import pty
    import select
    import subprocess

    source = write_rows(tmp_path / "c.csv", cohort(3000), HEADER)

    def stderr_on_a_terminal(*extra: str) -> tuple[int, str, str]:
        primary, secondary = pty.openpty()
        command = [sys.executable, "-m", "kamcli", "stats", str(source), "-f", "json", *extra]
        env = {**os.environ, "KAM_HOME": str(tmp_path / "home"), "COLUMNS": "100"}
        env.pop("TTY_COMPATIBLE", None)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=secondary, env=env)
        os.close(secondary)
        seen = b""
        while True:
            ready, _, _ = select.select([primary], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the other side closed
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        stdout = process.communicate()[0].decode("utf-8")
        os.close(primary)
        return process.returncode, stdout, seen.decode("utf-8", "replace")

    code, stdout, stderr = stderr_on_a_terminal()
    assert code == 0 and strict_json(stdout)["respondents"] == 3000
    assert "100%" in stderr and "━" in stderr and "3000 read, 0 rejected" in stderr
    code, stdout, stderr = stderr_on_a_terminal("--quiet")
    assert code == 0 and "━" not in stderr and "%" not in stderr
