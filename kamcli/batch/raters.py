"""Rater roles in `kam batch` rows: which role a row is, what it may answer, how it scores.

A row's `rater` cell names the role (`self` when the column is missing or empty; any case).
A model can keep items for some roles only (`items[].raters`); a row of another role must
leave those items empty, and its competencies are scored over the items it may answer, as
`score_assessment` does. Such rows (only in models that restrict items) are scored by the
reference scorer: slower than the plan, but never in disagreement with `kam assess`.
"""

from __future__ import annotations

from collections.abc import Sequence

from kamcli.errors import Msg, msg
from kamcli.model.schema import RATER_ROLES, CompetencyModel
from kamcli.scoring.plan import RowScore
from kamcli.scoring.score import score_competency, stage_fit

SELF = "self"
NOT_RATED = "errors_rows.not_rated_by"
# How messages name the raters of a role ("item x is not rated by managers"): catalogue keys.
ROLE_PLURALS = {role: f"errors_rows.raters_{role}" for role in RATER_ROLES}


class RaterRules:
    """The roles of a model's rows, and the items each role must leave empty."""

    def __init__(self, model: CompetencyModel, item_ids: Sequence[str]) -> None:
        self._model = model
        self._item_ids = tuple(item_ids)
        self.roles = {"": SELF, **{role: role for role in RATER_ROLES}}  # cell -> role
        items = {item.id: item for _, item in model.items()}
        self.forbidden: dict[str, tuple[int, ...]] = {}
        self.allowed: dict[str, int] = {}
        for role in RATER_ROLES:
            barred = tuple(
                index for index, item_id in enumerate(item_ids) if not items[item_id].rated_by(role)
            )
            self.allowed[role] = len(item_ids) - len(barred)
            if barred:
                self.forbidden[role] = barred

    def role(self, given: str) -> str | None:
        """The role a cell names (None when it names none); empty means `self`."""
        return self.roles.get(given) or self.roles.get(given.casefold())

    def unknown(self, given: str) -> Msg:
        from kamcli.scoring.multirater import unknown_rater_problem  # rarely needed: lazily

        problem = unknown_rater_problem(given)
        assert problem is not None, "only called for a cell that names no role"
        return problem

    def problems(self, role: str, values: Sequence[int | None]) -> list[Msg]:
        """Answers the role may not give: one message per answered item reserved for others."""
        answered = [i for i in self.forbidden.get(role, ()) if values[i] is not None]
        if not answered:
            return []
        who = msg(ROLE_PLURALS[role])
        return [msg(NOT_RATED, item=self._item_ids[index], who=who) for index in answered]

    def score(self, values: Sequence[int | None], stage: str, role: str) -> RowScore:
        """The row scored over the items its role may answer (score_assessment's rules)."""
        model = self._model
        answers = dict(zip(self._item_ids, values, strict=True))
        results = [score_competency(model, c, answers, stage, role) for c in model.competencies]
        scores = {r.competency_id: r.score for r in results}
        following = model.next_stage(stage)
        answered = sum(1 for value in values if value is not None)
        allowed = self.allowed[role]
        return RowScore(
            stage=stage,
            scores=tuple(r.score for r in results),
            gaps=tuple(r.gap for r in results),
            statuses=tuple(r.status for r in results),
            coverages=tuple(r.coverage for r in results),
            fit=stage_fit(model, scores, stage),
            next_fit=None if following is None else stage_fit(model, scores, following.id),
            coverage=answered / allowed if allowed else 0.0,
        )
