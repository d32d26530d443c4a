"""A survey tool's response export read as plain `kam batch` columns (auto-detected or --from)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamcli.batch.options import BatchOptions
    from kamcli.io.batch_read import Table
    from kamcli.model.schema import CompetencyModel


def adapt_survey(
    table: Table,
    model: CompetencyModel,
    options: BatchOptions,
    note: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Rename a tool's header to item ids (survey modules imported only for such a file)."""
    from kamcli.io.survey.tools import Tool, detect

    tool = Tool(options.survey_tool)
    if tool is Tool.auto and options.survey_map is None and detect(table.header) is Tool.kam:
        return  # the plain columns: nothing more to import
    from kamcli.io.survey.adapt import adapt_table

    adapt_table(table, model, tool, options.survey_map, seconds=options.stats is not None)
    if table.survey is not None:
        notes = table.survey.notes
        if notes and not options.quiet:
            note(notes[0])
        for later in notes[1:]:
            warn(later)
