"""The cohort summary's section types (kamcli/report/cohort.py builds them; document.py lists
them with every other section type, so each renderer must handle them)."""

from __future__ import annotations

from dataclasses import dataclass

from kamcli.report.parts import Field, Line, RadarFigure


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
