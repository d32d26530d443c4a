"""The cohort summary as JSON: a data export (docs/report-json.md), not a laid-out document.

It writes the scoring's CohortSummary as it is, with a schema version, the model's stamp and
the display names in the report's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamcli.render.labels import json_dumps

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary

SCHEMA_VERSION = 1


def summary_data(model: CompetencyModel, summary: CohortSummary, lang: str) -> dict[str, Any]:
    """summary.to_dict() with a schema version, the model's stamp and display names."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "report_lang": lang}
    data["model"] = model.summary()
    data.update(summary.to_dict())
    data["names"] = {
        "competencies": {c.id: model.text(c.name, lang) for c in model.competencies},
        "stages": {s.id: model.text(s.name, lang) for s in model.stages},
        "status_bands": {b.id: model.text(b.label, lang) for b in model.status_bands},
    }
    return data


def summary_json(model: CompetencyModel, summary: CohortSummary, lang: str) -> str:
    """The cohort summary as JSON text, ending in a newline."""
    return json_dumps(summary_data(model, summary, lang)) + "\n"
