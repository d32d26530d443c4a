"""Golden files: one fixed assessment rendered in every text format, in English and Chinese.

A change to a report's wording, layout or numbers shows up as a diff of tests/golden/. When
the change is intended, regenerate with `pytest tests/test_golden.py --update-golden` and
review the diff before committing. HTML is compared by its visible text only (tags, styles
and scripts removed), so restyling the page does not churn the golden files.
"""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kamcli.model import load_model
from kamcli.render.formats import RenderOptions, ReportFormat, renderer
from kamcli.scoring import AssessmentResult, score_assessment

GOLDEN = Path(__file__).resolve().parent / "golden"
MODEL = load_model()
CREATED_AT = "2024-05-01T10:23:45+02:00"
LANGS = ("en", "zh")
HTML_AVAILABLE = importlib.util.find_spec("kamcli.render.html") is not None


def fixed_result() -> AssessmentResult:
    """Spread answers, one competency skipped, one half answered, names that need escaping."""
    answers: dict[str, int | None] = {}
    for index, (competency, item) in enumerate(MODEL.items()):
        answers[item.id] = 1 + (index * 3) % 5
        if competency.id == "innovation":
            answers[item.id] = None
    for item in MODEL.competency("negotiation").items[3:]:
        answers[item.id] = None
    # a partnership account: facts holding at partnership agreed, the others not
    diagnostic = {
        s.id: 4 + (len(s.stages) == 2) if "partnership" in s.stages else 2
        for s in MODEL.diagnostic.statements
    }
    return score_assessment(
        MODEL,
        answers,
        stage="mid",
        lang="en",
        created_at=CREATED_AT,
        person="Li Wei",
        account="Acme & Co <Asia> | *East*",
        diagnostic_answers=diagnostic,
    )


class _VisibleText(HTMLParser):
    """Collects the text a reader sees: no tags, no <style> or <script> contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)


def html_text(html: str) -> str:
    """One line per text chunk, whitespace runs collapsed, empty chunks dropped."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", chunk).strip() for chunk in parser.chunks)
    return "\n".join(line for line in lines if line) + "\n"


def rendered(fmt: ReportFormat, lang: str) -> bytes:
    output = renderer(fmt)(MODEL, fixed_result(), lang, RenderOptions())
    if fmt is ReportFormat.html:
        assert isinstance(output, str)
        output = html_text(output)
    return output.encode("utf-8") if isinstance(output, str) else output


def golden_name(fmt: ReportFormat, lang: str) -> str:
    return f"report.{lang}.{fmt.value}" + (".txt" if fmt is ReportFormat.html else "")


def check_golden(request: pytest.FixtureRequest, name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.write_bytes(actual)
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: run pytest tests/test_golden.py --update-golden")
    expected = path.read_bytes()
    if fmt_is_binary_exact(name):
        assert actual == expected
    else:  # a checkout may have turned LF into CRLF; the text is what matters
        assert actual.decode("utf-8") == expected.decode("utf-8").replace("\r\n", "\n")


def fmt_is_binary_exact(name: str) -> bool:
    """CSV keeps its BOM and CRLF line ends byte for byte: Excel depends on both."""
    return name.endswith(".csv")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", [ReportFormat.md, ReportFormat.csv, ReportFormat.json])
def test_report_matches_golden_file(
    request: pytest.FixtureRequest, fmt: ReportFormat, lang: str
) -> None:
    check_golden(request, golden_name(fmt, lang), rendered(fmt, lang))


@pytest.mark.skipif(not HTML_AVAILABLE, reason="html renderer not available")
@pytest.mark.parametrize("lang", LANGS)
def test_html_text_matches_golden_file(request: pytest.FixtureRequest, lang: str) -> None:
    check_golden(request, golden_name(ReportFormat.html, lang), rendered(ReportFormat.html, lang))


def test_golden_result_covers_the_interesting_cases() -> None:
    """The fixed result exercises insufficient data, partial answers, priorities, diagnostic."""
    result = fixed_result()
    statuses = {row.status for row in result.competencies}
    assert "insufficient" in statuses
    assert len(statuses) >= 3
    assert any(0 < row.coverage < 1 and row.sufficient for row in result.competencies)
    assert result.priorities and result.strengths
    assert result.diagnostic is not None
    assert result.diagnostic.suggested_stage not in (None, result.stage)


def test_html_text_drops_tags_styles_and_scripts() -> None:
    page = "<html><style>p { x: 1 }</style><p>A  &amp;\n B</p><script>1<2</script><b>C</b></html>"
    assert html_text(page) == "A & B\nC\n"
