"""The psychometrics report as a document (report/stats.py): what it holds, that building it
needs no renderer library, and how each renderer lays out its user text and headings."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kamcli.batch.row_outcomes import GoodRow
from kamcli.batch.stats import StatsCollector, StatsOptions, StatsResult
from kamcli.model import load_model
from kamcli.render import html, markdown, terminal
from kamcli.report.document import (
    STATS_SECTION_TYPES,
    AdviceNotes,
    FlaggedList,
    ItemTable,
    ReliabilityTable,
    StatsOverview,
    plain,
)
from kamcli.report.stats import MAX_FLAGGED_SHOWN, number, stats_document

MODEL = load_model()
ITEMS = MODEL.item_ids()
HOSTILE = "<b>#R|*1</b>"


def stats_result(n: int, straightliners: int, seed: int = 3, **options: object) -> StatsResult:
    """`n` respondents answering by a latent level per competency; the first `straightliners`
    answer 4 throughout (flagged as careless). The first respondent's id is HOSTILE."""
    rng = random.Random(seed)
    collector = StatsCollector(MODEL, ITEMS, StatsOptions(**options))  # type: ignore[arg-type]
    collector.start_table("t.csv", ["respondent_id"])
    for number_ in range(n):
        if number_ < straightliners:
            values = tuple(4 for _ in ITEMS)
        else:
            levels = {c.id: rng.gauss(3, 0.9) for c in MODEL.competencies}
            values = tuple(
                min(5, max(1, round(levels[c.id] + rng.gauss(0, 0.6))))
                for c in MODEL.competencies
                for _ in c.items
            )
        rid = HOSTILE if number_ == 0 else f"R{number_}"
        row = GoodRow(number_ + 2, rid, None, None, None, "self", "mid", values, None, None, None)
        collector.add(row, [rid])
    return collector.result()


def test_the_document_holds_every_stats_section_once_in_print_order() -> None:
    result = stats_result(60, 2)
    document = stats_document(MODEL, result, "en")
    kinds = [type(section) for section in document.sections]
    assert kinds == [StatsOverview, ReliabilityTable, ItemTable, AdviceNotes, FlaggedList]
    assert set(kinds) <= set(STATS_SECTION_TYPES)
    table = document.first(ReliabilityTable)
    assert table is not None and len(table.rows) == len(MODEL.competencies)
    flagged = document.first(FlaggedList)
    assert flagged is not None and [r.respondent_id for r in flagged.rows] == [HOSTILE, "R1"]
    assert flagged.more == ""


def test_more_than_a_page_of_flagged_respondents_is_cut_and_counted() -> None:
    result = stats_result(MAX_FLAGGED_SHOWN + 30, MAX_FLAGGED_SHOWN + 7)
    flagged = stats_document(MODEL, result, "en").first(FlaggedList)
    assert flagged is not None and len(flagged.rows) == MAX_FLAGGED_SHOWN
    assert "7 more" in flagged.more


def test_numbers_use_a_true_minus_and_never_show_minus_zero() -> None:
    assert number(-0.5) == "−0.50"
    assert number(-0.001) == "0.00"
    assert number(None) == "—"
    assert number(12.345, 1) == "12.3"


def test_user_text_is_escaped_by_each_format() -> None:
    document = stats_document(MODEL, stats_result(40, 1), "en")
    md = markdown.render_document(document)
    assert "\\<b\\>\\#R\\|\\*1\\</b\\>" in md
    fragment = html.render_fragment(document)
    assert "&lt;b&gt;#R|*1&lt;/b&gt;" in fragment and "<b>#R" not in fragment
    assert fragment.startswith("<style>") and fragment.endswith("</section>\n")
    from rich.console import Console

    console = Console(width=100, record=True, color_system=None)
    console.print(terminal.render_terminal(document))
    assert HOSTILE in console.export_text()


def test_markdown_headings_move_down_a_level_inside_another_page() -> None:
    document = stats_document(MODEL, stats_result(40, 1), "zh")
    top = markdown.render_document(document)
    nested = markdown.render_document(document, level=2)
    assert re.findall(r"^#+ ", top, flags=re.M)[:2] == ["# ", "## "]
    assert nested == re.sub(r"^#", "##", top, flags=re.M)
    assert nested.endswith("\n") and not nested.endswith("\n\n")


def test_advice_names_the_competency_and_the_problem() -> None:
    advice = stats_document(MODEL, stats_result(3, 0), "en").first(AdviceNotes)
    assert advice is not None and advice.items
    names = {MODEL.text(c.name, "en") for c in MODEL.competencies}
    assert all(line[0].user and line[0].text in names for line in advice.items)
    assert all(": " in plain(line) for line in advice.items)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_the_pdf_renderer_prints_a_stats_document(tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    from kamcli.render.formats import RenderOptions
    from kamcli.render.pdf import render_document

    document = stats_document(MODEL, stats_result(40, 1), "en")
    path = tmp_path / "stats.pdf"
    path.write_bytes(render_document(document, RenderOptions(), "2024-05-01T10:00:00"))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout  # fmt: skip
    assert "Psychometrics" in text and "Careless responding" in text and HOSTILE in text


def test_building_the_stats_document_imports_no_renderer_library() -> None:
    code = (
        "import sys\n"
        "from kamcli.batch.row_outcomes import GoodRow\n"
        "from kamcli.batch.stats import StatsCollector, StatsOptions\n"
        "from kamcli.model import load_model\n"
        "from kamcli.report.stats import stats_document\n"
        "m = load_model(); items = m.item_ids()\n"
        "c = StatsCollector(m, items, StatsOptions()); c.start_table('t.csv', ['id'])\n"
        "for i in range(5):\n"
        "    v = tuple(1 + (i + j) % 5 for j in range(len(items)))\n"
        "    c.add(GoodRow(i + 2, f'r{i}', None, None, None, 'self', 'mid', v, None, None,"
        " None), [f'r{i}'])\n"
        "stats_document(m, c.result(), 'en')\n"
        "print(sorted(x for x in ('rich', 'jinja2', 'fpdf') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
