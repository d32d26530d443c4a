"""One report file per respondent (`--report-dir`), and the full result it is built from.

Reports and history need a complete AssessmentResult (priorities, strengths, …), so those
rows are scored again with `score_assessment` — the reference scorer, slower than the plan
but only used when a report or a saved record is asked for.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.errors import DISK_FULL, OutputError, msg
from kamcli.io.safe_names import report_filename
from kamcli.io.tempfiles import new_staging_dir
from kamcli.render.formats import RenderOptions, ReportFormat, renderer

if TYPE_CHECKING:
    from kamcli.batch.row_outcomes import GoodRow
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
    """Writes `NNNN-slug.ext` files for a folder (created if missing); same names are replaced.

    The files go into a hidden staging folder beside the target first and are moved into the
    target by `commit()` at the end of the run, so an interrupted or failed run (`abort()`)
    leaves the target folder exactly as it was; a killed run's staging folder is removed by
    the next run (kamcli.io.tempfiles).
    """

    def __init__(
        self,
        model: CompetencyModel,
        folder: Path,
        fmt: str,
        lang: str,
        font: Path | None,
        render: Callable[..., str | bytes] | None = None,
    ) -> None:
        if folder.exists() and not folder.is_dir():
            raise OutputError(msg("errors_batch.reports_into_file", folder=folder))
        self._model = model
        self._target = folder
        self._staging: Path | None = None
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
        path = self._staging_dir() / filename
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            with path.open("wb") as out:
                out.write(data)
        except OSError as exc:
            path = self._target / filename
            raise OutputError(msg("errors_cli.cannot_write", path=path, reason=_why(exc))) from None
        self.count += 1
        return self._target / filename

    def _staging_dir(self) -> Path:
        if self._staging is None:
            parent = self._target.parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
                self._staging = new_staging_dir(parent, self._target.name)
            except OSError as exc:
                reason = _why(exc)
                raise OutputError(
                    msg("errors_batch.report_folder", path=self._target, reason=reason)
                ) from None
        return self._staging

    def commit(self) -> None:
        """Move the reports into the target folder (a rename when it did not exist)."""
        staging, target = self._staging, self._target
        try:
            if staging is None:
                target.mkdir(parents=True, exist_ok=True)
                return
            if not target.exists():
                staging.chmod(0o777 & ~_umask())
                staging.rename(target)
            else:
                for entry in sorted(staging.iterdir()):
                    entry.replace(target / entry.name)
                staging.rmdir()
        except OSError as exc:
            reason = _why(exc)
            raise OutputError(
                msg("errors_batch.move_reports", target=target, reason=reason, staging=staging)
            ) from None
        self._staging = None

    def abort(self) -> None:
        """Forget this run's reports: the target folder stays as it was."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


def _why(exc: OSError) -> str:
    return (
        msg("errors_batch.disk_full_reason") if exc.errno in DISK_FULL else str(exc.strerror or exc)
    )


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
