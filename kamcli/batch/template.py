"""Blank response sheets for `kam batch`: `kam template responses` (CSV or XLSX).

Columns are respondent_id, name, account, stage (optional per row: `kam batch --stage`
sets it for all), then one column per item id in model order — exactly what `kam batch`
reads. The XLSX adds an "items" sheet with each item's competency and text in the chosen
language, the scale legend and the stage ids, and cell checks that keep answers on the scale.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kamcli.errors import MissingFeatureError, msg
from kamcli.i18n import t
from kamcli.io.cells import write_csv_text
from kamcli.io.table_rows import META_COLUMNS

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

SHEET_COLUMNS = META_COLUMNS[:4]  # respondent_id, name, account, stage
VALIDATED_ROWS = 5000

# The sheet's own words, from the string catalogue (namespace `responses_sheet`).
SHEET_WORDS = ("item", "competency", "text", "target", "scale", "meaning", "stage", "stage_name")


def response_columns(
    model: CompetencyModel, rater: str = "self", diagnostic: bool = False
) -> list[str]:
    """Meta columns, then the items this rater role may rate (plus subject, rater if not self),
    then with `diagnostic` the stage diagnostic's statement ids."""
    meta = [*SHEET_COLUMNS] if rater == "self" else [*SHEET_COLUMNS, "subject", "rater"]
    items = [item.id for _, item in model.items() if item.rated_by(rater)]
    statements = [s.id for s in model.diagnostic.statements] if diagnostic else []
    return [*meta, *items, *statements]


def responses_csv(model: CompetencyModel, rater: str = "self", diagnostic: bool = False) -> str:
    """The header row only; CRLF like Excel (encode with utf-8-sig for a file)."""
    return write_csv_text([response_columns(model, rater, diagnostic)])


def responses_xlsx(
    model: CompetencyModel,
    lang: str,
    stage: str | None,
    rater: str = "self",
    diagnostic: bool = False,
) -> bytes:
    """A workbook: the blank "responses" sheet, then the "items" reference sheet."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        from kamcli.extras import install_command

        command = install_command("xlsx")
        raise MissingFeatureError(msg("errors_batch.xlsx_extra", command=command)) from None
    words = {key: t(f"responses_sheet.{key}", lang) for key in (*SHEET_WORDS, "how")}
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "responses"
    columns = response_columns(model, rater, diagnostic)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 20
    last_row = VALIDATED_ROWS + 1
    stages = DataValidation(
        type="list", formula1=f'"{",".join(model.stage_ids)}"', allow_blank=True
    )
    stages.add(f"D2:D{last_row}")
    low, high = model.scale.min, model.scale.max
    answers = DataValidation(
        type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True
    )
    meta_count = len(SHEET_COLUMNS) if rater == "self" else len(SHEET_COLUMNS) + 2
    first_item, last_item = (
        get_column_letter(meta_count + 1),
        get_column_letter(len(columns)),
    )
    answers.add(f"{first_item}2:{last_item}{last_row}")
    sheet.add_data_validation(stages)
    sheet.add_data_validation(answers)
    _items_sheet(workbook.create_sheet("items"), model, lang, stage, words, rater, diagnostic)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _items_sheet(
    sheet: Any,
    model: CompetencyModel,
    lang: str,
    stage: str | None,
    words: dict[str, str],
    rater: str = "self",
    diagnostic: bool = False,
) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    option = f" --stage {stage}" if stage else ""
    _row(
        sheet, [words["how"].format(low=model.scale.min, high=model.scale.max, stage_option=option)]
    )
    _row(sheet, [])
    header = [words["item"], words["competency"], words["text"]]
    if stage:
        header.append(words["target"].format(stage=stage))
    _row(sheet, header, bold)
    targets = model.stage(stage).targets if stage else None
    for competency, item in model.items():
        if not item.rated_by(rater):
            continue
        row: list[object] = [
            item.id,
            model.text(competency.name, lang),
            model.text(item.wording(rater), lang),
        ]
        if targets is not None:
            row.append(targets[competency.id].target)
        _row(sheet, row)
    if diagnostic:  # statements about the relationship, answered on the agreement anchors
        intro = model.text(model.diagnostic.intro, lang)
        for statement in model.diagnostic.statements:
            _row(sheet, [statement.id, intro, model.text(statement.text, lang)])
    _row(sheet, [])
    _row(sheet, [words["scale"], words["meaning"]], bold)
    for value, anchor in zip(model.scale.values, model.scale.anchors, strict=True):
        _row(sheet, [value, model.text(anchor, lang)])
    _row(sheet, [])
    _row(sheet, [words["stage"], words["stage_name"]], bold)
    for each in model.stages:
        _row(sheet, [each.id, model.text(each.name, lang)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 80


def _row(sheet: Any, values: Sequence[object], font: Any = None) -> None:
    """Append a row; text is always stored as text, never as a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
