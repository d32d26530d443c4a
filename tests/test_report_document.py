"""Report documents: every renderer handles every section type; builders are pure and complete."""

from __future__ import annotations

import ast
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from kamcli.i18n import catalogue
from kamcli.model import load_model
from kamcli.render import html, markdown, pdf, terminal
from kamcli.report.document import (
    SECTION_TYPES,
    Bullets,
    Document,
    GapTable,
    Header,
    Section,
    Span,
    plain,
    spans,
)
from kamcli.report.person import person_document
from kamcli.scoring import score_assessment

MODEL = load_model()
RENDERERS = {"terminal": terminal, "markdown": markdown, "html": html, "pdf": pdf}


def result(person: str = "Li Wei") -> object:
    answers = {item.id: 1 + index % 5 for index, (_, item) in enumerate(MODEL.items())}
    return score_assessment(MODEL, answers, stage="mid", lang="en",
                            created_at="2024-05-01T10:00:00", person=person)  # fmt: skip


def test_the_section_union_lists_every_section_type() -> None:
    assert set(typing.get_args(Section)) == set(SECTION_TYPES)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_renderer_handles_every_section_type(name: str) -> None:
    handlers = RENDERERS[name].HANDLERS
    missing = [kind.__name__ for kind in SECTION_TYPES if kind not in handlers]
    assert not missing, f"{name} has no handler for {missing}"
    assert set(handlers) == set(SECTION_TYPES), f"{name} handles a type that is not a section"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_person_document_holds_each_section_once_in_print_order(lang: str) -> None:
    document = person_document(MODEL, result(), lang)  # type: ignore[arg-type]
    kinds = [type(section) for section in document.sections]
    assert len(kinds) == len(set(kinds))
    assert kinds[0] is Header and kinds.index(GapTable) < kinds.index(Bullets)
    table = document.first(GapTable)
    assert table is not None and len(table.rows) == len(MODEL.competencies)
    header = document.first(Header)
    assert header is not None and header.title == ("能力差距报告" if lang == "zh" else
                                                   "Competency gap report")  # fmt: skip


def test_a_new_section_type_is_refused_by_every_renderer() -> None:
    class Extra:
        pass

    document = Document("person", "en", (Extra(),))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        markdown.render_document(document)
    with pytest.raises(KeyError):
        terminal.render_terminal(document)


def test_spans_mark_user_text_and_emphasis_and_keep_format_specs() -> None:
    line = spans("{name}: gap {gap}, {share:.0%}", {"name": "A*B"}, frozenset({"name"}),
                 gap="+1.0", share=0.5)  # fmt: skip
    assert line[0] == Span("A*B", strong=True, user=True)
    assert plain(line) == "A*B: gap +1.0, 50%"
    assert markdown.md_line(line) == "**A\\*B**: gap +1.0, 50%"


def test_user_text_in_a_template_field_is_not_reparsed() -> None:
    assert plain(spans("{name} {x}", {"name": "{x}"}, x="1")) == "{x} 1"


def test_building_a_document_imports_no_renderer_library() -> None:
    code = (
        "import sys\n"
        "from kamcli.model import load_model\n"
        "from kamcli.report.person import person_document\n"
        "from kamcli.scoring import score_assessment\n"
        "m = load_model()\n"
        "r = score_assessment(m, {}, stage='mid', lang='en', created_at='2024-01-01')\n"
        "person_document(m, r, 'en')\n"
        "print(sorted(x for x in ('rich', 'jinja2', 'fpdf') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_building_a_cohort_document_imports_no_renderer_library() -> None:
    code = (
        "import sys\n"
        "from kamcli.model import load_model\n"
        "from kamcli.report.cohort import cohort_document\n"
        "from kamcli.scoring.cohort import CohortStats\n"
        "from kamcli.scoring.plan import ScoringPlan\n"
        "m = load_model()\n"
        "stats = CohortStats(m, 'mid')\n"
        "row = ScoringPlan(m).score([3] * len(m.item_ids()), 'mid')\n"
        "stats.add(row)\n"
        "cohort_document(m, stats.summary(), 'en', [('R1', 'A', row)])\n"
        "print(sorted(x for x in ('rich', 'jinja2', 'fpdf') if x in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("people", [0, 3])
def test_the_cohort_document_holds_its_sections_once(people: int) -> None:
    from kamcli.report.cohort import cohort_document
    from kamcli.report.document import CohortTable, EmptyNotice, HeatMap, SummaryHeader
    from kamcli.scoring.cohort import CohortStats
    from kamcli.scoring.plan import ScoringPlan

    plan, stats = ScoringPlan(MODEL), CohortStats(MODEL, "mid")
    rows = []
    for number in range(people):
        row = plan.score([1 + (number + i) % 5 for i in range(len(plan.item_ids))], "mid")
        stats.add(row)
        rows.append((f"R{number}", None, row))
    document = cohort_document(MODEL, stats.summary(), "en", rows)
    kinds = [type(section) for section in document.sections]
    assert document.kind == "cohort" and len(kinds) == len(set(kinds)) and kinds[0] is SummaryHeader
    assert (EmptyNotice in kinds) == (people == 0) and (CohortTable in kinds) == (people > 0)
    heat = document.first(HeatMap)
    assert (
        heat is None if people == 0 else [r.respondent_id for r in heat.rows] == ["R0", "R1", "R2"]
    )
    table = document.first(CohortTable)
    if table is not None:
        assert [row.n for row in table.rows] == [3] * len(MODEL.competencies)


# The render modules' lookups and the catalogue namespace each reads (cohort falls back to report).
LOOKUPS = {
    "label": ("report",),
    "stats_label": ("stats",),
    "cohort_label": ("cohort", "report"),
    "compare_text": ("compare",),
    "ui": ("model_view",),
}
SCOPED = {"_text": ("kamcli/render/diagnostic_text.py", ("diagnostic",))}
ROOT = Path(__file__).resolve().parents[1]


def _literal_lookups() -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    paths = [*(ROOT / "kamcli" / "render").glob("*.py"), *(ROOT / "kamcli" / "report").glob("*.py")]
    for path in sorted(paths):
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            namespaces = LOOKUPS.get(node.func.id)
            scoped = SCOPED.get(node.func.id)
            if scoped and scoped[0] == relative:
                namespaces = scoped[1]
            if namespaces:
                found.append((f"{relative}:{node.lineno}", first.value, namespaces))
    return found


def test_every_literal_label_the_renderers_look_up_is_in_the_catalogue() -> None:
    known = set(catalogue("en"))
    lookups = _literal_lookups()
    assert len(lookups) > 100  # the scan finds the renderers' lookups
    missing = [
        (where, key)
        for where, key, namespaces in lookups
        if not any(f"{namespace}.{key}" in known for namespace in namespaces)
    ]
    assert not missing, missing
