"""The output choices of `kam batch`, kept import-light: the CLI builds its options from them
at start-up, before any batch work (and its imports) is needed."""

from __future__ import annotations

from enum import StrEnum

from kamcli.render.formats import FormatName


class OutputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    json = "json"


class BatchReportFormat(FormatName):
    html = "html"
    md = "md"
    markdown = "markdown"  # the same as md
    pdf = "pdf"
    json = "json"
    csv = "csv"
