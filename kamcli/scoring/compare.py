"""Compare two scored assessments: what moved per competency, and how the stage fit changed.

Pure: two AssessmentResults in, a frozen Comparison out. Small changes are "unchanged" so that
answering one item a point differently is not reported as progress. The trend is decided on the
unrounded scores (never on the one-decimal figures a report shows), and `mismatches` says when
the two results are about different people, raters, stages or models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kamcli.scoring.result import AssessmentResult

IMPROVED = "improved"
DECLINED = "declined"
UNCHANGED = "unchanged"
NOT_COMPARABLE = "n/a"
DEFAULT_THRESHOLD = 0.25
# Scores are float means: 3.4 - 3.2 is 0.19999…, which must still count as a change of 0.2.
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class CompetencyChange:
    """One competency before and after; change and trend are None / "n/a" if a score is missing."""

    competency_id: str
    before: float | None
    after: float | None
    change: float | None
    trend: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "trend": self.trend,
        }


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One way the two results differ that makes their scores less comparable."""

    kind: str  # "person", "rater", "stage" or "model"
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every competency of either result (before's order first) and the stage fits."""

    changes: tuple[CompetencyChange, ...]
    fit_before: float | None
    fit_after: float | None
    fit_change: float | None
    stage_before: str
    stage_after: str
    threshold: float = DEFAULT_THRESHOLD
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def same_stage(self) -> bool:
        """False means each fit was measured against a different target profile."""
        return self.stage_before == self.stage_after

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage_before": self.stage_before,
            "stage_after": self.stage_after,
            "same_stage": self.same_stage,
            "fit_before": self.fit_before,
            "fit_after": self.fit_after,
            "fit_change": self.fit_change,
            "threshold": self.threshold,
            "mismatches": [mismatch.to_dict() for mismatch in self.mismatches],
            "competencies": [change.to_dict() for change in self.changes],
        }


def trend_of(change: float | None, threshold: float = DEFAULT_THRESHOLD) -> str:
    """improved / declined when |change| reaches the threshold, else unchanged; n/a for None."""
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, got {threshold}")
    if change is None:
        return NOT_COMPARABLE
    if abs(change) < threshold - EPSILON or abs(change) <= EPSILON:  # float noise is no change
        return UNCHANGED
    return IMPROVED if change > 0 else DECLINED if change < 0 else UNCHANGED


def _same_name(first: str, second: str) -> bool:
    """Names typed twice by people: letter case and runs of spaces do not make another person."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def mismatches(before: AssessmentResult, after: AssessmentResult) -> tuple[Mismatch, ...]:
    """Person (who is assessed), rater role, stage and model, where the two results differ.

    A missing name is not a different person: only two given names that differ count.
    """
    found = []
    if before.subject and after.subject and not _same_name(before.subject, after.subject):
        found.append(Mismatch("person", before.subject, after.subject))
    if before.rater != after.rater:
        found.append(Mismatch("rater", before.rater, after.rater))
    if before.stage != after.stage:
        found.append(Mismatch("stage", before.stage, after.stage))
    if before.model_hash != after.model_hash:
        found.append(
            Mismatch(
                "model",
                f"{before.model_id} {before.model_version} ({before.model_hash})",
                f"{after.model_id} {after.model_version} ({after.model_hash})",
            )
        )
    return tuple(found)


def _difference(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def compare_results(
    before: AssessmentResult, after: AssessmentResult, threshold: float = DEFAULT_THRESHOLD
) -> Comparison:
    """Per-competency score changes from `before` to `after`, matched by competency id."""
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, got {threshold}")
    before_scores = {c.competency_id: c.score for c in before.competencies}
    after_scores = {c.competency_id: c.score for c in after.competencies}
    ids = list(before_scores) + [cid for cid in after_scores if cid not in before_scores]
    changes = []
    for competency_id in ids:
        old = before_scores.get(competency_id)
        new = after_scores.get(competency_id)
        change = _difference(old, new)
        changes.append(
            CompetencyChange(competency_id, old, new, change, trend_of(change, threshold))
        )
    return Comparison(
        changes=tuple(changes),
        fit_before=before.fit,
        fit_after=after.fit,
        fit_change=_difference(before.fit, after.fit),
        stage_before=before.stage,
        stage_after=after.stage,
        threshold=threshold,
        mismatches=mismatches(before, after),
    )
