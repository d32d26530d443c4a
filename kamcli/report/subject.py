"""The 360° (subject) report as a document: one subject's combined ratings, every sentence
resolved.

This is the one place that decides what the 360° report says (header, anonymity notes, stage
summary, radar, scores by rater group, blind spots, hidden strengths, method); terminal,
Markdown, HTML and PDF only lay it out (kamcli/render). The figures come from `subject_view`
(render/subject.py), where the anonymity rules are applied once for every format, the data
exports (JSON, CSV) included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.render.labels import (
    MISSING,
    clean_text,
    fmt_gap,
    fmt_pct,
    fmt_score,
    label,
    stage_actions,
    stage_name,
)
from kamcli.render.subject import (
    FLAG_GLYPHS,
    Cell,
    SubjectRow,
    SubjectView,
    flag_word,
    group_name,
    status_text,
    subject_view,
)
from kamcli.report.document import (
    AnonymityNotes,
    Document,
    Field,
    FieldHeader,
    FlagItem,
    FlagList,
    GroupScoreRow,
    GroupScoreTable,
    MethodList,
    RaterRadar,
    ScoreCell,
    Section,
    Series,
    StageSummary,
    spans,
)

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.multirater import SubjectReport

MIN_RADAR_AXES = 3  # fewer axes draw a line, not a shape: the table says it all then


def _cell(cell: Cell, lang: str) -> ScoreCell:
    """One decimal, or a dash when hidden or unscored (never a hidden group's figure)."""
    value = MISSING if cell.hidden or cell.mean is None else fmt_score(cell.mean)
    spread = ""
    if not cell.hidden and cell.sd is not None:
        spread = label("cell_sd", lang).format(sd=f"{cell.sd:.2f}")
    return ScoreCell(value, label("cell_n", lang).format(n=cell.n), spread, cell.hidden)


def _rater_counts(view: SubjectView, lang: str) -> str:
    """'Self 1 · Manager 1 · Peers 3': counts per role, never who."""
    if not view.rater_counts:
        return label("no_raters", lang)
    return " · ".join(
        label("rater_count", lang).format(role=group_name(role, lang), count=count)
        for role, count in view.rater_counts
    )


def _header(model: CompetencyModel, view: SubjectView, lang: str) -> FieldHeader:
    """The fields' values cleaned of control characters but not escaped."""
    fields = [
        (label("person", lang), clean_text(view.subject)),
        (label("stage", lang), stage_name(model, view.stage, lang)),
        (label("raters", lang), _rater_counts(view, lang)),
        (label("model", lang), f"{model.id} {model.version}"),
    ]
    if view.fit_others is not None:
        fields.append((label("fit", lang), fmt_pct(view.fit_others)))
    title = label("subject_title", lang)
    return FieldHeader(
        title=title,
        page_title=f"{title} — {clean_text(view.subject)}",
        eyebrow=clean_text(model.text(model.name, lang)),
        fields=tuple(Field(name, value) for name, value in fields),
    )


def _stage_summary(model: CompetencyModel, view: SubjectView, lang: str) -> StageSummary:
    try:
        text = clean_text(model.text(model.stage(view.stage).summary, lang))
    except KeyError:
        text = ""
    return StageSummary(label("stage_focus", lang), stage_name(model, view.stage, lang), text)


def _radar(model: CompetencyModel, view: SubjectView, lang: str) -> RaterRadar:
    """Others, self and target per competency; hidden or missing figures are None. The
    others' series comes first (it marks the "no data" axes) unless no other group shows."""
    low, high = model.scale.min, model.scale.max
    shown = tuple(None if row.others.hidden else row.others.mean for row in view.rows)
    others = Series("others", label("role_others", lang), shown)
    selfs = Series("self", label("role_self", lang), tuple(row.self_score for row in view.rows))
    target = Series("target", label("col_target", lang), tuple(row.target for row in view.rows))
    first = (others, selfs) if view.group_ids else (selfs, others)
    drawn = (("others", bool(view.group_ids)), ("self", view.has_self), ("target", True))
    names = {series.key: series.label for series in (others, selfs, target)}
    return RaterRadar(
        heading=label("radar_subject", lang),
        axes=tuple(row.name for row in view.rows),
        series=(*first, target),
        has_others=bool(view.group_ids),
        has_self=view.has_self,
        low=low,
        high=high,
        note=label("radar_note", lang).format(low=low, high=high),
        legend_no_data=label("legend_no_data", lang),
        no_data=label("no_data", lang),
        legend=tuple((key, names[key]) for key, shown in drawn if shown),
    )


def _row(model: CompetencyModel, row: SubjectRow, lang: str) -> GroupScoreRow:
    glyph, word = status_text(model, row, lang)
    flag_glyph, flag_name = flag_word(row.flag, lang) if row.flag else ("", "")
    return GroupScoreRow(
        name=row.name,
        self_score=fmt_score(row.self_score),
        cells=tuple(_cell(cell, lang) for cell in (*row.groups, row.others)),
        target=fmt_score(row.target),
        gap=fmt_gap(row.gap),
        status=row.status,
        glyph=glyph,
        word=word,
        flag=row.flag or "",
        flag_glyph=flag_glyph,
        flag_word=flag_name,
    )


def _table(model: CompetencyModel, view: SubjectView, lang: str) -> GroupScoreTable:
    legends = [
        label("legend_subject_gap", lang),
        label("legend_suppressed", lang).format(threshold=view.threshold),
    ]
    if view.fit_others is not None:  # the header shows a stage fit: say what it means
        legends.append(label("fit_explain", lang))
    glyphs = {ch for band in model.status_bands for ch in band.glyph}
    glyphs |= {"?", MISSING, *FLAG_GLYPHS.values()}
    return GroupScoreTable(
        heading=label("subject_table", lang),
        competency=label("col_competency", lang),
        self_heading=group_name("self", lang),
        columns=tuple(group_name(g, lang) for g in (*view.group_ids, "others")),
        target=label("col_target", lang),
        gap=label("col_gap", lang),
        gap_others=label("col_gap_others", lang),
        status=label("col_status", lang),
        flag=label("col_flag", lang),
        rows=tuple(_row(model, row, lang) for row in view.rows),
        legends=tuple(legends),
        glyphs="".join(sorted(glyphs)),
    )


def _flags(model: CompetencyModel, view: SubjectView, lang: str, blind: bool) -> FlagList:
    """Blind spots with the model's actions for the stage, or hidden strengths (no actions)."""
    ids, key = (
        (view.blind_spots, "blind_spots") if blind else (view.hidden_strengths, "hidden_strengths")
    )
    items = []
    for competency_id in ids:
        row = view.row(competency_id)
        glyph, word = flag_word(row.flag or "", lang)
        line = spans(label("flag_line", lang), {"name": row.name}, frozenset({"name"}),
                     self=fmt_score(row.self_score), others=_cell(row.others, lang).value,
                     difference=fmt_gap(row.difference))  # fmt: skip
        actions = stage_actions(model, competency_id, view.stage, lang) if blind else []
        items.append(FlagItem(row.name, glyph, word, line, tuple(actions)))
    low, high = model.scale.min, model.scale.max
    intro = label(f"{key}_intro", lang).format(
        threshold=f"{view.flag_threshold:.2f}", low=low, high=high
    )
    return FlagList(
        flag="blind_spot" if blind else "hidden_strength",
        heading=label(key, lang),
        intro=intro,
        empty=label(f"no_{key}" if view.has_self else "no_flags_without_self", lang),
        items=tuple(items),
        with_actions=blind,
        actions_heading=label("suggested_actions", lang),
        no_actions=label("no_actions", lang),
    )


def _method(model: CompetencyModel, view: SubjectView, lang: str) -> MethodList:
    lines = (
        label("method_subject_others", lang),
        label("method_subject_flags", lang).format(threshold=f"{view.flag_threshold:.2f}"),
        label("method_subject_anonymity", lang).format(threshold=view.threshold),
    )
    return MethodList(label("method", lang), lines, f"{model.id} {model.version}")


def subject_document(model: CompetencyModel, report: SubjectReport, lang: str) -> Document:
    """The whole 360° report in print order, anonymity applied, every text in `lang`."""
    view = subject_view(model, report, lang)
    sections: list[Section] = [
        _header(model, view, lang),
        AnonymityNotes(label("notes", lang), view.notes),
        _stage_summary(model, view, lang),
    ]
    if len(view.rows) >= MIN_RADAR_AXES:
        sections.append(_radar(model, view, lang))
    sections += [
        _table(model, view, lang),
        _flags(model, view, lang, blind=True),
        _flags(model, view, lang, blind=False),
        _method(model, view, lang),
    ]
    return Document("subject", lang, tuple(sections))
