"""The cohort summary's figures, formatted once for every section (report/cohort.py and
report/cohort_plan.py): its texts, number formats, head counts and targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.i18n import FALLBACK, catalogue, t
from kamcli.render.labels import fmt_gap, fmt_pct, fmt_score, label

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary


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


def stage_counts(summary: CohortSummary) -> dict[str, int]:
    return {stage: count for stage, count in summary.stages.items() if count > 0}


def is_mixed(summary: CohortSummary) -> bool:
    return len(stage_counts(summary)) > 1


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
