"""The output rows of `kam batch` with who was rated and by whom: `subject` and `rater`.

They are the last two columns (wide and long), so scripts that read the earlier columns by
position keep working. `subject` is the subject column, else the name, else the respondent
id (row_outcomes.subject_of); `rater` is the row's role, `self` when the input names none.
The lines come from record_format.RecordFormatter and get the two cells appended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.batch.formats import OutputFormat
from kamcli.batch.record_format import RecordFormatter, csv_text, json_text
from kamcli.batch.row_outcomes import subject_of

if TYPE_CHECKING:
    from kamcli.batch.row_outcomes import GoodRow
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.plan import ScoringPlan

RATED_COLUMNS = ("subject", "rater")
# The stage diagnostic of a row that answered its statements (empty cells otherwise).
DIAGNOSTIC_COLUMNS = ("suggested_stage", "stage_confidence", "stage_unclear")
NO_DIAGNOSTIC = ",,"  # the three cells, empty, after the rater cell


class RatedRecordFormatter(RecordFormatter):
    """RecordFormatter whose lines end in the row's subject and rater."""

    def __init__(
        self, model: CompetencyModel, plan: ScoringPlan, lang: str, long: bool, fmt: OutputFormat
    ) -> None:
        super().__init__(model, plan, lang, long, fmt)
        self.columns = (*self.columns, *RATED_COLUMNS, *DIAGNOSTIC_COLUMNS)
        self._is_csv = fmt is OutputFormat.csv
        self._wide_csv = self._is_csv and not long

    def wide_csv_line(self, row: GoodRow) -> str:
        # The hot path of a default run: no super() and no helper call (subject_of inlined),
        # which keeps the two cells at ~0.2 µs a row.
        subject = row.subject or row.name or row.respondent_id
        line = RecordFormatter.wide_csv_line(self, row)
        diagnostic = NO_DIAGNOSTIC if row.diagnostic is None else ",".join(row.diagnostic)
        return f"{line[:-2]},{csv_text(subject)},{row.rater},{diagnostic}\r\n"

    def lines(self, row: GoodRow) -> list[str]:
        lines = super().lines(row)
        if self._wide_csv:
            return lines  # built by wide_csv_line above, already with both cells
        if self._is_csv:
            diagnostic = NO_DIAGNOSTIC if row.diagnostic is None else ",".join(row.diagnostic)
            tail = f",{csv_text(subject_of(row))},{row.rater},{diagnostic}\r\n"
            return [line[:-2] + tail for line in lines]
        stage, confidence, unclear = row.diagnostic or ("", "", "")
        tail = (
            f', "subject": {json_text(subject_of(row))}, "rater": {json_text(row.rater)}'
            f', "suggested_stage": {json_text(stage or None)}'
            f', "stage_confidence": {confidence or "null"}'
            f', "stage_unclear": {json_text(unclear or None)}}}'
        )
        return [line[:-1] + tail for line in lines]


class NullTarget:
    """The output of a run that writes no rows (`kam stats`): nothing to commit or abort."""

    def commit(self) -> None:
        return None

    def abort(self) -> None:
        return None


class NullRecordWriter:
    """Takes the rows of a run that writes none (`kam stats`)."""

    count = 0

    def write(self, row: GoodRow) -> None:
        del row

    def finish(self) -> None:
        return None
