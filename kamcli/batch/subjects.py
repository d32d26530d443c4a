"""`kam batch --by-subject`: every rating of a subject combined into one 360° report.

Rows are grouped by subject (the subject column, else the name, else the respondent id) and
each subject's ratings are compared with `build_subject_report`, at the stage most of its
rows give (the first such stage on a tie; a note says when its rows disagree).

Memory: unlike the rest of `kam batch`, this has to keep something per row until the end,
since a subject's last rating may be the input's last row. It keeps the competency scores,
never the answers: per rating one tuple of the role and the row's score tuple (shared
floats from the plan's tables), about 250 bytes with the default model's 14 competencies —
O(ratings × competencies), some 250 MB per million ratings — plus the subject names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.batch.reports import ReportWriter
from kamcli.scoring.multirater import Rating, SubjectReport, build_subject_report

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

Scores = tuple[float | None, ...]


@dataclass(frozen=True)
class SubjectOutcome:
    """One subject's 360° report, numbered in order of first appearance (from 1)."""

    index: int
    subject: str
    report: SubjectReport
    stages: tuple[tuple[str, int], ...]  # every stage its rows gave, most common first

    @property
    def mixed(self) -> bool:
        return len(self.stages) > 1


class SubjectCollector:
    """Collects each row's role and competency scores under its subject."""

    def __init__(self, model: CompetencyModel) -> None:
        self._model = model
        self._competency_ids = tuple(c.id for c in model.competencies)
        self._ratings: dict[str, list[tuple[str, Scores]]] = {}
        self._stages: dict[str, dict[str, int]] = {}
        self.ratings = 0

    def __len__(self) -> int:
        return len(self._ratings)

    def add(self, subject: str, rater: str, stage: str, scores: Scores) -> None:
        ratings = self._ratings.get(subject)
        if ratings is None:
            ratings = self._ratings[subject] = []
            self._stages[subject] = {}
        ratings.append((rater, scores))
        stages = self._stages[subject]
        stages[stage] = stages.get(stage, 0) + 1
        self.ratings += 1

    def outcomes(self) -> Iterator[SubjectOutcome]:
        """The reports, one subject at a time (each subject's ratings are freed once built)."""
        model, ids = self._model, self._competency_ids
        for index, subject in enumerate(list(self._ratings), 1):
            ratings = self._ratings.pop(subject)
            counts = self._stages.pop(subject)
            # sorted() is stable: among equally common stages the first one met wins
            stages = tuple(sorted(counts.items(), key=lambda pair: -pair[1]))
            stage = stages[0][0]
            report = build_subject_report(
                model,
                subject,
                stage,
                [Rating(rater, dict(zip(ids, scores, strict=True))) for rater, scores in ratings],
            )
            if len(stages) > 1:
                report = dataclasses.replace(report, notes=(*report.notes, mixed_note(stages)))
            yield SubjectOutcome(index, subject, report, stages)


def mixed_note(stages: tuple[tuple[str, int], ...]) -> str:
    listing = ", ".join(f"{stage} {count}" for stage, count in stages)
    return (
        f"The ratings give different stages ({listing}): all are compared with the targets "
        f"of {stages[0][0]}, the most common."
    )


class SubjectReportWriter(ReportWriter):
    """Writes one 360° report per subject into a folder: `NNNN-slug.ext`, never overwriting
    another subject's file in the same run."""

    def __init__(
        self, model: CompetencyModel, folder: Path, fmt: str, lang: str, font: Path | None
    ) -> None:
        from kamcli.render.formats import ReportFormat, subject_renderer

        render = subject_renderer(ReportFormat(fmt))
        super().__init__(model, folder, fmt, lang, font, render=render)

    def save(self, outcome: SubjectOutcome) -> Path:
        return self._save(outcome.index, outcome.subject, outcome.subject, outcome.report)
