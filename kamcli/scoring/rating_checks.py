"""The 360° report's inputs checked before anything is combined: every rater role and score,
each problem worded from the catalogue (errors_scoring) so a zh run reads it in Chinese."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

from kamcli.errors import Msg, MsgList, msg
from kamcli.model.schema import RATER_ROLES, CompetencyModel
from kamcli.scoring.score import EPSILON


class Rating(Protocol):
    """What is checked of a multirater.Rating (kept apart so neither module imports the other)."""

    @property
    def rater(self) -> str: ...

    @property
    def scores(self) -> Mapping[str, float | None]: ...


def unknown_rater_problem(rater: str) -> Msg | None:
    """A message listing the allowed roles when `rater` is not one of them, else None."""
    if rater in RATER_ROLES:
        return None
    return msg("errors_scoring.unknown_rater", rater=rater, roles=", ".join(RATER_ROLES))


def check_ratings(model: CompetencyModel, ratings: Sequence[Rating]) -> None:
    """Raise one ValueError naming every bad role and score, so all are fixed in one go."""
    problems: list[str] = []
    competency_ids = {c.id for c in model.competencies}
    low, high = model.scale.min, model.scale.max
    for number, rating in enumerate(ratings, start=1):
        role_problem = unknown_rater_problem(rating.rater)
        if role_problem is not None:
            problems.append(msg("errors_scoring.rating", number=number, problem=role_problem))
        for competency_id, score in rating.scores.items():
            at = {"number": number, "id": competency_id}
            if competency_id not in competency_ids:
                problems.append(msg("errors_scoring.rating_not_competency", **at, model=model.id))
            elif score is None:
                continue
            elif isinstance(score, bool) or not isinstance(score, int | float):
                problems.append(msg("errors_scoring.rating_not_number", **at, score=repr(score)))
            elif not math.isfinite(score) or not low - EPSILON <= score <= high + EPSILON:
                problems.append(
                    msg(
                        "errors_scoring.rating_off_scale",
                        **at,
                        score=repr(score),
                        low=low,
                        high=high,
                    )
                )
    if problems:
        key = (
            "errors_scoring.invalid_ratings_one"
            if len(problems) == 1
            else "errors_scoring.invalid_ratings_many"
        )
        listed = MsgList("errors_scoring.separator", problems)
        raise ValueError(msg(key, count=len(problems), problems=listed))
