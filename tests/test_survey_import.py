"""kam batch / kam stats read survey-tool exports: each tool's file scores exactly like the
plain `kam batch` columns of the same answers, and every bad-input rule still holds."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import survey_fixtures as fx
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.model import load_model
from kamcli.model.schema import CompetencyModel

MODEL = load_model(None)


def run(runner: CliRunner, *args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def scored(runner: CliRunner, path: Path, *extra: object) -> tuple[int, list[dict[str, str]], str]:
    code, out, err = run(runner, "--lang", "en", "batch", path, "--quiet", *extra)
    return code, list(csv.DictReader(io.StringIO(out.lstrip("\ufeff")))), err


def plain(runner: CliRunner, tmp_path: Path, rows: list[fx.Response]) -> list[dict[str, str]]:
    source = tmp_path / "plain.csv"
    source.write_bytes(fx.plain_csv(MODEL, rows))
    code, out, err = scored(runner, source)
    assert code == 0, err
    return out


def same_scores(got: list[dict[str, str]], want: list[dict[str, str]], *, ids: bool = True) -> None:
    assert len(got) == len(want)
    for mine, theirs in zip(got, want, strict=True):
        if not ids:
            mine, theirs = dict(mine), dict(theirs)
            del mine["respondent_id"], theirs["respondent_id"]
            mine.pop("subject", None), theirs.pop("subject", None)
        assert mine == theirs


Writer = Callable[[CompetencyModel, list[fx.Response]], bytes]
ROUND_TRIPS: list[tuple[str, str, Writer, bool]] = [
    ("qualtrics-numeric", ".csv", lambda m, r: fx.qualtrics(m, r), True),
    ("qualtrics-labels", ".csv", lambda m, r: fx.qualtrics(m, r, labels=True), True),
    ("qualtrics-tsv-utf16", ".tsv", lambda m, r: fx.qualtrics(m, r, tsv=True), True),
    ("limesurvey-codes", ".csv", lambda m, r: fx.limesurvey(m, r), False),
    ("limesurvey-full-text", ".csv", lambda m, r: fx.limesurvey(m, r, full_text=True), False),
    ("wjx-csv-gb18030", ".csv", lambda m, r: fx.wjx_csv(m, r), False),
    (
        "wjx-csv-matrix-labels",
        ".csv",
        lambda m, r: fx.wjx_csv(m, r, labels=True, matrix=True),
        False,
    ),
    ("wjx-xlsx-numbers", ".xlsx", lambda m, r: fx.wjx_xlsx(m, r), False),
    ("wjx-xlsx-labels", ".xlsx", lambda m, r: fx.wjx_xlsx(m, r, labels=True), False),
    ("tencent-xlsx", ".xlsx", lambda m, r: fx.xlsx(*fx.tencent_rows(m, r)), False),
    ("msforms-xlsx", ".xlsx", lambda m, r: fx.msforms_xlsx(m, r), False),
    ("gforms-csv", ".csv", lambda m, r: fx.gforms_csv(m, r), False),
]


@pytest.mark.parametrize(
    ("kind", "suffix", "writer", "keeps_ids"), ROUND_TRIPS, ids=[t[0] for t in ROUND_TRIPS]
)
def test_each_tool_scores_like_the_plain_columns(
    tmp_path: Path, runner: CliRunner, kind: str, suffix: str, writer: Writer, keeps_ids: bool
) -> None:
    rows = fx.responses(MODEL, 12)
    want = plain(runner, tmp_path, rows)
    source = tmp_path / f"{kind}{suffix}"
    source.write_bytes(writer(MODEL, rows))
    code, got, err = scored(runner, source)
    assert code == 0, err
    if not keeps_ids:  # the tool's own response ids (序号, ID, row numbers) replace R_…
        for row, answer in zip(got, rows, strict=True):
            assert row["name"] == answer.name
    same_scores(got, want, ids=keeps_ids)


def test_unfinished_qualtrics_responses_are_rejected_with_their_id(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = fx.responses(MODEL, 6)
    rows[2].finished = False
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, rows))
    rejects = tmp_path / "rejects.csv"
    code, got, err = scored(runner, source, "--rejects", rejects)
    assert code == 10
    # header + 2 header rows + the first two data rows; the first name spans two lines
    assert "q.csv:7: response R_00002 is unfinished (Finished = 0): not scored" in err
    assert [r["respondent_id"] for r in got] == [
        "R_00000",
        "R_00001",
        "R_00003",
        "R_00004",
        "R_00005",
    ]
    assert "R_00002" in rejects.read_text(encoding="utf-8-sig")


def test_unfinished_limesurvey_response_has_no_submitdate(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = fx.responses(MODEL, 3)
    rows[1].finished = False
    source = tmp_path / "ls.csv"
    source.write_bytes(fx.limesurvey(MODEL, rows))
    code, got, err = scored(runner, source)
    assert code == 10
    assert "response 2 is unfinished (no submitdate): not scored" in err
    assert len(got) == 2


def test_another_models_questionnaire_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    other = fx.Stamp(MODEL.id, "0.9.0", "0123456789abcdef")
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, fx.responses(MODEL, 2), stamp=other))
    code, _got, err = scored(runner, source)
    assert code == 11
    assert f"exported from another model: version 0.9.0 (model in use: {MODEL.version})" in err
    assert f"content hash 0123456789abcdef (model in use: {MODEL.content_hash})" in err
    assert "Traceback" not in err


def test_missing_items_are_a_wrong_model_error(tmp_path: Path, runner: CliRunner) -> None:
    header, body = fx.wjx_rows(MODEL, fx.responses(MODEL, 2), labels=False, matrix=False)
    cut = len(header) - 3  # the last three items were not asked
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.xlsx(header[:cut], [row[:cut] for row in body]))
    code, _got, err = scored(runner, source)
    assert code == 11
    missing = MODEL.item_ids()[-3:]
    assert f"3 item(s) of model {MODEL.id} {MODEL.version} have no column" in err
    assert ", ".join(missing) in err


def test_unmapped_column_is_listed_with_the_closest_item(tmp_path: Path, runner: CliRunner) -> None:
    header, body = fx.wjx_rows(MODEL, fx.responses(MODEL, 2), labels=False, matrix=False)
    item_text = header[10].split("、", 1)[1]
    header[10] = header[10][:-2]  # the last characters of the question were cut off
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.xlsx(header, body))
    code, _got, err = scored(runner, source)
    assert code == 11  # the item has no column now: wrong model, with the column's hint
    first_item = MODEL.item_ids()[0]
    assert f"closest item: {first_item} {item_text!r}" in err
    assert "--map" in err


def test_map_file_places_the_column(tmp_path: Path, runner: CliRunner) -> None:
    rows = fx.responses(MODEL, 4)
    header, body = fx.wjx_rows(MODEL, rows, labels=False, matrix=False)
    header[10] = "Q7 (renamed by hand)"
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.xlsx(header, body))
    code, out, err = run(runner, "export", "mapping", source)
    assert code == 0, err
    assert (
        "\"Q7 (renamed by hand)\": ''  # closest:" in out or "\"Q7 (renamed by hand)\": ''" in out
    )
    mapping = out.replace(
        "\"Q7 (renamed by hand)\": ''", f'"Q7 (renamed by hand)": {MODEL.item_ids()[0]}'
    )
    map_file = tmp_path / "map.yaml"
    map_file.write_text(mapping, encoding="utf-8")
    code, got, err = scored(runner, source, "--map", map_file)
    assert code == 0, err
    same_scores(got, plain(runner, tmp_path, rows), ids=False)


def test_map_file_with_an_unknown_item_is_a_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    map_file = tmp_path / "map.yaml"
    map_file.write_text('columns:\n  "Q1": no_such_item\n', encoding="utf-8")
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, fx.responses(MODEL, 1)))
    code, _got, err = scored(runner, source, "--map", map_file)
    assert code == 4
    assert "column 'Q1' maps to 'no_such_item', which is not an item id" in err


def test_bad_answer_in_a_tool_export_is_rejected_like_plain(
    tmp_path: Path, runner: CliRunner
) -> None:
    rows = fx.responses(MODEL, 3)
    rows[1].values[MODEL.item_ids()[4]] = 9
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, rows))
    code, got, err = scored(runner, source)
    assert code == 10
    assert f"{MODEL.item_ids()[4]}: 9 is outside the scale 1..5" in err
    assert len(got) == 2


def test_completion_time_feeds_the_careless_checks(tmp_path: Path, runner: CliRunner) -> None:
    rows = fx.responses(MODEL, 12)
    rows[3].seconds = 20  # 20 s for 70 items: too fast
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.wjx_xlsx(MODEL, rows))
    code, out, err = run(runner, "--lang", "en", "stats", source, "--format", "json")
    assert code == 0, err
    careless = json.loads(out)["careless"]
    assert careless["respondents_timed"] == 12
    assert [(f["respondent_id"], f["seconds"], f["flags"]) for f in careless["flagged"]] == [
        ("4", 20.0, ["too_fast"])  # 序号 4 is the fourth response; "20秒" read as 20 s
    ]


def test_by_subject_reads_the_rater_question(tmp_path: Path, runner: CliRunner) -> None:
    rows = fx.responses(MODEL, 4)
    for row, role in zip(rows, ("self", "manager", "peer", "customer"), strict=True):
        row.name, row.rater = "Wang Fang", role
        for _, item in MODEL.items():  # a role is asked only the items it rates
            if not item.rated_by(role):
                row.values[item.id] = None
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, rows, labels=True))
    code, out, err = run(
        runner, "--lang", "en", "batch", source, "--by-subject", "-o", tmp_path / "o.csv"
    )
    assert code == 0, err
    assert "Wang Fang" in out
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert ",manager" in text and ",customer" in text


def test_from_overrides_detection_and_kam_reads_plain(tmp_path: Path, runner: CliRunner) -> None:
    rows = fx.responses(MODEL, 2)
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, rows))
    code, _got, err = scored(runner, source, "--from", "kam")
    assert code == 11
    assert "no respondent_id column" in err
    code, got, err = scored(runner, source, "--from", "qualtrics")
    assert code == 0, err
    assert len(got) == 2


def test_qualtrics_survey_built_by_hand_maps_by_question_text(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Export tags Q1…Qn (a survey typed in by hand): row 2's question texts place them."""
    rows = fx.responses(MODEL, 5)
    lines = fx.qualtrics(MODEL, rows).decode("utf-8-sig").split("\r\n", 1)
    tags = lines[0].split(",")
    first_item = tags.index(MODEL.item_ids()[0])
    tags[first_item:-1] = [f"Q{n}" for n in range(1, len(tags) - first_item)]
    source = tmp_path / "q.csv"
    source.write_text(",".join(tags) + "\r\n" + lines[1], encoding="utf-8-sig")
    code, got, err = scored(runner, source)
    assert code == 0, err
    same_scores(got, plain(runner, tmp_path, rows))


@pytest.mark.parametrize(
    "writer",
    [fx.msforms_xlsx, lambda m, r: fx.xlsx(*fx.tencent_rows(m, r))],
    ids=["msforms", "tencent"],
)
def test_start_and_end_times_become_seconds(
    tmp_path: Path, runner: CliRunner, writer: Writer
) -> None:
    rows = fx.responses(MODEL, 6)
    rows[2].seconds = 35  # 35 s for 70 items
    source = tmp_path / "forms.xlsx"
    source.write_bytes(writer(MODEL, rows))
    code, out, err = run(runner, "--lang", "en", "stats", source, "--format", "json")
    assert code == 0, err
    careless = json.loads(out)["careless"]
    assert careless["respondents_timed"] == 6
    assert [(f["seconds"], f["flags"]) for f in careless["flagged"]] == [(35.0, ["too_fast"])]


def test_wrong_model_stamp_is_named_before_missing_items(tmp_path: Path, runner: CliRunner) -> None:
    other = fx.Stamp("another_model", "2.0", "ffffffffffffffff")
    data = fx.qualtrics(MODEL, fx.responses(MODEL, 2), stamp=other).decode("utf-8-sig")
    lines = [",".join(line.split(",")[:-8] + line.split(",")[-1:]) for line in data.split("\r\n")]
    source = tmp_path / "q.csv"
    source.write_text("\r\n".join(lines), encoding="utf-8-sig")
    code, _got, err = scored(runner, source)
    assert code == 11
    assert f"model id another_model (model in use: {MODEL.id})" in err
    assert "have no column" not in err


def test_duplicate_response_id_is_rejected_like_plain(tmp_path: Path, runner: CliRunner) -> None:
    rows = fx.responses(MODEL, 4)
    rows[3].rid = rows[1].rid
    source = tmp_path / "q.csv"
    source.write_bytes(fx.qualtrics(MODEL, rows))
    code, got, err = scored(runner, source)
    assert code == 10
    assert "duplicate respondent_id: an earlier row with this id was scored" in err
    assert len(got) == 3


def test_strict_stops_at_an_unmapped_column(tmp_path: Path, runner: CliRunner) -> None:
    header, body = fx.wjx_rows(MODEL, fx.responses(MODEL, 3), labels=False, matrix=False)
    header.append("99、您还有什么建议?")
    for row in body:
        row.append("无")
    source = tmp_path / "wjx.xlsx"
    source.write_bytes(fx.xlsx(header, body))
    code, got, err = scored(runner, source)
    assert code == 0, err  # listed, not scored, the rest scored
    assert "'99、您还有什么建议?'" in err and len(got) == 3
    code, got, err = scored(runner, source, "--strict")
    assert code == 10
    assert "stopped at the first problem (--strict)" in err
