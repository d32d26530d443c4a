"""Scored batch rows as output text: wide CSV (one row per respondent), long CSV (one row
per respondent x competency, ready to pivot), JSON Lines and JSON records.

Numbers are rounded to 2 decimals; None is an empty cell / null. Every CSV text cell is
neutralised against formula injection. record_writers.py puts the lines in a file or stdout.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from operator import getitem
from typing import TYPE_CHECKING

from kamcli.batch.formats import OutputFormat
from kamcli.batch.row_outcomes import row_score
from kamcli.io.cells import neutralise
from kamcli.render.labels import json_dumps

if TYPE_CHECKING:
    from kamcli.batch.row_outcomes import GoodRow
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.plan import RowScore, ScoringPlan

DECIMALS = 2
NEGATIVE_ZERO = "-0." + "0" * DECIMALS  # a tiny negative gap rounds to 0.00, not -0.00
INSUFFICIENT = "insufficient"  # the status of a competency without a score (plan.INSUFFICIENT)
# Distinct numbers whose text is cached; scores repeat a lot (a competency of 5 items on a
# 1–5 scale has 21 possible scores), so nearly every lookup hits and memory stays bounded.
CACHE_LIMIT = 4096
LONG_COLUMNS = (
    "respondent_id",
    "name",
    "stage",
    "competency_id",
    "competency",
    "score",
    "target",
    "gap",
    "status",
    "coverage",
    "priority",
)
_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def wide_columns(model: CompetencyModel) -> tuple[str, ...]:
    per_competency = [
        f"{c.id}_{part}" for c in model.competencies for part in ("score", "gap", "status")
    ]
    return (
        "respondent_id",
        "name",
        "account",
        "stage",
        *per_competency,
        "fit",
        "next_fit",
        "coverage",
    )


class NumberText(dict[float | None, str]):
    """Numbers as text with 2 decimals (CSV: "" for None; JSON: null), cached by value."""

    def __init__(self, none: str) -> None:
        super().__init__()
        self._none = none

    def __missing__(self, value: float | None) -> str:
        text = self.uncached(value)
        if len(self) < CACHE_LIMIT:
            self[value] = text
        return text

    def uncached(self, value: float | None) -> str:
        """For numbers that rarely repeat (fit), which would only fill the cache."""
        if value is None:
            return self._none
        text = f"{value:.{DECIMALS}f}"
        return text[1:] if text == NEGATIVE_ZERO else text


def csv_text(value: str | None) -> str:
    """A text cell for CSV: neutralised against formulas, quoted when it must be."""
    if not value:
        return ""
    if value[0].isalnum() and not _CSV_SPECIAL.search(value):
        return value  # the common case, decided without the general checks below
    text = neutralise(value)
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def json_text(value: str | None) -> str:
    return "null" if value is None else json_dumps(value, indent=None)


class _GapText(dict[float | None, str]):
    """`gap,status` CSV text, cached: the status is the model's band for the gap, as scored."""

    def __init__(self, numbers: NumberText, model: CompetencyModel) -> None:
        super().__init__()
        self._numbers = numbers
        self._model = model

    def __missing__(self, gap: float | None) -> str:
        status = INSUFFICIENT if gap is None else self._model.band_for_gap(gap).id
        text = f"{self._numbers[gap]},{status}"
        if len(self) < CACHE_LIMIT:
            self[gap] = text
        return text


class RecordFormatter:
    """Output lines from scored rows; targets and names are looked up once, not per row.

    Lines are built as text directly (numbers from a cache, user text quoted and
    neutralised), which is several times faster than a csv.writer fed with floats. A wide
    CSV line of a fully answered row is joined from texts made once per run for every entry
    of the plan's stage tables, indexed by the row's digit keys.
    """

    def __init__(
        self, model: CompetencyModel, plan: ScoringPlan, lang: str, long: bool, fmt: OutputFormat
    ) -> None:
        self.long = long
        self.format = fmt
        self.columns = LONG_COLUMNS if long else wide_columns(model)
        self._plan = plan
        is_csv = fmt is OutputFormat.csv
        self._text = csv_text if is_csv else json_text
        self._numbers = NumberText("" if is_csv else "null")
        self._fits = self._numbers.uncached
        self._gap_text = _GapText(self._numbers, model).__getitem__
        self._stages = {s.id: self._text(s.id) for s in model.stages}
        self._keys = tuple(json.dumps(c, ensure_ascii=False) + ": " for c in self.columns)
        self._competencies = tuple(
            (self._text(c.id), self._text(model.text(c.name, lang))) for c in model.competencies
        )
        self._targets = {
            stage.id: tuple(
                (float(stage.targets[c.id].target), float(stage.targets[c.id].weight))
                for c in model.competencies
            )
            for stage in model.stages
        }
        number = self._numbers
        self._entry_texts = {
            stage: tuple(
                tuple(f"{number[e[0]]},{number[e[1]]},{e[2]}" for e in entries)
                for entries in plan.stage_table(stage)
            )
            for stage in plan.stage_ids
        } if plan.has_digit_keys else {}  # fmt: skip
        self._full = number[1.0]

    def entry_texts(self, stage: str) -> tuple[tuple[str, ...], ...]:
        """Per competency, the `score,gap,status` text of each digit key at a stage (wide
        CSV; only for plans with digit keys)."""
        return self._entry_texts[stage]

    def stage_text(self, stage: str) -> str:
        return self._stages[stage]

    def number_text(self, value: float) -> str:
        return self._numbers[value]

    def lines(self, row: GoodRow) -> list[str]:
        """One line (wide) or one per competency (long); CSV lines end in CRLF."""
        text = self._text
        if self.format is OutputFormat.csv and not self.long:
            return [self.wide_csv_line(row)]
        score = row_score(self._plan, row)
        if self.long:
            return self._long(text(row.respondent_id), text(row.name), text(score.stage), score)
        number = self._numbers
        cells = [
            text(row.respondent_id),
            text(row.name),
            text(row.account),
            self._stages[row.stage],
        ]
        for value, gap, status in zip(score.scores, score.gaps, score.statuses, strict=True):
            cells += (number[value], number[gap], text(status))
        fits = self._fits
        cells += (fits(score.fit), fits(score.next_fit), number[score.coverage])
        return [self._join(cells)]

    def wide_csv_line(self, row: GoodRow) -> str:
        """The hot path of a default run: one C-level join over ready-made texts."""
        fits = self._fits
        fit: float | None
        if row.keys is not None:
            results = ",".join(map(getitem, self._entry_texts[row.stage], row.keys))
            fit, next_fit = self._plan.fits(row.keys, row.stage)
            coverage = self._full
        else:
            score = row_score(self._plan, row)
            number = self._numbers
            texts = zip(
                map(number.__getitem__, score.scores),
                map(self._gap_text, score.gaps),
                strict=True,
            )
            results = ",".join(chain.from_iterable(texts))
            fit, next_fit, coverage = score.fit, score.next_fit, number[score.coverage]
        return (
            ",".join(
                (
                    csv_text(row.respondent_id),
                    csv_text(row.name),
                    csv_text(row.account),
                    self._stages[row.stage],
                    results,
                    fits(fit),
                    fits(next_fit),
                    coverage,
                )
            )
            + "\r\n"
        )

    def _long(self, rid: str, name: str, stage: str, row: RowScore) -> list[str]:
        number = self._numbers
        parts = zip(
            self._competencies,
            self._targets[row.stage],
            row.scores,
            row.gaps,
            row.statuses,
            row.coverages,
            strict=True,
        )
        out = []
        for (cid, cname), (target, weight), score, gap, status, coverage in parts:
            priority = None if gap is None else max(gap, 0.0) * weight
            cells = [rid, name, stage, cid, cname, number[score], number[target], number[gap]]
            cells += (self._text(status), number[coverage], number[priority])
            out.append(self._join(cells))
        return out

    def _join(self, cells: list[str]) -> str:
        if self.format is OutputFormat.csv:
            return ",".join(cells) + "\r\n"
        return "{" + ", ".join(map(str.__add__, self._keys, cells)) + "}"

    def header(self) -> str:
        return ",".join(csv_text(c) for c in self.columns) + "\r\n"
