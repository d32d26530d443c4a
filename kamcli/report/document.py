"""The section types a report document is made of, and the document itself.

Every value is final text in the report's language (or a number a figure is drawn from), so
a renderer only lays out and escapes. Text that came from the user or the model is marked
(`Span.user`) so each format escapes it its own way; emphasis (`Span.strong`) is a request a
format may honour (Markdown bold) or ignore. Adding a section type means one class here, one
builder change, and one handler in every renderer (tests/test_report_document.py checks it).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

S = TypeVar("S")


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
class Header:
    """Title and who/what/when. `model` and `date` stand apart: formats place them differently."""

    title: str
    page_title: str
    eyebrow: str  # the model's name
    fields: tuple[Field, ...]
    model: Field
    date: Field


@dataclass(frozen=True)
class StageFocus:
    heading: str
    stage: str
    text: str


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


@dataclass(frozen=True)
class Meter:
    line: Line
    percent: float | None  # 0..100, None: no meter


@dataclass(frozen=True)
class FitMeters:
    heading: str
    explain: str
    meters: tuple[Meter, ...]


@dataclass(frozen=True)
class GapRow:
    competency_id: str
    name: str
    coverage_note: str
    score_text: str
    target_text: str
    gap: str
    weight: str
    status: str
    glyph: str
    word: str
    score: float | None
    target: float
    score_share: float | None  # 0..1 of the scale
    target_share: float


@dataclass(frozen=True)
class GapHeadings:
    heading: str
    competency: str
    score: str
    target: str
    gap: str
    weight: str
    bar: str
    bar_short: str
    status: str


@dataclass(frozen=True)
class GapTable:
    headings: GapHeadings
    rows: tuple[GapRow, ...]
    low: float
    high: float
    legend_bar: str
    legend_gap: str
    legend_levels: str
    status_words: tuple[tuple[str, str], ...]  # every band's (glyph, word), then insufficient


@dataclass(frozen=True)
class PriorityItem:
    rank: int
    summary: Line
    row: GapRow
    target_level: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Priorities:
    heading: str
    rule: str
    empty: str
    no_actions: str
    items: tuple[PriorityItem, ...]


@dataclass(frozen=True)
class Bullets:
    heading: str
    rule: str
    empty: str
    items: tuple[Line, ...]
    positive: bool = False  # good news (strengths): a format may show it so


@dataclass(frozen=True)
class Note:
    line: Line
    warning: bool


@dataclass(frozen=True)
class Notes:
    heading: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Method:
    heading: str
    lines: tuple[str, ...]
    stamp: str


# --- the 360° (subject) report's sections ---------------------------------------------------


@dataclass(frozen=True)
class FieldHeader:
    """Title and fields in the given order, no date: the 360° report's header."""

    title: str
    page_title: str
    eyebrow: str  # the model's name
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class AnonymityNotes:
    """What was folded, left out or withheld to keep raters anonymous: shown before the
    figures, in a box on the page, so nobody reads them without it."""

    heading: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class StageSummary:
    """The stage's summary as the HTML page shows it above a 360° radar (not in print)."""

    heading: str
    stage: str
    text: str


@dataclass(frozen=True)
class RaterRadar:
    """The 360° radar as data: all others, self and the target per axis. The first series
    decides which axes read "no data"; `has_others`/`has_self`: whether those are drawn."""

    heading: str
    axes: tuple[str, ...]
    series: tuple[Series, ...]  # keys "others", "self", "target"
    has_others: bool
    has_self: bool
    low: float
    high: float
    note: str
    legend_no_data: str
    no_data: str
    legend: tuple[tuple[str, str], ...]  # (series key, its name) in legend order


@dataclass(frozen=True)
class ScoreCell:
    """One rater group's figure on one competency; a hidden one shows only its count."""

    value: str  # the mean, or "—"
    count: str  # "n=3"
    spread: str  # "±0.45", "" when hidden or unknown
    hidden: bool

    @property
    def detail(self) -> str:
        return f"{self.count} {self.spread}" if self.spread else self.count


@dataclass(frozen=True)
class GroupScoreRow:
    name: str
    self_score: str
    cells: tuple[ScoreCell, ...]  # each shown group, then all others
    target: str
    gap: str
    status: str  # a band id, "insufficient" or "withheld"
    glyph: str
    word: str
    flag: str  # "blind_spot", "hidden_strength" or ""
    flag_glyph: str
    flag_word: str


@dataclass(frozen=True)
class GroupScoreTable:
    """Scores by rater group per competency (self, each shown group, all others)."""

    heading: str
    competency: str
    self_heading: str
    columns: tuple[str, ...]  # each shown group, then all others
    target: str
    gap: str  # the short heading (terminal)
    gap_others: str  # the heading that says against whom
    status: str
    flag: str
    rows: tuple[GroupScoreRow, ...]
    legends: tuple[str, ...]
    glyphs: str  # every glyph a row may show: a PDF checks its font has them all


@dataclass(frozen=True)
class FlagItem:
    name: str
    glyph: str
    word: str
    line: Line  # the name (user text, emphasised), self, others and the difference
    actions: tuple[str, ...]


@dataclass(frozen=True)
class FlagList:
    """Blind spots (with the stage's actions) or hidden strengths."""

    flag: str  # "blind_spot" or "hidden_strength"
    heading: str
    intro: str
    empty: str
    items: tuple[FlagItem, ...]
    with_actions: bool
    actions_heading: str
    no_actions: str


@dataclass(frozen=True)
class MethodList:
    """The method as a numbered list that Markdown shows too (the screen leaves it out)."""

    heading: str
    lines: tuple[str, ...]
    stamp: str


SUBJECT_SECTIONS: tuple[type, ...] = (
    FieldHeader,
    AnonymityNotes,
    StageSummary,
    RaterRadar,
    GroupScoreTable,
    FlagList,
    MethodList,
)


Section = (
    Header | StageFocus | RadarFigure | FitMeters | GapTable | Priorities | Bullets | Notes | Method
    | FieldHeader | AnonymityNotes | StageSummary | RaterRadar | GroupScoreTable | FlagList
    | MethodList
)  # fmt: skip
SECTION_TYPES: tuple[type, ...] = (
    Header,
    StageFocus,
    RadarFigure,
    FitMeters,
    GapTable,
    Priorities,
    Bullets,
    Notes,
    Method,
    *SUBJECT_SECTIONS,
)


@dataclass(frozen=True)
class Document:
    """A report in print order; `kind` names the builder, `lang` the language it speaks."""

    kind: str
    lang: str
    sections: tuple[Section, ...]

    def first(self, kind: type[S]) -> S | None:
        return next((s for s in self.sections if isinstance(s, kind)), None)

    def in_order(self, order: tuple[type, ...]) -> list[Section]:
        """The sections in a format's own order (types not named keep print order, last)."""
        rank = {kind: index for index, kind in enumerate(order)}
        return sorted(self.sections, key=lambda s: rank.get(type(s), len(order)))


def handler_name(kind: type) -> str:
    """The name of a renderer's function for a section type: `_on_gap_table` for GapTable."""
    return "_on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", kind.__name__).lower()


def handlers(namespace: Mapping[str, object]) -> dict[type, Callable[..., Any]]:
    """A renderer module's function for every section type, found by name; a renderer that
    lacks one fails on import, so a new section type cannot be forgotten by a format."""
    missing = [handler_name(kind) for kind in SECTION_TYPES if handler_name(kind) not in namespace]
    if missing:
        raise TypeError(f"{namespace.get('__name__')} has no {', '.join(missing)}")
    found: dict[type, Callable[..., Any]] = {}
    for kind in SECTION_TYPES:
        function = namespace[handler_name(kind)]
        assert callable(function)
        found[kind] = function
    return found
