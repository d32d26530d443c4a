"""Turn an opened survey-tool export into the plain `kam batch` table, in place.

The rows keep their cells: only the header is renamed (the response id becomes
`respondent_id`, the completion time `seconds`, each question column its item id, the
tool's other columns "" = not used), so every check, reject, exit code and the block fast
path of `kam batch` apply unchanged. Answer labels, stage and role names and option numbers
are read through aliases the row checker adds to its lookups. Only what the cells cannot
say by themselves is done per row, lazily in the row iterator: the header rows after the
first are dropped, unfinished responses become rejected rows, `2分15秒` becomes 135, and a
missing response id or time is added at the end of the row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.errors import InputError, Msg, msg
from kamcli.io.batch_read import Table
from kamcli.io.csv_rows import PlainLines, rows_of
from kamcli.io.messages import joined, some_ids
from kamcli.io.survey.columns import resolve, unmatched
from kamcli.io.survey.tools import TITLES, Profile, Tool, detect, profile
from kamcli.io.survey.vocabulary import Stamp, label_values, role_values, stage_values
from kamcli.io.table_rows import Row, RowProblem

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

_DURATION = re.compile(
    r"^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m|min))?\s*(?:(\d+(?:\.\d+)?)\s*(?:秒|s|sec))?$"
)
_NOT_FINISHED = frozenset({"0", "false"})
_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M:%S", "%Y/%m/%d %H:%M")


@dataclass
class SurveyInfo:
    """What the row checker and the pipeline need to know about a survey-tool table."""

    tool: Tool
    values: dict[str, int]  # answer text -> scale value
    stages: dict[str, str]  # stage cell -> stage id
    roles: dict[str, str]  # rater cell -> role
    stage: str | None = None  # fixed by the export (`--stage` at export time)
    notes: list[Msg] = field(default_factory=list)


def adapt_table(
    table: Table,
    model: CompetencyModel,
    tool: Tool,
    mapping: Mapping[str, str] | None,
    *,
    seconds: bool = True,
) -> None:
    """Rename `table` into kam batch columns (no-op for a plain kam table); InputError when
    the file cannot be scored with this model (wrong model, items missing). `seconds`:
    completion times are used (--stats, kam stats), so turn them into seconds per row."""
    found = detect(table.header) if tool is Tool.auto else tool
    if found is Tool.kam and mapping is None:
        return
    shape = profile(found) if found is not Tool.kam else Profile(Tool.kam)
    name = table.name
    id_index = shape.find(table.header, shape.id_columns)
    texts, first = front_rows(table, shape, id_index)
    columns = resolve(table.header, texts, model, shape, mapping)
    header = list(columns.names)
    if id_index is not None:
        header[id_index] = "respondent_id"
    time_index = shape.find(table.header, shape.time_columns)
    if time_index is not None:
        header[time_index] = "seconds"
    info = SurveyInfo(found, label_values(model), stage_values(model), role_values())
    problem = unmatched(columns, model)
    if problem is not None:
        info.notes.append(msg("errors_io.named", name=name, text=problem))
    _check_stamp(columns.stamp, first, model, info, name)  # another model: say so first
    _check_items(header, model, name, problem)
    per_row: list[Callable[[int, list[object]], None]] = []
    if seconds and time_index is not None and found in (Tool.wjx, Tool.tencent):  # 2分15秒
        per_row.append(_time_converter(time_index))
    if id_index is None and "respondent_id" not in header:
        header.append("respondent_id")
        stem = Path(name).stem
        per_row.append(lambda line, cells: cells.append(f"{stem}-{line}"))
    if seconds and shape.start_end is not None and "seconds" not in header:
        starts, ends = (shape.find(table.header, names) for names in shape.start_end)
        if starts is not None and ends is not None:
            header.append("seconds")
            per_row.append(_elapsed(starts, ends))
    unfinished = _unfinished(shape, table.header, id_index)
    width = len(table.header)
    rows = _rows(table.rows, width, unfinished, per_row)
    if table.items is not None and len(header) == width:
        table.items = _items(table.items, unfinished)
        table.rows = _rows(rows_of(table.items), width, None, per_row)  # type: ignore[arg-type]
    else:
        table.items = None
        table.rows = rows
    table.header = tuple(header)
    if columns.by_code and columns.stamp is None:
        info.notes.append(msg("errors_survey.codes_unconfirmed", name=name))
    info.notes.insert(0, msg("errors_survey.read_as", name=name, tool=TITLES[found]))
    table.survey = info


def _check_items(header: list[str], model: CompetencyModel, name: str, problem: Msg | None) -> None:
    """Items everyone rates must all have a column; else this is another model's file."""
    present = set(header)
    missing = [
        item.id for _, item in model.items() if item.id not in present and item.raters is None
    ]
    if not missing:
        return
    also = msg("errors_survey.also", problem=problem) if problem else ""
    raise InputError(
        msg(
            "errors_survey.items_without_column",
            name=name,
            count=len(missing),
            model=model.id,
            version=model.version,
            shown=some_ids(missing),
            also=also,
        )
    )


def front_rows(
    table: Table, shape: Profile, id_index: int | None
) -> tuple[list[str], Sequence[object]]:
    """Drop the header rows after the first (Qualtrics: question texts, then ImportIds) and
    look at the first data row without taking it: (question texts, first row's cells)."""
    texts: list[str] = []
    left = shape.extra_header_rows
    source: Iterator[Row | PlainLines] = table.items if table.items is not None else table.rows
    back: list[Row | PlainLines] = []
    first: Sequence[object] = ()
    for item in source:
        rows = item.rows() if isinstance(item, PlainLines) else iter((item,))
        found = False
        for line, cells in rows:
            if isinstance(cells, RowProblem):
                back.append(item.after(line - 1) if isinstance(item, PlainLines) else item)
                found = True
                break
            if left and _is_header_row(cells, id_index):
                left -= 1
                texts = texts or [str(cell or "") for cell in cells]
                continue
            first = cells
            back.append(item.after(line - 1) if isinstance(item, PlainLines) else item)
            found = True
            break
        if found:
            break
    rest = chain(back, source)
    if table.items is not None:
        table.items = rest
        table.rows = rows_of(rest)  # type: ignore[arg-type]
    else:
        table.rows = rest  # type: ignore[assignment]
    return texts, first


def _is_header_row(cells: Sequence[object], id_index: int | None) -> bool:
    cell = str(cells[id_index] or "") if id_index is not None and id_index < len(cells) else ""
    return cell.startswith('{"ImportId"') or re.sub(r"\s", "", cell).casefold() == "responseid"


def _check_stamp(
    index: int | None, first: Sequence[object], model: CompetencyModel, info: SurveyInfo, name: str
) -> None:
    """The model stamp of the first row (every row carries the same): another model's
    questionnaire is refused; a stage or rater fixed at export time applies to every row."""
    if index is None or index >= len(first):
        return
    stamp = Stamp.parse(str(first[index] or ""))
    if stamp is None:
        return
    differences = stamp.differences(model)
    if differences:
        raise InputError(
            msg("errors_survey.other_model", name=name, differences=joined(differences))
        )
    if stamp.stage in model.stage_ids:
        info.stage = stamp.stage
    if stamp.rater:
        info.roles[""] = stamp.rater


def _at(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else "-"  # a short row: not judged here


class _Unfinished:
    """Finds responses the respondent never submitted: a row at a time (`__call__`), or a
    whole run of plain lines at once (`all_finished`, C-level splits of one column)."""

    def __init__(self, header: Sequence[str], finished: int | None, submitted: int | None,
                 id_index: int | None) -> None:  # fmt: skip
        self._header = header
        self._finished = finished
        self._submitted = submitted
        self._id = id_index

    def __call__(self, _line: int, cells: Sequence[object]) -> RowProblem | None:
        finished, submitted, header = self._finished, self._submitted, self._header
        if finished is not None and finished < len(cells):
            value = str(cells[finished]).strip()
            if value.casefold() in _NOT_FINISHED:
                why = msg("errors_survey.finished_value", column=header[finished], value=value)
                return RowProblem(self._reason(cells, why), tuple(str(c or "") for c in cells))
        if submitted is not None and not str(_at(cells, submitted) or "").strip():
            why = msg("errors_survey.not_submitted", column=header[submitted])
            return RowProblem(self._reason(cells, why), tuple(str(c or "") for c in cells))
        return None

    def _reason(self, cells: Sequence[object], why: Msg) -> Msg:
        index = self._id
        rid = str(cells[index] or "").strip() if index is not None and index < len(cells) else ""
        if rid:
            return msg("errors_survey.unfinished_response", rid=rid, why=why)
        return msg("errors_survey.unfinished", why=why)

    def all_finished(self, lines: list[str], delimiter: str) -> bool:
        """True when no line of a run is unfinished (False also when unsure: then each line
        is looked at)."""
        column = self._finished if self._finished is not None else self._submitted
        assert column is not None
        try:
            cells = set(
                map(
                    itemgetter(column), map(str.split, lines, repeat(delimiter), repeat(column + 1))
                )
            )
        except IndexError:  # a short or blank line
            return False
        if self._finished is not None:
            return not any(cell.strip().casefold() in _NOT_FINISHED for cell in cells)
        return all(cell.strip() for cell in cells)


def _unfinished(shape: Profile, header: Sequence[str], id_index: int | None) -> _Unfinished | None:
    finished = shape.find(header, shape.finished)
    submitted = shape.find(header, shape.submitted)
    if finished is None and submitted is None:
        return None
    return _Unfinished(header, finished, submitted, id_index)


def _rows(
    rows: Iterator[Row],
    width: int,
    unfinished: _Unfinished | None,
    per_row: list[Callable[[int, list[object]], None]],
) -> Iterator[Row]:
    for line, cells in rows:
        if isinstance(cells, RowProblem):
            yield line, cells
            continue
        if unfinished is not None:
            problem = unfinished(line, cells)
            if problem is not None:
                yield line, problem
                continue
        if per_row:
            cells = list(cells)
            if len(cells) < width:
                cells += [None] * (width - len(cells))
            for change in per_row:
                change(line, cells)
        yield line, cells


def _items(
    items: Iterator[Row | PlainLines],
    unfinished: _Unfinished | None,
) -> Iterator[Row | PlainLines]:
    """The CSV items with the unfinished responses rejected as `_rows` does; runs of plain
    lines stay whole while every row in them is finished. (The per-row changes of `_rows`
    only matter to `kam stats` and `--stats`, which read `rows`.)"""
    for item in items:
        if not isinstance(item, PlainLines):
            line, cells = item
            if not isinstance(cells, RowProblem) and unfinished is not None:
                problem = unfinished(line, cells)
                if problem is not None:
                    item = (line, problem)
            yield item
            continue
        if unfinished is None or unfinished.all_finished(item.lines, item.delimiter):
            yield item
            continue
        yield from _split_unfinished(item, unfinished)


def _split_unfinished(item: PlainLines, unfinished: _Unfinished) -> Iterator[Row | PlainLines]:
    run_start = 0
    for offset, (line, cells) in enumerate(_numbered_rows(item)):
        problem = unfinished(line, cells) if cells is not None else None
        if problem is None:
            continue
        if offset > run_start:
            yield PlainLines(item.first + run_start, item.lines[run_start:offset], item.delimiter)
        yield line, problem
        run_start = offset + 1
    if run_start < len(item.lines):
        yield PlainLines(item.first + run_start, item.lines[run_start:], item.delimiter)


def _numbered_rows(item: PlainLines) -> Iterator[tuple[int, list[str] | None]]:
    delimiter = item.delimiter
    blank = delimiter + " \t\r\n"
    for number, text in enumerate(item.lines, item.first):
        yield number, text.rstrip("\r\n").split(delimiter) if text.strip(blank) else None


def _time_converter(index: int) -> Callable[[int, list[object]], None]:
    def convert(_line: int, cells: list[object]) -> None:
        value = cells[index]
        if isinstance(value, str) and value.strip():
            seconds = parse_duration(value)
            if seconds is not None:
                cells[index] = str(seconds)

    return convert


def parse_duration(text: str) -> float | None:
    """`85秒`, `2分15秒`, `1小时2分`, `135 s` in seconds; None for anything else."""
    match = _DURATION.match(text.strip())
    if match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def _elapsed(starts: int, ends: int) -> Callable[[int, list[object]], None]:
    def elapsed(_line: int, cells: list[object]) -> None:
        start, end = _when(cells[starts]), _when(cells[ends])
        seconds = (end - start).total_seconds() if start and end else None
        cells.append(None if seconds is None or seconds < 0 else str(seconds))

    return elapsed


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


def _when(value: object) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # an .xlsx date cell: kamcli.io.xlsx_read gives its serial number (days since 1899-12-30)
        day, fraction = divmod(value, 1)  # to the millisecond, as Excel shows it
        try:
            return _EXCEL_EPOCH + datetime.timedelta(
                days=day, milliseconds=round(fraction * 86_400_000)
            )
        except OverflowError:
            return None
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
