"""360° report renderers: every format shows the same figures, and none breaks anonymity.

The example (default model, stage early, threshold 3, blind-spot distance 4/3):
self, one manager, three peers, one customer and two other raters. The customer and the
other raters are folded into "others (combined)" (3 ratings). Integrity is a blind spot
(self 4.8, others 3.0), negotiation a hidden strength (self 1.5, others 3.2). On
communication only two peers and one folded rater score: both cells are hidden, but
together (3) they may count in "all others". On product knowledge a single peer scores:
that peer could be recovered from the others' figures, so those are withheld as well.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from kamcli.errors import MissingFeatureError
from kamcli.io.cells import is_dangerous
from kamcli.model import load_model
from kamcli.model.schema import RATER_ROLES
from kamcli.render import fonts
from kamcli.render.formats import SUBJECT_RENDERERS, RenderOptions, ReportFormat, subject_renderer
from kamcli.render.html import render_subject_html
from kamcli.render.labels import competency_name, label
from kamcli.render.markdown import md_escape, render_subject_markdown
from kamcli.render.pdf import render_subject_pdf
from kamcli.render.pdf_layout import pdf_extra
from kamcli.render.subject import (
    subject_view,
    translated_notes,
)
from kamcli.render.subject_data import render_subject_csv, render_subject_json
from kamcli.render.terminal import subject_terminal
from kamcli.scoring.multirater import Rating, SubjectReport, build_subject_report

MODEL = load_model()
IDS = [c.id for c in MODEL.competencies]
OPTIONS = RenderOptions()
HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'
FOLDED_NOTE = (
    "1 customer rating and 2 other ratings were too few to show alone (threshold 3): "
    "together they are shown as 'others (combined)'."
)
# A peer's lowest and highest integrity scores: no format may show either.
PEER_MIN, PEER_MAX = 1.3, 4.7
PDFTOTEXT = shutil.which("pdftotext")
POLYGON = re.compile(r'<polygon class="(radar-[a-z]+)[^"]*" points="([^"]*)"')


def rating(rater: str, **scores: float | None) -> Rating:
    """Every competency 3.0 unless given."""
    return Rating(rater=rater, scores={**dict.fromkeys(IDS, 3.0), **scores})


def example(subject: str = "Li Wei", lone_peer_score: float = 3.0) -> SubjectReport:
    ratings = [
        rating("self", integrity=4.8, negotiation=1.5),
        rating("manager"),
        rating("peer", integrity=PEER_MIN, negotiation=3.4, product_knowledge=lone_peer_score),
        rating("peer", integrity=PEER_MAX, negotiation=3.4, product_knowledge=None),
        rating("peer", negotiation=3.4, communication=None, product_knowledge=None),
        rating("customer", communication=None),
        rating("other", communication=None),
        rating("other"),
    ]
    return build_subject_report(MODEL, subject, "early", ratings)


def terminal_text(report: SubjectReport, lang: str = "en") -> str:
    console = Console(record=True, width=250, file=io.StringIO(), color_system=None)
    console.print(subject_terminal(MODEL, report, lang))
    return console.export_text()


def all_text_formats(report: SubjectReport, lang: str = "en") -> dict[str, str]:
    csv_bytes = render_subject_csv(MODEL, report, lang, OPTIONS)
    return {
        "terminal": terminal_text(report, lang),
        "md": render_subject_markdown(MODEL, report, lang, OPTIONS),
        "html": render_subject_html(MODEL, report, lang, OPTIONS),
        "json": render_subject_json(MODEL, report, lang, OPTIONS),
        "csv": csv_bytes.decode("utf-8-sig"),
    }


def csv_rows(report: SubjectReport, lang: str = "en") -> list[dict[str, str]]:
    data = render_subject_csv(MODEL, report, lang, OPTIONS)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def html_row(page: str, name: str) -> list[list[str]]:
    """The words of each cell of the table row whose heading is `name`, tags stripped."""
    match = re.search(rf'<th scope="row" class="name">{re.escape(name)}</th>(.*?)</tr>', page, re.S)
    assert match, name
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split() for cell in cells]


def numbers_in(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


# --- the registry ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_has_a_subject_renderer(fmt: ReportFormat) -> None:
    module_name, function_name = SUBJECT_RENDERERS[fmt.canonical()]
    function = getattr(importlib.import_module(module_name), function_name)
    assert subject_renderer(fmt) is function
    assert list(inspect.signature(function).parameters) == ["model", "report", "lang", "options"]
    output = function(MODEL, example(), "en", OPTIONS)
    assert isinstance(output, bytes if fmt in (ReportFormat.pdf, ReportFormat.csv) else str)


# --- what every format shows ----------------------------------------------------------------


def test_the_example_has_what_the_tests_rely_on() -> None:
    report = example()
    assert report.shown_groups == ("self", "manager", "peer", "others_folded")
    assert report.blind_spots == ("integrity",) and report.hidden_strengths == ("negotiation",)
    assert FOLDED_NOTE in report.notes
    communication = report.competency("communication")
    assert [(g.group, g.n) for g in communication.groups] == [
        ("manager", 1),
        ("peer", 2),
        ("others_folded", 1),
    ]
    assert report.competency("product_knowledge").others.n == 5


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json", "csv"])
def test_every_competency_name_and_the_notes_are_shown(fmt: str) -> None:
    text = all_text_formats(example())[fmt]
    for competency_id in IDS:
        name = competency_name(MODEL, competency_id, "en")
        assert (md_escape(name) if fmt == "md" else name) in text
    if fmt != "csv":  # a CSV has rows of figures, no prose
        note = {"md": md_escape(FOLDED_NOTE), "html": FOLDED_NOTE.replace("'", "&#39;")}
        assert note.get(fmt, FOLDED_NOTE) in text
        assert "Product and technical knowledge: fewer than 3 peer, customer or other" in text


@pytest.mark.parametrize("fmt", ["terminal", "md", "html"])
def test_the_stage_fit_in_the_header_is_explained(fmt: str) -> None:
    explained = label("fit_explain", "en")
    explained = {"md": md_escape(explained), "html": explained.replace("'", "&#39;")}.get(
        fmt, explained
    )
    ratings = [rating("self"), rating("manager", integrity=2.0)] + [rating("peer")] * 3
    shown = build_subject_report(MODEL, "Li Wei", "early", ratings)
    assert shown.fit_others is not None
    assert explained in " ".join(all_text_formats(shown)[fmt].split())
    # the example withholds a competency, so it shows no stage fit and needs no explanation
    assert explained not in " ".join(all_text_formats(example())[fmt].split())


@pytest.mark.parametrize("fmt", ["terminal", "md"])
def test_blind_spot_and_hidden_strength_are_marked_with_glyph_and_word(fmt: str) -> None:
    lines = all_text_formats(example())[fmt].splitlines()
    marked = [i for i, line in enumerate(lines) if "◆ Blind spot" in line]
    # On the competency's table row; the terminal puts it under the status, a line lower.
    assert any(
        "Integrity and" in lines[i - 1] + lines[i] and "4.8" in lines[i - 1] + lines[i]
        for i in marked
    )
    assert not any("Principled negotiation" in lines[i] for i in marked)
    assert any("◇ Hidden strength" in line for line in lines)


def test_html_marks_the_flags_in_the_table_rows() -> None:
    page = render_subject_html(MODEL, example(), "en", OPTIONS)
    assert html_row(page, "Integrity and commitment-keeping")[-1][-3:] == ["◆", "Blind", "spot"]
    strength = html_row(page, "Principled negotiation")[-1]
    assert strength[-3:] == ["◇", "Hidden", "strength"]
    assert "Blind" not in html_row(page, "Boundary spanning")[-1]


def test_blind_spot_section_lists_the_stage_actions() -> None:
    page = render_subject_markdown(MODEL, example(), "en", OPTIONS)
    section = page.split("## Blind spots", 1)[1].split("## Hidden strengths", 1)[0]
    actions = MODEL.competency("integrity").actions["early"]
    assert actions and all(md_escape(MODEL.text(a, "en")) in section for a in actions)
    assert "self 4.8, others 3.0 (difference +1.8)" in section


def test_csv_and_json_flag_the_same_competencies() -> None:
    rows = {row["competency_id"]: row for row in csv_rows(example())}
    assert rows["integrity"]["flag"] == "blind_spot"
    assert rows["integrity"]["flag_label"] == "Blind spot"
    assert rows["negotiation"]["flag"] == "hidden_strength"
    assert {cid for cid, row in rows.items() if row["flag"]} == {"integrity", "negotiation"}
    data = json.loads(render_subject_json(MODEL, example(), "en", OPTIONS))
    assert data["schema_version"] == 1
    assert data["blind_spots"] == ["integrity"] and data["hidden_strengths"] == ["negotiation"]
    assert data["competencies"][0]["name"] == competency_name(MODEL, "integrity", "en")
    assert FOLDED_NOTE in data["notes"]


# --- anonymity ------------------------------------------------------------------------------


def test_group_cells_below_the_threshold_show_a_dash_in_every_format() -> None:
    report = example()
    page = render_subject_html(MODEL, report, "en", OPTIONS)
    # self, manager, peer, combined, all others, target, gap, status
    cells = html_row(page, "Communication and access to decision makers")
    assert cells[1][0] == "3.0" and cells[2][0] == "—" and cells[3][0] == "—"
    assert cells[2][1:] == ["n=2"] and cells[3][1:] == ["n=1"]  # the count only
    assert cells[4][0] == "3.0"  # 2 peers + 1 folded = 3 hidden ratings: may be pooled
    row = {r["competency_id"]: r for r in csv_rows(report)}["communication"]
    assert row["peer"] == row["others_folded"] == "—" and row["manager"] == "3.0"
    markdown = render_subject_markdown(MODEL, report, "en", OPTIONS)
    line = next(x for x in markdown.splitlines() if x.startswith("| Communication"))
    assert "| — (n=2) | — (n=1) |" in line
    data = json.loads(render_subject_json(MODEL, report, "en", OPTIONS))
    groups = data["competencies"][IDS.index("communication")]["groups"]
    assert [(g["group"], g["mean"], g["hidden"]) for g in groups] == [
        ("manager", 3.0, False),
        ("peer", None, True),
        ("others_folded", None, True),
    ]


def test_a_rater_recoverable_from_the_pooled_figures_is_withheld() -> None:
    view = subject_view(MODEL, example(), "en")
    row = view.row("product_knowledge")
    assert row.withheld and row.others.mean is None and row.gap is None and row.flag is None
    assert view.fit_others is None


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json", "csv"])
def test_the_lone_peer_answer_changes_nothing_shown(fmt: str) -> None:
    low = all_text_formats(example(lone_peer_score=1.0))[fmt]
    high = all_text_formats(example(lone_peer_score=5.0))[fmt]
    assert low == high


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "csv"])
def test_no_group_minimum_or_maximum_is_shown(fmt: str) -> None:
    text = re.sub(r"<style>.*?</style>", "", all_text_formats(example())[fmt], flags=re.S)
    for value in (PEER_MIN, PEER_MAX):  # (a signed gap such as +1.3 is not a minimum)
        assert not re.search(rf"(?<![\d.+−-]){re.escape(str(value))}(?![\d])", text)


def test_json_has_no_minimum_or_maximum() -> None:
    data = json.loads(render_subject_json(MODEL, example(), "en", OPTIONS))
    for entry in data["competencies"]:
        for group in [*entry["groups"], entry["others"]]:
            assert "min" not in group and "max" not in group
    assert PEER_MIN not in numbers_in(data) and PEER_MAX not in numbers_in(data)


# --- hostile text ---------------------------------------------------------------------------


def test_html_shows_a_hostile_subject_as_text_and_fetches_nothing() -> None:
    page = render_subject_html(MODEL, example(HOSTILE), "en", OPTIONS)
    lowered = page.lower()
    assert "<script" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for forbidden in ("http://", "https://", "src=", "href=", "url(", "@import", "<link"):
        assert forbidden not in lowered


def test_markdown_escapes_a_hostile_subject() -> None:
    text = render_subject_markdown(MODEL, example(HOSTILE), "en", OPTIONS)
    assert not re.search(r"(?<!\\)<", text)
    assert r"\<script\>alert(1)\</script\>" in text


def test_terminal_prints_markup_literally() -> None:
    assert "[red]Li[/]" in terminal_text(example("[red]Li[/]"))


def test_csv_cells_cannot_run_as_formulas() -> None:
    data = render_subject_csv(MODEL, example(FORMULA), "en", OPTIONS)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(IDS) + 1
    numbers = re.compile(r"^-?\d+(\.\d+)?$")
    text_cells = [cell for row in rows for cell in row if cell and not numbers.match(cell)]
    assert text_cells and not any(is_dangerous(cell) for cell in text_cells)
    assert "'" + FORMULA in rows[1]


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json"])
def test_chinese_labels_and_notes(fmt: str) -> None:
    text = all_text_formats(example(), "zh")[fmt]
    if fmt == "json":
        data = json.loads(text)
        assert data["group_names"]["peer"] == "同事"
        text = "\n".join(data["notes"])
    else:
        assert label("subject_title", "zh") in text and "盲点" in text and "隐藏优势" in text
        assert competency_name(MODEL, "integrity", "zh") in text
    assert "1 份客户评分和 2 份其他评估人评分人数太少（阈值 3）" in text
    assert "too few" not in text


ROLE_COUNTS = st.fixed_dictionaries(
    {role: st.integers(0, 2 if role == "self" else 4) for role in RATER_ROLES}
)


@settings(max_examples=150, deadline=None)
@given(counts=ROLE_COUNTS, unscored=st.sets(st.sampled_from(RATER_ROLES)))
def test_english_notes_rebuilt_from_the_structure_match_the_core(
    counts: dict[str, int], unscored: set[str]
) -> None:
    """So the Chinese notes, built the same way, always say what the English ones say."""
    ratings = [
        Rating(rater=role, scores=dict.fromkeys(IDS, None if role in unscored else 3.0))
        for role, count in counts.items()
        for _ in range(count)
    ]
    report = build_subject_report(MODEL, "X", "mid", ratings)
    assert translated_notes(MODEL, report, "en") == list(report.notes)


# --- PDF ------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path) -> str:
    assert PDFTOTEXT is not None
    path = tmp_path / "subject.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def test_pdf_renders() -> None:
    data = render_subject_pdf(MODEL, example(HOSTILE), "en", OPTIONS)
    assert data.startswith(b"%PDF")
    assert render_subject_pdf(MODEL, example(HOSTILE), "en", OPTIONS) == data


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) not installed")
def test_pdf_shows_subject_flags_notes_and_dashes(tmp_path: Path) -> None:
    text = pdf_text(render_subject_pdf(MODEL, example("Wang Fang"), "en", OPTIONS), tmp_path)
    assert "Wang Fang" in text
    assert "Blind spot" in text and "Hidden strength" in text
    assert "too few to show alone" in text
    assert "withheld" in text
    assert "Principled negotiation" in text
    for value in (PEER_MIN, PEER_MAX):  # (a signed gap such as +1.3 is not a minimum)
        assert not re.search(rf"(?<![\d.+−-]){re.escape(str(value))}(?![\d])", text)


def test_pdf_without_fpdf2_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fpdf", None)
    with pytest.raises(MissingFeatureError) as caught:
        render_subject_pdf(MODEL, example(), "en", OPTIONS)
    assert caught.value.message == pdf_extra()


# --- the HTML radar -------------------------------------------------------------------------


def test_html_radar_has_self_others_and_target_polygons() -> None:
    page = render_subject_html(MODEL, example(), "en", OPTIONS)
    found: dict[str, list[tuple[float, ...]]] = {}
    for name, points in POLYGON.findall(page):
        if name in ("radar-self", "radar-others", "radar-target"):
            found[name] = [tuple(float(v) for v in p.split(",")) for p in points.split()]
    assert set(found) == {"radar-self", "radar-others", "radar-target"}
    assert all(len(vertices) == len(IDS) for vertices in found.values())
    # Self is above others on the blind spot (integrity, the top axis: smaller y is outer).
    assert found["radar-self"][0][1] < found["radar-others"][0][1]
    # The withheld others' figure on product knowledge sits at the centre.
    centre = found["radar-others"][IDS.index("product_knowledge")]
    assert centre == (450.0, 325.0)


def test_only_a_self_rating_draws_no_others_series() -> None:
    report = build_subject_report(MODEL, "Solo", "early", [rating("self")])
    page = render_subject_html(MODEL, report, "en", OPTIONS)
    names = {name for name, _ in POLYGON.findall(page)}
    assert "radar-self" in names and "radar-others" not in names
    assert "Only a self rating: no comparison possible." in page
    assert label("no_flags_without_self", "en") not in page


def test_chinese_pdf_with_an_installed_cjk_font(tmp_path: Path) -> None:
    try:
        fonts.find_font("zh", None)
    except MissingFeatureError:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    data = render_subject_pdf(MODEL, example("王芳"), "zh", OPTIONS)
    assert data.startswith(b"%PDF")
    if PDFTOTEXT is not None:
        text = pdf_text(data, tmp_path)
        assert "王芳" in text and "盲点" in text and "隐藏优势" in text


# --- another model --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_a_two_competency_model_renders_every_format(
    fmt: ReportFormat, tiny_model_dir: Path
) -> None:
    """Two axes make no radar; a manager alone is shown, however few."""
    model = load_model(tiny_model_dir)
    ratings = [
        Rating(rater="self", scores={"honesty": 3.0, "selling": 1.0}),
        Rating(rater="manager", scores={"honesty": 1.0, "selling": 3.0}),
    ]
    report = build_subject_report(model, "Ann", model.stage_ids[0], ratings)
    output = subject_renderer(fmt)(model, report, "en", OPTIONS)
    if fmt is ReportFormat.html:
        assert isinstance(output, str)
        assert '<svg class="radar-chart"' not in output
        assert html_row(output, competency_name(model, "honesty", "en"))[1][0] == "1.0"
    elif fmt is ReportFormat.json:
        assert isinstance(output, str)
        data = json.loads(output)
        assert data["blind_spots"] == ["honesty"] and data["hidden_strengths"] == ["selling"]
    else:
        assert len(output) > 100
