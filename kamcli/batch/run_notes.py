"""The lines `kam batch` writes to stderr about a file's header and, at the end, about what
it wrote. Their texts live in the string catalogue (kamcli/locales, namespace `batch`) and
are shown in the run's language (--lang), which the caller passes in (BatchOptions.lang).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kamcli.i18n import t

if TYPE_CHECKING:
    from kamcli.batch.layout import Layout
    from kamcli.batch.options import BatchCounts, BatchOptions


def listed(values: Iterable[str], lang: str, limit: int = 8, width: int = 60) -> str:
    """A list for one line: long values cut, at most `limit` shown, the rest counted."""
    items = [v if len(v) <= width else v[: width - 1] + "…" for v in values]
    shown = t("batch.list_separator", lang).join(items[:limit])
    if len(items) > limit:
        shown += t("batch.and_more", lang, count=len(items) - limit)
    return shown


def header_notes(
    name: str, layout: Layout, time_column: str | None, survey: object | None, lang: str
) -> tuple[list[str], list[str]]:
    """(warnings, notes) about a file's columns; `name` is already safe to print."""
    warnings, notes = [], []
    unknown = [c for c in layout.unknown if c.strip().lower() != time_column]
    if survey is not None:  # the time column is named `seconds` by the adapter
        unknown = [c for c in unknown if c != "seconds"]
    if unknown:
        columns = listed(unknown, lang)
        warnings.append(
            t("batch.unknown_columns", lang, name=name, columns=columns)
            if len(unknown) > 1
            else t("batch.unknown_column", lang, name=name, columns=columns)
        )
    if layout.unnamed and survey is None:
        notes.append(
            t(
                "batch.unnamed_columns",
                lang,
                name=name,
                columns=listed(map(str, layout.unnamed), lang),
            )
        )
    if layout.missing_items:
        notes.append(
            t(
                "batch.missing_items",
                lang,
                name=name,
                count=len(layout.missing_items),
                items=listed(layout.missing_items, lang),
            )
        )
    return warnings, notes


def closing_notes(
    options: BatchOptions,
    counts: BatchCounts,
    rows_written: int | None,
    reports: int | None,
    subject_reports: int | None,
    saved: tuple[int, int] | None,
) -> list[str]:
    """What the run wrote where; None: that output was not asked for (or not written)."""
    lang = options.lang
    notes = []
    if options.output is not None and rows_written is not None:
        notes.append(t("batch.wrote_rows", lang, count=rows_written, path=options.output))
    if options.rejects is not None:
        notes.append(t("batch.wrote_rejects", lang, count=counts.rejected, path=options.rejects))
    if reports is not None:
        notes.append(t("batch.wrote_reports", lang, count=reports, path=options.report_dir))
    if subject_reports is not None:
        notes.append(t("batch.wrote_360", lang, count=subject_reports, path=options.by_subject_dir))
    if saved is not None:
        notes.append(t("batch.saved", lang, saved=saved[0], skipped=saved[1]))
    return notes
