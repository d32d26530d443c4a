"""What every batch reader (batch_read.py, jsonl_rows.py, survey/adapt.py) yields: rows
as (line, cells), or a RowProblem for a row it could not turn into cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kamcli.errors import Msg

META_COLUMNS = ("respondent_id", "name", "account", "stage", "subject", "rater")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row the reader could not turn into cells; `cells` is what it saw, as text."""

    reason: Msg  # in the run's language with kamcli.errors.in_lang
    cells: tuple[str, ...]


Row = tuple[int, Sequence[object] | RowProblem]
UnknownKey = Callable[[str, int], None]
