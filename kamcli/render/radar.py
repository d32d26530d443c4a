"""Radar chart geometry, shared by the HTML (SVG) and PDF reports. Pure arithmetic."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Axis:
    label: str
    angle: float  # radians, 0 = straight up, clockwise
    end: tuple[float, float]  # where the axis meets the outer ring
    label_at: tuple[float, float]
    anchor: str  # "start" | "middle" | "end": how the label's text aligns at label_at
    missing: bool  # no score (insufficient data)


@dataclass(frozen=True)
class Radar:
    center: tuple[float, float]
    radius: float
    axes: tuple[Axis, ...]
    rings: tuple[tuple[float, tuple[tuple[float, float], ...]], ...]  # (scale value, polygon)
    series: tuple[tuple[str, tuple[tuple[float, float], ...]], ...]  # (name, polygon)


def point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return (round(cx + radius * math.sin(angle), 2), round(cy - radius * math.cos(angle), 2))


def radar(
    labels: list[str],
    series: dict[str, list[float | None]],
    low: float,
    high: float,
    *,
    center: tuple[float, float] = (300.0, 260.0),
    radius: float = 180.0,
    label_gap: float = 18.0,
) -> Radar:
    """Polygons for each series (values on low..high); a missing value sits at the centre."""
    count = len(labels)
    cx, cy = center
    angles = [2 * math.pi * n / count for n in range(count)]

    def scaled(value: float | None) -> float:
        if value is None:
            return 0.0
        return radius * (min(max(value, low), high) - low) / (high - low)

    first = next(iter(series.values()), [None] * count)
    axes = []
    for label, angle, value in zip(labels, angles, first, strict=True):
        sin = math.sin(angle)
        anchor = "middle" if abs(sin) < 0.2 else ("start" if sin > 0 else "end")
        axes.append(
            Axis(
                label,
                angle,
                point(cx, cy, radius, angle),
                point(cx, cy, radius + label_gap, angle),
                anchor,
                value is None,
            )
        )
    steps = int(high - low)
    rings = tuple(
        (low + step, tuple(point(cx, cy, radius * step / steps, a) for a in angles))
        for step in range(1, steps + 1)
    )
    polygons = tuple(
        (name, tuple(point(cx, cy, scaled(v), a) for v, a in zip(values, angles, strict=True)))
        for name, values in series.items()
    )
    return Radar(center, radius, tuple(axes), rings, polygons)
