"""Every report format has a renderer; JSON matches its published schema; CSV is spreadsheet-safe.

Expected values come from the scored result, never typed in, so the tests check that each
format carries what the scoring computed.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcli.io.cells import neutralise, write_csv_text
from kamcli.model import CompetencyModel, load_model
from kamcli.render.formats import RENDERERS, RenderOptions, ReportFormat, renderer
from kamcli.render.json_report import json_report, render_json, report_data
from kamcli.render.labels import status_word
from kamcli.render.markdown import markdown_report, render_markdown
from kamcli.scoring import AssessmentResult, score_assessment

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))
MODEL = load_model()
CREATED_AT = "2024-05-01T10:23:45+02:00"
OPTIONS = RenderOptions()
BOM = b"\xef\xbb\xbf"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_HEADER = [
    "competency_id",
    "name",
    "score",
    "target",
    "gap",
    "status",
    "coverage",
    "priority",
    "status_label",
    "weight",
    "answered",
    "total",
    "next_target",
    "person",
    "account",
    "stage",
    "created_at",
]
NUMERIC_COLUMNS = {
    "score",
    "target",
    "gap",
    "coverage",
    "priority",
    "weight",
    "answered",
    "total",
    "next_target",
}
INJECTIONS = ['=HYPERLINK("http://x","y")', "-2+3", "＠SUM(A1)", "@cmd", "\tx", " =1+1", "\r=1"]


def answers_for(model: CompetencyModel) -> dict[str, int | None]:
    """Mostly 3s; integrity all 5s (a negative gap); innovation skipped (insufficient)."""
    answers: dict[str, int | None] = {}
    for competency, item in model.items():
        answers[item.id] = 5 if competency.id == "integrity" else 3
        if competency.id == "innovation":
            answers[item.id] = None
    return answers


def assess(
    stage: str = "early",
    lang: str = "en",
    answers: Mapping[str, int | None] | None = None,
    **who_and_diagnostic: Any,
) -> AssessmentResult:
    return score_assessment(
        MODEL,
        answers_for(MODEL) if answers is None else answers,
        stage=stage,
        lang=lang,
        created_at=CREATED_AT,
        **who_and_diagnostic,
    )


def nothing_answered() -> dict[str, int | None]:
    return dict.fromkeys(MODEL.item_ids())


def diagnostic_answers(value: int | None) -> dict[str, int | None]:
    return {s.id: value if "mid" in s.stages else 2 for s in MODEL.diagnostic.statements}


RESULTS = {
    "typical": lambda: assess(person="Li Wei", account="Acme"),
    "nothing_answered": lambda: assess(answers=nothing_answered()),
    "last_stage": lambda: assess(stage="collaborative", lang="zh"),
    "diagnostic": lambda: assess(stage="mid", diagnostic_answers=diagnostic_answers(5)),
    "diagnostic_unanswered": lambda: assess(
        diagnostic_answers=dict.fromkeys(s.id for s in MODEL.diagnostic.statements)
    ),
    "rated_by_other": lambda: assess(
        answers={
            item.id: value
            for (_, item), value in zip(MODEL.items(), answers_for(MODEL).values(), strict=True)
            if item.rated_by("customer")
        },
        rater="customer",
        person="Zhang Min",
        subject="Li Wei",
    ),
}


def read_csv(data: bytes) -> list[dict[str, str]]:
    with io.StringIO(data.decode("utf-8-sig"), newline="") as text:
        rows = list(csv.reader(text))
    assert rows[0] == CSV_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def render_csv_bytes(result: AssessmentResult, lang: str = "en") -> bytes:
    data = renderer(ReportFormat.csv)(MODEL, result, lang, OPTIONS)
    assert isinstance(data, bytes)
    return data


# --- every format has a renderer -------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_has_a_renderer_with_the_interface_signature(fmt: ReportFormat) -> None:
    module_name, function_name = RENDERERS[fmt.canonical()]
    module = importlib.import_module(module_name)
    function = getattr(module, function_name)
    assert callable(function)
    assert list(inspect.signature(function).parameters) == ["model", "result", "lang", "options"]


def test_json_and_markdown_adapters_return_the_existing_reports() -> None:
    result = RESULTS["typical"]()
    assert renderer(ReportFormat.json)(MODEL, result, "zh", OPTIONS) == (
        json_report(MODEL, result, "zh") + "\n"
    )
    assert render_markdown(MODEL, result, "en", OPTIONS) == markdown_report(MODEL, result, "en")


# --- JSON against docs/report-schema.json ----------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"] == {
        "const": 1,
        "description": "Version of this report layout.",
    }


@pytest.mark.parametrize("case", sorted(RESULTS))
def test_json_report_validates_against_the_schema(case: str) -> None:
    result = RESULTS[case]()
    data = json.loads(render_json(MODEL, result, result.lang, OPTIONS))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_test_cases_cover_the_nullable_fields() -> None:
    """The schema cases above really include insufficient data, a last stage and diagnostics."""
    data = {case: report_data(MODEL, make(), "en") for case, make in RESULTS.items()}
    assert data["nothing_answered"]["fit"] is None
    assert all(row["score"] is None for row in data["nothing_answered"]["competencies"])
    assert data["last_stage"]["next_stage"] is None
    assert data["last_stage"]["next_fit"] is None
    assert all(row["next_target"] is None for row in data["last_stage"]["competencies"])
    assert data["diagnostic"]["diagnostic"]["suggested_stage"] == "mid"
    assert data["diagnostic_unanswered"]["diagnostic"]["suggested_stage"] is None
    assert data["typical"]["diagnostic"] is None


def test_schema_names_exactly_the_fields_the_report_writes() -> None:
    """A field added to or dropped from to_dict must show up here, with the schema updated."""
    data = report_data(MODEL, RESULTS["diagnostic"](), "en")
    assert sorted(SCHEMA["required"]) == sorted(data)
    assert sorted(SCHEMA["properties"]) == sorted(data)
    row_schema = SCHEMA["$defs"]["competency"]
    assert sorted(row_schema["required"]) == sorted(data["competencies"][0])
    assert sorted(row_schema["properties"]) == sorted(data["competencies"][0])
    assert sorted(SCHEMA["$defs"]["diagnostic"]["required"]) == sorted(data["diagnostic"])


@pytest.mark.parametrize(
    "path, value",
    [
        ((), {"extra": 1}),
        (("competencies", 0), {"extra": 1}),
        ((), {"schema_version": 2}),
        ((), {"fit": "72%"}),
        (("competencies", 0), {"score": "3.5"}),
        (("competencies", 0), {"answered": 2.5}),
        ((), {"answers": {"item": "3"}}),
        (("diagnostic",), {"extra": 1}),
    ],
)
def test_schema_rejects_unknown_fields_and_wrong_types(
    path: tuple[Any, ...], value: dict[str, Any]
) -> None:
    data = report_data(MODEL, RESULTS["diagnostic"](), "en")
    target: Any = data
    for key in path:
        target = target[key]
    target.update(value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_crlf_line_ends() -> None:
    data = renderer(ReportFormat.csv)(MODEL, RESULTS["last_stage"](), "zh", OPTIONS)
    assert isinstance(data, bytes)
    assert data.startswith(BOM)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.count(b"\r\n") == 1 + len(MODEL.competencies)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_has_one_row_per_competency_with_the_scored_numbers(lang: str) -> None:
    result = RESULTS["typical"]()
    rows = read_csv(render_csv_bytes(result, lang))
    assert len(rows) == 14
    assert [row["competency_id"] for row in rows] == [c.id for c in MODEL.competencies]
    for row, scored in zip(rows, result.competencies, strict=True):
        assert row["name"] == MODEL.text(MODEL.competency(scored.competency_id).name, lang)
        for column in NUMERIC_COLUMNS:
            expected = getattr(scored, column)
            if expected is None:
                assert row[column] == ""
            else:
                assert float(row[column]) == pytest.approx(round(expected, 2), abs=1e-12)
        assert row["status"] == scored.status
        assert row["status_label"] == status_word(MODEL, scored.status, lang)[1]
        assert (row["person"], row["account"], row["stage"], row["created_at"]) == (
            "Li Wei",
            "Acme",
            "early",
            CREATED_AT,
        )


def test_csv_rounds_to_two_decimals_and_leaves_missing_numbers_empty() -> None:
    answers = answers_for(MODEL)
    items = MODEL.competency("communication").items
    answers.update(dict.fromkeys(item.id for item in items))
    plain = [item.id for item in items if not item.reverse][:3]
    answers.update(zip(plain, [4, 5, 5], strict=True))  # 14/3: a mean with many digits
    result = assess(answers=answers)
    rows = {row["competency_id"]: row for row in read_csv(render_csv_bytes(result))}
    score = result.competency("communication").score
    assert score is not None and round(score, 2) != score
    assert rows["communication"]["score"] == str(round(score, 2)) == "4.67"
    assert rows["communication"]["coverage"] == str(round(3 / len(items), 2))
    assert rows["innovation"]["score"] == rows["innovation"]["gap"] == ""
    assert rows["innovation"]["priority"] == ""
    assert rows["innovation"]["status"] == "insufficient"


def test_negative_gaps_stay_numeric_cells() -> None:
    result = RESULTS["typical"]()
    rows = {row["competency_id"]: row for row in read_csv(render_csv_bytes(result))}
    above_target = [r for r in result.competencies if r.gap is not None and r.gap < 0]
    assert above_target
    for scored in above_target:
        gap = rows[scored.competency_id]["gap"]
        assert gap.startswith("-")
        assert float(gap) == pytest.approx(round(scored.gap or 0.0, 2))


@pytest.mark.parametrize("person", INJECTIONS)
def test_no_text_cell_starts_with_a_formula_character(person: str) -> None:
    account = INJECTIONS[(INJECTIONS.index(person) + 1) % len(INJECTIONS)]
    rows = read_csv(render_csv_bytes(assess(person=person, account=account)))
    for row in rows:
        for column, cell in row.items():
            if column in NUMERIC_COLUMNS:
                assert cell == "" or math.isfinite(float(cell)), (column, cell)
                continue
            assert not cell.startswith(FORMULA_STARTS), (column, cell)
            assert not cell.lstrip().startswith(FORMULA_STARTS), (column, cell)
        assert row["person"] == "'" + person
        assert row["account"] == "'" + account


def test_missing_person_and_account_are_empty_cells() -> None:
    rows = read_csv(render_csv_bytes(RESULTS["nothing_answered"]()))
    assert {(row["person"], row["account"]) for row in rows} == {("", "")}


# --- neutralise and write_csv_text -------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("＝1", "'＝1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("  =1", "'  =1"),
        ("\u3000＝1", "'\u3000＝1"),
        ("\n@x", "'\n@x"),
        ("Li Wei", "Li Wei"),
        ("a=b", "a=b"),
        ("'=1", "'=1"),
        ("   ", "   "),
        ("", ""),
    ],
)
def test_neutralise_examples(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


dangerous_text = st.one_of(
    st.builds(
        lambda space, start, rest: space + start + rest,
        st.text(alphabet=" \u3000\n\t\r", max_size=3),
        st.sampled_from([c for c in FORMULA_STARTS if not c.isspace()]),
        st.text(max_size=20),
    ),
    st.builds(lambda start, rest: start + rest, st.sampled_from("\t\r"), st.text(max_size=20)),
)


@given(st.one_of(st.text(), dangerous_text))
def test_neutralised_text_never_starts_a_formula_and_keeps_the_original(cell: str) -> None:
    safe = neutralise(cell)
    assert not safe.startswith(FORMULA_STARTS)
    assert not safe.lstrip().startswith(FORMULA_STARTS)
    assert safe == cell or safe == "'" + cell
    assert neutralise(safe) == safe


@given(dangerous_text)
def test_text_that_could_be_a_formula_always_gets_the_apostrophe(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_write_csv_text_neutralises_text_but_not_numbers() -> None:
    text = write_csv_text([["=a", -1.5, None, 3, "-b"], ['=HYPERLINK("x")', "a,b", 0.0, "", "x"]])
    assert text == '\'=a,-1.5,,3,\'-b\r\n"\'=HYPERLINK(""x"")","a,b",0.0,,x\r\n'
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][0] == "'" + '=HYPERLINK("x")'


def test_write_csv_text_keeps_line_breaks_inside_a_quoted_cell() -> None:
    text = write_csv_text([["a\nb", "c"]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a\nb", "c"]]
