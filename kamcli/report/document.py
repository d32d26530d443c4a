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


# --- psychometrics (`kam stats`, `kam batch --stats`): report/stats.py builds these ----------


@dataclass(frozen=True)
class StatsOverview:
    """The psychometrics title and its fields: respondents, missing answers, who was flagged."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class ReliabilityRow:
    name: str  # model text
    k: str
    n: str  # used, or used/total when some respondents left the competency out
    alpha: str
    ci: str


@dataclass(frozen=True)
class ReliabilityTable:
    """Cronbach's alpha per competency; `columns` are the titles, the first one is text."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[ReliabilityRow, ...]


@dataclass(frozen=True)
class ItemStat:
    item_id: str  # model text
    item_rest: str
    alpha_if_deleted: str
    negative: bool  # a negative item–rest r: likely mis-keyed, marked with `ItemTable.mark`


@dataclass(frozen=True)
class ItemScale:
    name: str  # model text
    items: tuple[ItemStat, ...]


@dataclass(frozen=True)
class ItemTable:
    """Item–rest correlations and alpha if deleted, grouped by competency."""

    heading: str
    columns: tuple[str, ...]
    scales: tuple[ItemScale, ...]
    mark: str
    legend: str


@dataclass(frozen=True)
class AdviceNotes:
    """What to look at in the figures ("competency: warning"); `empty` when nothing is."""

    heading: str
    items: tuple[Line, ...]
    empty: str


@dataclass(frozen=True)
class FlaggedRow:
    respondent_id: str  # user text
    run: str
    irv: str
    speed: str
    why: str


@dataclass(frozen=True)
class FlaggedList:
    """Careless responding: the rules and counts (`texts`), then the flagged respondents (at
    most a page of them; `more` says how many are left out, empty when none are)."""

    heading: str
    texts: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[FlaggedRow, ...]
    more: str


@dataclass(frozen=True)
class NoteList:
    """Remarks of the run (rows skipped, figures not computed), as bullets."""

    heading: str
    items: tuple[str, ...]


STATS_SECTION_TYPES: tuple[type, ...] = (
    StatsOverview,
    ReliabilityTable,
    ItemTable,
    AdviceNotes,
    FlaggedList,
    NoteList,
)
StatsSection = StatsOverview | ReliabilityTable | ItemTable | AdviceNotes | FlaggedList | NoteList


Section = (
    Header
    | StageFocus
    | RadarFigure
    | FitMeters
    | GapTable
    | Priorities
    | Bullets
    | Notes
    | Method
    | StatsSection
)
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
    *STATS_SECTION_TYPES,
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
