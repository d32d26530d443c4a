"""The 360° report document: what it holds, that anonymity reaches it, and that it is pure.

The example is test_subject_render's: integrity a blind spot, negotiation a hidden strength,
communication with hidden peer and combined cells, product knowledge withheld.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from kamcli.i18n import catalogue
from kamcli.render import html, markdown, pdf, terminal
from kamcli.render.labels import MISSING, competency_name
from kamcli.report.document import (
    AnonymityNotes,
    FieldHeader,
    FlagList,
    GroupScoreTable,
    MethodList,
    RaterRadar,
    Span,
    StageSummary,
    plain,
)
from kamcli.report.subject import subject_document
from kamcli.scoring.multirater import build_subject_report
from tests.test_subject_render import HOSTILE, MODEL, PEER_MAX, PEER_MIN, example, rating

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_document_lists_the_360_sections_in_print_order(lang: str) -> None:
    document = subject_document(MODEL, example(), lang)
    kinds = [type(section) for section in document.sections]
    assert kinds == [FieldHeader, AnonymityNotes, StageSummary, RaterRadar, GroupScoreTable,
                     FlagList, FlagList, MethodList]  # fmt: skip
    assert (document.kind, document.lang) == ("subject", lang)
    header = document.first(FieldHeader)
    assert header is not None
    assert header.title == ("360° 多方评估报告" if lang == "zh" else "360° feedback report")
    assert header.fields[0].value == "Li Wei"


def test_hidden_and_withheld_figures_are_dashes_in_the_document() -> None:
    document = subject_document(MODEL, example(), "en")
    table = document.first(GroupScoreTable)
    assert table is not None
    assert table.columns == ("Manager", "Peers", "Others (combined)", "All others")
    rows = {row.name: row for row in table.rows}
    communication = rows[competency_name(MODEL, "communication", "en")]
    peers, combined = communication.cells[1], communication.cells[2]
    assert (peers.value, peers.count, peers.spread, peers.hidden) == (MISSING, "n=2", "", True)
    assert combined.hidden and combined.value == MISSING
    withheld = rows[competency_name(MODEL, "product_knowledge", "en")]
    assert withheld.status == "withheld" and withheld.gap == MISSING
    assert withheld.cells[-1].value == MISSING
    # no group's lowest or highest score in any figure of the table
    shown = {part for row in table.rows for cell in row.cells for part in (cell.value, cell.spread)}
    assert shown and not {str(PEER_MIN), str(PEER_MAX)} & shown


def test_flag_lists_carry_the_name_as_emphasised_user_text_and_actions_for_blind_spots() -> None:
    document = subject_document(MODEL, example(HOSTILE), "en")
    blind, hidden = (s for s in document.sections if isinstance(s, FlagList))
    assert blind.flag == "blind_spot" and blind.with_actions
    assert [item.name for item in blind.items] == [competency_name(MODEL, "integrity", "en")]
    assert blind.items[0].line[0] == Span(blind.items[0].name, strong=True, user=True)
    assert blind.items[0].actions  # the model has actions for integrity at the early stage
    assert plain(blind.items[0].line).endswith(": self 4.8, others 3.0 (difference +1.8)")
    assert hidden.flag == "hidden_strength" and not hidden.with_actions
    assert [item.name for item in hidden.items] == [competency_name(MODEL, "negotiation", "en")]


def test_without_a_self_rating_the_lists_say_why_they_are_empty() -> None:
    others = [rating("manager"), rating("peer"), rating("peer"), rating("peer")]
    report = build_subject_report(MODEL, "Nos", "mid", others)
    document = subject_document(MODEL, report, "en")
    radar = document.first(RaterRadar)
    assert radar is not None and radar.has_others and not radar.has_self
    assert [key for key, _ in radar.legend] == ["others", "target"]
    for flags in (s for s in document.sections if isinstance(s, FlagList)):
        assert not flags.items and "self" in flags.empty.lower()


def test_every_renderer_renders_the_subject_document() -> None:
    document = subject_document(MODEL, example(), "zh")
    assert "360° 多方评估报告" in markdown.render_document(document)
    assert "<h1>360° 多方评估报告</h1>" in html.render_document(document)
    assert terminal.render_terminal(document).renderables
    assert pdf.HANDLERS.keys() == html.HANDLERS.keys()


def test_building_a_subject_document_imports_no_renderer_library() -> None:
    code = (
        "import sys\n"
        "from kamcli.model import load_model\n"
        "from kamcli.report.subject import subject_document\n"
        "from kamcli.scoring.multirater import Rating, build_subject_report\n"
        "m = load_model()\n"
        "r = build_subject_report(m, 'x', 'mid', [Rating('self', {})])\n"
        "subject_document(m, r, 'en')\n"
        "print(sorted(x for x in ('rich', 'jinja2', 'fpdf') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_literal_label_the_builder_looks_up_is_in_the_catalogue() -> None:
    tree = ast.parse((ROOT / "kamcli" / "report" / "subject.py").read_text(encoding="utf-8"))
    keys = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "label"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    assert len(keys) > 20
    known = set(catalogue("en"))
    assert not [key for key in keys if f"report.{key}" not in known]
