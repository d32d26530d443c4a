"""The section types a report document is made of, and the document itself.

Every value is final text in the report's language (or a number a figure is drawn from), so
a renderer only lays out and escapes. Text that came from the user or the model is marked
(`Span.user`) so each format escapes it its own way; emphasis (`Span.strong`) is a request a
format may honour (Markdown bold) or ignore. Adding a section type means one class here (or in
a report kind's own module such as cohort_sections.py, subject_sections.py or
stats_sections.py, listed at the
end of this one), one builder change, and one handler in every renderer
(tests/test_report_document.py checks it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from kamcli.report.cohort_sections import BandCount as BandCount
from kamcli.report.cohort_sections import CohortRow as CohortRow
from kamcli.report.cohort_sections import CohortTable as CohortTable
from kamcli.report.cohort_sections import EmptyNotice as EmptyNotice
from kamcli.report.cohort_sections import HeatCell as HeatCell
from kamcli.report.cohort_sections import HeatMap as HeatMap
from kamcli.report.cohort_sections import HeatRow as HeatRow
from kamcli.report.cohort_sections import Histogram as Histogram
from kamcli.report.cohort_sections import Histograms as Histograms
from kamcli.report.cohort_sections import PriorityGroup as PriorityGroup
from kamcli.report.cohort_sections import ScoreBin as ScoreBin
from kamcli.report.cohort_sections import StagePriorities as StagePriorities
from kamcli.report.cohort_sections import StatusKey as StatusKey
from kamcli.report.cohort_sections import StatusShade as StatusShade
from kamcli.report.cohort_sections import SummaryHeader as SummaryHeader
from kamcli.report.cohort_sections import TeamPriority as TeamPriority
from kamcli.report.cohort_sections import TeamRadar as TeamRadar
from kamcli.report.parts import Field as Field
from kamcli.report.parts import Line as Line
from kamcli.report.parts import RadarFigure as RadarFigure
from kamcli.report.parts import Series as Series
from kamcli.report.parts import Span as Span
from kamcli.report.parts import plain as plain
from kamcli.report.parts import spans as spans
from kamcli.report.parts import text_line as text_line
from kamcli.report.stats_sections import STATS_SECTION_TYPES as STATS_SECTION_TYPES
from kamcli.report.stats_sections import AdviceNotes as AdviceNotes
from kamcli.report.stats_sections import FlaggedList as FlaggedList
from kamcli.report.stats_sections import FlaggedRow as FlaggedRow
from kamcli.report.stats_sections import ItemScale as ItemScale
from kamcli.report.stats_sections import ItemStat as ItemStat
from kamcli.report.stats_sections import ItemTable as ItemTable
from kamcli.report.stats_sections import NoteList as NoteList
from kamcli.report.stats_sections import ReliabilityRow as ReliabilityRow
from kamcli.report.stats_sections import ReliabilityTable as ReliabilityTable
from kamcli.report.stats_sections import StatsOverview as StatsOverview
from kamcli.report.stats_sections import StatsSection as StatsSection
from kamcli.report.subject_sections import AnonymityNotes as AnonymityNotes
from kamcli.report.subject_sections import FieldHeader as FieldHeader
from kamcli.report.subject_sections import FlagItem as FlagItem
from kamcli.report.subject_sections import FlagList as FlagList
from kamcli.report.subject_sections import GroupScoreRow as GroupScoreRow
from kamcli.report.subject_sections import GroupScoreTable as GroupScoreTable
from kamcli.report.subject_sections import MethodList as MethodList
from kamcli.report.subject_sections import RaterRadar as RaterRadar
from kamcli.report.subject_sections import ScoreCell as ScoreCell
from kamcli.report.subject_sections import StageSummary as StageSummary

S = TypeVar("S")


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
    | FieldHeader
    | AnonymityNotes
    | StageSummary
    | RaterRadar
    | GroupScoreTable
    | FlagList
    | MethodList
    | StatsOverview
    | ReliabilityTable
    | ItemTable
    | AdviceNotes
    | FlaggedList
    | NoteList
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
    FieldHeader,
    AnonymityNotes,
    StageSummary,
    RaterRadar,
    GroupScoreTable,
    FlagList,
    MethodList,
    StatsOverview,
    ReliabilityTable,
    ItemTable,
    AdviceNotes,
    FlaggedList,
    NoteList,
)
