"""The HTML gap report: self-contained, escaped, complete, and with a radar that matches scores.

Expected texts come from the model and the scored result (through the shared label helpers),
so the tests check that the page shows what scoring computed, in the report language.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from kamcli.model import CompetencyModel, load_model
from kamcli.render.diagnostic_text import with_level
from kamcli.render.formats import RenderOptions, ReportFormat, renderer
from kamcli.render.html import render_html
from kamcli.render.labels import (
    competency_name,
    fmt_gap,
    fmt_pct,
    label,
    stage_actions,
    stage_name,
    status_word,
)
from kamcli.render.line_breaks import text_units
from kamcli.render.svg_radar import RADAR_CENTER, wrap_label
from kamcli.scoring import AssessmentResult, score_assessment

MODEL = load_model()
CREATED_AT = "2026-01-02T03:04:05+00:00"
SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://x","y")'
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr", "source"}
POLYGON = re.compile(r'<polygon class="(radar-[a-z]+)[^"]*" points="([^"]*)"')


def answers_for(model: CompetencyModel) -> dict[str, int | None]:
    """Mid-scale answers; the first competency at the top; the last skipped (insufficient)."""
    first, last = model.competencies[0].id, model.competencies[-1].id
    top, middle = model.scale.max, (model.scale.min + model.scale.max) // 2
    answers: dict[str, int | None] = {}
    for competency, item in model.items():
        answers[item.id] = top if competency.id == first else middle
        if competency.id == last:
            answers[item.id] = None
    return answers


def assess(
    lang: str = "en", model: CompetencyModel = MODEL, stage: str = "early", **who: Any
) -> AssessmentResult:
    who.setdefault("person", "Li Wei")
    who.setdefault("account", "Acme GmbH")
    return score_assessment(
        model, answers_for(model), stage=stage, lang=lang, created_at=CREATED_AT, **who
    )


def render(result: AssessmentResult, lang: str = "en", model: CompetencyModel = MODEL) -> str:
    return render_html(model, result, lang, RenderOptions())


class StructureChecker(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.seen: list[str] = []
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.texts.setdefault(self.stack[-1], []).append(data)


def check_structure(page: str) -> StructureChecker:
    checker = StructureChecker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    return checker


def polygons(page: str) -> dict[str, list[list[tuple[float, float]]]]:
    found: dict[str, list[list[tuple[float, float]]]] = {}
    for name, points in POLYGON.findall(page):
        vertices = [tuple(float(v) for v in pair.split(",")) for pair in points.split()]
        found.setdefault(name, []).append(vertices)  # type: ignore[arg-type]
    return found


def test_registered_as_the_html_renderer() -> None:
    assert renderer(ReportFormat.html) is render_html


def test_page_is_self_contained() -> None:
    page = render(assess())
    lowered = page.lower()
    for forbidden in ("http://", "https://", "src=", "href=", "url(", "@import", "<link"):
        assert forbidden not in lowered
    for element in ("<script", "<img", "<iframe", "<object", "<embed"):
        assert element not in lowered
    assert " on" + "load=" not in lowered and "onerror=" not in lowered
    assert "<style>" in page and "<svg" in page


def test_hostile_names_are_shown_as_text() -> None:
    result = assess(person=SCRIPT_NAME, account=FORMULA_NAME, rater="peer", subject="<b>coach</b>")
    page = render(result)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert str(escape(FORMULA_NAME)) in page
    assert "<b>" not in page and "&lt;b&gt;coach&lt;/b&gt;" in page
    # The formula's URL is only ever the escaped text of the account name.
    assert "http" not in page.replace(str(escape(FORMULA_NAME)), "")
    checker = check_structure(page)
    assert SCRIPT_NAME in "".join(checker.texts["dd"])
    assert FORMULA_NAME in "".join(checker.texts["dd"])


def test_long_and_emoji_names_keep_the_document_well_formed() -> None:
    long_name = "Ж" * 250 + " " + "x" * 249
    result = assess(person=long_name, account="Zoë 🚀 Ltd\x1b[31m")
    page = render(result)
    checker = check_structure(page)
    assert checker.seen.count("html") == 1 and checker.seen.count("body") == 1
    assert checker.seen.count("table") == 1
    dd_text = "".join(checker.texts["dd"])
    assert long_name in dd_text
    assert "Zoë 🚀 Ltd\ufffd[31m" in dd_text  # the escape character is made visible
    assert "\x1b" not in page
    assert "overflow-wrap: anywhere" in page


def test_every_competency_row_shows_numbers_glyph_and_word() -> None:
    result = assess()
    page = render(result)
    rows = re.findall(r"<tr class=\"status-[a-z_]+\">(.*?)</tr>", page, re.S)
    assert len(rows) == len(MODEL.competencies)
    for row, html_row in zip(result.competencies, rows, strict=True):
        glyph, word = status_word(MODEL, row.status, "en")
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html_row, re.S)
        assert str(escape(competency_name(MODEL, row.competency_id, "en"))) in cells[0]
        assert cells[1:5] == [
            with_level(MODEL, row.score, "en"),
            with_level(MODEL, row.target, "en"),
            fmt_gap(row.gap),
            f"{row.weight:g}",
        ]
        assert re.sub(r"<[^>]+>", "", cells[-1]).strip() == f"{glyph} {word}"


def test_radar_has_one_vertex_per_competency_and_missing_scores_at_centre() -> None:
    result = assess()
    page = render(result)
    shapes = polygons(page)
    assert len(shapes["radar-score"]) == 1 and len(shapes["radar-target"]) == 1
    assert len(shapes["radar-ring"]) == MODEL.scale.max - MODEL.scale.min
    score, target = shapes["radar-score"][0], shapes["radar-target"][0]
    assert len(score) == len(target) == len(MODEL.competencies)
    center = RADAR_CENTER
    rim = shapes["radar-ring"][-1]
    for row, vertex, goal, edge in zip(result.competencies, score, target, rim, strict=True):
        if row.score is None:
            assert vertex == center
            continue
        # A vertex lies on its axis at (score - min) / (max - min) of the way to the rim.
        share = (row.score - MODEL.scale.min) / (MODEL.scale.max - MODEL.scale.min)
        expected = [c + share * (e - c) for c, e in zip(center, edge, strict=True)]
        assert vertex == pytest.approx(expected, abs=0.02)
        goal_share = (row.target - MODEL.scale.min) / (MODEL.scale.max - MODEL.scale.min)
        expected = [c + goal_share * (e - c) for c, e in zip(center, edge, strict=True)]
        assert goal == pytest.approx(expected, abs=0.02)
    assert page.count('class="radar-dot"') == sum(r.score is not None for r in result.competencies)
    # Score and target differ by line style, not only by colour.
    target_tag = re.search(r'<polygon class="radar-target"[^>]*>', page)
    score_tag = re.search(r'<polygon class="radar-score"[^>]*>', page)
    assert target_tag and "stroke-dasharray" in target_tag.group()
    assert score_tag and "stroke-dasharray" not in score_tag.group()


def test_insufficient_competency_is_marked_on_its_axis_label() -> None:
    result = assess()
    page = render(result)
    missing = [r for r in result.competencies if r.score is None]
    assert len(missing) == 1
    labels = re.findall(r'<text class="radar-label([^"]*)"[^>]*><title>([^<]*)</title>', page)
    marked = [name for classes, name in labels if "radar-label-missing" in classes]
    assert marked == [str(escape(competency_name(MODEL, missing[0].competency_id, "en")))]
    assert page.count(f'class="radar-no-data">{label("no_data", "en")}</tspan>') == 1
    assert label("legend_no_data", "en") in page


def test_english_report_sections() -> None:
    result = assess()
    page = render(result)
    assert '<html lang="en">' in page
    for key in ("title", "radar", "gap_table", "priorities", "fit", "strengths", "method"):
        assert label(key, "en") in page
    for row in result.competencies:
        assert str(escape(competency_name(MODEL, row.competency_id, "en"))) in page
    assert result.priorities
    for competency_id in result.priorities:
        for action in stage_actions(MODEL, competency_id, result.stage, "en"):
            assert str(escape(action)) in page
    assert label("fit_now", "en").format(stage="Early KAM", fit=fmt_pct(result.fit)) in page
    following = stage_name(MODEL, "mid", "en")
    assert label("fit_next", "en").format(stage=following, fit=fmt_pct(result.next_fit)) in page
    assert f"{result.model_id} {result.model_version} ({result.model_hash})" in page
    assert "2026-01-02 03:04" in page
    assert label("rater", "en") not in page  # a self-assessment names no rater


def test_rater_shown_for_a_third_party_assessment() -> None:
    page = render(assess(rater="manager", person="Coach Chen", subject="Li Wei"))
    assert "<dt>Rater</dt><dd>Manager</dd>" in page
    assert "<dt>Person</dt><dd>Coach Chen</dd>" in page
    assert "<dt>About</dt><dd>Li Wei</dd>" in page


def test_chinese_report() -> None:
    result = assess("zh", person="王伟", account="华东精密制造")
    page = render(result, "zh")
    assert '<html lang="zh-CN">' in page
    for row in result.competencies:
        assert competency_name(MODEL, row.competency_id, "zh") in page
    assert "能力差距报告" in page and "王伟" in page
    assert label("no_data", "zh") == "（数据不足）" and "（数据不足）" in page
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page
    check_structure(page)


def test_footnote_explains_the_computation() -> None:
    page = render(assess())
    method = page[page.index('<footer class="method">') :]
    assert "weighted mean" in method and "reverse-keyed" in method
    assert f"{MODEL.min_coverage:.0%}" in method
    assert "Gap = target − score" in method and "Priority = gap × weight" in method
    assert "Stage fit" in method
    for band in MODEL.status_bands:
        glyph, word = status_word(MODEL, band.id, "en")
        assert f"{glyph} {word}" in method


def test_print_stylesheet() -> None:
    page = render(assess())
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert "break-inside: avoid" in page and "@media print" in page


def test_last_stage_and_diagnostic() -> None:
    last = MODEL.stages[-1].id
    diagnostic = {s.id: 5 if "early" in s.stages else 1 for s in MODEL.diagnostic.statements}
    result = assess(stage=last, diagnostic_answers=diagnostic)
    page = render(result)
    stage = stage_name(MODEL, last, "en")
    assert label("last_stage", "en").format(stage=stage) in page
    suggested = label("suggested_stage", "en").format(stage=stage_name(MODEL, "early", "en"))
    assert suggested in page
    assert label("differs", "en").format(stage=stage) in page


def test_tiny_model_renders(tiny_model_dir: Path) -> None:
    tiny = load_model(tiny_model_dir)
    result = assess(model=tiny, stage=tiny.stages[0].id)
    page = render(result, model=tiny)
    shapes = polygons(page)
    assert len(shapes["radar-score"][0]) == len(tiny.competencies)
    check_structure(page)


def test_jinja2_is_imported_only_when_rendering() -> None:
    code = "import sys, kamcli.render.html; print('jinja2' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert output.stdout.strip() == "False", output.stderr


@given(
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" -能力"), max_size=60
    ),
    st.integers(4, 30),
    st.integers(1, 4),
)
def test_wrap_label_fits_and_keeps_the_text(text: str, width: int, max_lines: int) -> None:
    lines = wrap_label(text, width, max_lines)
    assert 1 <= len(lines) <= max_lines
    assert all(text_units(line) <= width for line in lines)
    if not lines[-1].endswith("…"):
        assert "".join("".join(lines).split()) == "".join(text.split())


def test_wrap_label_breaks_at_spaces_and_hyphens_and_balances() -> None:
    assert wrap_label("Authority and senior-management links", 22, 3) == (
        "Authority and senior-",
        "management links",
    )
    assert wrap_label("内部协调与大客户团队领导", 22, 3) == ("内部协调与大", "客户团队领导")
    assert wrap_label("x" * 50, 10, 2) == ("x" * 10, "x" * 9 + "…")
