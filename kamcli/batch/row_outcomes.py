"""What checking a `kam batch` row gives: a scored `GoodRow` or a rejected `BadRow`.

Kept apart from the checker (rows.py) so the writers, the rater rules and the collectors
that take rows depend on these types only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kamcli.errors import Msg, MsgList, in_lang, msg
from kamcli.i18n import t
from kamcli.scoring.plan import RowScore, ScoringPlan


@dataclass(slots=True)  # not frozen: frozen dataclasses are slower to build, per row
class GoodRow:
    """A scored row: who, at which stage, its answers and how it scored.

    On the fast path the row keeps its answers as `digits` (b"4352…") and its scores as the
    plan's digit `keys`, which is all a CSV line needs; the RowScore is built only when
    something asks for it (see `row_score`).
    """

    line: int
    respondent_id: str
    name: str | None
    account: str | None
    subject: str | None
    rater: str  # a role of RATER_ROLES; `self` when the row names none
    stage: str
    values: tuple[int | None, ...] | None  # in plan item order, or None when `digits`
    digits: bytes | None
    keys: tuple[int, ...] | None
    score: RowScore | None
    # suggested_stage, stage_confidence, stage_unclear cells (CSV text); None: no diagnostic
    diagnostic: tuple[str, str, str] | None = None

    def answers(self, item_ids: Sequence[str]) -> dict[str, int | None]:
        """The answered items as kam assess stores them (unanswered items left out)."""
        values = self.values if self.digits is None else [b - 48 for b in self.digits]
        assert values is not None
        return {i: v for i, v in zip(item_ids, values, strict=True) if v is not None}


def row_score(plan: ScoringPlan, row: GoodRow) -> RowScore:
    """The row's RowScore, computed from its digits the first time it is asked for."""
    if row.score is None:
        assert row.digits is not None
        row.score = plan.score_digits(row.digits, row.stage)
        assert row.score is not None  # the digits were checked when the row was read
    return row.score


@dataclass(frozen=True, slots=True)
class BadRow:
    """A rejected row, with why and its original cells (as text) for the rejects file."""

    line: int
    respondent_id: str | None
    reason: Msg  # in the run's language with kamcli.errors.in_lang
    cells: tuple[str, ...]
    brief: Msg | None = None  # for the terminal: the first few problems and how many more


SHOWN_PROBLEMS = 3
# The problems of a row, one after another: "; " ("；" in Chinese).
PROBLEMS_SEPARATOR = "errors_scoring.separator"


def brief_reason(problems: Sequence[Msg]) -> Msg | None:
    """One short line however many problems a row has (the rejects file keeps them all);
    None when the reason itself is short enough."""
    more = len(problems) - SHOWN_PROBLEMS
    if more <= 0:
        return None
    shown = MsgList(PROBLEMS_SEPARATOR, list(problems[:SHOWN_PROBLEMS]))
    return msg(
        "errors_rows.and_more_one" if more == 1 else "errors_rows.and_more_many",
        shown=shown,
        more=more,
    )


def rejected_texts(where: str, row: BadRow, lang: str) -> tuple[str, str]:
    """The terminal line `FILE:ROW: why (respondent_id X)` (the brief reason) and the whole
    reason for the rejects file, in `lang` (each rendered once: a zh run may reject 1M rows)."""
    reason = in_lang(row.reason, lang)
    shown = reason if row.brief is None else in_lang(row.brief, lang)
    if row.respondent_id:
        shown = t("errors_rows.with_respondent", lang, reason=shown, id=row.respondent_id)
    return f"{where}: {shown}", reason


def subject_of(row: GoodRow) -> str:
    """Who a row rates: the subject column, else the name, else the respondent id."""
    return row.subject or row.name or row.respondent_id
