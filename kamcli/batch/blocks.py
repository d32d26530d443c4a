"""Many plain CSV rows at once: the fast path of a default `kam batch` run.

Checking, scoring and formatting one row at a time costs ~10 µs of Python per row. Here a
block of lines is handled column by column with C-level operations (str.split, map, zip,
join, one big-integer computation for every row's digit keys), at a few µs per row, and
gives the very lines RowChecker.check + RatedRecordFormatter.wide_csv_line would.

It only takes blocks where every row is plain and good: no quote, no stray CR, the header's
width, every answer one valid digit, a respondent id, a known stage and a role that answers
every item, and ids never seen before. Anything else — and any case this module does not
cover — returns None, and the caller reads the block row by row as before, so rejected rows
get exactly the usual messages. Nothing is changed by a refused block (ids are recorded
last, all or none: SeenIds.add_all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import attrgetter, getitem, itemgetter, mul, truediv
from typing import TYPE_CHECKING, TypeVar, cast

from kamcli.batch.record_format import DECIMALS, NEGATIVE_ZERO, csv_text
from kamcli.io.cells import FORMULA_STARTS
from kamcli.io.csv_rows import PlainLines
from kamcli.io.table_rows import META_COLUMNS, Row
from kamcli.scoring.plan import sequential_sum

if TYPE_CHECKING:
    from kamcli.batch.record_format import RecordFormatter
    from kamcli.batch.rows import RowChecker
    from kamcli.batch.seen import SeenIds
    from kamcli.scoring.plan import ScoringPlan

T = TypeVar("T")
BLOCK_LINES = 256  # rows checked together; a block with a problem is re-read row by row
SMALL_BLOCK_LINES = 32  # ... after a second try in blocks this small
PROGRESS_EVERY = 1024  # rows that are not plain between two calls of `after_lines`
_FIXED_LINE = f"%.{DECIMALS}f\n"
# csv_text leaves a cell as it is unless it starts with one of these (stripped cells have no
# leading blanks) or holds a delimiter, quote or line break (which plain lines have not).
_FORMULA_STARTS = frozenset(FORMULA_STARTS)
# Adds complex numbers in order too: each part gets the float additions of a float sum.
_complex_sum = cast(Callable[[Iterable[complex]], complex], sequential_sum)


def score_blocks(
    items: Iterable[Row | PlainLines],
    scorer_for: Callable[[str], BlockScorer | None],
    one_by_one: Callable[[Iterable[Row]], None],
    write: Callable[[str, int], None],
    after_lines: Callable[[], None],
) -> None:
    """Every row of a CSV, in order: plain lines BLOCK_LINES at a time where the file's
    layout allows (`scorer_for(delimiter)`), written with `write(text, rows)`; a block the
    scorer refuses is tried again in smaller blocks, and the rows of a small block it refuses
    (and every row that is not plain) go to `one_by_one`, the row-by-row path. `after_lines`
    is called after each run of plain lines and every PROGRESS_EVERY other rows."""
    scorer: BlockScorer | None = None
    usable: bool | None = None

    def block(plain: PlainLines, start: int, size: int) -> None:
        assert scorer is not None
        lines = plain.lines[start : start + size]
        done = scorer.text(lines)
        if done is not None:
            write(*done)
        elif size > SMALL_BLOCK_LINES:  # try again in smaller blocks around the problem
            end = start + len(lines)
            for small in range(start, end, SMALL_BLOCK_LINES):
                block(plain, small, min(SMALL_BLOCK_LINES, end - small))
        else:
            one_by_one(PlainLines(plain.first + start, lines, plain.delimiter).rows())

    for count, item in enumerate(items, 1):
        if not isinstance(item, PlainLines):
            one_by_one((item,))
            if count % PROGRESS_EVERY == 0:
                after_lines()
            continue
        if usable is None:
            scorer = scorer_for(item.delimiter)
            usable = scorer is not None
        if scorer is None:
            one_by_one(item.rows())
        else:
            for start in range(0, len(item.lines), BLOCK_LINES):
                block(item, start, BLOCK_LINES)
        after_lines()


class BlockScorer:
    """Turns a block of plain lines into output text, or says the rows need `check`."""

    def __init__(
        self,
        plan: ScoringPlan,
        checker: RowChecker,
        formatter: RecordFormatter,
        seen: SeenIds,
        delimiter: str,
    ) -> None:
        layout = checker.layout
        self._delimiter = delimiter
        self._plan = plan
        self._seen = seen
        size = len(plan.item_ids)
        start = layout.item_columns[0] or 0
        self._head = start  # cells before the answers
        self._tail = layout.width - start - size  # cells after them
        self._answers_length = 2 * size - 1  # "d,d,…,d"
        low, high = plan.model.scale.min, plan.model.scale.max
        self._digit_bytes = "".join(str(value) for value in range(low, high + 1)).encode()
        self._delimiter_byte = delimiter.encode()
        # where each meta column is (None: not in the file): before the answers (False) at
        # its index, or after them (True), counted from the answer part
        self._meta: dict[str, tuple[bool, int] | None] = dict.fromkeys(META_COLUMNS)
        for key, index in layout.meta.items():
            self._meta[key] = (False, index) if index < start else (True, index - start - size + 1)
        self._fixed_stage, self._stages, self._roles, self._barred = checker.lookups()
        self._texts = {stage: formatter.entry_texts(stage) for stage in plan.stage_ids}
        self._stage_texts = {stage: formatter.stage_text(stage) for stage in plan.stage_ids}
        self._full = formatter.number_text(1.0)
        # per competency and digit key, reached × weight at the stage (real part) and at the
        # next one (imaginary part): one sum of complex numbers adds up both fits, each part
        # with the same float additions in the same order as ScoringPlan.fits
        self._shares: dict[str, tuple[tuple[complex, ...], ...]] = {}
        self._weight_sums: dict[str, float] = {}
        self._next_weight_sums: dict[str, float] = {}
        self._last_stage: dict[str, int] = {}  # 1 for a stage without a next one
        for stage in plan.stage_ids:
            reached, next_reached, weight_sum, next_weight_sum = plan.fit_parts(stage)
            self._shares[stage] = tuple(
                tuple(map(complex, *pair)) for pair in zip(reached, next_reached, strict=True)
            )
            self._weight_sums[stage] = weight_sum
            last = plan.model.next_stage(stage) is None
            self._next_weight_sums[stage] = 1.0 if last else next_weight_sum  # (unused then)
            self._last_stage[stage] = int(last)
        full = formatter.number_text(1.0).replace("%", "%%")
        # a wide CSV line; the three stage-diagnostic cells stay empty (no statement columns)
        self._line = "%s,%s,%s,%s,%s,%s,%s," + full + ",%s,%s,,,\r\n"

    @staticmethod
    def usable(plan: ScoringPlan, checker: RowChecker, delimiter: str) -> bool:
        """Whether this model and file layout can take the block path at all."""
        columns = checker.layout.item_columns
        start = columns[0]
        if not plan.has_digit_keys or start is None or delimiter not in ",;\t":
            return False
        if columns != tuple(range(start, start + len(columns))):
            return False  # answers not side by side in model order
        if checker.layout.diagnostic:
            return False  # statement columns: each row's diagnostic is worked out one by one
        _, _, roles, barred = checker.lookups()
        return "rater" in checker.layout.meta or roles[""] not in barred

    def text(self, lines: list[str]) -> tuple[str, int] | None:
        """The output lines of the rows in `lines` (blank lines skipped) and how many there
        are; None when a row is not plain and good (nothing was recorded then)."""
        if "" in lines:
            lines = [line for line in lines if line]
            if not lines:
                return "", 0
        joined = "\n".join(lines)
        if "\r" in joined or (self._delimiter != "," and "," in joined):
            return None  # cells that csv_text would quote
        cells = self._split(lines)
        if cells is None:
            return None
        answers, before, after = cells
        digits = self._answer_digits(answers)
        meta = None if digits is None else self._meta_cells(before, after, len(lines))
        if meta is None:
            return None
        assert digits is not None
        respondent_ids, names, accounts, stages, subjects, roles = meta
        keys = list(self._plan.digit_key_rows(digits))
        if not self._seen.add_all(respondent_ids):
            return None
        # every row is good: their lines, column by column
        if "" in subjects:
            subjects = [
                s or n or r for s, n, r in zip(subjects, names, respondent_ids, strict=True)
            ]
        tables = map(self._texts.__getitem__, stages)
        results = map(",".join, _picked(tables, keys))
        sums = list(map(_complex_sum, _picked(map(self._shares.__getitem__, stages), keys)))
        fits = _fit_texts(map(attrgetter("real"), sums), map(self._weight_sums.__getitem__, stages))
        next_fits = _fit_texts(
            map(attrgetter("imag"), sums), map(self._next_weight_sums.__getitem__, stages)
        )
        last = list(map(self._last_stage.__getitem__, stages))
        if 1 in last:  # rows at the last stage have no next fit
            next_fits = list(map(getitem, zip(next_fits, repeat("")), last))
        texts = [respondent_ids, names, accounts, subjects]
        if not _FORMULA_STARTS.isdisjoint(map(itemgetter(0), filter(None, chain(*texts)))):
            texts = [list(map(csv_text, cells)) for cells in texts]  # some to defuse
        rows = zip(
            texts[0],
            texts[1],
            texts[2],
            map(self._stage_texts.__getitem__, stages),
            results,
            fits,
            next_fits,
            texts[3],
            roles,
            strict=False,  # roles may repeat one role without end
        )
        count = len(lines)
        return self._line * count % tuple(chain.from_iterable(rows)), count

    def _split(self, lines: list[str]) -> tuple[list[str], list[list[str]], list[list[str]]] | None:
        """The answer part ("d,d,…,d") of each line, the cells before it and [answer part,
        *cells after it]; None when a line has too few cells (too many show in the answer
        part)."""
        delimiter, head, tail = self._delimiter, self._head, self._tail
        answers, before, after = lines, [], []
        if head:
            before = [line.split(delimiter, head) for line in lines]
            if min(map(len, before)) != head + 1:
                return None
            answers = [cells[head] for cells in before]
        if tail:
            after = [part.rsplit(delimiter, tail) for part in answers]
            if min(map(len, after)) != tail + 1:
                return None
            answers = [cells[0] for cells in after]
        return answers, before, after

    def _answer_digits(self, answers: Sequence[str]) -> bytes | None:
        """All rows' answers as digits, when every cell is one valid digit: as in
        RowChecker._digits, each part is 2n-1 long and, joined, has delimiters at every odd
        position and valid digits at every even one."""
        length = self._answers_length
        if min(map(len, answers)) != length or max(map(len, answers)) != length:
            return None
        # "?" for a character that is not ASCII keeps every position where it was
        joined = self._delimiter.join(answers).encode("ascii", "replace")
        digits = joined[::2]
        if joined[1::2].translate(None, self._delimiter_byte) or digits.translate(
            None, self._digit_bytes
        ):
            return None
        return digits

    def _meta_cells(
        self, before: list[list[str]], after: list[list[str]], rows: int
    ) -> _Meta | None:
        """The meta cells column by column, stripped, as `check` reads them; None when a row
        has no id, no known stage, or a role that is checked and scored the slow way."""
        meta = self._meta

        def column(key: str) -> list[str]:
            where = meta[key]
            if where is None:
                return [""] * rows
            index = where[1]
            return [cells[index].strip() for cells in (after if where[0] else before)]

        respondent_ids = column("respondent_id")
        if "" in respondent_ids:
            return None
        if self._fixed_stage is not None:
            stages: list[str] | None = [self._fixed_stage] * rows
        else:
            stages = _looked_up(self._stages, column("stage"))
        if stages is None:
            return None
        roles: Iterable[str] = repeat(self._roles[""])
        if meta["rater"] is not None:
            found = _looked_up(self._roles, column("rater"))
            if found is None or not self._barred.isdisjoint(found):
                return None
            roles = found
        names = column("name")
        subjects = names if meta["subject"] is None else column("subject")
        return respondent_ids, names, column("account"), stages, subjects, roles


_Meta = tuple[list[str], list[str], list[str], list[str], list[str], Iterable[str]]


def _fit_texts(totals: Iterable[float], weight_sums: Iterable[float]) -> list[str]:
    """The fits of ScoringPlan.fits (100 × total / weight sum, clamped to 0..100) as
    NumberText writes them ("%.2f" formats as format(…, ".2f") does)."""
    fits = list(map(truediv, map(mul, repeat(100), totals), weight_sums))
    if min(fits) < 0.0 or max(fits) > 100.0:
        fits = [min(100.0, max(0.0, fit)) for fit in fits]
    texts = (_FIXED_LINE * len(fits) % tuple(fits)).split("\n")
    texts.pop()  # after the last line end
    if NEGATIVE_ZERO in texts:
        texts = [text[1:] if text == NEGATIVE_ZERO else text for text in texts]
    return texts


def _picked(
    tables: Iterable[tuple[tuple[T, ...], ...]], keys: Iterable[tuple[int, ...]]
) -> Iterator[Iterator[T]]:
    """Per row, the entry of each competency's table at the row's key for it: a
    `map(getitem, table, row_keys)` per row, made without any Python code per row."""
    return map(map, repeat(getitem), tables, keys)  # type: ignore[arg-type]


def _looked_up(table: dict[str, str], cells: list[str]) -> list[str] | None:
    """Each cell's entry as `check` finds it (as written, else case-folded); None when one
    has none."""
    found = list(map(table.get, cells))
    if None in found:
        found = [hit or table.get(cell.casefold()) for hit, cell in zip(found, cells, strict=True)]
        if None in found:
            return None
    return found  # type: ignore[return-value]
