"""A fully answered row given as one digit per item (b"4352…"), turned into each
competency's answer sum with a few big-integer operations: the fast path of `kam batch`.

A competency's "digit key" is the sum of its answers' offsets from the scale's bottom (a
reverse-keyed answer mirrored); for unit weights it indexes the stage's lookup table
(plan.ScoringPlan.stage_table). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter

from kamcli.scoring.compiled import CompiledCompetency

INVALID = 0xFF  # marks a byte that is not a scale digit, after translation to offsets
BYTE_MAX = 0xFF  # a window sum must fit in a byte for the multiplication trick below


class DigitKeys:
    """`keys(digits)`: per competency the digit key, None when a byte is not a digit on the
    scale or the length is wrong; `rows(digits)`: the keys of many rows at once."""

    def __init__(
        self,
        competencies: Sequence[CompiledCompetency],
        low: int,
        high: int,
        digit_scale: bool,
    ) -> None:
        table = bytearray([INVALID]) * 256
        if digit_scale:
            for value in range(low, high + 1):
                table[ord("0") + value] = value - low
        self.to_offset = bytes(table)
        self._size = size = sum(c.size for c in competencies)
        reverse = [r for c in competencies for r in c.reverse]
        span = high - low
        lengths = sorted({c.size for c in competencies})
        self._block_masks: dict[int, tuple[int, int]] = {}
        self._block_constants = (
            bytes(BYTE_MAX * r for r in reverse),
            bytes(span * r for r in reverse),
            tuple((sum(256**j for j in range(length)), length) for length in lengths),
            tuple((lengths.index(c.size), c.stop - 1) for c in competencies),
        )
        self.keys = _keys_function(competencies, self.to_offset, size, reverse, span)

    def rows(self, digits: bytes) -> Iterator[tuple[int, ...]]:
        """The keys of many rows at once, with the same few big-integer operations.

        `digits` holds whole rows back to back, every byte a digit on the scale (the caller
        has checked that).
        """
        size = self._size
        rows = len(digits) // size
        reverse_mask, reverse_span, windows, ends = self._block_constants
        masks = self._block_masks.get(rows)
        if masks is None:  # the same few block sizes come again and again
            if len(self._block_masks) > 3:
                self._block_masks.clear()
            masks = self._block_masks[rows] = (
                int.from_bytes(reverse_mask * rows, "little"),
                int.from_bytes(reverse_span * rows, "little"),
            )
        number = int.from_bytes(digits.translate(self.to_offset), "little")
        number += masks[1] - ((number & masks[0]) << 1)
        stop = rows * size
        sums = [(number * window).to_bytes(stop + length, "little") for window, length in windows]
        return zip(*[sums[window][end:stop:size] for window, end in ends], strict=True)


def _keys_function(
    competencies: Sequence[CompiledCompetency],
    to_offset: bytes,
    size: int,
    reverse: list[bool],
    span: int,
) -> Callable[[bytes], tuple[int, ...] | None]:
    """The keys of one row as a closure over its constants (the hot path of `kam batch`)."""
    reverse_mask = int.from_bytes(bytes(BYTE_MAX * r for r in reverse), "little")
    reverse_span = int.from_bytes(bytes(span * r for r in reverse), "little")
    # Multiplying by 1 + 256 + … + 256**(k-1) puts in byte p the sum of bytes p-k+1..p:
    # one big-int product gives every window sum of length k; read those ending a group.
    windows: list[tuple[int, int, Callable[[bytes], tuple[int, ...]]]] = []
    positions: list[int] = []
    for length in sorted({c.size for c in competencies}):
        ends = [c.stop - 1 for c in competencies if c.size == length]
        windows.append((sum(256**j for j in range(length)), size + length, _picker(ends)))
        positions.extend(i for i, c in enumerate(competencies) if c.size == length)
    # Window sums come grouped by length; this puts them back in competency order.
    reorder = _picker(sorted(range(len(positions)), key=positions.__getitem__))
    single = windows[0] if len(windows) == 1 else None

    def digit_keys(digits: bytes) -> tuple[int, ...] | None:
        offsets = digits.translate(to_offset)
        if len(offsets) != size or INVALID in offsets:
            return None
        number = int.from_bytes(offsets, "little")
        # A reverse answer at offset x counts as span - x: add span, subtract x twice.
        number += reverse_span - ((number & reverse_mask) << 1)
        if single is not None:
            return single[2]((number * single[0]).to_bytes(single[1], "little"))
        sums: tuple[int, ...] = ()
        for window, length, pick in windows:
            sums += pick((number * window).to_bytes(length, "little"))
        return reorder(sums)

    return digit_keys


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """itemgetter that always returns a tuple (itemgetter(i) alone returns a bare item)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda values: (values[only],)
    return itemgetter(*indexes)
