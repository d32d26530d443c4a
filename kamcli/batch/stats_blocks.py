"""Many plain CSV rows at once for `kam stats`: blocks.py's checks, the answers to the stats.

`kam stats` writes no rows, so a block of plain lines that BlockScorer would accept (every
row plain and good, ids never seen before) needs nothing but its answer digits, its
respondent ids and its completion-time cells: they go to StatsCollector.add_digits in one
call. A block with any problem is refused without any effect, and score_blocks reads its
rows one at a time as before, so messages and rejects are exactly those of `check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.batch.blocks import BlockScorer

if TYPE_CHECKING:
    from kamcli.batch.record_format import RecordFormatter
    from kamcli.batch.rows import RowChecker
    from kamcli.batch.seen import SeenIds
    from kamcli.batch.stats import StatsCollector
    from kamcli.scoring.plan import ScoringPlan


class StatsBlockReader(BlockScorer):
    """Hands a block of plain, good lines to the statistics; `text` returns ("", rows)."""

    def __init__(
        self,
        plan: ScoringPlan,
        checker: RowChecker,
        formatter: RecordFormatter,
        seen: SeenIds,
        delimiter: str,
        stats: StatsCollector,
    ) -> None:
        super().__init__(plan, checker, formatter, seen, delimiter)
        self._stats = stats
        # where the completion time is: before the answers (False) at its index, or after
        # them (True) counted from the answer part, as BlockScorer places meta columns
        self._time: tuple[bool, int] | None = None
        index, size = stats.time_index, len(plan.item_ids)
        if index is not None:
            after = index >= self._head + size
            self._time = (after, index - self._head - size + 1) if after else (False, index)

    def text(self, lines: list[str]) -> tuple[str, int] | None:
        """Adds the rows of `lines` (blank lines skipped) to the statistics and says how many
        there were; None when a row is not plain and good (nothing was recorded then)."""
        if "" in lines:
            lines = [line for line in lines if line]
            if not lines:
                return "", 0
        joined = "\n".join(lines)
        if "\r" in joined or (self._delimiter != "," and "," in joined):
            return None  # as BlockScorer: such rows take the row-by-row path
        cells = self._split(lines)
        if cells is None:
            return None
        answers, before, after = cells
        digits = self._answer_digits(answers)
        meta = None if digits is None else self._meta_cells(before, after, len(lines))
        if meta is None or digits is None:
            return None
        respondent_ids = meta[0]
        if not self._seen.add_all(respondent_ids):
            return None
        times = None
        if self._time is not None:
            in_after, index = self._time
            times = [cells[index] for cells in (after if in_after else before)]
        self._stats.add_digits(digits, respondent_ids, times)
        return "", len(lines)
