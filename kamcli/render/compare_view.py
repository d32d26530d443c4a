"""`kam history compare` for people: the table, the rule the trends follow, the warnings.

Trends are decided on unrounded scores (scoring.compare); this module shows the figures they
were decided on, to two decimals, with as many more as it takes never to show a change that
looks as if it crossed the threshold when it did not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.i18n import t
from kamcli.render.labels import MISSING, clean_text, competency_name, fmt_pct
from kamcli.scoring.compare import trend_of

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.compare import Comparison, Mismatch

MAX_PLACES = 12
TREND_GLYPHS = {"improved": "▲", "declined": "▼", "unchanged": "=", "n/a": "?"}


def compare_text(key: str, lang: str) -> str:
    return t(f"compare.{key}", lang)


def fmt_change(change: float | None, threshold: float) -> str:
    """The unrounded change to two decimals, more when two would cross the threshold.

    E.g. 0.2475 under a threshold of 0.25 shows as +0.247, not as a misleading +0.25.
    """
    if change is None:
        return MISSING
    decided = trend_of(change, threshold)
    text = f"{change:+.2f}"
    for places in range(2, MAX_PLACES + 1):
        text = f"{change:+.{places}f}"
        if trend_of(float(text), threshold) == decided:
            break
    return "0.00" if float(text) == 0 else text


def fmt_two(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def comparison_view(model: CompetencyModel, comparison: Comparison, title: str, lang: str) -> Group:
    """Title line, one row per competency, the trend rule and the stage-fit line."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(compare_text("competency", lang), overflow="fold")
    for key in ("before", "after", "change"):
        table.add_column(compare_text(key, lang), justify="right", no_wrap=True)
    table.add_column(compare_text("trend", lang), no_wrap=True)
    for change in comparison.changes:
        table.add_row(
            Text(competency_name(model, change.competency_id, lang)),
            fmt_two(change.before),
            fmt_two(change.after),
            fmt_change(change.change, comparison.threshold),
            f"{TREND_GLYPHS[change.trend]} {compare_text(change.trend, lang)}",
        )
    rule = compare_text("trend_rule", lang).format(threshold=f"{comparison.threshold:g}")
    fit_change = comparison.fit_change
    points = "—" if fit_change is None else f"{_signed_points(fit_change)} "
    fit_line = compare_text("fit_line", lang).format(
        before=fmt_pct(comparison.fit_before),
        after=fmt_pct(comparison.fit_after),
        change=points + ("" if fit_change is None else compare_text("points", lang)),
    )
    parts: list[RenderableType] = [Text(title), table, Text(rule, style="dim"), Text(fit_line)]
    return Group(*parts, Text(compare_text("fit_explain", lang), style="dim"))


def _signed_points(value: float) -> str:
    rounded = round(value)
    return "0" if rounded == 0 else f"{rounded:+d}"


def comparison_data(
    model: CompetencyModel, comparison: Comparison, ids: tuple[int, int], lang: str
) -> dict[str, Any]:
    """comparison.to_dict() with the two ids first and each competency's display name."""
    data = comparison.to_dict()
    for row in data["competencies"]:
        row["name"] = competency_name(model, row["competency_id"], lang)
    return {"before_id": ids[0], "after_id": ids[1], **data}


def mismatch_warning(mismatch: Mismatch, ids: tuple[int, int]) -> str:
    """One stderr warning per way the two assessments differ; the numbers are still shown."""
    first, second = ids
    before, after = mismatch.before, mismatch.after
    if mismatch.kind == "person":
        return (
            f"Warning: #{first} is about '{clean_text(before)}' and #{second} about "
            f"'{clean_text(after)}'; the changes compare two different people."
        )
    if mismatch.kind == "rater":
        return (
            f"Warning: #{first} was rated by {before} and #{second} by {after}; a change may "
            "come from the rater rather than the person."
        )
    if mismatch.kind == "stage":
        return (
            f"Warning: #{first} was assessed against stage {before} and #{second} against "
            f"{after}; the stage fits measure different targets."
        )
    return (
        f"Warning: the two assessments were scored with different models ({before} and "
        f"{after}); scores may not be comparable."
    )
