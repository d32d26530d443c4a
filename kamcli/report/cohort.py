"""The cohort summary of `kam batch` as a report document: header, statistics, priorities,
mean stage fit, team radar, distributions and the heat map, in the report's language.

Pure: the figures are formatted once (cohort_figures.py) and every format (terminal,
Markdown, HTML) lays out the same strings, so they never disagree. Whose actions the team
gets, one list or one per stage, is decided in cohort_plan.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from kamcli.render.labels import (
    INSUFFICIENT,
    MISSING,
    clean_text,
    competency_name,
    fmt_gap,
    fmt_pct,
    label,
    stage_name,
    status_word,
)
from kamcli.report import document as doc
from kamcli.report.cohort_figures import (
    cohort_label,
    fmt_share,
    fmt_stat,
    fmt_stat_gap,
    is_mixed,
    mean_targets,
    stage_counts,
)
from kamcli.report.cohort_plan import stage_priorities

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary, CompetencySummary
    from kamcli.scoring.plan import RowScore

MAX_ROWS = 500  # respondents in the heat map
# What a text format (terminal, Markdown) shows of the summary, in order: the figures and the
# heat map are left to the HTML page.
TEXT_ORDER: tuple[type, ...] = (
    doc.SummaryHeader,
    doc.EmptyNotice,
    doc.CohortTable,
    doc.StagePriorities,
    doc.FitMeters,
)
HeatRows = Sequence[tuple[str, str | None, "RowScore"]]


def _shade_of(model: CompetencyModel) -> dict[str, int]:
    return {band.id: index for index, band in enumerate(model.status_bands)}


def status_key(model: CompetencyModel, lang: str) -> doc.StatusKey:
    """The bands light (met) to dark (largest gaps), then no data, each with its gap range."""
    bands = []
    for index, band in enumerate(model.status_bands):
        glyph, word = status_word(model, band.id, lang)
        if band.max_gap is None:
            meaning = label("method_band_last", lang).format(glyph="", word=word)
        else:
            limit = f"{band.max_gap:g}"
            meaning = label("method_band", lang).format(glyph="", word=word, limit=limit)
        bands.append(doc.StatusShade(band.id, glyph, word, meaning.strip(), index))
    word = status_word(model, INSUFFICIENT, lang)[1]
    bands.append(doc.StatusShade(INSUFFICIENT, MISSING, word, word, None))
    return doc.StatusKey(cohort_label("col_status", lang), tuple(bands))


def _band_counts(
    model: CompetencyModel, counts: Mapping[str, int], lang: str
) -> tuple[doc.BandCount, ...]:
    shade = _shade_of(model)
    band_ids = [b.id for b in model.status_bands] + [INSUFFICIENT]
    return tuple(
        doc.BandCount(b, status_word(model, b, lang)[0], counts.get(b, 0), shade.get(b))
        for b in band_ids
    )


def distribution_text(bands: tuple[doc.BandCount, ...]) -> str:
    """Glyph + count per band ("✔12 ◐3 ▲5 ✖1"); insufficient data only when present."""
    parts = [f"{b.glyph}{b.count}" for b in bands if b.band_id != INSUFFICIENT]
    parts += [f"?{b.count}" for b in bands if b.band_id == INSUFFICIENT and b.count]
    return " ".join(parts)


def _row(
    model: CompetencyModel, stats: CompetencySummary, target: float, lang: str
) -> doc.CohortRow:
    gap = stats.mean_gap
    bands = _band_counts(model, stats.distribution, lang)
    return doc.CohortRow(
        name=competency_name(model, stats.competency_id, lang),
        n=stats.n,
        mean=fmt_stat(stats.mean),
        sd=fmt_stat(stats.sd),
        median=("" if stats.median_exact else "≈") + fmt_stat(stats.median),
        target=fmt_stat(target),
        met=fmt_share(stats.share_meeting_target),
        mean_gap=fmt_stat_gap(gap),
        status=INSUFFICIENT if gap is None else model.band_for_gap(gap).id,
        bands=bands,
        distribution=distribution_text(bands),
    )


def _band_legend(model: CompetencyModel, lang: str) -> str:
    words = [" ".join(status_word(model, b.id, lang)) for b in model.status_bands]
    words.append(" ".join(status_word(model, INSUFFICIENT, lang)))
    return "  ".join(words)


def cohort_table(model: CompetencyModel, summary: CohortSummary, lang: str) -> doc.CohortTable:
    """Per competency, in model order: the statistics formatted for display."""
    targets = mean_targets(model, summary)
    rows = tuple(
        _row(model, stats, targets.get(stats.competency_id, 0.0), lang)
        for stats in summary.competencies
    )
    keys: tuple[str, ...] = ("col_competency", "col_n", "col_mean", "col_sd", "col_median")
    keys += ("col_target",)
    keys += ("col_met", "col_mean_gap", "col_distribution")
    bands = _band_legend(model, lang)
    return doc.CohortTable(
        heading=cohort_label("stats", lang),
        columns=tuple(cohort_label(key, lang) for key in keys),
        rows=rows,
        legend_stats=cohort_label("legend_stats", lang),
        legend_counts=cohort_label("legend_counts", lang).format(bands=bands),
        legend_bands=bands,
        legend_mixed=cohort_label("legend_mixed", lang) if is_mixed(summary) else "",
    )


def _header(
    model: CompetencyModel, summary: CohortSummary, lang: str, generated_at: datetime | None
) -> doc.SummaryHeader:
    moment = generated_at or datetime.now().astimezone()
    counts = stage_counts(summary)
    template = cohort_label("stage_count", lang)
    stages = " · ".join(
        template.format(stage=stage_name(model, s, lang), count=counts[s])
        for s in model.stage_ids
        if s in counts
    )
    title = cohort_label("cohort_title", lang)
    model_name = clean_text(model.text(model.name, lang))
    fields = (
        doc.Field(label("model", lang), f"{model.id} {model.version} ({model.content_hash})"),
        doc.Field(label("date", lang), f"{moment:%Y-%m-%d %H:%M}"),
        doc.Field(cohort_label("respondents", lang), str(summary.n_respondents)),
        doc.Field(cohort_label("stages", lang), stages or MISSING),
    )
    return doc.SummaryHeader(title, f"{title} — {model_name}", model_name, fields)


def _fit_meters(summary: CohortSummary, lang: str) -> doc.FitMeters:
    meters = []
    for key, value in (
        ("mean_fit_now", summary.mean_fit),
        ("mean_fit_next", summary.mean_next_fit),
    ):
        fit = fmt_pct(value) if value is not None else label("fit_unknown", lang)
        meters.append(doc.Meter(doc.text_line(cohort_label(key, lang).format(fit=fit)), value))
    heading, explain = cohort_label("fit_means", lang), cohort_label("fit_means_explain", lang)
    return doc.FitMeters(heading, explain, tuple(meters))


def _team_radar(
    model: CompetencyModel, table: doc.CohortTable, summary: CohortSummary, lang: str
) -> doc.TeamRadar:
    low, high = model.scale.min, model.scale.max
    targets = mean_targets(model, summary)
    means = tuple(stats.mean for stats in summary.competencies)
    goals = tuple(targets.get(stats.competency_id, 0.0) for stats in summary.competencies)
    figure = doc.RadarFigure(
        heading=cohort_label("team_radar", lang),
        axes=tuple(row.name for row in table.rows),
        series=(
            doc.Series("mean", cohort_label("team_mean", lang), means),
            doc.Series("target", cohort_label("col_target", lang), goals),
        ),
        low=low,
        high=high,
        note=label("radar_note", lang).format(low=low, high=high),
        no_data=label("no_data", lang),
        legend_no_data=cohort_label("legend_no_data", lang),
    )
    return doc.TeamRadar(figure, cohort_label("team_mean", lang), cohort_label("col_target", lang))


def _histograms(
    model: CompetencyModel, table: doc.CohortTable, summary: CohortSummary, lang: str
) -> doc.Histograms:
    targets = mean_targets(model, summary)
    mean, target = cohort_label("col_mean", lang), cohort_label("col_target", lang)
    items = tuple(
        doc.Histogram(
            name=row.name,
            caption=f"{mean} {row.mean} · {target} {row.target}",
            bins=tuple(doc.ScoreBin(b.low, b.high, b.count) for b in stats.histogram),
            target=targets.get(stats.competency_id, 0.0),
        )
        for row, stats in zip(table.rows, summary.competencies, strict=True)
    )
    return doc.Histograms(
        cohort_label("distributions", lang),
        cohort_label("histogram_note", lang),
        model.scale.min,
        model.scale.max,
        items,
    )


def heat_map(
    model: CompetencyModel, summary: CohortSummary, rows: HeatRows, lang: str
) -> doc.HeatMap:
    """The first MAX_ROWS respondents, one cell per competency showing the gap number."""
    shade = _shade_of(model)
    words = {b.id: status_word(model, b.id, lang)[1] for b in model.status_bands}
    words[INSUFFICIENT] = status_word(model, INSUFFICIENT, lang)[1]
    ids = [c.id for c in model.competencies]
    shown = []
    for number, (respondent_id, name, row) in enumerate(rows[:MAX_ROWS], start=1):
        cells = []
        for cid, gap, status in zip(ids, row.gaps, row.statuses, strict=True):
            text = fmt_gap(gap)
            title = f"{cid}: {text} {words.get(status, status)}"
            cells.append(doc.HeatCell(text, shade.get(status), title))
        shown.append(
            doc.HeatRow(
                number,
                clean_text(name) if name else "",
                clean_text(respondent_id),
                stage_name(model, row.stage, lang),
                fmt_pct(row.fit),
                tuple(cells),
            )
        )
    truncated = ""
    if summary.n_respondents > len(shown):
        truncated = cohort_label("heat_map_truncated", lang).format(
            shown=len(shown), total=summary.n_respondents
        )
    return doc.HeatMap(
        heading=cohort_label("heat_map", lang),
        note=cohort_label("heat_map_note", lang),
        truncated=truncated,
        respondent=cohort_label("col_respondent", lang),
        stage=cohort_label("stage", lang),
        fit=cohort_label("col_fit", lang),
        competencies=tuple(competency_name(model, cid, lang) for cid in ids),
        show_stage=is_mixed(summary),
        rows=tuple(shown),
    )


def cohort_document(
    model: CompetencyModel,
    summary: CohortSummary,
    lang: str,
    rows: HeatRows = (),
    *,
    generated_at: datetime | None = None,
) -> doc.Document:
    """The whole cohort summary; `rows` (respondent id, name, scores) feed the heat map."""
    sections: list[doc.Section] = [_header(model, summary, lang, generated_at)]
    stamp = doc.Method("", (), f"{model.id} {model.version} · {model.content_hash}")
    key = status_key(model, lang)
    if summary.n_respondents == 0:
        sections += [doc.EmptyNotice(cohort_label("nobody", lang)), key, stamp]
        return doc.Document("cohort", lang, tuple(sections))
    table = cohort_table(model, summary, lang)
    sections += [
        table,
        stage_priorities(model, summary, table, lang),
        _fit_meters(summary, lang),
        _team_radar(model, table, summary, lang),
        _histograms(model, table, summary, lang),
        heat_map(model, summary, rows, lang),
        key,
        stamp,
    ]
    return doc.Document("cohort", lang, tuple(sections))
