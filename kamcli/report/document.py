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


# --- the cohort summary's sections (kamcli/report/cohort.py builds them) --------------------


@dataclass(frozen=True)
class SummaryHeader:
    """A title and its fields printed in the given order (the cohort summary's header)."""

    title: str
    page_title: str
    eyebrow: str  # the model's name
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class EmptyNotice:
    """Said instead of every figure when nobody could be scored."""

    text: str


@dataclass(frozen=True)
class TeamRadar:
    """The team's mean against the (mean) target; the page's main figure."""

    figure: RadarFigure  # series "mean" and "target"
    mean_label: str
    target_label: str


@dataclass(frozen=True)
class BandCount:
    """People in one status band; `shade` is the band's place in the model (None: no data)."""

    band_id: str
    glyph: str
    count: int
    shade: int | None


@dataclass(frozen=True)
class CohortRow:
    """One competency's cohort figures, formatted."""

    name: str
    n: int
    mean: str
    sd: str
    median: str
    target: str
    met: str
    mean_gap: str
    status: str  # the band of the mean gap, for colour (never shown without the number)
    bands: tuple[BandCount, ...]
    distribution: str  # "✔12 ◐3 ▲5 ✖1"


@dataclass(frozen=True)
class CohortTable:
    """Statistics by competency; `columns`: competency, n, mean, sd, median, target, met,
    mean gap, distribution."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[CohortRow, ...]
    legend_stats: str
    legend_counts: str  # people per status under each name, with the band legend
    legend_bands: str
    legend_mixed: str  # "" when the cohort is at one stage


@dataclass(frozen=True)
class TeamPriority:
    rank: int
    name: str
    summary: Line  # the name (user text, strong) with its figures
    figures: tuple[Field, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class PriorityGroup:
    """The whole cohort's list (no heading) or one stage's list (its name and head count)."""

    heading: str
    items: tuple[TeamPriority, ...]
    empty: str  # said instead of the list when there is nothing to close


@dataclass(frozen=True)
class StagePriorities:
    """The team's priorities: one list, or one per stage when no stage holds a majority."""

    heading: str
    intro: str  # how the lists are ranked and whose actions they carry; "" when none applies
    groups: tuple[PriorityGroup, ...]
    no_actions: str


@dataclass(frozen=True)
class ScoreBin:
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class Histogram:
    name: str
    caption: str  # mean and target
    bins: tuple[ScoreBin, ...]
    target: float


@dataclass(frozen=True)
class Histograms:
    """Per competency, how many people score in each step of the scale."""

    heading: str
    note: str
    low: int
    high: int
    items: tuple[Histogram, ...]


@dataclass(frozen=True)
class HeatCell:
    gap: str
    shade: int | None  # the status band's place in the model; None: insufficient data
    title: str


@dataclass(frozen=True)
class HeatRow:
    number: int
    name: str
    respondent_id: str
    stage: str
    fit: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    """The gap of every shown respondent in every competency, as data."""

    heading: str
    note: str
    truncated: str  # "" when every respondent is shown
    respondent: str  # column headings
    stage: str
    fit: str
    competencies: tuple[str, ...]
    show_stage: bool
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True)
class StatusShade:
    status: str
    glyph: str
    word: str
    meaning: str  # word and gap range, e.g. "Close (gap ≤ 0.5)"
    shade: int | None


@dataclass(frozen=True)
class StatusKey:
    """The status bands in the model's order, then insufficient data: a key to the shades."""

    heading: str
    bands: tuple[StatusShade, ...]


# Every section type, for the renderers' handlers and the exhaustiveness test; defined after
# all of them (Document's annotation refers to `Section` lazily).
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
    | SummaryHeader
    | EmptyNotice
    | TeamRadar
    | CohortTable
    | StagePriorities
    | Histograms
    | HeatMap
    | StatusKey
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
    SummaryHeader,
    EmptyNotice,
    TeamRadar,
    CohortTable,
    StagePriorities,
    Histograms,
    HeatMap,
    StatusKey,
)
