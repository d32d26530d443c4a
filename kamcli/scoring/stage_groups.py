"""Cohort priorities stage by stage, for cohorts whose respondents are at different stages.

When no stage holds more than half of the respondents, one stage's actions would fit only a
minority, so the cohort page shows each stage's own priorities against its own targets.
Pure: sums in, frozen results out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.score import EPSILON, TOP_N

__all__ = ["StageGroup", "StagePriority", "StageSums", "majority_stage", "stage_group"]


@dataclass(frozen=True, slots=True)
class StagePriority:
    """One competency over the respondents of one stage, measured against that stage's target."""

    competency_id: str
    n: int
    mean: float
    target: float
    mean_gap: float
    share_meeting_target: float
    priority: float  # mean over the stage's scored rows of max(gap, 0) x the stage's weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "n": self.n,
            "mean": self.mean,
            "target": self.target,
            "mean_gap": self.mean_gap,
            "share_meeting_target": self.share_meeting_target,
            "priority": self.priority,
        }


@dataclass(frozen=True, slots=True)
class StageGroup:
    """The respondents at one stage and their own top priorities (that stage's targets)."""

    stage: str
    n_respondents: int
    priorities: tuple[StagePriority, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "n_respondents": self.n_respondents,
            "priorities": [p.to_dict() for p in self.priorities],
        }


def majority_stage(stages: Mapping[str, int]) -> str | None:
    """The stage of more than half of the respondents, or None when no stage has a majority.

    A cohort at one stage has that stage; a 50/50 split or a spread with no stage above half
    has none, and its priorities are then worth reading stage by stage.
    """
    total = sum(stages.values())
    for stage, count in stages.items():
        if 2 * count > total:
            return stage
    return None


@dataclass(slots=True)
class StageSums:
    """Plain sums of one competency at one stage: enough for that stage's own priorities."""

    n: int = 0
    score_sum: float = 0.0
    gap_sum: float = 0.0
    priority_sum: float = 0.0
    meeting: int = 0


def stage_group(
    model: CompetencyModel, stage_id: str, respondents: int, sums: Sequence[StageSums]
) -> StageGroup:
    """One stage's top priorities: largest mean weighted gap, ties to the heavier weight."""
    targets = model.stage(stage_id).targets
    found = []
    for index, (competency, sum_) in enumerate(zip(model.competencies, sums, strict=True)):
        if not sum_.n:
            continue
        target = targets[competency.id]
        found.append(
            (
                index,
                StagePriority(
                    competency_id=competency.id,
                    n=sum_.n,
                    mean=sum_.score_sum / sum_.n,
                    target=float(target.target),
                    mean_gap=sum_.gap_sum / sum_.n,
                    share_meeting_target=sum_.meeting / sum_.n,
                    priority=sum_.priority_sum / sum_.n,
                ),
            )
        )
    ranked = sorted(
        (entry for entry in found if entry[1].priority > EPSILON),
        key=lambda e: (-round(e[1].priority, 9), -targets[e[1].competency_id].weight, e[0]),
    )
    return StageGroup(stage_id, respondents, tuple(p for _, p in ranked[:TOP_N]))
