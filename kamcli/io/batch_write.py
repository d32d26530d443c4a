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
from collections.abc import Sequence
from itertools import chain
from operator import getitem
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kamcli.batch.formats import OutputFormat
from kamcli.batch.rows import row_score
from kamcli.errors import OutputError
from kamcli.io.atomic import writes_in_place
from kamcli.io.cells import neutralise
from kamcli.io.tempfiles import new_temp_file
from kamcli.render.labels import json_dumps, terminal_safe

if TYPE_CHECKING:
    from kamcli.batch.rows import GoodRow
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.plan import RowScore, ScoringPlan

DECIMALS = 2
NEGATIVE_ZERO = "-0." + "0" * DECIMALS  # a tiny negative gap rounds to 0.00, not -0.00
INSUFFICIENT = "insufficient"  # the status of a competency without a score (plan.INSUFFICIENT)
# Distinct numbers whose text is cached; scores repeat a lot (a competency of 5 items on a
# 1–5 scale has 21 possible scores), so nearly every lookup hits and memory stays bounded.
CACHE_LIMIT = 4096
WRITE_BATCH = 256
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


def wide_columns(model: CompetencyModel) -> tuple[str, ...]:
    per_competency = [
        f"{c.id}_{part}" for c in model.competencies for part in ("score", "gap", "status")
    ]
    return (
        "respondent_id",
        "name",
        "account",
        "stage",
        *per_competency,
        "fit",
        "next_fit",
        "coverage",
    )


class NumberText(dict[float | None, str]):
    """Numbers as text with 2 decimals (CSV: "" for None; JSON: null), cached by value."""

    def __init__(self, none: str) -> None:
        super().__init__()
        self._none = none

    def __missing__(self, value: float | None) -> str:
        text = self.uncached(value)
        if len(self) < CACHE_LIMIT:
            self[value] = text
        return text

    def uncached(self, value: float | None) -> str:
        """For numbers that rarely repeat (fit), which would only fill the cache."""
        if value is None:
            return self._none
        text = f"{value:.{DECIMALS}f}"
        return text[1:] if text == NEGATIVE_ZERO else text


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
    return "null" if value is None else json_dumps(value, indent=None)


class _GapText(dict[float | None, str]):
    """`gap,status` CSV text, cached: the status is the model's band for the gap, as scored."""

    def __init__(self, numbers: NumberText, model: CompetencyModel) -> None:
        super().__init__()
        self._numbers = numbers
        self._model = model

    def __missing__(self, gap: float | None) -> str:
        status = INSUFFICIENT if gap is None else self._model.band_for_gap(gap).id
        text = f"{self._numbers[gap]},{status}"
        if len(self) < CACHE_LIMIT:
            self[gap] = text
        return text


class RecordFormatter:
    """Output lines from scored rows; targets and names are looked up once, not per row.

    Lines are built as text directly (numbers from a cache, user text quoted and
    neutralised), which is several times faster than a csv.writer fed with floats. A wide
    CSV line of a fully answered row is joined from texts made once per run for every entry
    of the plan's stage tables, indexed by the row's digit keys.
    """

    def __init__(
        self, model: CompetencyModel, plan: ScoringPlan, lang: str, long: bool, fmt: OutputFormat
    ) -> None:
        self.long = long
        self.format = fmt
        self.columns = LONG_COLUMNS if long else wide_columns(model)
        self._plan = plan
        is_csv = fmt is OutputFormat.csv
        self._text = csv_text if is_csv else json_text
        self._numbers = NumberText("" if is_csv else "null")
        self._fits = self._numbers.uncached
        self._gap_text = _GapText(self._numbers, model).__getitem__
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
        number = self._numbers
        self._entry_texts = {
            stage: tuple(
                tuple(f"{number[e[0]]},{number[e[1]]},{e[2]}" for e in entries)
                for entries in plan.stage_table(stage)
            )
            for stage in plan.stage_ids
        } if plan.has_digit_keys else {}  # fmt: skip
        self._full = number[1.0]

    def entry_texts(self, stage: str) -> tuple[tuple[str, ...], ...]:
        """Per competency, the `score,gap,status` text of each digit key at a stage (wide
        CSV; only for plans with digit keys)."""
        return self._entry_texts[stage]

    def stage_text(self, stage: str) -> str:
        return self._stages[stage]

    def number_text(self, value: float) -> str:
        return self._numbers[value]

    def lines(self, row: GoodRow) -> list[str]:
        """One line (wide) or one per competency (long); CSV lines end in CRLF."""
        text = self._text
        if self.format is OutputFormat.csv and not self.long:
            return [self.wide_csv_line(row)]
        score = row_score(self._plan, row)
        if self.long:
            return self._long(text(row.respondent_id), text(row.name), text(score.stage), score)
        number = self._numbers
        cells = [
            text(row.respondent_id),
            text(row.name),
            text(row.account),
            self._stages[row.stage],
        ]
        for value, gap, status in zip(score.scores, score.gaps, score.statuses, strict=True):
            cells += (number[value], number[gap], text(status))
        fits = self._fits
        cells += (fits(score.fit), fits(score.next_fit), number[score.coverage])
        return [self._join(cells)]

    def wide_csv_line(self, row: GoodRow) -> str:
        """The hot path of a default run: one C-level join over ready-made texts."""
        fits = self._fits
        fit: float | None
        if row.keys is not None:
            results = ",".join(map(getitem, self._entry_texts[row.stage], row.keys))
            fit, next_fit = self._plan.fits(row.keys, row.stage)
            coverage = self._full
        else:
            score = row_score(self._plan, row)
            number = self._numbers
            texts = zip(
                map(number.__getitem__, score.scores),
                map(self._gap_text, score.gaps),
                strict=True,
            )
            results = ",".join(chain.from_iterable(texts))
            fit, next_fit, coverage = score.fit, score.next_fit, number[score.coverage]
        return (
            ",".join(
                (
                    csv_text(row.respondent_id),
                    csv_text(row.name),
                    csv_text(row.account),
                    self._stages[row.stage],
                    results,
                    fits(fit),
                    fits(next_fit),
                    coverage,
                )
            )
            + "\r\n"
        )

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


class TerminalSafeStream:
    """Results printed to a terminal pass labels.terminal_safe (a file or pipe gets them as
    they are: they are data)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text.replace("\r\n", "\n")))

    def flush(self) -> None:
        self._stream.flush()

    def fileno(self) -> int:
        return self._stream.fileno()


class StreamTarget:
    """A text stream to a file (atomic: temp + rename on commit) or to stdout."""

    def __init__(self, path: Path | None, *, bom: bool) -> None:
        self.path = path
        self._temp: Path | None = None
        if path is None:
            self.stream: IO[str] = sys.stdout
            if sys.stdout.isatty():  # a person reads it: no escape sequences from the data
                self.stream = TerminalSafeStream(sys.stdout)  # type: ignore[assignment]
            return
        folder = path.parent if str(path.parent) else Path()
        if not folder.is_dir():
            raise OutputError(f"Cannot write {path}: the directory {folder} does not exist.")
        if path.is_dir():
            raise OutputError(f"Cannot write {path}: it is a directory.")
        if writes_in_place(path):  # /dev/null, a FIFO: renaming over it would replace it
            try:
                self.stream = path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
            if bom:
                self.stream.write("\ufeff")
            return
        try:
            handle, name = new_temp_file(folder, path.name)
        except OSError as exc:
            raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        self._temp = Path(name)
        binary = os.fdopen(handle, "wb")
        # plain utf-8 plus a BOM written by hand: TextIOWrapper's C fast path covers "utf-8"
        # only, and "utf-8-sig" would cost twice as much per write
        self.stream = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
        if bom:
            self.stream.write("\ufeff")

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
    """Writes formatted lines; the header (or `[`) goes out with the first line, so a run
    that scores nothing writes nothing to stdout; `finish` closes the format."""

    def __init__(self, target: StreamTarget, formatter: RecordFormatter) -> None:
        self.target = target
        self.formatter = formatter
        self.format = formatter.format
        self.count = 0
        self._started = False
        self._write = target.stream.write
        self._lines = formatter.lines
        self._wide_csv = self.format is OutputFormat.csv and not formatter.long
        self._wide_line = formatter.wide_csv_line
        self._pending: list[str] = []  # wide CSV lines, written WRITE_BATCH at a time

    def _start(self) -> None:
        self._started = True
        if self.format is OutputFormat.csv:
            self._write(self.formatter.header())
        elif self.format is OutputFormat.json:
            self._write("[")

    def write(self, row: GoodRow) -> None:
        if not self._started:
            self._start()
        if self._wide_csv:
            pending = self._pending
            pending.append(self._wide_line(row))
            if len(pending) >= WRITE_BATCH:
                self._write("".join(pending))
                pending.clear()
            self.count += 1
            return
        lines = self._lines(row)
        if self.format is OutputFormat.json:
            for line in lines:
                self._write(("\n" if self.count == 0 else ",\n") + line)
                self.count += 1
            return
        if self.format is OutputFormat.jsonl:
            lines = [line + "\n" for line in lines]
        self._write("".join(lines))
        self.count += len(lines)

    def write_text(self, text: str, count: int) -> None:
        """`count` wide CSV lines made elsewhere (kamcli.batch.blocks), as one text."""
        if not self._started:
            self._start()
        if self._pending:
            self._write("".join(self._pending))
            self._pending.clear()
        self._write(text)
        self.count += count

    def finish(self) -> None:
        if not self._started:
            self._start()
        if self._pending:
            self._write("".join(self._pending))
            self._pending.clear()
        if self.format is OutputFormat.json:
            self._write("\n]\n" if self.count else "]\n")


class RejectsWriter:
    """The --rejects CSV: where each rejected row was, why, then its original cells.

    The trailing columns are named after the header of the first file with a rejection;
    rows of other files keep their own cells in their own order.
    """

    # no respondent_id column of its own: the row's cells (the input's columns) hold it
    FIXED = ("file", "row_number", "reason")

    def __init__(self, target: StreamTarget) -> None:
        self.target = target
        self.count = 0
        self._csv = csv.writer(target.stream, lineterminator="\r\n")
        self._header_written = False

    def write(
        self,
        file: str,
        row_number: int,
        reason: str,
        cells: Sequence[str],
        header: Sequence[str],
    ) -> None:
        if not self._header_written:
            self._csv.writerow([*self.FIXED, *header])
            self._header_written = True
        record = [file, row_number, reason, *cells]
        self._csv.writerow([neutralise(v) if isinstance(v, str) else v for v in record])
        self.count += 1

    def finish(self) -> None:
        if not self._header_written:
            self._csv.writerow(self.FIXED)
