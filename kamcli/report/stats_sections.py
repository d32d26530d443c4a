"""The psychometrics report's section types (kam stats, kam batch --stats; kamcli/report/
stats.py builds them; document.py lists them with every other section type)."""

from __future__ import annotations

from dataclasses import dataclass

from kamcli.report.parts import Field, Line


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
