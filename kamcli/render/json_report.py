"""The JSON report: the result plus a schema version and the model's stamp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamcli.render.labels import json_dumps

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring.result import AssessmentResult

SCHEMA_VERSION = 1


def report_data(model: CompetencyModel, result: AssessmentResult, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "report_lang": lang}
    data.update(result.to_dict())
    from kamcli.render.diagnostic_text import level_label

    names = {c.id: model.text(c.name, lang) for c in model.competencies}
    for row in data.get("competencies", []):
        row["name"] = names.get(row.get("competency_id", ""), "")
        row["score_level"] = level_label(model, row.get("score"), lang) or None
        row["target_level"] = level_label(model, row.get("target"), lang) or None
    return data


def json_report(model: CompetencyModel, result: AssessmentResult, lang: str) -> str:
    return json_dumps(report_data(model, result, lang))


def render_json(
    model: CompetencyModel,
    result: AssessmentResult,
    lang: str,
    options: RenderOptions,  # noqa: ARG001 - the Renderer interface; JSON has no options
) -> str:
    """The JSON report as a file's text: ends in a newline like every text file should."""
    return json_report(model, result, lang) + "\n"
