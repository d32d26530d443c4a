"""The gap report as GitHub-flavoured Markdown, for pasting into an issue, wiki or email.

Same sections and words as the terminal report (labels.py). Every text that is not ours —
names typed by the user and texts from a possibly custom model — goes through `md_escape`,
so it cannot break the table, start emphasis, or inject HTML or links.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kamcli.render.diagnostic_text import diagnostic_sentences, levels_legend, with_level
from kamcli.render.labels import (
    clean_text,
    competency_name,
    fmt_gap,
    fmt_pct,
    fmt_score,
    fmt_weight,
    label,
    rater_label,
    stage_actions,
    stage_name,
    status_word,
)
from kamcli.render.terminal import format_created_at

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring import AssessmentResult

# Characters that could end a table cell, start emphasis or code, or open HTML or a link.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally, on one line (a newline would end a table row)."""
    return _SPECIAL.sub(r"\\\1", clean_text(text))


def _name(model: CompetencyModel, competency_id: str, lang: str) -> str:
    return md_escape(competency_name(model, competency_id, lang))


def _stage_name(model: CompetencyModel, stage_id: str, lang: str) -> str:
    return md_escape(stage_name(model, stage_id, lang))


def _header(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    missing = md_escape(label("not_given", lang))
    rows = [
        ("person", md_escape(result.person) if result.person else missing),
        ("account", md_escape(result.account) if result.account else missing),
        ("stage", _stage_name(model, result.stage, lang)),
    ]
    if result.rater != "self":
        rows.append(("rater", md_escape(rater_label(result.rater, lang))))
        rows.append(("subject", md_escape(result.subject) if result.subject else missing))
    model_text = f"{result.model_id} {result.model_version} ({result.model_hash})"
    rows.append(("model", md_escape(model_text)))
    rows.append(("date", md_escape(format_created_at(result.created_at))))
    field = label("field", lang)
    return [f"- **{field.format(name=label(key, lang))}** {value}" for key, value in rows]


def _table(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    columns = ["col_competency", "col_score", "col_target", "col_gap", "importance", "col_status"]
    lines = [
        "| " + " | ".join(label(key, lang) for key in columns) + " |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result.competencies:
        glyph, word = status_word(model, row.status, lang)
        name = _name(model, row.competency_id, lang)
        if row.coverage < 1:
            answered = label("answered", lang).format(answered=row.answered, total=row.total)
            name += md_escape(label("aside", lang).format(text=answered))
        cells = [
            name,
            md_escape(with_level(model, row.score, lang)),
            md_escape(with_level(model, row.target, lang)),
            fmt_gap(row.gap),
            fmt_weight(row.weight),
            md_escape(f"{glyph} {word}"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"*{label('legend_gap', lang)}*", "", f"*{levels_legend(model, lang)}*"]
    return lines


def _priorities(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    lines = [f"## {label('priorities', lang)}", ""]
    if not result.priorities:
        lines.append(label("no_priorities", lang))
    else:
        lines += [f"*{label('priority_rule', lang)}*", ""]
    for number, competency_id in enumerate(result.priorities[:3], start=1):
        row = result.competency(competency_id)
        summary = label("priority_line", lang).format(
            name=f"**{_name(model, competency_id, lang)}**",
            gap=fmt_gap(row.gap),
            weight=fmt_weight(row.weight),
            score=fmt_score(row.score),
            target=fmt_score(row.target),
        )
        lines.append(f"{number}. {summary}")
        actions = stage_actions(model, competency_id, result.stage, lang)
        if not actions:
            lines.append(f"   - *{label('no_actions', lang)}*")
        lines += [f"   - {md_escape(action)}" for action in actions]
    return lines


def _fit(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    def pct(value: float | None) -> str:
        return fmt_pct(value) if value is not None else label("fit_unknown", lang)

    stage = _stage_name(model, result.stage, lang)
    lines = [
        f"## {label('fit', lang)}",
        "",
        f"*{label('fit_explain', lang)}*",
        "",
        "- " + label("fit_now", lang).format(stage=stage, fit=pct(result.fit)),
    ]
    if result.next_stage is None:
        lines.append("- " + label("last_stage", lang).format(stage=stage))
    else:
        following = _stage_name(model, result.next_stage, lang)
        lines.append(
            "- " + label("fit_next", lang).format(stage=following, fit=pct(result.next_fit))
        )
    return lines


def _strengths(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    lines = [f"## {label('strengths', lang)}", "", f"*{label('strength_rule', lang)}*", ""]
    if not result.strengths:
        lines.append(label("no_strengths", lang))
    for competency_id in result.strengths:
        row = result.competency(competency_id)
        above = 0.0 if row.score is None else row.score - row.target
        key = "on_target_line" if fmt_gap(above) == "0.0" else "strength_line"
        text = label(key, lang).format(
            name=f"**{_name(model, competency_id, lang)}**",
            score=fmt_score(row.score),
            above=f"{above:.1f}",
        )
        lines.append(f"- {text}")
    return lines


def _diagnostic(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    sentences = diagnostic_sentences(model, result, lang)
    if not sentences:
        return []
    lines = [f"## {label('diagnostic', lang)}", ""]
    for number, (sentence, _warning) in enumerate(sentences):
        if number == 0 and result.diagnostic and result.diagnostic.suggested_stage:
            name = _stage_name(model, result.diagnostic.suggested_stage, lang)
            sentence = sentence.replace(name, f"**{name}**", 1)
        lines += [sentence, ""] if number < len(sentences) - 1 else [sentence]
    return lines


def markdown_report(model: CompetencyModel, result: AssessmentResult, lang: str) -> str:
    """The whole gap report as one Markdown document, ending in a newline."""
    sections = [
        [f"# {label('title', lang)}", "", *_header(model, result, lang)],
        _table(model, result, lang),
        _priorities(model, result, lang),
        _fit(model, result, lang),
        _strengths(model, result, lang),
        _diagnostic(model, result, lang),
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"


if TYPE_CHECKING:
    from kamcli.render.formats import RenderOptions


def render_markdown(
    model: CompetencyModel,
    result: AssessmentResult,
    lang: str,
    options: RenderOptions,  # noqa: ARG001 - the Renderer interface; Markdown has no options
) -> str:
    """The Renderer-interface form of `markdown_report`."""
    return markdown_report(model, result, lang)
