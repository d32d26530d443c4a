"""Combine every rating of one person (360°): self against managers, peers, customers, others.

A self-assessment alone flatters or punishes; comparing it with how others rate the same
person shows blind spots (self higher than others) and hidden strengths (the reverse).
Pure: competency scores in (one `Rating` per completed assessment), a `SubjectReport` out.

Rules, exactly:

- Roles are RATER_ROLES; any other role is a ValueError that lists them.
- Self: the latest self rating (the last in the sequence) is the self score; earlier ones
  are ignored and a note says how many there were.
- Anonymity (threshold t = model.anonymity_threshold, counted in raters of a role, not in
  scores of one competency): `self` and `manager` are always shown, even with one rater. A
  `peer`, `customer` or `other` role with t or more raters is shown as its own group; with
  1..t-1 raters it is *folded* and never shown alone. Roles with no raters are neither.
- The folded roles together form "others (combined)" (group id `others_folded`) when they
  add up to t or more raters: then that group is shown and its ratings count in `others`.
  When they add up to fewer than t, their scores are *left out* of every number (groups,
  `others`, gap, status, flags, fit_others and the notes about unscored competencies) and a
  note says so; only `rater_counts` still counts them (`left_out` names the roles). So no
  folded rating can be recovered by subtracting shown numbers: the report is the same
  whatever a left-out rater answered.
- `others` pools every counted non-self rating: manager, roles shown alone and the combined
  group when shown. Its mean is the mean of the individual scores, not of group means. A
  group's n on a competency is the number of its raters with a score there (None =
  insufficient answers is left out, never counted as 0).
- The gap to the stage target and its status band come from the others' mean; `fit_others`
  is score.stage_fit over the others' means.
- Flags: with r = (scale max - scale min) / 3, "blind_spot" when self - others >= r and
  "hidden_strength" when others - self >= r, both within EPSILON (1e-9) so that exact
  ties such as 13/3 - 3 on a 1-5 scale count despite float rounding.
- Spread is the sample standard deviation (n - 1), None below two scores.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kamcli.errors import msg
from kamcli.model.schema import RATER_ROLES, CompetencyModel
from kamcli.scoring.rating_checks import check_ratings, unknown_rater_problem
from kamcli.scoring.result import AssessmentResult
from kamcli.scoring.score import EPSILON, INSUFFICIENT, stage_fit

__all__ = [
    "BLIND_SPOT",
    "FOLDED_GROUP",
    "HIDDEN_STRENGTH",
    "OTHERS",
    "CompetencyView",
    "GroupScore",
    "Rating",
    "SubjectReport",
    "build_subject_report",
    "item_allowed",
    "rating_from_result",
    "unknown_rater_problem",
]

SELF = "self"
MANAGER = "manager"
# Roles shown alone only with `anonymity_threshold` raters (self and manager always are).
PROTECTED_ROLES = ("peer", "customer", "other")
FOLDED_GROUP = "others_folded"
FOLDED_LABEL = "others (combined)"
OTHERS = "others"
BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"


@dataclass(frozen=True, slots=True)
class Rating:
    """One completed assessment of the subject: competency id -> score (None = insufficient)."""

    rater: str
    scores: Mapping[str, float | None]
    rater_id: str | None = None


@dataclass(frozen=True, slots=True)
class GroupScore:
    """One rater group on one competency; every number is None when n is 0."""

    group: str
    n: int
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True, slots=True)
class CompetencyView:
    """One competency: self against each shown group and against all others pooled."""

    competency_id: str
    target: float
    weight: float
    self_score: float | None
    groups: tuple[GroupScore, ...]
    others: GroupScore
    gap: float | None
    status: str
    self_minus_others: float | None
    flag: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "target": self.target,
            "weight": self.weight,
            "self_score": self.self_score,
            "groups": [g.to_dict() for g in self.groups],
            "others": self.others.to_dict(),
            "gap": self.gap,
            "status": self.status,
            "self_minus_others": self.self_minus_others,
            "flag": self.flag,
        }


@dataclass(frozen=True, slots=True)
class SubjectReport:
    """Every rating of one subject against one stage.

    `shown_groups` lists what is shown on its own, `self` first when there is a self rating;
    each CompetencyView.groups holds the same groups except `self` (that is `self_score`).
    `folded` lists the roles too small to show alone; `left_out` those of them whose scores
    count nowhere because even together they stay below the anonymity threshold.
    """

    subject: str
    stage: str
    competencies: tuple[CompetencyView, ...]
    rater_counts: dict[str, int]
    shown_groups: tuple[str, ...]
    folded: tuple[str, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]
    blind_spots: tuple[str, ...]
    hidden_strengths: tuple[str, ...]
    fit_others: float | None

    def competency(self, competency_id: str) -> CompetencyView:
        for view in self.competencies:
            if view.competency_id == competency_id:
                return view
        raise KeyError(competency_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "stage": self.stage,
            "competencies": [c.to_dict() for c in self.competencies],
            "rater_counts": dict(self.rater_counts),
            "shown_groups": list(self.shown_groups),
            "folded": list(self.folded),
            "left_out": list(self.left_out),
            "notes": list(self.notes),
            "blind_spots": list(self.blind_spots),
            "hidden_strengths": list(self.hidden_strengths),
            "fit_others": self.fit_others,
        }


def item_allowed(model: CompetencyModel, item_id: str, rater: str) -> bool:
    """Whether `rater` may answer the item (the model can keep items for some roles only)."""
    problem = unknown_rater_problem(rater)
    if problem is not None:
        raise ValueError(problem)
    for _, item in model.items():
        if item.id == item_id:
            return item.rated_by(rater)
    raise ValueError(msg("errors_scoring.unknown_item", item=item_id, model=model.id))


def rating_from_result(result: AssessmentResult) -> Rating:
    """The competency scores of a stored assessment, as one rating of its subject."""
    return Rating(
        rater=result.rater,
        scores={c.competency_id: c.score for c in result.competencies},
        rater_id=result.person,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _group_score(group: str, values: Sequence[float]) -> GroupScore:
    if not values:
        return GroupScore(group=group, n=0, mean=None, sd=None, min=None, max=None)
    low, high = min(values), max(values)
    # Clamped so rounding can never put a mean outside the scores it summarises.
    mean = min(high, max(low, math.fsum(values) / len(values)))
    spread = statistics.stdev(values) if len(values) >= 2 else None
    return GroupScore(group=group, n=len(values), mean=mean, sd=spread, min=low, max=high)


def _flag(difference: float | None, threshold: float) -> str | None:
    if difference is None:
        return None
    if difference >= threshold - EPSILON:
        return BLIND_SPOT
    if -difference >= threshold - EPSILON:
        return HIDDEN_STRENGTH
    return None


@dataclass(frozen=True, slots=True)
class _Layout:
    """Which roles form which shown group, which count in `others`, which are left out."""

    shown: tuple[str, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    counted: tuple[str, ...]
    folded: tuple[str, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]


def _listing(counts: Mapping[str, int], roles: Sequence[str]) -> str:
    """'1 peer rating and 2 customer ratings' (commas before the last 'and')."""
    parts = [_plural(counts[role], f"{role} rating") for role in roles]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _layout(counts: Mapping[str, int], threshold: int) -> _Layout:
    groups: list[tuple[str, tuple[str, ...]]] = []
    if counts[MANAGER]:
        groups.append((MANAGER, (MANAGER,)))
    groups += [(role, (role,)) for role in PROTECTED_ROLES if counts[role] >= threshold]
    folded = tuple(role for role in PROTECTED_ROLES if 0 < counts[role] < threshold)
    folded_total = sum(counts[role] for role in folded)
    left_out: tuple[str, ...] = ()
    notes: list[str] = []
    if folded and folded_total >= threshold:
        # One folded role alone is below the threshold, so this always joins two or more.
        groups.append((FOLDED_GROUP, folded))
        notes.append(
            f"{_listing(counts, folded)} were too few to show alone (threshold {threshold}): "
            f"together they are shown as '{FOLDED_LABEL}'."
        )
    elif folded:
        left_out = folded
        one = folded_total == 1
        notes.append(
            f"{_listing(counts, folded)} {'was' if one else 'were'} left out of every figure: "
            f"fewer than {threshold} ratings could identify the rater{'' if one else 's'}."
        )
    shown = ((SELF,) if counts[SELF] else ()) + tuple(name for name, _ in groups)
    counted = tuple(role for _, roles in groups for role in roles)
    return _Layout(
        shown=shown,
        groups=tuple(groups),
        counted=counted,
        folded=folded,
        left_out=left_out,
        notes=tuple(notes),
    )


def _situation_notes(counts: Mapping[str, int], layout: _Layout) -> list[str]:
    """What can and cannot be compared; decided by counted raters, never by left-out ones."""
    others = sum(n for role, n in counts.items() if role != SELF)
    counted = sum(counts[role] for role in layout.counted)
    notes: list[str] = []
    if counts[SELF] > 1:
        notes.append(
            f"{counts[SELF]} self ratings were given; only the latest (the last one) is used."
        )
    if not counts[SELF] and not others:
        notes.append("No ratings of this subject: nothing to compare.")
    elif not others:
        notes.append("Only a self rating: no comparison possible.")
    elif not counted and counts[SELF]:
        notes.append("Only the self rating can be shown: no comparison possible.")
    elif not counts[SELF]:
        notes.append("No self rating: blind spots and hidden strengths need one.")
    return notes


def _scores_of(ratings: Sequence[Rating], competency_id: str) -> list[float]:
    found = (rating.scores.get(competency_id) for rating in ratings)
    return [float(score) for score in found if score is not None]


def build_subject_report(
    model: CompetencyModel, subject: str, stage: str, ratings: Sequence[Rating]
) -> SubjectReport:
    """Compare every rating of `subject` at `stage` (rules in the module docstring).

    ValueError for an unknown stage, an unknown rater role (listing the allowed ones), a
    competency id the model lacks, or a score off the scale.
    """
    if stage not in model.stage_ids:
        raise ValueError(
            msg("errors_scoring.unknown_stage", stage=stage, stages=", ".join(model.stage_ids))
        )
    check_ratings(model, ratings)
    by_role = {role: [r for r in ratings if r.rater == role] for role in RATER_ROLES}
    counts = {role: len(by_role[role]) for role in RATER_ROLES}
    layout = _layout(counts, model.anonymity_threshold)
    latest_self = by_role[SELF][-1] if by_role[SELF] else None
    counted = [r for r in ratings if r.rater in layout.counted]
    flag_threshold = (model.scale.max - model.scale.min) / 3
    targets = model.stage(stage).targets

    views: list[CompetencyView] = []
    for competency in model.competencies:
        cid = competency.id
        target = targets[cid]
        groups = tuple(
            _group_score(name, _scores_of([r for role in roles for r in by_role[role]], cid))
            for name, roles in layout.groups
        )
        others = _group_score(OTHERS, _scores_of(counted, cid))
        self_score = None if latest_self is None else latest_self.scores.get(cid)
        self_score = None if self_score is None else float(self_score)
        gap = None if others.mean is None else float(target.target) - others.mean
        difference = None if self_score is None or others.mean is None else self_score - others.mean
        views.append(
            CompetencyView(
                competency_id=cid,
                target=float(target.target),
                weight=float(target.weight),
                self_score=self_score,
                groups=groups,
                others=others,
                gap=gap,
                status=INSUFFICIENT if gap is None else model.band_for_gap(gap).id,
                self_minus_others=difference,
                flag=_flag(difference, flag_threshold),
            )
        )

    notes = _situation_notes(counts, layout) + list(layout.notes)
    if counted and all(v.others.n == 0 for v in views):
        notes.append("The other raters answered too few items to score any competency.")
    if latest_self is not None and all(v.self_score is None for v in views):
        notes.append("The self rating answered too few items to score any competency.")
    others_means = {v.competency_id: v.others.mean for v in views}
    return SubjectReport(
        subject=subject,
        stage=stage,
        competencies=tuple(views),
        rater_counts=counts,
        shown_groups=layout.shown,
        folded=layout.folded,
        left_out=layout.left_out,
        notes=tuple(notes),
        blind_spots=tuple(v.competency_id for v in views if v.flag == BLIND_SPOT),
        hidden_strengths=tuple(v.competency_id for v in views if v.flag == HIDDEN_STRENGTH),
        fit_others=stage_fit(model, others_means, stage),
    )
