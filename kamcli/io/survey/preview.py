"""How kam batch would read the columns of a survey export, without reading its rows:
the starting point `kam export mapping FILE` writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.io.batch_read import check_sources, open_table
from kamcli.io.survey.adapt import front_rows
from kamcli.io.survey.columns import Columns, resolve
from kamcli.io.survey.tools import Profile, Tool, detect, profile

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel


def header_columns(
    source: str, model: CompetencyModel, tool: Tool
) -> tuple[tuple[str, ...], Columns]:
    """The header of `source` and where each of its columns would go."""
    check_sources([source])
    with open_table(source, model.item_ids(), lambda _key, _line: None) as table:
        found = detect(table.header) if tool is Tool.auto else tool
        shape = profile(found) if found is not Tool.kam else Profile(Tool.kam)
        id_index = shape.find(table.header, shape.id_columns)
        texts, _first = front_rows(table, shape, id_index)
        header = table.header
        columns = resolve(header, texts, model, shape, None)
        if id_index is not None:
            columns.names[id_index] = "respondent_id"
        time_index = shape.find(header, shape.time_columns)
        if time_index is not None:
            columns.names[time_index] = "seconds"
        return header, columns
