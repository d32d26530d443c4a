"""The person gap report as a document: one assessment's result, every sentence resolved.

This is the one place that decides what the gap report says (header, stage focus, radar,
fit, gap table, priorities, strengths, diagnostic, method); terminal, Markdown, HTML and PDF
only lay it out (kamcli/render).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kamcli.render.diagnostic_text import diagnostic_sentences, levels_legend, with_level
from kamcli.render.labels import (
    INSUFFICIENT,
    clean_text,
    competency_name,
    fmt_gap,
    fmt_pct,
    fmt_score,
    fmt_weight,
    format_created_at,
    label,
    rater_label,
    stage_actions,
    stage_name,
    status_word,
)
from kamcli.report.document import (
    Bullets,
    Document,
    Field,
    FitMeters,
    GapHeadings,
    GapRow,
    GapTable,
    Header,
    Line,
    Meter,
    Method,
    Note,
    Notes,
    Priorities,
    PriorityItem,
    RadarFigure,
    Section,
    Series,
    Span,
    StageFocus,
    spans,
    text_line,
)

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring import AssessmentResult, CompetencyResult

TOP_PRIORITIES = 3


def _header(model: CompetencyModel, result: AssessmentResult, lang: str) -> Header:
    missing = label("not_given", lang)
    rows = [
        ("person", clean_text(result.person) if result.person else missing),
        ("account", clean_text(result.account) if result.account else missing),
        ("stage", stage_name(model, result.stage, lang)),
    ]
    if result.rater != "self":
        rows.append(("rater", rater_label(result.rater, lang)))
        rows.append(("subject", clean_text(result.subject) if result.subject else missing))
    title = label("title", lang)
    stamp = f"{result.model_id} {result.model_version} ({result.model_hash})"
    return Header(
        title=title,
        page_title=f"{title} — {clean_text(result.person)}" if result.person else title,
        eyebrow=clean_text(model.text(model.name, lang)),
        fields=tuple(Field(label(key, lang), value) for key, value in rows),
        model=Field(label("model", lang), clean_text(stamp)),
        date=Field(label("date", lang), clean_text(format_created_at(result.created_at))),
    )


def _stage_focus(model: CompetencyModel, result: AssessmentResult, lang: str) -> StageFocus:
    try:
        summary = clean_text(model.text(model.stage(result.stage).summary, lang))
    except KeyError:
        summary = ""
    return StageFocus(label("stage_focus", lang), stage_name(model, result.stage, lang), summary)


def _radar(model: CompetencyModel, result: AssessmentResult, lang: str) -> RadarFigure:
    low, high = model.scale.min, model.scale.max
    rows = result.competencies
    return RadarFigure(
        heading=label("radar", lang),
        axes=tuple(competency_name(model, row.competency_id, lang) for row in rows),
        series=(
            Series("score", label("col_score", lang), tuple(row.score for row in rows)),
            Series("target", label("col_target", lang), tuple(row.target for row in rows)),
        ),
        low=low,
        high=high,
        note=label("radar_note", lang).format(low=low, high=high),
        no_data=label("no_data", lang),
        legend_no_data=label("legend_no_data", lang),
    )


def _fit(model: CompetencyModel, result: AssessmentResult, lang: str) -> FitMeters:
    def pct(value: float | None) -> str:
        return fmt_pct(value) if value is not None else label("fit_unknown", lang)

    stage = stage_name(model, result.stage, lang)
    now = Meter(spans(label("fit_now", lang), {"stage": stage}, fit=pct(result.fit)), result.fit)
    if result.next_stage is None:
        last = Meter(spans(label("last_stage", lang), {"stage": stage}), None)
        meters = (now, last)
    else:
        following = stage_name(model, result.next_stage, lang)
        line = spans(label("fit_next", lang), {"stage": following}, fit=pct(result.next_fit))
        meters = (now, Meter(line, result.next_fit))
    return FitMeters(label("fit", lang), label("fit_explain", lang), meters)


def _share(model: CompetencyModel, value: float) -> float:
    low, high = model.scale.min, model.scale.max
    return min(1.0, max(0.0, (value - low) / (high - low)))


def gap_row(model: CompetencyModel, row: CompetencyResult, lang: str) -> GapRow:
    glyph, word = status_word(model, row.status, lang)
    note = ""
    if row.coverage < 1:
        note = label("answered", lang).format(answered=row.answered, total=row.total)
    return GapRow(
        competency_id=row.competency_id,
        name=competency_name(model, row.competency_id, lang),
        coverage_note=note,
        score_text=with_level(model, row.score, lang),
        target_text=with_level(model, row.target, lang),
        gap=fmt_gap(row.gap),
        weight=fmt_weight(row.weight),
        status=row.status,
        glyph=glyph,
        word=word,
        score=row.score,
        target=row.target,
        score_share=None if row.score is None else _share(model, row.score),
        target_share=_share(model, row.target),
    )


def _gap_table(model: CompetencyModel, result: AssessmentResult, lang: str) -> GapTable:
    low, high = model.scale.min, model.scale.max
    headings = GapHeadings(
        *(
            label(key, lang)
            for key in (
                "gap_table",
                "col_competency",
                "col_score",
                "col_target",
                "col_gap",
                "importance",
                "col_bar",
                "col_bar_short",
                "col_status",
            )
        )
    )
    bands = [band.id for band in model.status_bands] + [INSUFFICIENT]
    return GapTable(
        headings=headings,
        rows=tuple(gap_row(model, row, lang) for row in result.competencies),
        low=low,
        high=high,
        legend_bar=label("legend_bar", lang).format(low=low, high=high),
        legend_gap=label("legend_gap", lang),
        legend_levels=levels_legend(model, lang),
        status_words=tuple(status_word(model, band, lang) for band in bands),
    )


def _target_level(model: CompetencyModel, competency_id: str, target: float, lang: str) -> str:
    """The model's descriptor of the level the target asks for (rounded up), if it has one."""
    try:
        levels = model.competency(competency_id).levels
    except KeyError:
        return ""
    index = math.ceil(target - 1e-9) - model.scale.min
    if not levels or not 0 <= index < len(levels):
        return ""
    return clean_text(model.text(levels[index], lang))


def _priorities(model: CompetencyModel, result: AssessmentResult, lang: str) -> Priorities:
    items = []
    for rank, competency_id in enumerate(result.priorities[:TOP_PRIORITIES], start=1):
        row = result.competency(competency_id)
        name = competency_name(model, competency_id, lang)
        summary = spans(
            label("priority_line", lang),
            {"name": name},
            frozenset({"name"}),
            gap=fmt_gap(row.gap),
            weight=fmt_weight(row.weight),
            score=fmt_score(row.score),
            target=fmt_score(row.target),
        )
        items.append(
            PriorityItem(
                rank=rank,
                summary=summary,
                row=gap_row(model, row, lang),
                target_level=_target_level(model, competency_id, row.target, lang),
                actions=tuple(stage_actions(model, competency_id, result.stage, lang)),
            )
        )
    return Priorities(
        heading=label("priorities", lang),
        rule=label("priority_rule", lang),
        empty=label("no_priorities", lang),
        no_actions=label("no_actions", lang),
        items=tuple(items),
    )


def _strengths(model: CompetencyModel, result: AssessmentResult, lang: str) -> Bullets:
    lines: list[Line] = []
    for competency_id in result.strengths:
        row = result.competency(competency_id)
        above = 0.0 if row.score is None else row.score - row.target
        key = "on_target_line" if fmt_gap(above) == "0.0" else "strength_line"
        name = competency_name(model, competency_id, lang)
        lines.append(
            spans(
                label(key, lang),
                {"name": name},
                frozenset({"name"}),
                score=fmt_score(row.score),
                above=f"{above:.1f}",
            )
        )
    return Bullets(
        heading=label("strengths", lang),
        rule=label("strength_rule", lang),
        empty=label("no_strengths", lang),
        items=tuple(lines),
        positive=True,
    )


def _diagnostic(model: CompetencyModel, result: AssessmentResult, lang: str) -> Notes | None:
    sentences = diagnostic_sentences(model, result, lang)
    if not sentences:
        return None
    suggested = result.diagnostic.suggested_stage if result.diagnostic else None
    notes = []
    for number, (sentence, warning) in enumerate(sentences):
        line = text_line(sentence)
        name = stage_name(model, suggested, lang) if suggested else ""
        if number == 0 and name and name in sentence:
            before, after = sentence.split(name, 1)
            line = (Span(before), Span(name, strong=True, user=True), Span(after))
        notes.append(Note(line, warning))
    return Notes(label("diagnostic", lang), tuple(notes))


def _method(model: CompetencyModel, result: AssessmentResult, lang: str) -> Method:
    low, high = model.scale.min, model.scale.max
    bands = []
    for band in model.status_bands:
        glyph, word = status_word(model, band.id, lang)
        if band.max_gap is None:
            bands.append(label("method_band_last", lang).format(glyph=glyph, word=word))
        else:
            limit = f"{band.max_gap:g}"
            bands.append(label("method_band", lang).format(glyph=glyph, word=word, limit=limit))
    separator = "；" if lang == "zh" else "; "
    lines = (
        label("method_score", lang).format(low=low, high=high),
        label("method_coverage", lang).format(coverage=f"{model.min_coverage:.0%}"),
        label("method_gap", lang).format(bands=separator.join(bands)),
        label("method_priority", lang),
        label("method_fit", lang).format(low=low),
        levels_legend(model, lang),
    )
    stamp = f"{result.model_id} {result.model_version} · {result.model_hash}"
    return Method(label("method", lang), lines, stamp)


def person_document(model: CompetencyModel, result: AssessmentResult, lang: str) -> Document:
    """The gap report of one assessment, in print order."""
    sections: list[Section | None] = [
        _header(model, result, lang),
        _stage_focus(model, result, lang),
        _radar(model, result, lang),
        _fit(model, result, lang),
        _gap_table(model, result, lang),
        _priorities(model, result, lang),
        _strengths(model, result, lang),
        _diagnostic(model, result, lang),
        _method(model, result, lang),
    ]
    return Document("person", lang, tuple(s for s in sections if s is not None))
