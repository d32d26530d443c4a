"""Cronbach's alpha per competency, with its Feldt interval, alpha-if-deleted and item–rest r.

Pure arithmetic, no numpy: answers are whole numbers, so every variance and covariance is
summed exactly with Python integers and kept as a Fraction; only the final statistics become
floats. That makes "zero variance" an exact test (never a rounding accident) and the results
agree with pingouin/pandas to the last few bits. Undefined statistics are None — never NaN —
with `note` saying why, so the JSON form is always valid. Formulas: docs/statistics.md.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kamcli.model.schema import Competency, CompetencyModel
from kamcli.scoring.fdist import f_ppf

__all__ = [
    "MIN_RESPONDENTS",
    "Matrix",
    "ScaleReliability",
    "feldt_interval",
    "reliability",
    "summarise",
]

MISSING_METHODS = ("listwise", "pairwise")
# Below this many respondents alpha is reported but flagged: see docs/statistics.md.
MIN_RESPONDENTS = 10
# Listwise deletion losing more than a third of the respondents earns a hint to go pairwise.
LISTWISE_LOSS_WARNING = 1 / 3
CONFIDENCE = 0.95

Matrix = list[list[Fraction | None]]


@dataclass(frozen=True)
class ScaleReliability:
    """Internal consistency of one competency's items across a cohort."""

    competency_id: str
    k: int
    n_used: int
    n_total: int
    missing_method: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    alpha_if_deleted: dict[str, float | None]
    item_rest: dict[str, float | None]
    warnings: tuple[str, ...]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "k": self.k,
            "n_used": self.n_used,
            "n_total": self.n_total,
            "missing_method": self.missing_method,
            "alpha": self.alpha,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "alpha_if_deleted": dict(self.alpha_if_deleted),
            "item_rest": dict(self.item_rest),
            "warnings": list(self.warnings),
            "note": self.note,
        }


def feldt_interval(
    alpha: float, n: int, k: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Feldt's (1965) interval: 1 − (1 − α)·F quantiles with n − 1 and (n − 1)(k − 1) df."""
    if n < 2 or k < 2:
        raise ValueError("the Feldt interval needs n >= 2 respondents and k >= 2 items")
    upper, lower = _f_quantiles(n, k, confidence)
    return 1.0 - (1.0 - alpha) * upper, 1.0 - (1.0 - alpha) * lower


@functools.lru_cache(maxsize=256)
def _f_quantiles(n: int, k: int, confidence: float) -> tuple[float, float]:
    """The two F quantiles of the interval; competencies with the same n and k share them."""
    tail = (1.0 - confidence) / 2.0
    dfn = n - 1
    dfd = dfn * (k - 1)
    return f_ppf(1.0 - tail, dfn, dfd), f_ppf(tail, dfn, dfd)


def _columns(
    model: CompetencyModel, competency: Competency, rows: Sequence[Mapping[str, int | None]]
) -> list[list[int | None]]:
    """One column per item, reverse-keyed answers mirrored (min + max − x) so all point one way."""
    mirror = model.scale.min + model.scale.max
    columns: list[list[int | None]] = []
    for item in competency.items:
        column: list[int | None] = []
        for row in rows:
            raw = row.get(item.id)
            column.append(None if raw is None else (mirror - raw if item.reverse else raw))
        columns.append(column)
    return columns


def _covariance(xs: list[int], ys: list[int]) -> Fraction | None:
    """Exact sample covariance (n − 1 denominator, as pandas); None below two observations."""
    n = len(xs)
    if n < 2:
        return None
    sum_xy = sum(x * y for x, y in zip(xs, ys, strict=True))
    return Fraction(n * sum_xy - sum(xs) * sum(ys), n * (n - 1))


def _covariance_matrix(columns: list[list[int | None]]) -> tuple[Matrix, list[list[int]]]:
    """Pairwise-complete covariances and their counts (listwise callers pass complete rows)."""
    k = len(columns)
    matrix: Matrix = [[None] * k for _ in range(k)]
    counts = [[0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i, k):
            pairs = [
                (x, y)
                for x, y in zip(columns[i], columns[j], strict=True)
                if x is not None and y is not None
            ]
            xs = [x for x, _ in pairs]
            ys = [y for _, y in pairs]
            matrix[i][j] = matrix[j][i] = _covariance(xs, ys)
            counts[i][j] = counts[j][i] = len(pairs)
    return matrix, counts


def _alpha(matrix: Matrix, keep: list[int]) -> Fraction | None:
    """α = m/(m−1)·(1 − Σ var_i / Σ_ij cov_ij) over the items `keep`; None when undefined."""
    m = len(keep)
    if m < 2:
        return None
    cells = [matrix[i][j] for i in keep for j in keep]
    if any(cell is None for cell in cells):
        return None
    total = sum((cell for cell in cells if cell is not None), Fraction(0))
    if total <= 0:
        return None
    trace = sum((matrix[i][i] or Fraction(0) for i in keep), Fraction(0))
    return Fraction(m, m - 1) * (1 - trace / total)


def _item_rest(matrix: Matrix, item: int, keep: list[int]) -> float | None:
    """r(item, sum of the other items) from the covariance matrix; None when undefined."""
    rest = [j for j in keep if j != item]
    cells = [matrix[item][item]] + [matrix[item][j] for j in rest]
    cells += [matrix[i][j] for i in rest for j in rest]
    if not rest or any(cell is None for cell in cells):
        return None
    variance = matrix[item][item] or Fraction(0)
    covariance = sum((matrix[item][j] or Fraction(0) for j in rest), Fraction(0))
    rest_variance = sum((matrix[i][j] or Fraction(0) for i in rest for j in rest), Fraction(0))
    if variance <= 0 or rest_variance <= 0:
        return None
    return float(covariance) / math.sqrt(float(variance * rest_variance))


def _items(ids: list[str]) -> str:
    return f"item {ids[0]} was" if len(ids) == 1 else f"items {', '.join(ids)} were"


def _fmt(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


def reliability(
    model: CompetencyModel,
    rows: Iterable[Mapping[str, int | None]],
    *,
    missing: str = "listwise",
) -> list[ScaleReliability]:
    """Cronbach's alpha for every competency of `model` over the respondents in `rows`.

    Each row maps item ids to raw answers (None or absent = not answered). `missing` is
    "listwise" (only respondents who answered every item of the competency) or "pairwise"
    (each covariance from the respondents who answered both items, as pandas/pingouin do).
    Answers are taken as already checked against the scale (see `check_answers`).
    """
    if missing not in MISSING_METHODS:
        raise ValueError(f"missing must be one of {', '.join(MISSING_METHODS)}, not {missing!r}")
    materialized = list(rows)
    return [_scale(model, c, materialized, missing) for c in model.competencies]


def _scale(
    model: CompetencyModel,
    competency: Competency,
    rows: Sequence[Mapping[str, int | None]],
    missing: str,
) -> ScaleReliability:
    ids = [item.id for item in competency.items]
    columns = _columns(model, competency, rows)
    answered = [any(col[r] is not None for col in columns) for r in range(len(rows))]
    n_total = sum(answered)
    never = [ids[i] for i, col in enumerate(columns) if n_total and all(x is None for x in col)]
    if missing == "listwise":
        complete = [r for r in range(len(rows)) if all(col[r] is not None for col in columns)]
        columns = [[col[r] for r in complete] for col in columns]
        n_used = len(complete)
    else:
        columns = [[col[r] for r in range(len(rows)) if answered[r]] for col in columns]
        n_used = n_total
    matrix, counts = _covariance_matrix(columns)
    return summarise(competency.id, ids, matrix, counts, never, n_used, n_total, missing)


def summarise(
    competency_id: str,
    ids: list[str],
    matrix: Matrix,
    counts: list[list[int]],
    never: list[str],
    n_used: int,
    n_total: int,
    missing: str,
) -> ScaleReliability:
    """Every figure of one competency from its exact covariance matrix and pair counts.

    Shared by this reference implementation and the numpy one (reliability_sums.py), which
    only differ in how they add up the answers: the same matrix gives the same result.
    """
    k = len(ids)
    everything = list(range(k))
    alpha = _alpha(matrix, everything)
    alpha_if_deleted = {
        ids[i]: _float(_alpha(matrix, [j for j in everything if j != i])) for i in everything
    }
    item_rest = {ids[i]: _item_rest(matrix, i, everything) for i in everything}
    ci_low = ci_high = None
    if alpha is not None:
        ci_low, ci_high = feldt_interval(float(alpha), n_used, k)
    warnings = _warnings(ids, matrix, counts, never, alpha, item_rest, n_used, n_total, missing)
    return ScaleReliability(
        competency_id=competency_id,
        k=k,
        n_used=n_used,
        n_total=n_total,
        missing_method=missing,
        alpha=_float(alpha),
        ci_low=ci_low,
        ci_high=ci_high,
        alpha_if_deleted=alpha_if_deleted,
        item_rest=item_rest,
        warnings=tuple(warnings),
        note=None if alpha is not None else _why_undefined(ids, matrix, never, n_used, missing),
    )


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _total(matrix: Matrix) -> Fraction | None:
    """The variance of the scale total (sum of all covariances); None if one is undefined."""
    cells = [cell for row in matrix for cell in row]
    if any(cell is None for cell in cells):
        return None
    return sum((cell for cell in cells if cell is not None), Fraction(0))


def _why_undefined(
    ids: list[str], matrix: Matrix, never: list[str], n_used: int, missing: str
) -> str:
    """The first reason, in the order a user would fix them, why alpha is None."""
    k = len(ids)
    if k == 1:
        return "a single item: alpha needs at least two items"
    if never:
        return f"{_items(never)} never answered"
    if n_used < 2:
        who = "answered every item" if missing == "listwise" else "answered any item"
        return f"n = {n_used}: alpha needs at least two respondents who {who}"
    sparse = [(ids[i], ids[j]) for i in range(k) for j in range(i + 1, k) if matrix[i][j] is None]
    if sparse:
        first, second = sparse[0]
        return f"items {first} and {second} were answered together by fewer than two respondents"
    if all(matrix[i][i] == 0 for i in range(k)):
        return "every respondent gave the same answers: alpha undefined (no variance)"
    if _total(matrix) == 0:
        return "the scale total is the same for every respondent: alpha undefined"
    return "the pairwise covariances give a negative total variance: alpha undefined"


def _warnings(
    ids: list[str],
    matrix: Matrix,
    counts: list[list[int]],
    never: list[str],
    alpha: Fraction | None,
    item_rest: dict[str, float | None],
    n_used: int,
    n_total: int,
    missing: str,
) -> list[str]:
    k = len(ids)
    warnings: list[str] = []
    if k == 1:
        return ["a single item: alpha undefined (a competency needs two or more items to check)"]
    for item in never:
        advice = (
            "listwise deletion leaves nobody: use pairwise, whose alpha-if-deleted for this "
            "item is the alpha of the other items"
            if missing == "listwise"
            else "its alpha-if-deleted is the alpha of the other items"
        )
        warnings.append(f"item {item}: all answers are missing ({advice})")
    smallest = (
        min(counts[i][j] for i in range(k) for j in range(k)) if missing == "pairwise" else n_used
    )
    if 0 < smallest < MIN_RESPONDENTS:
        pairwise = " (smallest pairwise count)" if missing == "pairwise" else ""
        warnings.append(
            f"n = {smallest}{pairwise}: too few respondents for a reliable alpha "
            f"(need at least {MIN_RESPONDENTS}; see the confidence interval)"
        )
    if missing == "listwise" and n_total and (n_total - n_used) / n_total > LISTWISE_LOSS_WARNING:
        dropped = n_total - n_used
        warnings.append(
            f"listwise deletion dropped {dropped} of {n_total} respondents with a missing answer "
            f"({100 * dropped / n_total:.0f} %): consider pairwise"
        )
    answered = [i for i in range(k) if counts[i][i] >= 2]
    if answered and all(matrix[i][i] == 0 for i in answered):
        warnings.append("every respondent gave the same answers: alpha undefined")
        return warnings
    total = _total(matrix)
    if total is not None and total < 0:
        warnings.append(
            "the pairwise covariances are inconsistent (negative total variance): use listwise"
        )
    if smallest < MIN_RESPONDENTS:
        # With a handful of respondents every r is near ±1 by chance: advice would be noise.
        return warnings
    return warnings + _keying_warnings(ids, matrix, answered, alpha, item_rest, total)


def _keying_warnings(
    ids: list[str],
    matrix: Matrix,
    answered: list[int],
    alpha: Fraction | None,
    item_rest: dict[str, float | None],
    total: Fraction | None,
) -> list[str]:
    """Advice on items that do not measure with the rest: constant, reversed or cancelling."""
    warnings = [
        f"item {ids[i]}: every respondent gave the same answer, so it cannot tell people "
        "apart (its item–rest correlation is undefined)"
        for i in answered
        if matrix[i][i] == 0
    ]
    negative = [item for item, r in item_rest.items() if r is not None and r < 0]
    if alpha is not None and alpha < 0:
        suspects = ", ".join(negative) if negative else ", ".join(ids)
        warnings.append(
            f"negative alpha ({_fmt(float(alpha))}): items may be mis-keyed — "
            f"check the reverse flags of {suspects}"
        )
    warnings += [
        f"item {item} correlates negatively with the rest of its scale "
        f"(r = {_fmt(item_rest[item] or 0.0)}): likely mis-keyed (check its reverse flag) "
        "or misread"
        for item in negative
    ]
    if total == 0:
        warnings.append(
            "the items cancel each other out (the scale total never varies): "
            f"check the reverse flags of {', '.join(ids)}"
        )
    return warnings
