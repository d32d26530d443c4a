"""The psychometrics report (`kam stats`, `kam batch --stats`) as a document: reliability per
competency and per item, advice, careless responding and the run's notes.

Every figure is turned into text once here (`number`): fixed decimals, a true minus sign, and
"—" when a statistic is undefined. Respondent ids and model texts are cleaned of control
characters; each renderer escapes them its own way. JSON is a data export, not a document
(render/stats_json.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.render.labels import MISSING, clean_text, competency_name, stats_label
from kamcli.report.document import (
    AdviceNotes,
    Document,
    Field,
    FlaggedList,
    FlaggedRow,
    ItemScale,
    ItemStat,
    ItemTable,
    ReliabilityRow,
    ReliabilityTable,
    Span,
    StatsOverview,
    StatsSection,
)
from kamcli.report.document import NoteList as RunNotes
from kamcli.scoring.psychometrics import MIN_ANSWERS_FOR_IRV_FLAG

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsResult
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.reliability import ScaleReliability

# Flagged respondents listed in a report; the JSON export lists them all.
MAX_FLAGGED_SHOWN = 100
WARNING_MARK = "⚠"


def number(value: float | None, decimals: int = 2) -> str:
    """A statistic as text: fixed decimals, a true minus sign, "—" when undefined."""
    if value is None:
        return MISSING
    text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # -0.00 reads as 0.00
    return text.replace("-", "−")


def stats_document(model: CompetencyModel, result: StatsResult, lang: str) -> Document:
    """Every section of the psychometrics report, in print order (notes only when any)."""
    names = [competency_name(model, s.competency_id, lang) for s in result.reliability]
    sections: list[StatsSection] = [
        _overview(result, lang),
        _reliability(result, names, lang),
        _items(result, names, lang),
        _advice(result, names, lang),
        _careless(result, lang),
    ]
    if result.notes:
        sections.append(RunNotes(stats_label("notes", lang), tuple(result.notes)))
    return Document("stats", lang, tuple(sections))


def _overview(result: StatsResult, lang: str) -> StatsOverview:
    method = result.options.missing
    if result.excluded:
        text = stats_label("flagged_excluded", lang).format(count=result.excluded, used=result.used)
    else:
        text = stats_label("flagged_kept", lang).format(count=len(result.flagged))
    fields = (
        Field(stats_label("respondents", lang), str(result.respondents)),
        Field(stats_label("missing", lang), stats_label(method, lang)),
        Field(stats_label("flagged", lang), text),
    )
    return StatsOverview(stats_label("title", lang), fields)


def _columns(lang: str, *keys: str) -> tuple[str, ...]:
    return tuple(stats_label(key, lang) for key in keys)


def _reliability(result: StatsResult, names: list[str], lang: str) -> ReliabilityTable:
    rows = []
    for scale, name in zip(result.reliability, names, strict=True):
        n = str(scale.n_used)
        if scale.n_total != scale.n_used:
            n += f"/{scale.n_total}"
        ci = MISSING
        if scale.ci_low is not None and scale.ci_high is not None:
            ci = f"{number(scale.ci_low)} … {number(scale.ci_high)}"
        rows.append(ReliabilityRow(name, str(scale.k), n, number(scale.alpha), ci))
    columns = _columns(lang, "col_competency", "col_k", "col_n", "col_alpha", "col_ci")
    return ReliabilityTable(stats_label("reliability", lang), columns, tuple(rows))


def _item_scale(scale: ScaleReliability, name: str) -> ItemScale:
    items = tuple(
        ItemStat(
            item_id=item_id,
            item_rest=number(scale.item_rest[item_id]),
            alpha_if_deleted=number(scale.alpha_if_deleted[item_id]),
            negative=(scale.item_rest[item_id] or 0.0) < 0,
        )
        for item_id in scale.item_rest
    )
    return ItemScale(name, items)


def _items(result: StatsResult, names: list[str], lang: str) -> ItemTable:
    scales = tuple(
        _item_scale(scale, name) for scale, name in zip(result.reliability, names, strict=True)
    )
    columns = _columns(lang, "col_competency", "col_item", "col_rest", "col_deleted")
    legend = stats_label("legend", lang)
    return ItemTable(stats_label("items", lang), columns, scales, WARNING_MARK, legend)


def _advice_texts(note: str | None, warnings: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Why alpha is undefined first, then the warnings that do not just repeat it."""
    if note is None:
        return warnings
    lead = note.split(":")[0]
    shown = note if "undefined" in note else stats_label("undefined", lang).format(note=note)
    rest = [w for w in warnings if w not in note and w.split(":")[0] != lead]
    return (shown, *rest)


def _advice(result: StatsResult, names: list[str], lang: str) -> AdviceNotes:
    items = tuple(
        (Span(name, user=True), Span(": "), Span(text, user=True))
        for scale, name in zip(result.reliability, names, strict=True)
        for text in _advice_texts(scale.note, scale.warnings, lang)
    )
    return AdviceNotes(stats_label("advice", lang), items, stats_label("no_advice", lang))


def _careless_texts(result: StatsResult, lang: str) -> tuple[str, ...]:
    """The flagging rules, where times came from, and how many were flagged."""
    seconds = f"{result.options.min_seconds_per_item:g}"
    texts = [
        stats_label("rules", lang).format(
            limit=result.longstring_limit,
            irv=f"{result.irv_min:.2f}",
            answers=MIN_ANSWERS_FOR_IRV_FLAG,
            seconds=seconds,
        )
    ]
    if result.time_columns:
        columns = ", ".join(clean_text(c) for c in result.time_columns)
        texts.append(stats_label("timed", lang).format(columns=columns, timed=result.timed))
    else:
        texts.append(stats_label("untimed", lang))
    key = "flag_count" if result.flagged else "nobody_flagged"
    texts.append(
        stats_label(key, lang).format(count=len(result.flagged), respondents=result.respondents)
    )
    return tuple(texts)


def _careless(result: StatsResult, lang: str) -> FlaggedList:
    rows = tuple(
        FlaggedRow(
            respondent_id=clean_text(flag.respondent_id),
            run=str(flag.longstring),
            irv=number(flag.irv),
            speed=number(flag.seconds_per_item, 1),
            why="; ".join(flag.reasons),
        )
        for flag in result.flagged[:MAX_FLAGGED_SHOWN]
    )
    hidden = len(result.flagged) - MAX_FLAGGED_SHOWN
    more = stats_label("more_flagged", lang).format(count=hidden) if hidden > 0 else ""
    columns = _columns(lang, "col_respondent", "col_run", "col_irv", "col_speed", "col_why")
    return FlaggedList(
        stats_label("careless", lang), _careless_texts(result, lang), columns, rows, more
    )
