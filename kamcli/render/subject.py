"""The 360° (subject) report: the one view every format shows (formats.py maps each format to
its renderer).

The laid-out formats render the report's document (report/subject.py, built from this view);
JSON and CSV (subject_data.py) export the view itself.

Anonymity is decided here, once, so no format can show more than another: a peer, customer,
other or combined group whose raters on a competency are fewer than the model's anonymity
threshold shows no figure there ("—", counts only), no group ever shows its lowest or
highest score, and where such hidden ratings could be recovered from the pooled "all others"
figures (others' sum minus the shown groups) those are withheld as well, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render.labels import (
    MISSING,
    clean_text,
    competency_name,
    has_label,
    label,
    status_word,
)
from kamcli.scoring.multirater import BLIND_SPOT, FOLDED_GROUP, HIDDEN_STRENGTH

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.multirater import CompetencyView, GroupScore, SubjectReport

SELF = "self"
# Groups shown only from the anonymity threshold on (self and manager always are).
PROTECTED_GROUPS = frozenset({"peer", "customer", "other", FOLDED_GROUP})
NOTE_ROLES = ("peer", "customer", "other")
WITHHELD = "withheld"
FLAG_GLYPHS = {BLIND_SPOT: "◆", HIDDEN_STRENGTH: "◇"}


@dataclass(frozen=True)
class Cell:
    """One group's figures on one competency; `hidden` cells show only their count."""

    n: int
    mean: float | None
    sd: float | None
    hidden: bool


@dataclass(frozen=True)
class SubjectRow:
    competency_id: str
    name: str
    target: float
    self_score: float | None
    groups: tuple[Cell, ...]  # in SubjectView.group_ids order
    others: Cell
    gap: float | None
    status: str  # a band id, "insufficient", or WITHHELD
    flag: str | None
    difference: float | None  # self - others' mean

    @property
    def withheld(self) -> bool:
        return self.status == WITHHELD


@dataclass(frozen=True)
class SubjectView:
    subject: str  # as given; each format escapes it its own way
    stage: str
    threshold: int
    flag_threshold: float
    has_self: bool
    group_ids: tuple[str, ...]  # shown groups other than self, in the report's order
    rows: tuple[SubjectRow, ...]
    rater_counts: tuple[tuple[str, int], ...]  # roles with at least one rating
    notes: tuple[str, ...]
    blind_spots: tuple[str, ...]
    hidden_strengths: tuple[str, ...]
    fit_others: float | None

    def row(self, competency_id: str) -> SubjectRow:
        for row in self.rows:
            if row.competency_id == competency_id:
                return row
        raise KeyError(competency_id)


def group_name(group: str, lang: str) -> str:
    """The column heading of a rater group; its id when labels.py has no name for it."""
    key = f"role_{group}"
    return label(key, lang) if has_label(key) else clean_text(group)


def flag_word(flag: str, lang: str) -> tuple[str, str]:
    """Glyph and word for a blind spot or hidden strength (never colour alone)."""
    return FLAG_GLYPHS.get(flag, "?"), label(flag, lang) if has_label(flag) else flag


def status_text(model: CompetencyModel, row: SubjectRow, lang: str) -> tuple[str, str]:
    """Glyph and word for a row's status; a withheld row says so, with a dash."""
    if row.status == WITHHELD:
        return MISSING, label("withheld", lang)
    return status_word(model, row.status, lang)


def _cell(group: GroupScore, threshold: int) -> Cell:
    hidden = group.group in PROTECTED_GROUPS and 0 < group.n < threshold
    if hidden:
        return Cell(group.n, None, None, True)
    return Cell(group.n, group.mean, group.sd, False)


def _recoverable(view: CompetencyView, threshold: int) -> bool:
    """Whether the hidden groups' ratings could be worked out from the others' pooled figures.

    others' sum minus every shown group's sum leaves the hidden ones' sum; that is as
    identifying as a group of that many raters, so it must reach the threshold too.
    """
    hidden = sum(g.n for g in view.groups if g.group in PROTECTED_GROUPS and g.n < threshold)
    return 0 < hidden < threshold


def _row(model: CompetencyModel, view: CompetencyView, lang: str) -> SubjectRow:
    threshold = model.anonymity_threshold
    groups = tuple(_cell(group, threshold) for group in view.groups)
    name = competency_name(model, view.competency_id, lang)
    if _recoverable(view, threshold):
        others = Cell(view.others.n, None, None, True)
        return SubjectRow(
            view.competency_id,
            name,
            view.target,
            view.self_score,
            groups,
            others,
            None,
            WITHHELD,
            None,
            None,
        )
    others = Cell(view.others.n, view.others.mean, view.others.sd, False)
    return SubjectRow(
        view.competency_id,
        name,
        view.target,
        view.self_score,
        groups,
        others,
        view.gap,
        view.status,
        view.flag,
        view.self_minus_others,
    )


def _listing(counts: dict[str, int], roles: tuple[str, ...], lang: str) -> str:
    parts = [
        label("note_rating_one" if counts[role] == 1 else "note_rating_many", lang).format(
            count=counts[role], role=label(f"note_role_{role}", lang)
        )
        for role in roles
    ]
    if len(parts) == 1:
        return parts[0]
    return (
        label("note_list_comma", lang).join(parts[:-1]) + label("note_list_and", lang) + parts[-1]
    )


def translated_notes(model: CompetencyModel, report: SubjectReport, lang: str) -> list[str]:
    """The scoring core's notes said in `lang`, rebuilt from the report's structure.

    In English they read exactly like `report.notes` (a test checks it), so both stay in step.
    """
    counts = {role: report.rater_counts.get(role, 0) for role in (SELF, "manager", *NOTE_ROLES)}
    threshold = model.anonymity_threshold
    shown = [g for g in report.shown_groups if g != SELF]
    counted = sum(counts.get(g, 0) for g in shown)
    if FOLDED_GROUP in shown:
        counted += sum(counts[role] for role in report.folded)
    others = sum(n for role, n in report.rater_counts.items() if role != SELF)
    notes: list[str] = []
    if counts[SELF] > 1:
        notes.append(label("note_self_many", lang).format(count=counts[SELF]))
    if not counts[SELF] and not others:
        notes.append(label("note_nothing", lang))
    elif not others:
        notes.append(label("note_only_self", lang))
    elif not counted and counts[SELF]:
        notes.append(label("note_only_self_shown", lang))
    elif not counts[SELF]:
        notes.append(label("note_no_self", lang))
    if report.folded and not report.left_out:
        listing = _listing(counts, report.folded, lang)
        group = label("note_folded_group", lang)
        notes.append(
            label("note_folded", lang).format(listing=listing, threshold=threshold, group=group)
        )
    elif report.left_out:
        one = sum(counts[role] for role in report.left_out) == 1
        key = "note_left_out_one" if one else "note_left_out_many"
        listing = _listing(counts, report.left_out, lang)
        notes.append(label(key, lang).format(listing=listing, threshold=threshold))
    if shown and all(v.others.n == 0 for v in report.competencies):
        notes.append(label("note_others_unscored", lang))
    if counts[SELF] and all(v.self_score is None for v in report.competencies):
        notes.append(label("note_self_unscored", lang))
    return notes


def subject_view(model: CompetencyModel, report: SubjectReport, lang: str) -> SubjectView:
    """Every figure a format may show, with anonymity applied and notes in `lang`."""
    rows = tuple(_row(model, view, lang) for view in report.competencies)
    notes = list(report.notes) if lang == "en" else translated_notes(model, report, lang)
    withheld = [row.name for row in rows if row.withheld]
    if withheld:
        separator = label("note_list_comma", lang)
        notes.append(
            label("note_withheld", lang).format(
                names=separator.join(withheld), threshold=model.anonymity_threshold
            )
        )
    return SubjectView(
        subject=report.subject,
        stage=report.stage,
        threshold=model.anonymity_threshold,
        flag_threshold=(model.scale.max - model.scale.min) / 3,
        has_self=SELF in report.shown_groups,
        group_ids=tuple(g for g in report.shown_groups if g != SELF),
        rows=rows,
        rater_counts=tuple((role, n) for role, n in report.rater_counts.items() if n),
        notes=tuple(notes),
        blind_spots=tuple(r.competency_id for r in rows if r.flag == BLIND_SPOT),
        hidden_strengths=tuple(r.competency_id for r in rows if r.flag == HIDDEN_STRENGTH),
        fit_others=None if withheld else report.fit_others,
    )
