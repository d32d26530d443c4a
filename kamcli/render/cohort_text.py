"""The cohort summary of `kam batch` for the terminal, Markdown and JSON.

The figures are prepared once (`competency_lines`, cohort_plan's `team_plan`, …) and every format,
the HTML one included (cohort_html.py), lays out the same strings, so they never disagree.
User and model text is escaped per format: rich `Text` objects (never markup) in the
terminal, `md_escape` in Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.i18n import FALLBACK, catalogue, t
from kamcli.render.labels import (
    INSUFFICIENT,
    MISSING,
    competency_name,
    fmt_gap,
    fmt_pct,
    fmt_score,
    json_dumps,
    label,
    stage_name,
    status_word,
)
from kamcli.render.markdown import md_escape
from kamcli.render.terminal import STATUS_STYLES

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary

SCHEMA_VERSION = 1
TOP_PRIORITIES = 3


def cohort_label(key: str, lang: str) -> str:
    """A cohort text (`cohort.<key>`), else a shared report one."""
    if f"cohort.{key}" in catalogue(FALLBACK):
        return t(f"cohort.{key}", lang)
    return label(key, lang)


def fmt_stat(value: float | None) -> str:
    """Two decimals: cohort means differ in the second decimal more often than people do."""
    return fmt_score(value, 2)


def fmt_stat_gap(value: float | None) -> str:
    """Signed, two decimals; a gap that rounds to zero prints as 0.00."""
    return fmt_gap(value, 2)


def fmt_share(share: float | None) -> str:
    """A 0..1 share as a whole percentage."""
    return fmt_pct(None if share is None else 100 * share)


@dataclass(frozen=True)
class BandCount:
    band_id: str
    glyph: str
    word: str
    count: int


@dataclass(frozen=True)
class CompetencyLine:
    """One competency's cohort figures, formatted once for every output."""

    competency_id: str
    name: str
    n: int
    mean: str
    sd: str
    median: str
    met: str
    mean_gap: str
    target: str
    bands: tuple[BandCount, ...]
    mean_value: float | None
    target_value: float
    gap_value: float | None
    status: str  # the band of the mean gap, for colour (never shown without the number)

    def distribution_text(self) -> str:
        """Glyph + count per band ("✔12 ◐3 ▲5 ✖1"); insufficient data only when present."""
        parts = [f"{b.glyph}{b.count}" for b in self.bands if b.band_id != INSUFFICIENT]
        parts += [f"?{b.count}" for b in self.bands if b.band_id == INSUFFICIENT and b.count]
        return " ".join(parts)


def stage_counts(summary: CohortSummary) -> dict[str, int]:
    return {stage: count for stage, count in summary.stages.items() if count > 0}


def mean_targets(model: CompetencyModel, summary: CohortSummary) -> dict[str, float]:
    """Each competency's target: the cohort's stage's, or the head-count-weighted mean."""
    counts = stage_counts(summary) or {model.stage_ids[0]: 1}  # nobody yet: the first stage
    if summary.stage:
        counts = {summary.stage: 1}
    total = sum(counts.values())
    return {
        c.id: sum(model.stage(s).targets[c.id].target * n for s, n in counts.items()) / total
        for c in model.competencies
    }


def _band_counts(model: CompetencyModel, counts: Mapping[str, int], lang: str) -> list[BandCount]:
    band_ids = [b.id for b in model.status_bands] + [INSUFFICIENT]
    words = [status_word(model, band_id, lang) for band_id in band_ids]
    return [BandCount(b, g, w, counts.get(b, 0)) for b, (g, w) in zip(band_ids, words, strict=True)]


def competency_lines(
    model: CompetencyModel, summary: CohortSummary, lang: str
) -> list[CompetencyLine]:
    """Per competency, in model order: the statistics formatted for display."""
    targets = mean_targets(model, summary)
    lines = []
    for stats in summary.competencies:
        cid = stats.competency_id
        target = targets.get(cid, 0.0)
        gap = stats.mean_gap
        lines.append(
            CompetencyLine(
                competency_id=cid,
                name=competency_name(model, cid, lang),
                n=stats.n,
                mean=fmt_stat(stats.mean),
                sd=fmt_stat(stats.sd),
                median=("" if stats.median_exact else "≈") + fmt_stat(stats.median),
                met=fmt_share(stats.share_meeting_target),
                mean_gap=fmt_stat_gap(gap),
                target=fmt_stat(target),
                bands=tuple(_band_counts(model, stats.distribution, lang)),
                mean_value=stats.mean,
                target_value=target,
                gap_value=gap,
                status=INSUFFICIENT if gap is None else model.band_for_gap(gap).id,
            )
        )
    return lines


def stage_breakdown(model: CompetencyModel, summary: CohortSummary, lang: str) -> str:
    """ "Early KAM: 12 · Mid KAM: 8" in model order."""
    counts = stage_counts(summary)
    template = cohort_label("stage_count", lang)
    parts = [
        template.format(stage=stage_name(model, s, lang), count=counts[s])
        for s in model.stage_ids
        if s in counts
    ]
    return " · ".join(parts) or MISSING


def is_mixed(summary: CohortSummary) -> bool:
    return len(stage_counts(summary)) > 1


def fit_texts(summary: CohortSummary, lang: str) -> list[str]:
    def pct(value: float | None) -> str:
        return fmt_pct(value) if value is not None else label("fit_unknown", lang)

    return [
        cohort_label("mean_fit_now", lang).format(fit=pct(summary.mean_fit)),
        cohort_label("mean_fit_next", lang).format(fit=pct(summary.mean_next_fit)),
    ]


def header_fields(
    model: CompetencyModel, summary: CohortSummary, lang: str, generated_at: datetime | None
) -> list[tuple[str, str]]:
    """(label, value) rows of the summary's header."""
    moment = generated_at or datetime.now().astimezone()
    stamp = f"{model.id} {model.version} ({model.content_hash})"
    return [
        (label("model", lang), stamp),
        (label("date", lang), f"{moment:%Y-%m-%d %H:%M}"),
        (cohort_label("respondents", lang), str(summary.n_respondents)),
        (cohort_label("stages", lang), stage_breakdown(model, summary, lang)),
    ]


# --- terminal -------------------------------------------------------------------------------


def _stats_table(
    model: CompetencyModel, lines: list[CompetencyLine], summary: CohortSummary, lang: str
) -> Table:
    """Numbers right-aligned; each name has its status counts on a second, dim line."""
    caption = cohort_label("legend_stats", lang) + "\n" + cohort_label("legend_counts", lang)
    caption = caption.format(bands=_band_legend(model, lang))
    if is_mixed(summary):
        caption += "\n" + cohort_label("legend_mixed", lang)
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        caption=Text(caption),
        caption_justify="left",
    )
    table.add_column(label("col_competency", lang), overflow="fold", ratio=1, min_width=12)
    for key in ("col_n", "col_mean", "col_sd", "col_median", "col_target", "col_met"):
        table.add_column(cohort_label(key, lang), justify="right", no_wrap=True)
    table.add_column(cohort_label("col_mean_gap", lang), justify="right", no_wrap=True)
    for line in lines:
        style = STATUS_STYLES.get(line.status, "")
        name = Text(line.name)
        name.append("\n" + line.distribution_text(), "dim")
        table.add_row(
            name,
            Text(str(line.n)),
            Text(line.mean),
            Text(line.sd),
            Text(line.median),
            Text(line.target),
            Text(line.met),
            Text(line.mean_gap, style=style),
        )
    return table


def _band_legend(model: CompetencyModel, lang: str) -> str:
    words = [" ".join(status_word(model, b.id, lang)) for b in model.status_bands]
    words.append(" ".join(status_word(model, INSUFFICIENT, lang)))
    return "  ".join(words)


def _heading(text: str) -> Text:
    return Text("\n" + text, style="bold underline")


def bullets(texts: tuple[str, ...]) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=4, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for text in texts:
        grid.add_row(Text("•"), Text(text))
    return grid


def summary_terminal(
    model: CompetencyModel,
    summary: CohortSummary,
    lang: str,
    *,
    generated_at: datetime | None = None,
) -> Group:
    """The cohort summary as one rich renderable, readable at 80 columns."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in header_fields(model, summary, lang, generated_at):
        grid.add_row(Text(name), Text(value))
    parts: list[RenderableType] = [Text(cohort_label("cohort_title", lang), style="bold"), grid]
    if summary.n_respondents == 0:
        return Group(*parts, Text(cohort_label("nobody", lang)))
    lines = competency_lines(model, summary, lang)
    parts += [
        Text(""),
        _stats_table(model, lines, summary, lang),
        _heading(cohort_label("team_priorities", lang)),
    ]
    from kamcli.render.cohort_plan import terminal_plan  # it imports this module

    parts += terminal_plan(model, summary, lang)
    parts.append(_heading(cohort_label("fit_means", lang)))
    parts.append(Text(cohort_label("fit_means_explain", lang), style="dim"))
    parts += [Text(text) for text in fit_texts(summary, lang)]
    return Group(*parts)


# --- markdown -------------------------------------------------------------------------------


def summary_markdown(
    model: CompetencyModel,
    summary: CohortSummary,
    lang: str,
    *,
    generated_at: datetime | None = None,
) -> str:
    """The cohort summary as GitHub-flavoured Markdown, ending in a newline."""
    field = label("field", lang)
    header = [
        f"- **{field.format(name=name)}** {md_escape(value)}"
        for name, value in header_fields(model, summary, lang, generated_at)
    ]
    sections = [[f"# {cohort_label('cohort_title', lang)}", "", *header]]
    if summary.n_respondents == 0:
        sections.append([cohort_label("nobody", lang)])
        return "\n\n".join("\n".join(s) for s in sections) + "\n"
    lines = competency_lines(model, summary, lang)
    keys = ["col_competency", "col_n", "col_mean", "col_sd", "col_median", "col_target"]
    keys += ["col_met", "col_mean_gap", "col_distribution"]
    titles = " | ".join(cohort_label(key, lang) for key in keys)
    rule = "| --- |" + " ---: |" * (len(keys) - 2) + " --- |"
    table = [f"## {cohort_label('stats', lang)}", "", f"| {titles} |", rule]
    for line in lines:
        cells = [md_escape(line.name), str(line.n), line.mean, line.sd, line.median]
        cells += [line.target, line.met, line.mean_gap, md_escape(line.distribution_text())]
        table.append("| " + " | ".join(cells) + " |")
    table += ["", f"*{md_escape(cohort_label('legend_stats', lang))}*"]
    if is_mixed(summary):
        table += ["", f"*{md_escape(cohort_label('legend_mixed', lang))}*"]
    table += ["", f"*{md_escape(_band_legend(model, lang))}*"]
    sections.append(table)
    from kamcli.render.cohort_plan import markdown_plan  # it imports this module

    sections.append([f"## {cohort_label('team_priorities', lang)}", ""])
    sections[-1] += markdown_plan(model, summary, lang)
    fits = [f"## {cohort_label('fit_means', lang)}", ""]
    fits += [f"*{md_escape(cohort_label('fit_means_explain', lang))}*", ""]
    fits += [f"- {md_escape(text)}" for text in fit_texts(summary, lang)]
    sections.append(fits)
    return "\n\n".join("\n".join(s) for s in sections) + "\n"


# --- json -----------------------------------------------------------------------------------


def summary_data(model: CompetencyModel, summary: CohortSummary, lang: str) -> dict[str, Any]:
    """summary.to_dict() with a schema version, the model's stamp and display names."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "report_lang": lang}
    data["model"] = model.summary()
    data.update(summary.to_dict())
    data["names"] = {
        "competencies": {c.id: model.text(c.name, lang) for c in model.competencies},
        "stages": {s.id: model.text(s.name, lang) for s in model.stages},
        "status_bands": {b.id: model.text(b.label, lang) for b in model.status_bands},
    }
    return data


def summary_json(model: CompetencyModel, summary: CohortSummary, lang: str) -> str:
    """The cohort summary as JSON text, ending in a newline."""
    return json_dumps(summary_data(model, summary, lang)) + "\n"
