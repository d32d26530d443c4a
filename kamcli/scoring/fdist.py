"""Quantiles of the F distribution in pure Python, for the Feldt interval of Cronbach's alpha.

kamcli must not depend on scipy, so this is the textbook route: the regularized incomplete
beta function I_x(a, b) by its continued fraction (modified Lentz), inverted by Newton steps
kept inside a shrinking bracket, and F quantiles from the identity
P(F <= f) = I_z(d1/2, d2/2) with z = d1·f / (d1·f + d2). Tests compare with scipy to 1e-10.
"""

from __future__ import annotations

import math

__all__ = ["betainc", "betaincinv", "f_ppf"]

_TINY = 1e-300
_EPS = 1e-16
_MAX_ITERATIONS = 100_000


_STIRLING_FROM = 10.0


def _stirling_remainder(x: float) -> float:
    """lgamma(x) − [(x − ½)·ln x − x + ½·ln 2π], by its asymptotic series (x >= 10)."""
    x2 = x * x
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x


def _log_beta(a: float, b: float) -> float:
    """ln B(a, b). For large arguments lgamma(a) + lgamma(b) − lgamma(a + b) cancels huge
    numbers (1e-11 lost at a + b ≈ 1e4), so the Stirling terms are combined by hand first."""
    small, big = min(a, b), max(a, b)
    if big < _STIRLING_FROM:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    total = a + b
    correction = _stirling_remainder(big) - _stirling_remainder(total)
    if small < _STIRLING_FROM:
        return (
            math.lgamma(small)
            + (big - 0.5) * math.log1p(-small / total)
            - small * math.log(total)
            + small
            + correction
        )
    return (
        0.5 * math.log(2 * math.pi)
        + (small - 0.5) * math.log(small / total)
        + big * math.log1p(-small / total)
        - 0.5 * math.log(big)
        + _stirling_remainder(small)
        + correction
    )


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes' betacf).

    It converges fast for x < (a + 1) / (a + b + 2); betainc uses the symmetry otherwise.
    """
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITERATIONS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) for a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError("betainc needs a > 0 and b > 0")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def betaincinv(a: float, b: float, p: float) -> float:
    """The x in [0, 1] with I_x(a, b) = p: Newton steps, bisecting when one leaves the bracket."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("betaincinv needs 0 <= p <= 1")
    if p in (0.0, 1.0):
        return p
    log_beta = _log_beta(a, b)
    low, high = 0.0, 1.0
    x = a / (a + b)
    for _ in range(400):
        error = betainc(a, b, x) - p
        if error == 0.0:
            return x
        if error > 0:
            high = x
        else:
            low = x
        density = math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_beta)
        candidate = x - error / density if density > 0 and math.isfinite(density) else -1.0
        if not low < candidate < high:
            candidate = 0.5 * (low + high)
        if abs(candidate - x) <= 1e-15 * x or high - low <= 1e-17:
            return candidate
        x = candidate
    return x


def f_ppf(p: float, dfn: float, dfd: float) -> float:
    """The p-quantile of the F distribution with (dfn, dfd) degrees of freedom.

    When z = I⁻¹(p) is above one half, 1 − z is solved for directly (I_{1−z}(b, a) = 1 − p)
    so that z / (1 − z) does not lose digits to cancellation.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("f_ppf needs 0 < p < 1")
    if dfn <= 0 or dfd <= 0:
        raise ValueError("f_ppf needs positive degrees of freedom")
    a, b = dfn / 2.0, dfd / 2.0
    z = betaincinv(a, b, p)
    if z <= 0.5:
        return dfd * z / (dfn * (1.0 - z))
    w = betaincinv(b, a, 1.0 - p)
    return dfd * (1.0 - w) / (dfn * w)
