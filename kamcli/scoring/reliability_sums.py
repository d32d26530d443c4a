"""Cronbach's alpha over a stream of compact answer blocks, the sums added up with numpy.

The answers arrive as blocks of a respondents × items matrix of codes, one byte per answer
(uint16 past 254 scale points): 0 = not answered, else the answer's place on the scale
counted from 1 (min → 1). Each block adds, per competency, the sums every covariance needs —
Σx, Σxy and the number of respondents (per pair of items, for pairwise deletion) — as float64
matrix products: every term and partial sum is a whole number below 2**53, so BLAS adds them
exactly, and the totals are kept as int64. Nothing else is kept, so memory does not grow with
the number of respondents.

`results()` turns the sums into the exact covariance matrix (Fractions of whole numbers, the
same matrix reliability.py builds row by row) and hands it to `reliability.summarise`: the
figures, notes and warnings equal the reference implementation's exactly, zero variance stays
an exact test, and agreement with pingouin is unchanged. Codes instead of answers, and
mirrored codes for reverse-keyed items, give the same covariances: they are shifts (and a
sign change) of the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from kamcli.scoring.reliability import (
    MISSING_METHODS,
    Matrix,
    ScaleReliability,
    summarise,
)

if TYPE_CHECKING:
    import numpy.typing as npt

    from kamcli.model.schema import CompetencyModel

    Codes = npt.NDArray[np.unsignedinteger[Any]]
    Int64s = npt.NDArray[np.int64]

__all__ = ["BLOCK_ROWS", "ReliabilitySums", "reliability_of_codes"]

# Rows added at once: bounds the float64 copy (8 bytes × items × rows) and keeps every
# partial sum of a block exact (65,535² × 65,536 < 2**53).
BLOCK_ROWS = 16384


@dataclass
class _Scale:
    """One competency's columns and its running sums."""

    competency_id: str
    ids: list[str]
    start: int
    stop: int
    answered: Int64s  # respondents who answered each item
    sums: Int64s  # listwise: Σx per item; pairwise: [i, j] = Σ x_i over rows with j answered
    products: Int64s  # Σ x_i·x_j
    pairs: Int64s  # respondents who answered both i and j (listwise: complete rows, [0, 0])
    n_total: int = 0  # respondents who answered any item


class ReliabilitySums:
    """Adds up blocks of answer codes; `results()` gives every competency's reliability."""

    def __init__(self, model: CompetencyModel, missing: str = "listwise") -> None:
        if missing not in MISSING_METHODS:
            raise ValueError(
                f"missing must be one of {', '.join(MISSING_METHODS)}, not {missing!r}"
            )
        self._missing = missing
        self._width = len(model.item_ids())
        self._mirror = model.scale.max - model.scale.min + 2  # code of min + max − x
        reverse = [item.reverse for c in model.competencies for item in c.items]
        self._reverse = np.flatnonzero(reverse)
        self._scales: list[_Scale] = []
        self._starts = np.cumsum([0] + [len(c.items) for c in model.competencies[:-1]])
        start = 0
        for competency in model.competencies:
            k = len(competency.items)
            shape = (k, k) if missing == "pairwise" else (k,)
            self._scales.append(
                _Scale(
                    competency_id=competency.id,
                    ids=[item.id for item in competency.items],
                    start=start,
                    stop=start + k,
                    answered=np.zeros(k, np.int64),
                    sums=np.zeros(shape, np.int64),
                    products=np.zeros((k, k), np.int64),
                    pairs=np.zeros((k, k), np.int64),
                )
            )
            start += k

    def add(self, codes: Codes) -> None:
        """One block: respondents × items codes, items in model order."""
        if codes.ndim != 2 or codes.shape[1] != self._width:
            raise ValueError(f"codes must be a respondents × {self._width} matrix")
        for first in range(0, codes.shape[0], BLOCK_ROWS):
            self._add(np.ascontiguousarray(codes[first : first + BLOCK_ROWS].T))

    def _add(self, codes: Codes) -> None:
        """Items × respondents codes (transposed: each competency's rows side by side)."""
        rows = codes.shape[1]
        answered = codes != 0
        values = codes.astype(np.float64)
        if self._reverse.size:
            flipped = self._mirror - values[self._reverse]
            values[self._reverse] = np.where(answered[self._reverse], flipped, 0)
        per_item = np.count_nonzero(answered, axis=1)
        given = np.add.reduceat(answered, self._starts, axis=0, dtype=np.int64)
        anyone = np.count_nonzero(given, axis=1).tolist()
        pairwise = self._missing == "pairwise"
        mask = answered.astype(np.float64) if pairwise else None
        for number, scale in enumerate(self._scales):
            x = values[scale.start : scale.stop]
            scale.answered += per_item[scale.start : scale.stop]
            scale.n_total += anyone[number]
            if mask is None:
                complete = given[number] == scale.stop - scale.start
                n = int(np.count_nonzero(complete))
                if n < rows:
                    x = x * complete  # incomplete respondents add nothing
                scale.pairs[0, 0] += n
                scale.sums += x.sum(axis=1).astype(np.int64)
                scale.products += (x @ x.T).astype(np.int64)
            else:
                m = mask[scale.start : scale.stop]
                scale.sums += (x @ m.T).astype(np.int64)
                scale.products += (x @ x.T).astype(np.int64)
                scale.pairs += (m @ m.T).astype(np.int64)

    def results(self) -> list[ScaleReliability]:
        return [self._result(scale) for scale in self._scales]

    def _result(self, scale: _Scale) -> ScaleReliability:
        ids, k = scale.ids, len(scale.ids)
        answered: list[int] = scale.answered.tolist()
        never = [ids[i] for i in range(k) if scale.n_total and answered[i] == 0]
        products: list[list[int]] = scale.products.tolist()
        matrix: Matrix
        if self._missing == "listwise":
            n = int(scale.pairs[0, 0])
            sums: list[int] = scale.sums.tolist()
            matrix = [
                [_covariance(n, products[i][j], sums[i], sums[j]) for j in range(k)]
                for i in range(k)
            ]
            counts = [[n] * k for _ in range(k)]
            n_used = n
        else:
            pairs: list[list[int]] = scale.pairs.tolist()
            cross: list[list[int]] = scale.sums.tolist()
            matrix = [
                [
                    _covariance(pairs[i][j], products[i][j], cross[i][j], cross[j][i])
                    for j in range(k)
                ]
                for i in range(k)
            ]
            counts = pairs
            n_used = scale.n_total
        return summarise(
            scale.competency_id, ids, matrix, counts, never, n_used, scale.n_total, self._missing
        )


def _covariance(n: int, sum_xy: int, sum_x: int, sum_y: int) -> Fraction | None:
    """Exact sample covariance from the sums (n − 1 denominator); None below two pairs."""
    if n < 2:
        return None
    return Fraction(n * sum_xy - sum_x * sum_y, n * (n - 1))


def reliability_of_codes(
    model: CompetencyModel, codes: Codes, *, missing: str = "listwise"
) -> list[ScaleReliability]:
    """`reliability.reliability` for a whole matrix of answer codes at once."""
    sums = ReliabilitySums(model, missing)
    sums.add(codes)
    return sums.results()
