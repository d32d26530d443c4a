"""The 360° report as data: JSON (the report with anonymity applied) and a CSV table.

Both lay out the same `SubjectView` (subject.py) as the other formats, so a hidden group
figure is "—" and no group's lowest or highest score is ever written; CSV text cells go
through `write_csv_text` (formula-safe).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamcli.io.cells import write_csv_text
from kamcli.render.csv_report import rounded
from kamcli.render.labels import MISSING, clean_text, json_dumps, stage_name
from kamcli.render.subject import (
    Cell,
    SubjectRow,
    SubjectView,
    flag_word,
    group_name,
    status_text,
    subject_view,
)

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring.multirater import SubjectReport

SCHEMA_VERSION = 1
# Every group a report can show, so CSV files of several subjects share their columns.
CSV_GROUPS = ("manager", "peer", "customer", "other", "others_folded")
CSV_COLUMNS = (
    "competency_id",
    "name",
    "target",
    "self",
    *CSV_GROUPS,
    "others_mean",
    "others_n",
    "others_sd",
    "gap",
    "status",
    "flag",
    "status_label",
    "flag_label",
    "subject",
    "stage",
)

# --- JSON -----------------------------------------------------------------------------------


def _scrub_group(data: dict[str, Any], cell: Cell) -> dict[str, Any]:
    """The group as the view shows it: no min/max ever, no mean/sd when hidden."""
    scrubbed = {key: value for key, value in data.items() if key not in ("min", "max")}
    scrubbed.update(mean=cell.mean, sd=cell.sd, hidden=cell.hidden)
    return scrubbed


def subject_data(model: CompetencyModel, report: SubjectReport, lang: str) -> dict[str, Any]:
    """report.to_dict() with anonymity applied, the notes in `lang` and display names."""
    view = subject_view(model, report, lang)
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "report_lang": lang}
    data.update(report.to_dict())
    for entry, row in zip(data["competencies"], view.rows, strict=True):
        entry["name"] = row.name
        entry["groups"] = [
            _scrub_group(g, c) for g, c in zip(entry["groups"], row.groups, strict=True)
        ]
        entry["others"] = _scrub_group(entry["others"], row.others)
        entry.update(
            gap=row.gap, status=row.status, flag=row.flag, self_minus_others=row.difference
        )
    data.update(
        notes=list(view.notes),
        blind_spots=list(view.blind_spots),
        hidden_strengths=list(view.hidden_strengths),
        fit_others=view.fit_others,
        anonymity_threshold=view.threshold,
        group_names={g: group_name(g, lang) for g in ("self", *view.group_ids, "others")},
        stage_name=stage_name(model, view.stage, lang),
    )
    return data


def render_subject_json(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> str:
    del options  # JSON has no options
    data = subject_data(model, report, lang)
    return json_dumps(data) + "\n"


# --- CSV ------------------------------------------------------------------------------------


def _csv_cell(cell: Cell | None) -> object:
    """A number; "—" for a hidden figure (so it is not mistaken for no data); else empty."""
    if cell is None:
        return None
    return MISSING if cell.hidden else rounded(cell.mean)


def _csv_row(model: CompetencyModel, view: SubjectView, row: SubjectRow, lang: str) -> list[object]:
    by_group = dict(zip(view.group_ids, row.groups, strict=True))
    others = row.others
    return [
        row.competency_id,
        row.name,
        rounded(row.target),
        rounded(row.self_score),
        *(_csv_cell(by_group.get(group)) for group in CSV_GROUPS),
        _csv_cell(others),
        others.n,
        MISSING if others.hidden else rounded(others.sd),
        rounded(row.gap),
        row.status,
        row.flag or "",
        status_text(model, row, lang)[1],
        flag_word(row.flag, lang)[1] if row.flag else "",
        clean_text(view.subject),
        view.stage,
    ]


def render_subject_csv(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> bytes:
    """One row per competency; UTF-8 with a BOM for Excel; text cells formula-safe."""
    del options  # CSV has no options
    view = subject_view(model, report, lang)
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    rows += [_csv_row(model, view, row, lang) for row in view.rows]
    return write_csv_text(rows).encode("utf-8-sig")
