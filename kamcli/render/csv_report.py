"""The gap report as a CSV table, one row per competency, for spreadsheets and pivot tables.

A clean table with no preamble, so it loads as is; who and when (person, account, stage,
created_at) repeat on every row at the end, so each file, or rows pasted from several files,
still says which assessment they came from. Text cells go through `write_csv_text`, which
defuses formula injection; `status` is the stable band id, `status_label` its word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.io.cells import write_csv_text
from kamcli.render.labels import competency_name, status_word

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring.result import AssessmentResult, CompetencyResult

COLUMNS = (
    "competency_id",
    "name",
    "score",
    "target",
    "gap",
    "status",
    "coverage",
    "priority",
    "status_label",
    "weight",
    "answered",
    "total",
    "next_target",
    "person",
    "account",
    "stage",
    "created_at",
)
DECIMALS = 2


def rounded(value: float | None) -> float | None:
    """Two decimals, None kept (an empty cell); never -0.0, which would print as "-0.0"."""
    return None if value is None else round(value, DECIMALS) + 0.0


def _row(
    model: CompetencyModel, result: AssessmentResult, row: CompetencyResult, lang: str
) -> list[object]:
    return [
        row.competency_id,
        competency_name(model, row.competency_id, lang),
        rounded(row.score),
        rounded(row.target),
        rounded(row.gap),
        row.status,
        rounded(row.coverage),
        rounded(row.priority),
        status_word(model, row.status, lang)[1],
        rounded(row.weight),
        row.answered,
        row.total,
        rounded(row.next_target),
        result.person,
        result.account,
        result.stage,
        result.created_at,
    ]


def render_csv(
    model: CompetencyModel,
    result: AssessmentResult,
    lang: str,
    options: RenderOptions,  # noqa: ARG001 - the Renderer interface; CSV has no options
) -> bytes:
    """UTF-8 with a BOM (Excel needs it to read Chinese names correctly), CRLF line ends."""
    rows: list[list[object]] = [list(COLUMNS)]
    rows += [_row(model, result, row, lang) for row in result.competencies]
    return write_csv_text(rows).encode("utf-8-sig")
