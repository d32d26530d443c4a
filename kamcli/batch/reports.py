"""One report file per respondent (`--report-dir`), and the full result it is built from.

Reports and history need a complete AssessmentResult (priorities, strengths, …), so those
rows are scored again with `score_assessment` — the reference scorer, slower than the plan
but only used when a report or a saved record is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.errors import OutputError
from kamcli.io.atomic import write_atomic
from kamcli.io.safe_names import report_filename
from kamcli.render.formats import RenderOptions, ReportFormat, renderer

if TYPE_CHECKING:
    from kamcli.batch.rows import GoodRow
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult


def full_result(
    model: CompetencyModel, row: GoodRow, answers: dict[str, int | None], lang: str
) -> AssessmentResult:
    from kamcli.questionnaire.flow import now_iso
    from kamcli.scoring import score_assessment

    return score_assessment(
        model,
        answers,
        stage=row.stage,
        lang=lang,
        created_at=now_iso(),
        person=row.name,
        account=row.account,
        rater=row.rater or "self",
        subject=row.subject,
    )


class ReportWriter:
    """Writes `NNNN-slug.ext` files into a folder (created if missing); same names are replaced."""

    def __init__(
        self,
        model: CompetencyModel,
        folder: Path,
        fmt: str,
        lang: str,
        font: Path | None,
        render: Callable[..., str | bytes] | None = None,
    ) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"Cannot create the report folder {folder}: {exc.strerror or exc}."
            ) from None
        self._model = model
        self._folder = folder
        self._format = ReportFormat(fmt)
        self._render: Callable[..., str | bytes] = render or renderer(self._format)
        self._options = RenderOptions(font=font)
        self._lang = lang
        self._taken: set[str] = set()
        self.count = 0

    def write(
        self, index: int, name: str | None, respondent_id: str, result: AssessmentResult
    ) -> Path:
        return self._save(index, name, respondent_id, result)

    def _save(self, index: int, name: str | None, respondent_id: str, report: object) -> Path:
        content = self._render(self._model, report, self._lang, self._options)
        filename = report_filename(index, name, respondent_id, self._format.value, self._taken)
        path = self._folder / filename
        write_atomic(path, content)
        self.count += 1
        return path
