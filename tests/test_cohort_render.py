"""The cohort summary in every format: terminal, Markdown, JSON and the HTML page.

Cohorts are scored with the real ScoringPlan and CohortStats from answers made up here, and
every test checks that the numbers of that summary object are the ones shown. The HTML page
is also opened in headless Chromium when it is installed (required under CI=true).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import struct
import zlib
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType

from kamcli.model import CompetencyModel, load_model
from kamcli.render import html, markdown
from kamcli.render.cohort_json import summary_json
from kamcli.render.labels import fmt_gap
from kamcli.render.terminal import render_terminal
from kamcli.report.cohort import MAX_ROWS, cohort_document, status_key
from kamcli.report.cohort_figures import (
    cohort_label,
    fmt_share,
    fmt_stat,
    fmt_stat_gap,
    mean_targets,
)
from kamcli.scoring.cohort import CohortStats, CohortSummary
from kamcli.scoring.plan import RowScore, ScoringPlan
from tests.conftest import write_tiny_model
from tests.test_browser import run_chromium  # one way to drive headless Chromium

ROOT = Path(__file__).resolve().parent.parent
MODEL = load_model()
PLAN = ScoringPlan(MODEL)
WHEN = datetime(2026, 1, 2, 3, 4)
HOSTILE = '<script>alert("x")</script>'
LONG_NAME = "Anna-Maria Konstantinopoulou-Vandersteen von Habsburg-Lothringen und Wettin"
Rows = list[tuple[str, str | None, RowScore]]


def summary_terminal(
    model: CompetencyModel, summary: CohortSummary, lang: str, generated_at: datetime | None = None
) -> RenderableType:
    return render_terminal(cohort_document(model, summary, lang, generated_at=generated_at))


def summary_markdown(
    model: CompetencyModel, summary: CohortSummary, lang: str, generated_at: datetime | None = None
) -> str:
    return markdown.render_document(
        cohort_document(model, summary, lang, generated_at=generated_at)
    )


def summary_html(
    model: CompetencyModel,
    summary: CohortSummary,
    rows: Rows,
    lang: str,
    generated_at: datetime | None = None,
) -> str:
    document = cohort_document(model, summary, lang, rows, generated_at=generated_at)
    return html.render_document(document)


def shades(model: CompetencyModel, lang: str) -> list[html.Shade]:
    return html.shades(status_key(model, lang))


def make_cohort(
    count: int, stages: tuple[str, ...] = ("mid",), seed: int = 7, model: CompetencyModel = MODEL
) -> tuple[CohortSummary, Rows]:
    """`count` respondents with a realistic spread; a few skip answers; names include traps."""
    rng = random.Random(seed)
    plan = PLAN if model is MODEL else ScoringPlan(model)
    low, high = model.scale.min, model.scale.max
    stats = CohortStats(model, stages[0] if len(stages) == 1 else None)
    rows: Rows = []
    specials = [HOSTILE, LONG_NAME, None, "王伟"]
    for number in range(count):
        level = rng.gauss((low + high) / 2, 0.7)
        values: list[int | None] = []
        for _ in plan.item_ids:
            value = round(min(high, max(low, rng.gauss(level, 0.9))))
            values.append(None if rng.random() < 0.04 else value)
        stage = stages[number % len(stages)]
        row = plan.score(values, stage)
        stats.add(row)
        name = specials[number] if number < len(specials) else f"Person {number}"
        rows.append((f"R{number:05d}", name, row))
    return stats.summary(), rows[:MAX_ROWS]


@pytest.fixture(scope="module")
def cohort() -> tuple[CohortSummary, Rows]:
    return make_cohort(60)


def terminal_text(summary: CohortSummary, lang: str, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(summary_terminal(MODEL, summary, lang, generated_at=WHEN))
    return console.export_text()


def expected_figures(summary: CohortSummary) -> list[str]:
    """Every number the text outputs must show, formatted as documented."""
    figures = [str(summary.n_respondents)]
    for stats in summary.competencies:
        figures += [str(stats.n), fmt_stat(stats.mean), fmt_stat(stats.sd), fmt_stat(stats.median)]
        figures += [fmt_share(stats.share_meeting_target), fmt_stat_gap(stats.mean_gap)]
    return figures


def test_terminal_shows_every_competency_and_number(cohort: tuple[CohortSummary, Rows]) -> None:
    summary, _ = cohort
    text = terminal_text(summary, "en", 200)
    for competency in MODEL.competencies:
        assert competency.name["en"] in text
    lines = {line.split("  ")[0].strip(): line for line in text.splitlines()}
    for stats in summary.competencies:
        row = lines[MODEL.competency(stats.competency_id).name["en"]]
        numbers = row.split()[-7:]
        assert numbers == [
            str(stats.n),
            fmt_stat(stats.mean),
            fmt_stat(stats.sd),
            fmt_stat(stats.median),
            fmt_stat(mean_targets(MODEL, summary)[stats.competency_id]),
            fmt_share(stats.share_meeting_target),
            fmt_stat_gap(stats.mean_gap),
        ]
    counts = summary.competencies[0].distribution
    assert f"✔{counts['met']} ◐{counts['close']} ▲{counts['develop']} ✖{counts['critical']}" in text
    fit = f"{summary.mean_fit:.0f}%"
    assert f"Current stage: {fit}" in text


def test_terminal_reads_at_80_columns(cohort: tuple[CohortSummary, Rows]) -> None:
    for lang in ("en", "zh"):
        text = terminal_text(cohort[0], lang, 80)
        assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= 80
        # Numbers never wrap: each competency's row keeps its seven figures on one line.
        figures = re.compile(
            r" \d+ +(\d\.\d\d +){2}≈?\d\.\d\d +\d\.\d\d +\d+% +([+-]\d\.\d\d|0\.00)$"
        )
        rows = [line for line in text.splitlines() if figures.search(line.rstrip())]
        assert len(rows) == len(MODEL.competencies)


def test_terminal_lists_priorities_with_stage_actions(cohort: tuple[CohortSummary, Rows]) -> None:
    summary, _ = cohort
    text = " ".join(terminal_text(summary, "en", 200).split())
    assert summary.priorities, "the made-up cohort is below target somewhere"
    for rank, competency_id in enumerate(summary.priorities, start=1):
        name = MODEL.competency(competency_id).name["en"]
        assert f"{rank}. {name}: mean gap" in text
        for action in MODEL.competency(competency_id).actions["mid"]:
            assert " ".join(action["en"].split()) in text
    assert "Mid KAM: 60" in text


def test_markdown_shows_every_competency_and_number(cohort: tuple[CohortSummary, Rows]) -> None:
    summary, _ = cohort
    text = summary_markdown(MODEL, summary, "en", generated_at=WHEN)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == 2 + len(MODEL.competencies)  # titles, rule, one row each
    for stats, line in zip(summary.competencies, table[2:], strict=True):
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert cells[0] == MODEL.competency(stats.competency_id).name["en"]
        assert cells[1:8] == [
            str(stats.n),
            fmt_stat(stats.mean),
            fmt_stat(stats.sd),
            fmt_stat(stats.median),
            fmt_stat(mean_targets(MODEL, summary)[stats.competency_id]),
            fmt_share(stats.share_meeting_target),
            fmt_stat_gap(stats.mean_gap),
        ]
    assert "## Team development priorities" in text
    assert text.endswith("\n") and "2026-01-02 03:04" in text


def test_json_is_the_summary_with_schema_version_and_names(
    cohort: tuple[CohortSummary, Rows],
) -> None:
    summary, _ = cohort
    data = json.loads(summary_json(MODEL, summary, "zh"))
    assert data["schema_version"] == 1
    assert data["report_lang"] == "zh"
    for key, value in summary.to_dict().items():
        assert data[key] == value
    names = data["names"]["competencies"]
    assert names == {c.id: c.name["zh"] for c in MODEL.competencies}
    assert data["names"]["stages"]["mid"] == "中期阶段"


def test_text_outputs_escape_hostile_model_text(tmp_path: Path) -> None:
    """A custom model's names reach the terminal and Markdown literally, never as markup."""
    directory = write_tiny_model(tmp_path / "tiny")
    path = directory / "competencies" / "selling.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{en: Selling}", "{en: '[red]Sell|<b>*x*'}"),
        encoding="utf-8",
    )
    model = load_model(directory)
    summary, _ = make_cohort(5, ("first",), model=model)
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(summary_terminal(model, summary, "en"))
    assert "[red]Sell|<b>*x*" in console.export_text()
    markdown = summary_markdown(model, summary, "en")
    assert r"\[red\]Sell\|\<b\>\*x\*" in markdown
    assert "<b>" not in markdown
    assert "<b>" not in summary_html(model, summary, [], "en")


def test_empty_cohort_renders_in_every_format() -> None:
    summary = CohortStats(MODEL, "early").summary()
    assert "No respondent could be scored." in terminal_text(summary, "en", 80)
    assert "No respondent could be scored." in summary_markdown(MODEL, summary, "en")
    assert json.loads(summary_json(MODEL, summary, "en"))["n_respondents"] == 0
    assert "No respondent could be scored." in summary_html(MODEL, summary, [], "en")


def test_mixed_stages_use_head_count_weighted_targets(tmp_path: Path) -> None:
    model = load_model(write_tiny_model(tmp_path / "tiny"))
    stats = CohortStats(model, None)
    plan = ScoringPlan(model)
    for stage in ("first", "first", "first", "second"):
        stats.add(plan.score([2, 2, 3], stage))
    summary = stats.summary()
    # honesty targets: first 2, second 3; selling: first 3, second 2.
    assert mean_targets(model, summary) == {"honesty": 2.25, "selling": 2.75}
    text = summary_markdown(model, summary, "en")
    assert "First: 3 · Second: 1" in text
    assert "actions for First (3 of 4 people, more than half)" in text
    assert "each target is the mean" in text


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=2))
def test_mixed_targets_lie_between_the_stage_targets(counts: list[int]) -> None:
    summary = CohortStats(MODEL, None).summary()
    stages = dict(zip(("early", "collaborative"), counts, strict=True))
    mixed = CohortSummary(**{**_fields(summary), "stages": stages, "stage": None})
    targets = mean_targets(MODEL, mixed)
    for competency in MODEL.competencies:
        ends = [MODEL.stage(s).targets[competency.id].target for s in stages]
        assert min(ends) - 1e-9 <= targets[competency.id] <= max(ends) + 1e-9


def _fields(summary: CohortSummary) -> dict[str, object]:
    return {name: getattr(summary, name) for name in CohortSummary.__dataclass_fields__}


def test_shades_darken_with_the_gap_for_black_and_white_print() -> None:
    found = shades(MODEL, "en")
    assert [shade.band.status for shade in found] == [b.id for b in MODEL.status_bands] + [
        "insufficient"
    ]

    def luminance(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    levels = [luminance(shade.background) for shade in found[:-1]]
    assert levels == sorted(levels, reverse=True) and len(set(levels)) == len(levels)
    assert found[-1].ink != found[-1].background


# --- HTML -----------------------------------------------------------------------------------

HEAT_ROW = re.compile(r'<tr class="heat-row">(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="cell (s\d|sx)"[^>]*>([^<]*)</td>')


def html_for(summary: CohortSummary, rows: Rows, lang: str = "en") -> str:
    return summary_html(MODEL, summary, rows, lang, generated_at=WHEN)


def test_html_is_self_contained_and_escapes_names(cohort: tuple[CohortSummary, Rows]) -> None:
    page = html_for(*cohort)
    assert "<script" not in page.lower()
    assert re.search(r"(?i)https?://", page) is None
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert LONG_NAME in page and "王伟" in page
    assert page.count('<polygon class="radar-mean"') == 1
    assert page.count('<polygon class="radar-target"') == 1
    assert len(re.findall(r'class="radar-label[ "]', page)) == len(MODEL.competencies)


def test_heat_map_has_one_row_per_respondent_with_gap_numbers(
    cohort: tuple[CohortSummary, Rows],
) -> None:
    summary, rows = cohort
    found = HEAT_ROW.findall(html_for(summary, rows))
    assert len(found) == len(rows)
    classes = {shade.band.status: shade.css_class for shade in shades(MODEL, "en")}
    for (_, _, row), html_row in zip(rows, found, strict=True):
        cells = CELL.findall(html_row)
        assert [unescape(text) for _, text in cells] == [fmt_gap(gap) for gap in row.gaps]
        assert [css for css, _ in cells] == [classes[status] for status in row.statuses]
    assert "Showing the first" not in html_for(summary, rows)


def test_heat_map_stops_at_500_and_says_so() -> None:
    summary, rows = make_cohort(MAX_ROWS + 30)
    assert summary.n_respondents == MAX_ROWS + 30 and len(rows) == MAX_ROWS
    page = html_for(summary, rows + rows[:5])  # more rows than allowed are cut too
    assert len(HEAT_ROW.findall(page)) == MAX_ROWS
    assert f"Showing the first {MAX_ROWS} of {MAX_ROWS + 30} respondents" in page


def test_html_shows_the_statistics(cohort: tuple[CohortSummary, Rows]) -> None:
    summary, _ = cohort
    page = html_for(*cohort)
    body = page[page.index('<table class="stats-table">') :]
    for stats in summary.competencies:
        name = MODEL.competency(stats.competency_id).name["en"]
        row = body[body.index(f'<th scope="row">{name}</th>') :].split("</tr>")[0]
        numbers = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
        assert numbers[:3] == [str(stats.n), fmt_stat(stats.mean), fmt_stat(stats.sd)]
        assert numbers[-1] == fmt_stat_gap(stats.mean_gap)
        counts = stats.distribution
        glyphs = f"✔{counts['met']} ◐{counts['close']} ▲{counts['develop']} ✖{counts['critical']}"
        assert f'<span class="dist-text">{glyphs}' in row
        drawn = re.findall(r'class="seg-count[^"]*"[^>]*>(\d+)</text>', row)
        assert sum(map(int, drawn)) <= stats.n + stats.insufficient
        assert max(map(int, drawn)) == max(counts.values())


def test_html_in_chinese(cohort: tuple[CohortSummary, Rows]) -> None:
    page = html_for(*cohort, lang="zh")
    assert '<html lang="zh-CN">' in page
    for text in ("团队能力汇总", "团队均值与目标", "受评人 × 能力差距", "团队优先发展项"):
        assert text in page
    for competency in MODEL.competencies:
        assert competency.name["zh"] in unescape(page)


def _stage_blocks(text: str, heading: str) -> dict[str, str]:
    """The text under each stage's heading (`heading` formatted with its name), by stage id."""
    text = " ".join(text.split("Team development priorities", 1)[1].split())
    starts = sorted(
        (text.index(heading.format(stage=MODEL.stage(s).name["en"])), s)
        for s in MODEL.stage_ids
        if heading.format(stage=MODEL.stage(s).name["en"]) in text
    )
    ends = [start for start, _ in starts[1:]] + [text.index("Mean stage fit")]
    return {stage: text[start:end] for (start, stage), end in zip(starts, ends, strict=True)}


def test_without_a_majority_stage_each_stage_gets_its_own_priorities() -> None:
    """Issue 9.22: four stages of five people each get four lists with their own actions."""
    summary, rows = make_cohort(20, ("early", "mid", "partnership", "collaborative"))
    assert summary.majority_stage is None
    assert "the most common stage" not in summary_markdown(MODEL, summary, "en")
    for text, heading in (
        (terminal_text(summary, "en", 80), "{stage} (5 of 20 people)"),
        (summary_markdown(MODEL, summary, "en"), "### {stage} (5 of 20 people)"),
    ):
        assert "No stage holds more than half of the people" in " ".join(text.split())
        blocks = _stage_blocks(text, heading)
        assert list(blocks) == list(MODEL.stage_ids)
        for group in summary.stage_groups:
            block = blocks[group.stage]
            assert group.priorities, "each made-up stage is below target somewhere"
            for rank, found in enumerate(group.priorities, start=1):
                name = MODEL.competency(found.competency_id).name["en"]
                assert f"{rank}. " in block and name in block
                assert f"mean gap {fmt_stat_gap(found.mean_gap)}" in block
                for action in MODEL.competency(found.competency_id).actions[group.stage]:
                    assert " ".join(action["en"].split()) in block
    for lang in ("en", "zh"):
        text = terminal_text(summary, lang, 80)
        assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= 80
    page = unescape(html_for(summary, rows))
    assert page.count('<h3 class="stage-group">') == 4
    assert "Early KAM (5 of 20 people)" in page
    data = json.loads(summary_json(MODEL, summary, "en"))
    assert data["majority_stage"] is None
    assert [g["n_respondents"] for g in data["stage_groups"]] == [5, 5, 5, 5]


def test_a_majority_stage_gives_one_list_with_its_actions() -> None:
    summary, _ = make_cohort(5, ("mid", "mid", "early", "mid", "partnership"))
    assert summary.stage is None and summary.majority_stage == "mid"
    text = " ".join(summary_markdown(MODEL, summary, "en").split())
    assert "actions for Mid KAM (3 of 5 people, more than half)" in text
    assert "###" not in text
    for competency_id in summary.priorities:
        for action in MODEL.competency(competency_id).actions["mid"]:
            assert " ".join(action["en"].split()) in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mean_stage_fit_is_explained(lang: str) -> None:
    summary, rows = make_cohort(6, ("early", "mid"))
    note = " ".join(cohort_label("fit_means_explain", lang).split())
    terminal = "".join(terminal_text(summary, lang, 80).split())
    assert "".join(note.split()) in terminal
    assert note in summary_markdown(MODEL, summary, lang)
    assert note in unescape(html_for(summary, rows, lang))


def test_html_lists_mixed_stages_per_respondent() -> None:
    summary, rows = make_cohort(8, ("early", "partnership"))
    page = html_for(summary, rows)
    assert summary.stage is None
    assert "Early KAM: 4 · Partnership KAM: 4" in page
    assert page.count('<td class="stage">Partnership KAM</td>') == 4


# --- headless Chromium ----------------------------------------------------------------------

PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        reason = "chromium not installed: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must have it")
        pytest.skip(reason)
    return found


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) scanlines of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, width, height, chunks = 8, 0, 0, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def page_file(directory: Path, lang: str, count: int = 40) -> Path:
    summary, rows = make_cohort(count, ("mid",))
    path = directory / f"cohort-{lang}.html"
    path.write_text(html_for(summary, rows, lang), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_browser_draws_heat_map_and_radar(chromium: str, tmp_path: Path, lang: str) -> None:
    dom = run_chromium(chromium, "--dump-dom", page_file(tmp_path, lang).as_uri())
    assert re.search(r'<polygon class="radar-mean"[^>]* points="[\d., ]+"', dom)
    assert re.search(r'<polygon class="radar-target"[^>]* points="[\d., ]+"', dom)
    assert '<table class="heat-map">' in dom
    assert len(HEAT_ROW.findall(dom)) == 40
    png = tmp_path / f"cohort-{lang}.png"
    run_chromium(
        chromium,
        f"--screenshot={png}",
        "--window-size=1280,2000",
        page_file(tmp_path, lang).as_uri(),
    )
    width, height, scanlines = png_pixels(png.read_bytes())
    assert (width, height) == (1280, 2000)
    # A blank page compresses to a handful of byte values; text and charts give hundreds.
    assert len(set(scanlines)) > 100
    assert scanlines.count(scanlines[1]) < len(scanlines) * 0.9


@pytest.mark.slow
def test_prints_on_a4_landscape(chromium: str, tmp_path: Path) -> None:
    pdf = tmp_path / "cohort.pdf"
    page = page_file(tmp_path, "en", count=120)
    run_chromium(chromium, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(PDF_PAGE.findall(data))
    assert 3 <= pages <= 12, pages
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    for width, height in boxes:  # A4 landscape is 841.9 x 595.3 points
        assert float(width) == pytest.approx(841.9, abs=1)
        assert float(height) == pytest.approx(595.3, abs=1)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("KAM_UPDATE_SCREENSHOTS") != "1", reason="set KAM_UPDATE_SCREENSHOTS=1"
)
def test_update_screenshot(chromium: str, tmp_path: Path) -> None:
    """Rewrite docs/img/cohort-en.png from the current template (look at it before committing)."""
    target = ROOT / "docs" / "img"
    target.mkdir(parents=True, exist_ok=True)
    png = target / "cohort-en.png"
    page = page_file(tmp_path, "en", count=24)
    size = "--window-size=1280,3660"
    run_chromium(chromium, f"--screenshot={png}", size, "--hide-scrollbars", page.as_uri())
    assert png_pixels(png.read_bytes())[:2] == (1280, 3660)
