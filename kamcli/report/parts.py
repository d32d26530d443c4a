"""The pieces report sections are made of: sentences as spans (user text marked), named
fields, and the radar figure the person and the cohort reports both draw.

Kept apart from document.py so that a report kind's own section types (cohort_sections.py)
can use them while document.py lists every section type.
"""

from __future__ import annotations

import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A run of text inside a sentence: `user` text must be escaped, `strong` emphasised."""

    text: str
    strong: bool = False
    user: bool = False


Line = tuple[Span, ...]


def plain(line: Line) -> str:
    """The sentence as plain text."""
    return "".join(span.text for span in line)


def spans(template: str, user: dict[str, str], strong: frozenset[str] = frozenset(),
          **values: object) -> Line:  # fmt: skip
    """`template` filled in as spans: fields in `user` are user/model text (emphasised when
    named in `strong`); every other field and the template's own words are ours."""
    line: list[Span] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            line.append(Span(literal))
        if name is None:
            continue
        if name in user:
            line.append(Span(user[name], strong=name in strong, user=True))
        else:
            field = "{0" + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            line.append(Span((field + "}").format(values[name])))
    return tuple(line)


def text_line(text: str) -> Line:
    return (Span(text),)


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class RadarFigure:
    """A radar chart as data: one axis per competency, one polygon per series."""

    heading: str
    axes: tuple[str, ...]
    series: tuple[Series, ...]
    low: float
    high: float
    note: str
    no_data: str
    legend_no_data: str
