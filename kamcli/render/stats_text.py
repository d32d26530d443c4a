"""Psychometrics (`kam stats`, `kam batch --stats`) for the terminal, Markdown and JSON.

The figures are turned into strings once (`scale_lines`, `flag_lines`, …) and every format,
HTML included (stats_html.py), lays out the same strings. User text (respondent ids) and
model text are escaped per format: rich `Text` (never markup) in the terminal, `md_escape`
in Markdown. Undefined statistics are shown as "—" and are null in JSON, never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.labels import MISSING, clean_text, competency_name, json_dumps, stats_label
from kamcli.render.markdown import md_escape
from kamcli.scoring.psychometrics import MIN_ANSWERS_FOR_IRV_FLAG

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsResult
    from kamcli.model.schema import CompetencyModel

SCHEMA_VERSION = 1
# Flagged respondents listed in the terminal and Markdown; JSON lists them all.
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


@dataclass(frozen=True)
class ItemLine:
    item_id: str
    item_rest: str
    alpha_if_deleted: str
    negative: bool


@dataclass(frozen=True)
class ScaleLine:
    competency_id: str
    name: str
    k: int
    n: str
    alpha: str
    ci: str
    items: tuple[ItemLine, ...]
    advice: tuple[str, ...]  # warnings, and why alpha is undefined


@dataclass(frozen=True)
class FlagLine:
    respondent_id: str
    run: str
    irv: str
    speed: str
    why: str


def header_fields(result: StatsResult, lang: str) -> list[tuple[str, str]]:
    method = result.options.missing
    fields = [
        (stats_label("respondents", lang), str(result.respondents)),
        (stats_label("missing", lang), stats_label(method, lang)),
    ]
    if result.excluded:
        text = stats_label("flagged_excluded", lang).format(count=result.excluded, used=result.used)
    else:
        text = stats_label("flagged_kept", lang).format(count=len(result.flagged))
    fields.append((stats_label("flagged", lang), text))
    return fields


def scale_lines(model: CompetencyModel, result: StatsResult, lang: str) -> list[ScaleLine]:
    lines = []
    for scale in result.reliability:
        items = tuple(
            ItemLine(
                item_id=item_id,
                item_rest=number(scale.item_rest[item_id]),
                alpha_if_deleted=number(scale.alpha_if_deleted[item_id]),
                negative=(scale.item_rest[item_id] or 0.0) < 0,
            )
            for item_id in scale.item_rest
        )
        n = str(scale.n_used)
        if scale.n_total != scale.n_used:
            n += f"/{scale.n_total}"
        ci = MISSING
        if scale.ci_low is not None and scale.ci_high is not None:
            ci = f"{number(scale.ci_low)} … {number(scale.ci_high)}"
        lines.append(
            ScaleLine(
                competency_id=scale.competency_id,
                name=competency_name(model, scale.competency_id, lang),
                k=scale.k,
                n=n,
                alpha=number(scale.alpha),
                ci=ci,
                items=items,
                advice=_advice(scale.note, scale.warnings, lang),
            )
        )
    return lines


def _advice(note: str | None, warnings: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Why alpha is undefined first, then the warnings that do not just repeat it."""
    if note is None:
        return warnings
    lead = note.split(":")[0]
    shown = note if "undefined" in note else stats_label("undefined", lang).format(note=note)
    rest = [w for w in warnings if w not in note and w.split(":")[0] != lead]
    return (shown, *rest)


def careless_texts(result: StatsResult, lang: str) -> list[str]:
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
    return texts


def flag_lines(result: StatsResult) -> list[FlagLine]:
    return [
        FlagLine(
            respondent_id=clean_text(flag.respondent_id),
            run=str(flag.longstring),
            irv=number(flag.irv),
            speed=number(flag.seconds_per_item, 1),
            why="; ".join(flag.reasons),
        )
        for flag in result.flagged[:MAX_FLAGGED_SHOWN]
    ]


def more_flagged(result: StatsResult, lang: str) -> str:
    hidden = len(result.flagged) - MAX_FLAGGED_SHOWN
    return stats_label("more_flagged", lang).format(count=hidden) if hidden > 0 else ""


# --- terminal -------------------------------------------------------------------------------


def _heading(text: str) -> Text:
    return Text("\n" + text, style="bold underline")


def _table(*columns: tuple[str, str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for title, justify in columns:
        if justify == "right":
            table.add_column(title, justify="right", no_wrap=True)
        else:
            table.add_column(title, overflow="fold")
    return table


def _bullets(texts: list[str]) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(overflow="fold")
    for text in texts:
        grid.add_row(Text("•"), Text(text))
    return grid


def stats_terminal(model: CompetencyModel, result: StatsResult, lang: str) -> Group:
    """Reliability and careless responding as one rich renderable, readable at 80 columns."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in header_fields(result, lang):
        grid.add_row(Text(name), Text(value))
    parts: list[RenderableType] = [Text(stats_label("title", lang), style="bold"), grid]
    lines = scale_lines(model, result, lang)
    summary = _table(
        (stats_label("col_competency", lang), "left"),
        (stats_label("col_k", lang), "right"),
        (stats_label("col_n", lang), "right"),
        (stats_label("col_alpha", lang), "right"),
        (stats_label("col_ci", lang), "right"),
    )
    for line in lines:
        summary.add_row(Text(line.name), str(line.k), line.n, line.alpha, line.ci)
    items = _table(
        (stats_label("col_competency", lang), "left"),
        (stats_label("col_item", lang), "left"),
        (stats_label("col_rest", lang), "right"),
        (stats_label("col_deleted", lang), "right"),
    )
    for line in lines:
        for number_in_scale, item in enumerate(line.items):
            mark = f" {WARNING_MARK}" if item.negative else ""
            items.add_row(
                Text(line.name if number_in_scale == 0 else ""),
                Text(item.item_id),
                item.item_rest + mark,
                item.alpha_if_deleted,
                end_section=number_in_scale == len(line.items) - 1,
            )
    parts += [_heading(stats_label("reliability", lang)), summary]
    parts += [_heading(stats_label("items", lang)), items]
    parts.append(Text(stats_label("legend", lang), style="dim"))
    advice = [f"{line.name}: {text}" for line in lines for text in line.advice]
    parts.append(_heading(stats_label("advice", lang)))
    parts.append(_bullets(advice) if advice else Text(stats_label("no_advice", lang)))
    parts.append(_heading(stats_label("careless", lang)))
    parts += [Text(text) for text in careless_texts(result, lang)]
    if result.flagged:
        flagged = _table(
            (stats_label("col_respondent", lang), "left"),
            (stats_label("col_run", lang), "right"),
            (stats_label("col_irv", lang), "right"),
            (stats_label("col_speed", lang), "right"),
            (stats_label("col_why", lang), "left"),
        )
        for flag in flag_lines(result):
            flagged.add_row(Text(flag.respondent_id), flag.run, flag.irv, flag.speed, flag.why)
        parts.append(flagged)
        if more := more_flagged(result, lang):
            parts.append(Text(more))
    if result.notes:
        parts += [_heading(stats_label("notes", lang)), _bullets(list(result.notes))]
    return Group(*parts)


# --- markdown -------------------------------------------------------------------------------


def _md_table(titles: list[str], right: set[int], rows: list[list[str]]) -> list[str]:
    rule = ["---:" if index in right else "---" for index in range(len(titles))]
    out = ["| " + " | ".join(titles) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def stats_markdown(
    model: CompetencyModel, result: StatsResult, lang: str, *, level: int = 1
) -> str:
    """The same content as GitHub-flavoured Markdown; `level` is the title's heading level."""
    h1, h2 = "#" * level, "#" * (level + 1)
    lines = scale_lines(model, result, lang)
    out = [f"{h1} {stats_label('title', lang)}", ""]
    fields = header_fields(result, lang)
    out += [f"- **{md_escape(name)}:** {md_escape(value)}" for name, value in fields]
    out += ["", f"{h2} {stats_label('reliability', lang)}", ""]
    keys = ["col_competency", "col_k", "col_n", "col_alpha", "col_ci"]
    rows = [[md_escape(line.name), str(line.k), line.n, line.alpha, line.ci] for line in lines]
    out += _md_table([stats_label(key, lang) for key in keys], {1, 2, 3, 4}, rows)
    out += ["", f"{h2} {stats_label('items', lang)}", ""]
    keys = ["col_competency", "col_item", "col_rest", "col_deleted"]
    rows = [
        [
            md_escape(line.name),
            md_escape(item.item_id),
            item.item_rest + (f" {WARNING_MARK}" if item.negative else ""),
            item.alpha_if_deleted,
        ]
        for line in lines
        for item in line.items
    ]
    out += _md_table([stats_label(key, lang) for key in keys], {2, 3}, rows)
    out += ["", f"*{md_escape(stats_label('legend', lang))}*", ""]
    out += [f"{h2} {stats_label('advice', lang)}", ""]
    advice = [f"- {md_escape(x.name)}: {md_escape(text)}" for x in lines for text in x.advice]
    out += advice or [stats_label("no_advice", lang)]
    out += ["", f"{h2} {stats_label('careless', lang)}", ""]
    out += [md_escape(text) + "\n" for text in careless_texts(result, lang)]
    if result.flagged:
        keys = ["col_respondent", "col_run", "col_irv", "col_speed", "col_why"]
        rows = [
            [md_escape(f.respondent_id), f.run, f.irv, f.speed, md_escape(f.why)]
            for f in flag_lines(result)
        ]
        out += _md_table([stats_label(key, lang) for key in keys], {1, 2, 3}, rows)
        if more := more_flagged(result, lang):
            out += ["", md_escape(more)]
    if result.notes:
        out += ["", f"{h2} {stats_label('notes', lang)}", ""]
        out += [f"- {md_escape(note)}" for note in result.notes]
    return "\n".join(out).rstrip("\n") + "\n"


# --- json -----------------------------------------------------------------------------------


def stats_data(model: CompetencyModel, result: StatsResult, lang: str) -> dict[str, Any]:
    """Every figure, for programs: flagged respondents all listed; undefined values null."""
    options = result.options
    return {
        "schema_version": SCHEMA_VERSION,
        "report_lang": lang,
        "model": model.summary(),
        "respondents": result.respondents,
        "reliability": {
            "missing_method": options.missing,
            "exclude_flagged": options.exclude_flagged,
            "excluded_flagged": result.excluded,
            "respondents_used": result.used,
            "competencies": [
                {"name": competency_name(model, scale.competency_id, lang), **scale.to_dict()}
                for scale in result.reliability
            ],
        },
        "careless": {
            "longstring_limit": result.longstring_limit,
            "irv_min": result.irv_min,
            "min_answers_for_irv_flag": MIN_ANSWERS_FOR_IRV_FLAG,
            "min_seconds_per_item": options.min_seconds_per_item,
            "time_columns": list(result.time_columns),
            "respondents_timed": result.timed,
            "flagged_count": len(result.flagged),
            "flagged": [flag.to_dict() for flag in result.flagged],
        },
        "notes": list(result.notes),
    }


def stats_json(model: CompetencyModel, result: StatsResult, lang: str) -> str:
    """JSON text ending in a newline; NaN or infinity would raise rather than be written."""
    data = stats_data(model, result, lang)
    return json_dumps(data) + "\n"
