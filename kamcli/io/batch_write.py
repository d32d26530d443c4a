"""Streaming writers for `kam batch`: CSV, JSON Lines and a JSON array, to a file or stdout.

Rows are written as they are scored, so memory stays flat. A file target is written to a
temporary file beside it and renamed over the target only when the run commits, so a failed
or interrupted run leaves no half file (the old file, or none, stays). CSV files are UTF-8
with a BOM so Excel opens Chinese text right, and every text cell is neutralised against
formula injection; stdout gets no BOM, since it usually feeds another program.

Wide output (default) is one row per respondent; `--long` is one row per respondent ×
competency, ready to pivot. Numbers are rounded to 2 decimals; None is an empty cell / null.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO

from kamcli.errors import OutputError
from kamcli.io.cells import neutralise
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.plan import RowScore

DECIMALS = 2
# Distinct numbers whose text is cached; scores repeat a lot (a competency of 5 items on a
# 1–5 scale has 21 possible scores), so nearly every lookup hits and memory stays bounded.
CACHE_LIMIT = 65536
LONG_COLUMNS = (
    "respondent_id",
    "name",
    "stage",
    "competency_id",
    "competency",
    "score",
    "target",
    "gap",
    "status",
    "coverage",
    "priority",
)
_CSV_SPECIAL = re.compile(r'[,"\r\n]')


class OutputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    json = "json"


def wide_columns(model: CompetencyModel) -> tuple[str, ...]:
    per_competency = [
        f"{c.id}_{part}" for c in model.competencies for part in ("score", "gap", "status")
    ]
    return ("respondent_id", "name", "account", "stage", *per_competency, "fit", "next_fit", "coverage")


class NumberText(dict[float | None, str]):
    """Rounded numbers as text (CSV: "" for None; JSON: "null"), cached by value."""

    def __init__(self, none: str) -> None:
        super().__init__()
        self._none = none

    def __missing__(self, value: float | None) -> str:
        # + 0.0 turns a rounded -0.0 into 0.0
        text = self._none if value is None else repr(round(value, DECIMALS) + 0.0)
        if len(self) < CACHE_LIMIT:
            self[value] = text
        return text


def csv_text(value: str | None) -> str:
    """A text cell for CSV: neutralised against formulas, quoted when it must be."""
    if not value:
        return ""
    if value[0].isalnum() and not _CSV_SPECIAL.search(value):
        return value  # the common case, decided without the general checks below
    text = neutralise(value)
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def json_text(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


class _Triples(dict[tuple[float | None, float | None, str], str]):
    """`score,gap,status` CSV text per competency result, cached (few distinct ones)."""

    def __init__(self, numbers: NumberText) -> None:
        super().__init__()
        self._numbers = numbers

    def __missing__(self, key: tuple[float | None, float | None, str]) -> str:
        text = f"{self._numbers[key[0]]},{self._numbers[key[1]]},{key[2]}"
        if len(self) < CACHE_LIMIT:
            self[key] = text
        return text


class RecordFormatter:
    """Output lines from scored rows; targets and names are looked up once, not per row.

    Lines are built as text directly (numbers from a cache, user text quoted and
    neutralised), which is several times faster than a csv.writer fed with floats.
    """

    def __init__(self, model: CompetencyModel, lang: str, long: bool, fmt: OutputFormat) -> None:
        self.long = long
        self.format = fmt
        self.columns = LONG_COLUMNS if long else wide_columns(model)
        is_csv = fmt is OutputFormat.csv
        self._text = csv_text if is_csv else json_text
        self._numbers = NumberText("" if is_csv else "null")
        self._triples = _Triples(self._numbers).__getitem__
        self._stages = {s.id: self._text(s.id) for s in model.stages}
        self._keys = tuple(json.dumps(c, ensure_ascii=False) + ": " for c in self.columns)
        self._competencies = tuple(
            (self._text(c.id), self._text(model.text(c.name, lang))) for c in model.competencies
        )
        self._targets = {
            stage.id: tuple(
                (float(stage.targets[c.id].target), float(stage.targets[c.id].weight))
                for c in model.competencies
            )
            for stage in model.stages
        }

    def lines(
        self, respondent_id: str, name: str | None, account: str | None, row: RowScore
    ) -> list[str]:
        """One line (wide) or one per competency (long), each ending in a newline."""
        text = self._text
        if self.long:
            return self._long(text(respondent_id), text(name), text(row.stage), row)
        number = self._numbers
        cells = [text(respondent_id), text(name), text(account), self._stages[row.stage]]
        if self.format is OutputFormat.csv:
            cells += map(self._triples, zip(row.scores, row.gaps, row.statuses))
        else:
            for score, gap, status in zip(row.scores, row.gaps, row.statuses, strict=True):
                cells += (number[score], number[gap], text(status))
        cells += (number[row.fit], number[row.next_fit], number[row.coverage])
        return [self._join(cells)]

    def _long(self, rid: str, name: str, stage: str, row: RowScore) -> list[str]:
        number = self._numbers
        parts = zip(
            self._competencies,
            self._targets[row.stage],
            row.scores,
            row.gaps,
            row.statuses,
            row.coverages,
            strict=True,
        )
        out = []
        for (cid, cname), (target, weight), score, gap, status, coverage in parts:
            priority = None if gap is None else max(gap, 0.0) * weight
            cells = [rid, name, stage, cid, cname, number[score], number[target], number[gap]]
            cells += (self._text(status), number[coverage], number[priority])
            out.append(self._join(cells))
        return out

    def _join(self, cells: list[str]) -> str:
        if self.format is OutputFormat.csv:
            return ",".join(cells) + "\r\n"
        return "{" + ", ".join(map(str.__add__, self._keys, cells)) + "}"

    def header(self) -> str:
        return ",".join(csv_text(c) for c in self.columns) + "\r\n"


class StreamTarget:
    """A text stream to a file (atomic: temp + rename on commit) or to stdout."""

    def __init__(self, path: Path | None, *, bom: bool) -> None:
        self.path = path
        self._temp: Path | None = None
        if path is None:
            self.stream: IO[str] = sys.stdout
            return
        folder = path.parent if str(path.parent) else Path()
        if not folder.is_dir():
            raise OutputError(f"Cannot write {path}: the directory {folder} does not exist.")
        if path.is_dir():
            raise OutputError(f"Cannot write {path}: it is a directory.")
        try:
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        self._temp = Path(name)
        binary = os.fdopen(handle, "wb")
        self.stream = io.TextIOWrapper(
            binary, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=False
        )

    def commit(self) -> None:
        """Make the file appear under its name, complete; stdout is only flushed."""
        if self._temp is None:
            self.stream.flush()
            return
        assert self.path is not None
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            self._temp.chmod(0o644 & ~_umask())
            self._temp.replace(self.path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"Cannot write {self.path}: {exc.strerror or exc}.") from None
        self._temp = None

    def abort(self) -> None:
        """Forget a file target: the temp file goes, the old file (if any) stays."""
        if self._temp is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.stream.close()
        with contextlib.suppress(OSError):
            self._temp.unlink()
        self._temp = None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class RecordWriter:
    """Writes formatted lines; `finish` closes the format (the JSON array's `]`)."""

    def __init__(self, target: StreamTarget, formatter: RecordFormatter) -> None:
        self.target = target
        self.formatter = formatter
        self.format = formatter.format
        self.count = 0
        self._write = target.stream.write
        self._lines = formatter.lines
        if self.format is OutputFormat.csv:
            self._write(formatter.header())
        elif self.format is OutputFormat.json:
            self._write("[")

    def write(
        self, respondent_id: str, name: str | None, account: str | None, row: RowScore
    ) -> None:
        lines = self._lines(respondent_id, name, account, row)
        if self.format is OutputFormat.json:
            for line in lines:
                self._write(("\n" if self.count == 0 else ",\n") + line)
                self.count += 1
            return
        if self.format is OutputFormat.jsonl:
            lines = [line + "\n" for line in lines]
        self._write("".join(lines))
        self.count += len(lines)

    def finish(self) -> None:
        if self.format is OutputFormat.json:
            self._write("\n]\n" if self.count else "]\n")


class RejectsWriter:
    """The --rejects CSV: where each rejected row was, why, then its original cells.

    The trailing columns are named after the header of the first file with a rejection;
    rows of other files keep their own cells in their own order.
    """

    FIXED = ("file", "row_number", "respondent_id", "reason")

    def __init__(self, target: StreamTarget) -> None:
        self.target = target
        self.count = 0
        self._csv = csv.writer(target.stream, lineterminator="\r\n")
        self._header_written = False

    def write(
        self,
        file: str,
        row_number: int,
        respondent_id: str | None,
        reason: str,
        cells: Sequence[str],
        header: Sequence[str],
    ) -> None:
        if not self._header_written:
            self._csv.writerow([*self.FIXED, *header])
            self._header_written = True
        record = [file, row_number, respondent_id or "", reason, *cells]
        self._csv.writerow([neutralise(v) if isinstance(v, str) else v for v in record])
        self.count += 1

    def finish(self) -> None:
        if not self._header_written:
            self._csv.writerow(self.FIXED)
