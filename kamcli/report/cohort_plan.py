"""The cohort's development priorities (see report/cohort.py for whose actions the team gets).

A cohort at one stage, or with more than half of its people at one stage, gets one list with
that stage's actions; otherwise each stage gets its own list, ranked against its own targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.render.labels import competency_name, label, stage_actions, stage_name
from kamcli.report import document as doc
from kamcli.report.cohort_figures import (
    cohort_label,
    fmt_share,
    fmt_stat,
    fmt_stat_gap,
    is_mixed,
    stage_counts,
)

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary
    from kamcli.scoring.stage_groups import StageGroup, StagePriority

TOP_PRIORITIES = 3


def actions_stage(summary: CohortSummary) -> str | None:
    """Whose actions the single list carries: the cohort's stage, or its majority stage."""
    return summary.stage or summary.majority_stage


def shows_stages_apart(summary: CohortSummary) -> bool:
    """True when the cohort spans stages and none of them holds more than half of it."""
    return is_mixed(summary) and summary.majority_stage is None


def _priority(
    rank: int, name: str, figures: tuple[str, str, str, str, int], actions: list[str], lang: str
) -> doc.TeamPriority:
    """One priority: its sentence (the name emphasised) and its figures, each formatted."""
    gap, mean, target, met, n = figures
    summary = doc.spans(
        cohort_label("team_priority_line", lang),
        {"name": name},
        frozenset({"name"}),
        gap=gap,
        mean=mean,
        target=target,
        met=met,
    )
    shown = (
        doc.Field(cohort_label("col_mean_gap", lang), gap),
        doc.Field(cohort_label("col_mean", lang), mean),
        doc.Field(label("col_target", lang), target),
        doc.Field(cohort_label("col_met", lang), met),
        doc.Field(cohort_label("col_n", lang), str(n)),
    )
    return doc.TeamPriority(rank, name, summary, shown, tuple(actions))


def _from_stage(
    model: CompetencyModel, rank: int, found: StagePriority, stage: str, lang: str
) -> doc.TeamPriority:
    figures = (
        fmt_stat_gap(found.mean_gap),
        fmt_stat(found.mean),
        fmt_stat(found.target),
        fmt_share(found.share_meeting_target),
        found.n,
    )
    name = competency_name(model, found.competency_id, lang)
    actions = stage_actions(model, found.competency_id, stage, lang)
    return _priority(rank, name, figures, actions, lang)


def _stage_group(
    model: CompetencyModel, group: StageGroup, total: int, lang: str
) -> doc.PriorityGroup:
    heading = cohort_label("stage_group", lang).format(
        stage=stage_name(model, group.stage, lang), count=group.n_respondents, total=total
    )
    items = tuple(
        _from_stage(model, rank, found, group.stage, lang)
        for rank, found in enumerate(group.priorities[:TOP_PRIORITIES], start=1)
    )
    return doc.PriorityGroup(heading, items, cohort_label("no_stage_priorities", lang))


def stage_priorities(
    model: CompetencyModel, summary: CohortSummary, table: doc.CohortTable, lang: str
) -> doc.StagePriorities:
    """The priorities section: one list for the cohort, or one per stage (see module doc)."""
    heading, no_actions = cohort_label("team_priorities", lang), label("no_actions", lang)
    if shows_stages_apart(summary):
        total = summary.n_respondents
        groups = tuple(_stage_group(model, g, total, lang) for g in summary.stage_groups)
        return doc.StagePriorities(
            heading, cohort_label("by_stage_intro", lang), groups, no_actions
        )
    rows = {s.competency_id: row for s, row in zip(summary.competencies, table.rows, strict=True)}
    stage = actions_stage(summary)
    items = []
    for rank, cid in enumerate(summary.priorities[:TOP_PRIORITIES], start=1):
        row = rows[cid]
        actions = stage_actions(model, cid, stage, lang) if stage else []
        figures = (row.mean_gap, row.mean, row.target, row.met, row.n)
        items.append(_priority(rank, row.name, figures, actions, lang))
    group = doc.PriorityGroup("", tuple(items), cohort_label("no_team_priorities", lang))
    intro = _intro(model, summary, stage, lang) if items else ""
    return doc.StagePriorities(heading, intro, (group,), no_actions)


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
