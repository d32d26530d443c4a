"""The 360° (subject) report's section types (kamcli/report/subject.py builds them;
document.py lists them with every other section type, so each renderer must handle them)."""

from __future__ import annotations

from dataclasses import dataclass

from kamcli.report.parts import Field, Line, Series


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
