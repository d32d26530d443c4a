"""kam export questionnaire / mapping: each tool's import format, checked by its rules, as a
golden file (on the docs' tiny model, which does not change with the shipped model), and
round trips: the exported questionnaire, answered as the tool exports responses, scores
like the plain columns."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import survey_fixtures as fx
from test_golden import check_golden
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.io.survey.vocabulary import Stamp
from kamcli.model import load_model

MODEL = load_model(None)
TOOLS = ("limesurvey", "qualtrics", "wjx", "forms")


def export(runner: CliRunner, tmp_path: Path, *args: str, name: str = "out.txt") -> str:
    target = tmp_path / name
    result = runner.invoke(
        app, ["--lang", "en", "export", "questionnaire", *args, "-o", str(target)]
    )
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {target}." in result.stderr
    return target.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize(
    ("tool", "lang", "name"),
    [
        ("limesurvey", "en", "survey.limesurvey.txt"),
        ("qualtrics", "en", "survey.qualtrics.txt"),
        ("wjx", "zh", "survey.wjx.txt"),
        ("forms", "en", "survey.forms.gs"),
        ("forms", "zh", "survey.forms.md"),
    ],
)
def test_golden_exports_of_the_tiny_model(
    request: pytest.FixtureRequest, runner: CliRunner, tiny_model_dir: Path, tmp_path: Path,
    tool: str, lang: str, name: str,
) -> None:  # fmt: skip
    target = tmp_path / name
    result = runner.invoke(
        app,
        ["--model", str(tiny_model_dir), "export", "questionnaire", "--to", tool,
         "--lang", lang, "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    check_golden(request, f"export.{name}", target.read_bytes())


def test_qualtrics_advanced_format(runner: CliRunner, tmp_path: Path) -> None:
    text = export(runner, tmp_path, "--to", "qualtrics")
    assert text.startswith("[[AdvancedFormat]]\n")
    assert f"[[ED:kam_model:{Stamp.of(MODEL, None, None).text()}]]" in text
    tags = re.findall(r"^\[\[ID:([^\]]+)\]\]$", text, re.M)
    assert tags == ["name", "account", "stage", "rater", *MODEL.item_ids()]
    # every item question: its type, its id, one line of text, then the scale as choices
    anchors = [MODEL.text(a, "en") for a in MODEL.scale.anchors]
    for _, item in MODEL.items():
        block = text.split(f"[[ID:{item.id}]]\n", 1)[1].split("\n\n", 1)[0].strip().split("\n")
        assert block == [MODEL.text(item.text, "en"), "[[Choices]]", *anchors]
    for tag in re.findall(r"\[\[([^\]]+)\]\]", text):
        assert tag.split(":")[0] in {"AdvancedFormat", "ED", "Block", "Question", "ID", "Choices"}


def test_limesurvey_tab_separated_structure(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "ls.txt"
    runner.invoke(app, ["export", "questionnaire", "--to", "limesurvey", "-o", str(target)])
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as LimeSurvey writes it
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter="\t"))
    assert rows[0][:5] == ["id", "related_id", "class", "type/scale", "name"]
    assert {len(row) for row in rows} == {14}
    by_language: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if row[2] not in ("S", "SL"):
            by_language.setdefault(row[8], []).append(row)
    assert set(by_language) == set(MODEL.languages)
    shapes = {
        lang: [(r[0], r[2], r[3], "" if r[2] == "G" else r[4]) for r in rs]
        for lang, rs in by_language.items()
    }
    assert shapes["en"] == shapes["zh"]  # each translation repeats the base rows and codes
    english = by_language["en"]
    arrays = [r for r in english if r[2] == "Q" and r[3] == "F"]
    assert len(arrays) == len(MODEL.competencies)
    codes = [r[4] for r in english if r[2] == "SQ"]
    assert len(codes) == len(set(codes)) == len(MODEL.item_ids())
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", code) for code in codes)
    answers = {r[4] for r in english if r[2] == "A" and r[0] == arrays[0][0]}
    assert answers == {str(v) for v in MODEL.scale.values}
    stamp = [r for r in english if r[2] == "Q" and r[3] == "*"]
    assert [(r[4], r[6]) for r in stamp] == [("kammodel", Stamp.of(MODEL, None, None).text())]


def test_wjx_text_import(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "wjx.txt"
    result = runner.invoke(app, ["export", "questionnaire", "--to", "wjx", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    scales = [b.strip().split("\n") for b in blocks if "[量表题]" in b]
    anchors = [MODEL.text(a, "zh") for a in MODEL.scale.anchors]
    assert len(scales) == len(MODEL.item_ids())
    for number, (block, (_, item)) in enumerate(zip(scales, MODEL.items(), strict=True), 5):
        assert block == [f"{number}.{MODEL.text(item.text, 'zh')}[量表题]", *anchors]
    assert Stamp.of(MODEL, None, None).text() in blocks[0]


@pytest.mark.skipif(shutil.which("node") is None, reason="node checks the script's syntax")
def test_google_apps_script_is_valid_javascript(runner: CliRunner, tmp_path: Path) -> None:
    text = export(runner, tmp_path, "--to", "forms", name="form.gs")
    script = tmp_path / "form.js"
    script.write_text(text, encoding="utf-8")
    done = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert text.count("addGridItem()") == len(MODEL.competencies)
    for competency in MODEL.competencies:
        ids = ", ".join(item.id for item in competency.items)
        assert f'setHelpText("kam items: {ids}")' in text


def test_rater_and_stage_are_fixed_in_the_stamp(runner: CliRunner, tmp_path: Path) -> None:
    text = export(runner, tmp_path, "--to", "qualtrics", "--rater", "manager", "--stage", "mid")
    assert "[[ID:stage]]" not in text and "[[ID:rater]]" not in text
    assert f"{Stamp.of(MODEL, 'mid', 'manager').text()}]]" in text
    rated = [item.id for _, item in MODEL.items() if item.rated_by("manager")]
    assert re.findall(r"^\[\[ID:([^\]]+)\]\]$", text, re.M) == ["name", "account", *rated]


def test_unknown_stage_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["export", "questionnaire", "--to", "wjx", "--stage", "late", "-o", str(tmp_path / "x")],
    )
    assert result.exit_code == 2
    assert "Unknown stage 'late'" in result.stderr


def test_round_trip_from_the_exported_qualtrics_survey(runner: CliRunner, tmp_path: Path) -> None:
    """The export tags of the exported survey are the columns Qualtrics writes; a survey
    fixed to a stage has no stage column, and the stamp says the stage."""
    text = export(runner, tmp_path, "--to", "qualtrics", "--stage", "partnership")
    tags = re.findall(r"^\[\[ID:([^\]]+)\]\]$", text, re.M)
    rows = fx.responses(MODEL, 8)
    for row in rows:
        row.stage = "partnership"
    stamp = Stamp.of(MODEL, "partnership", None)
    data = fx.qualtrics(MODEL, rows, stamp=stamp).decode("utf-8-sig").splitlines(keepends=True)
    table = list(csv.reader(io.StringIO("".join(data))))
    stage_at = table[0].index("stage")
    for row in table:
        del row[stage_at]
    assert [c for c in table[0] if c in tags] == tags  # name, account, rater, the items
    source = tmp_path / "responses.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    source.write_text(buffer.getvalue(), encoding="utf-8-sig")
    plain = tmp_path / "plain.csv"
    plain.write_bytes(fx.plain_csv(MODEL, rows))
    got = runner.invoke(app, ["batch", str(source), "-q"])
    want = runner.invoke(app, ["batch", str(plain), "-q"])
    assert got.exit_code == want.exit_code == 0, got.stderr
    assert got.stdout == want.stdout


def test_mapping_without_a_file_lists_every_item(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--lang", "zh", "export", "mapping"])
    assert result.exit_code == 0, result.stderr
    for _, item in MODEL.items():
        assert f": {item.id}\n" in result.stdout
    assert f"hash: {MODEL.content_hash}" in result.stdout


def test_export_help_has_examples(runner: CliRunner) -> None:
    for command in ("questionnaire", "mapping"):
        result = runner.invoke(app, ["export", command, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.stdout


def _answer_rows(
    rows: list[fx.Response], meta: list[str], stage: Callable[[str], str], rater: str
) -> list[list[str]]:
    """Per response: the meta answers in the export's order, then the item answers."""
    values = {"name": lambda r: r.name, "account": lambda r: r.account}
    values["stage"] = lambda r: stage(r.stage)
    values["rater"] = lambda _r: rater
    return [
        [values[key](r) for key in meta] + ["" if v is None else str(v) for v in r.values.values()]
        for r in rows
    ]


def _score_both(runner: CliRunner, tmp_path: Path, source: Path, rows: list[fx.Response]) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_bytes(fx.plain_csv(MODEL, rows))
    got = runner.invoke(app, ["batch", str(source), "-q"])
    want = runner.invoke(app, ["batch", str(plain), "-q"])
    assert got.exit_code == want.exit_code == 0, got.stderr
    drop = lambda text: [line.split(",", 1)[1] for line in text.splitlines()]  # noqa: E731
    assert drop(got.stdout) == drop(want.stdout)  # all but the tool's own response ids


def test_round_trip_from_the_exported_wjx_text(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "wjx.txt"
    runner.invoke(app, ["export", "questionnaire", "--to", "wjx", "-o", str(target)])
    titles = re.findall(
        r"^(\d+)\.(.+)\[(?:填空题|单选题|量表题)\]$", target.read_text("utf-8"), re.M
    )
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    header += [f"{number}、{title}" for number, title in titles]
    rows = fx.responses(MODEL, 6)
    stage_names = {s.id: MODEL.text(s.name, "zh") for s in MODEL.stages}
    body = _answer_rows(rows, ["name", "account", "stage", "rater"], stage_names.get, "本人(自评)")  # type: ignore[arg-type]
    system = ["2024/3/4 9:30:00", "85秒", "手机提交", "直接访问", "203.0.113.9(上海-上海)"]
    source = tmp_path / "wjx.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *([str(n), *system, *b] for n, b in enumerate(body, 1))])
    source.write_bytes(buffer.getvalue().encode("gb18030"))
    _score_both(runner, tmp_path, source, rows)


def test_round_trip_from_the_exported_limesurvey_structure(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "ls.txt"
    runner.invoke(app, ["export", "questionnaire", "--to", "limesurvey", "-o", str(target)])
    table = list(csv.reader(io.StringIO(target.read_text("utf-8-sig")), delimiter="\t"))
    base = [r for r in table[1:] if r[8] == "en" and r[2] in ("Q", "SQ")]
    header, array = ["id", "submitdate", "lastpage", "startlanguage", "seed"], ""
    for row in base:
        if row[2] == "Q":
            array = row[4]
            if row[3] in ("S", "L", "*"):
                header.append(row[4])
        else:
            header.append(f"{array}[{row[4]}]")
    rows = fx.responses(MODEL, 6)
    codes = {s.id: f"A{n}" for n, s in enumerate(MODEL.stages, 1)}
    body = _answer_rows(rows, ["name", "account", "stage", "rater"], codes.get, "A1")  # type: ignore[arg-type]
    stamp = Stamp.of(MODEL, None, None).text()
    lines = [header] + [
        [str(n), "2024-03-04 09:35:00", "3", "en", "1", *b[:4], stamp, *b[4:]]
        for n, b in enumerate(body, 1)
    ]
    source = tmp_path / "results-survey.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(lines)
    source.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    _score_both(runner, tmp_path, source, rows)


def test_round_trip_from_the_google_apps_script(runner: CliRunner, tmp_path: Path) -> None:
    text = export(runner, tmp_path, "--to", "forms", name="form.gs")
    header = ["Timestamp"]
    header += [
        json.loads(t)
        for t in re.findall(r"add(?:Text|MultipleChoice)Item\(\)\.setTitle\((\"[^\"]*\")", text)
    ]
    for title, rows_json in re.findall(
        r"addGridItem\(\)\.setTitle\((\"[^\"]*\")\).*?\.setRows\((\[.*?\])\)", text
    ):
        header += [f"{json.loads(title)} [{row}]" for row in json.loads(rows_json)]
    rows = fx.responses(MODEL, 6)
    stage_names = {s.id: MODEL.text(s.name, "en") for s in MODEL.stages}
    body = _answer_rows(
        rows, ["name", "account", "stage", "rater"], stage_names.get, "Self (I rate myself)"
    )  # type: ignore[arg-type]
    anchors = [MODEL.text(a, "en") for a in MODEL.scale.anchors]
    labelled = [b[:4] + [anchors[int(v) - 1] if v else "" for v in b[4:]] for b in body]
    source = tmp_path / "KAM (Responses).csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *(["2024/03/04 9:30:00 AM GMT+8", *b] for b in labelled)])
    source.write_text(buffer.getvalue(), encoding="utf-8")
    _score_both(runner, tmp_path, source, rows)
