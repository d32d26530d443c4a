"""The pieces of the survey import: text normalising, durations, tool detection, the stamp."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcli.io.survey.adapt import parse_duration
from kamcli.io.survey.tools import Tool, detect
from kamcli.io.survey.vocabulary import Stamp, closest, label_values, normalise
from kamcli.model import load_model

MODEL = load_model(None)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3、我会提前准备。", "我会提前准备."),
        ("Q12. I keep my  promises.", "i keep my promises."),
        ("（1）Ｉ ｋｅｅｐ　ｐｒｏｍｉｓｅｓ", "I keep promises"),
        ("第3题：客户 “满意” 吗？", '客户"满意"吗?'),
        ("I keep promises *", "I keep promises"),
    ],
)
def test_normalise_forgives_numbering_width_and_spacing(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_keeps_different_words_apart() -> None:
    assert normalise("I keep promises") != normalise("I keep my promises")
    assert normalise("1.5 times the target") != normalise("times the target")


@given(
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
)
def test_duration_texts_in_seconds(hours: int, minutes: int, seconds: int) -> None:
    total = hours * 3600 + minutes * 60 + seconds
    parts = (f"{hours}小时" if hours else "") + (f"{minutes}分" if minutes else "")
    text = parts + f"{seconds}秒"
    assert parse_duration(text) == total
    assert parse_duration(f"{minutes}分钟{seconds}秒") == minutes * 60 + seconds


@pytest.mark.parametrize("text", ["", "soon", "秒", "5 years", "12:30"])
def test_other_texts_are_not_durations(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("header", "tool"),
    [
        (["StartDate", "ResponseId", "Finished", "Q1"], Tool.qualtrics),
        (["id", "submitdate", "lastpage", "C01[I001]"], Tool.limesurvey),
        (["序号", "提交答卷时间", "所用时间", "1、题目"], Tool.wjx),
        (["编号", "开始答题时间", "结束答题时间", "1.题目"], Tool.tencent),
        (["ID", "Start time", "Completion time", "Email", "Name"], Tool.msforms),
        (["Timestamp", "Question [row]"], Tool.gforms),
        (["respondent_id", "name", "q1"], Tool.kam),
        (["\ufeffrespondent_id", "ResponseId", "Finished"], Tool.kam),
    ],
)
def test_detect_the_tool_from_the_header(header: list[str], tool: Tool) -> None:
    assert detect(header) is tool


def test_stamp_round_trip_and_differences() -> None:
    stamp = Stamp.of(MODEL, "mid", "peer")
    assert Stamp.parse(stamp.text()) == stamp
    assert Stamp.parse("not a stamp") is None
    assert stamp.differences(MODEL) == []
    other = Stamp(MODEL.id, "9", MODEL.content_hash)
    assert other.differences(MODEL) == [f"version 9 (model in use: {MODEL.version})"]


def test_labels_in_both_languages_read_as_scale_values() -> None:
    values = label_values(MODEL)
    for value, anchor in zip(MODEL.scale.values, MODEL.scale.anchors, strict=True):
        for text in anchor.values():
            assert values[text] == value
            assert values[f"{value} - {text}"] == value


def test_closest_names_the_most_similar_item() -> None:
    _, item = MODEL.items()[7]
    text = MODEL.text(item.text, "en")
    found = closest(text[:-5], [(i.id, MODEL.text(i.text, "en")) for _, i in MODEL.items()])
    assert found == (item.id, text)
    assert closest("zzzz", [(item.id, text)]) is None


def test_the_from_option_lists_every_tool() -> None:
    from kamcli.cli.survey_options import FromTool

    assert [t.value for t in FromTool] == [t.value for t in Tool]


def test_the_rater_option_lists_every_role() -> None:
    from kamcli.cli.export_cmd import Rater
    from kamcli.model.schema import RATER_ROLES

    assert tuple(r.value for r in Rater) == RATER_ROLES
