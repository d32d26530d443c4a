"""Where `kam batch` writes: the records to a file or stdout, the rejects to their CSV.

Rows are written as they are scored, so memory stays flat. A file target is written to a
temporary file beside it and renamed over the target only when the run commits, so a failed
or interrupted run leaves no half file (the old file, or none, stays). CSV files are UTF-8
with a BOM so Excel opens Chinese text right; stdout gets no BOM, since it usually feeds
another program, and a terminal gets the text made safe to show.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kamcli.batch.formats import OutputFormat
from kamcli.errors import DISK_FULL, OutputError, msg
from kamcli.io.atomic import writes_in_place
from kamcli.io.cells import neutralise
from kamcli.io.tempfiles import new_temp_file
from kamcli.render.labels import terminal_safe

if TYPE_CHECKING:
    from kamcli.batch.record_format import RecordFormatter
    from kamcli.batch.row_outcomes import GoodRow

WRITE_BATCH = 256


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
            raise OutputError(msg("errors_batch.no_directory", path=path, folder=folder))
        if path.is_dir():
            raise OutputError(msg("errors_batch.is_directory", path=path))
        if writes_in_place(path):  # /dev/null, a FIFO: renaming over it would replace it
            try:
                self.stream = path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise cannot_write(path, exc) from None
            if bom:
                self.stream.write("\ufeff")
            return
        try:
            handle, name = new_temp_file(folder, path.name)
        except OSError as exc:
            raise cannot_write(path, exc) from None
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
            raise cannot_write(self.path, exc) from None
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


def write_failure(
    exc: BaseException, output: Path | None, rejects: Path | None, scored: int
) -> OutputError | None:
    """The OutputError a failed write means (disk full, stdout closed early), or None when
    the failure is something else and goes on as it is. Partial files are already gone."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        reason = exc.strerror
        if output is None:
            return OutputError(msg("errors_batch.disk_full_stdout", reason=reason))
        if rejects is None:
            return OutputError(msg("errors_batch.disk_full", path=output, reason=reason))
        key = "errors_batch.disk_full_two"
        return OutputError(msg(key, path=output, other=rejects, reason=reason))
    if isinstance(exc, BrokenPipeError) and output is None:
        _silence_stdout()
        return OutputError(msg("errors_batch.stdout_closed_early", scored=scored))
    return None


def cannot_write(path: Path, exc: OSError) -> OutputError:
    """An OSError while writing `path`, as the user sees it (the system's reason kept)."""
    reason = exc.strerror or str(exc)
    return OutputError(msg("errors_cli.cannot_write", path=path, reason=reason))


def _silence_stdout() -> None:
    """After a closed pipe, send stdout to /dev/null so the exit flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
