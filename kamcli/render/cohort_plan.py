"""The cohort's development priorities, for the terminal, Markdown and HTML summaries alike.

One rule decides whose actions the team gets (scoring.stage_groups.majority_stage): a cohort
at one stage, or with more than half of its people at one stage, gets one list with that
stage's actions; without such a majority, one stage's actions would fit a minority, so each
stage gets its own list, ranked against its own targets, with its own actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.cohort_text import (
    TOP_PRIORITIES,
    CompetencyLine,
    bullets,
    cohort_label,
    competency_lines,
    fmt_share,
    fmt_stat,
    fmt_stat_gap,
    is_mixed,
    stage_counts,
)
from kamcli.render.labels import competency_name, label, stage_actions, stage_name
from kamcli.render.markdown import md_escape

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary
    from kamcli.scoring.stage_groups import StageGroup, StagePriority


@dataclass(frozen=True)
class TeamPriority:
    """One priority's figures, formatted once for every output."""

    rank: int
    name: str
    mean_gap: str
    mean: str
    target: str
    met: str
    n: int
    actions: tuple[str, ...]


@dataclass(frozen=True)
class PriorityGroup:
    """The whole cohort's list (no heading) or one stage's list (its name and head count)."""

    heading: str
    priorities: tuple[TeamPriority, ...]
    empty: str  # said instead of the list when there is nothing to close


@dataclass(frozen=True)
class TeamPlan:
    intro: str  # how the lists are ranked and whose actions they carry; "" when none applies
    groups: tuple[PriorityGroup, ...]
    by_stage: bool


def actions_stage(summary: CohortSummary) -> str | None:
    """Whose actions the single list carries: the cohort's stage, or its majority stage."""
    return summary.stage or summary.majority_stage


def shows_stages_apart(summary: CohortSummary) -> bool:
    """True when the cohort spans stages and none of them holds more than half of it."""
    return is_mixed(summary) and summary.majority_stage is None


def _from_line(rank: int, line: CompetencyLine, actions: list[str]) -> TeamPriority:
    return TeamPriority(
        rank, line.name, line.mean_gap, line.mean, line.target, line.met, line.n, tuple(actions)
    )


def _from_stage(
    model: CompetencyModel, rank: int, found: StagePriority, stage: str, lang: str
) -> TeamPriority:
    return TeamPriority(
        rank=rank,
        name=competency_name(model, found.competency_id, lang),
        mean_gap=fmt_stat_gap(found.mean_gap),
        mean=fmt_stat(found.mean),
        target=fmt_stat(found.target),
        met=fmt_share(found.share_meeting_target),
        n=found.n,
        actions=tuple(stage_actions(model, found.competency_id, stage, lang)),
    )


def _stage_group(model: CompetencyModel, group: StageGroup, total: int, lang: str) -> PriorityGroup:
    heading = cohort_label("stage_group", lang).format(
        stage=stage_name(model, group.stage, lang), count=group.n_respondents, total=total
    )
    priorities = tuple(
        _from_stage(model, rank, found, group.stage, lang)
        for rank, found in enumerate(group.priorities[:TOP_PRIORITIES], start=1)
    )
    return PriorityGroup(heading, priorities, cohort_label("no_stage_priorities", lang))


def team_plan(model: CompetencyModel, summary: CohortSummary, lang: str) -> TeamPlan:
    """The priorities section: one list for the cohort, or one per stage (see module doc)."""
    if shows_stages_apart(summary):
        total = summary.n_respondents
        groups = tuple(_stage_group(model, g, total, lang) for g in summary.stage_groups)
        return TeamPlan(cohort_label("by_stage_intro", lang), groups, by_stage=True)
    lines = {line.competency_id: line for line in competency_lines(model, summary, lang)}
    stage = actions_stage(summary)
    priorities = tuple(
        _from_line(rank, lines[cid], stage_actions(model, cid, stage, lang) if stage else [])
        for rank, cid in enumerate(summary.priorities[:TOP_PRIORITIES], start=1)
    )
    group = PriorityGroup("", priorities, cohort_label("no_team_priorities", lang))
    return TeamPlan(_intro(model, summary, stage, lang) if priorities else "", (group,), False)


def _intro(model: CompetencyModel, summary: CohortSummary, stage: str | None, lang: str) -> str:
    if stage is None:
        return cohort_label("team_priorities_rule", lang)
    name = stage_name(model, stage, lang)
    if is_mixed(summary):
        counts = stage_counts(summary)
        name = cohort_label("majority", lang).format(
            stage=name, count=counts[stage], total=summary.n_respondents
        )
    return cohort_label("team_priorities_intro", lang).format(stage=name)


def priority_text(priority: TeamPriority, lang: str, name: str | None = None) -> str:
    return cohort_label("team_priority_line", lang).format(
        name=priority.name if name is None else name,
        gap=priority.mean_gap,
        mean=priority.mean,
        target=priority.target,
        met=priority.met,
    )


# --- terminal and Markdown (HTML: cohort_html.py) -----------------------------------------


def terminal_plan(
    model: CompetencyModel, summary: CohortSummary, lang: str
) -> list[RenderableType]:
    """The priorities: one list, or one per stage under the stage's name."""
    plan = team_plan(model, summary, lang)
    parts: list[RenderableType] = [Text(plan.intro, style="dim")] if plan.intro else []
    for group in plan.groups:
        if group.heading:
            parts.append(Text("\n" + group.heading, style="bold"))
        if not group.priorities:
            parts.append(Text(group.empty))
        for priority in group.priorities:
            numbered = Table.grid(padding=(0, 1, 0, 0))
            numbered.add_column(width=2, no_wrap=True)
            numbered.add_column(overflow="fold")
            text = Text(priority_text(priority, lang), style="bold")
            numbered.add_row(Text(f"{priority.rank}.", style="bold"), text)
            parts.append(numbered)
            if priority.actions:
                parts.append(bullets(priority.actions))
            else:
                parts.append(Text("   " + label("no_actions", lang), style="dim"))
    return parts


def markdown_plan(model: CompetencyModel, summary: CohortSummary, lang: str) -> list[str]:
    plan = team_plan(model, summary, lang)
    lines = [md_escape(plan.intro), ""] if plan.intro else []
    for group in plan.groups:
        if group.heading:
            lines += [f"### {md_escape(group.heading)}", ""]
        if not group.priorities:
            lines += [md_escape(group.empty), ""]
        for priority in group.priorities:
            name = f"**{md_escape(priority.name)}**"
            lines.append(f"{priority.rank}. {priority_text(priority, lang, name)}")
            if not priority.actions:
                lines.append(f"   - *{label('no_actions', lang)}*")
            lines += [f"   - {md_escape(action)}" for action in priority.actions]
        if group.priorities:
            lines.append("")
    return lines[:-1] if lines and not lines[-1] else lines
