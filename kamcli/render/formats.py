"""One interface for every report format; each format lives in its own module.

Renderers are looked up lazily so that jinja2 or fpdf2 are imported only by the format that
needs them. A test checks that every member of ReportFormat has a renderer.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.multirater import SubjectReport
    from kamcli.scoring.result import AssessmentResult


class FormatName(StrEnum):
    """Base of every --format choice. `markdown` is accepted wherever `md` is (and the other
    way round): both names are listed, and canonical() turns either into `md`."""

    def canonical(self) -> Self:
        return type(self)("md") if self.value == "markdown" else self


class ReportFormat(FormatName):
    html = "html"
    pdf = "pdf"
    md = "md"
    markdown = "markdown"  # the same as md
    json = "json"
    csv = "csv"


@dataclass(frozen=True)
class RenderOptions:
    """Per-run choices a renderer may need (a font for PDF, …)."""

    font: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Renderer(Protocol):
    def __call__(
        self, model: CompetencyModel, result: AssessmentResult, lang: str, options: RenderOptions
    ) -> str | bytes: ...


# format -> (module, function); binary formats return bytes and need -o FILE.
RENDERERS: dict[ReportFormat, tuple[str, str]] = {
    ReportFormat.html: ("kamcli.render.html", "render_html"),
    ReportFormat.pdf: ("kamcli.render.pdf", "render_pdf"),
    ReportFormat.md: ("kamcli.render.markdown", "render_markdown"),
    ReportFormat.json: ("kamcli.render.json_report", "render_json"),
    ReportFormat.csv: ("kamcli.render.csv_report", "render_csv"),
}
BINARY = {ReportFormat.pdf}
SUFFIX = {f: f.canonical().value for f in ReportFormat}


def renderer(fmt: ReportFormat) -> Renderer:
    module, function = RENDERERS[fmt.canonical()]
    found: Renderer = getattr(importlib.import_module(module), function)
    return found


class SubjectRenderer(Protocol):
    def __call__(
        self, model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
    ) -> str | bytes: ...


# The 360° report's renderers, looked up the same way.
SUBJECT_RENDERERS: dict[ReportFormat, tuple[str, str]] = {
    ReportFormat.html: ("kamcli.render.html", "render_subject_html"),
    ReportFormat.pdf: ("kamcli.render.pdf", "render_subject_pdf"),
    ReportFormat.md: ("kamcli.render.markdown", "render_subject_markdown"),
    ReportFormat.json: ("kamcli.render.subject_data", "render_subject_json"),
    ReportFormat.csv: ("kamcli.render.subject_data", "render_subject_csv"),
}


def subject_renderer(fmt: ReportFormat) -> SubjectRenderer:
    module, function = SUBJECT_RENDERERS[fmt.canonical()]
    found: SubjectRenderer = getattr(importlib.import_module(module), function)
    return found
