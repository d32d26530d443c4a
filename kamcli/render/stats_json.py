"""Psychometrics (`kam stats --format json`, the cohort summary's "psychometrics") as data.

Not a laid-out document but an export programs read: every figure, flagged respondents all
listed, undefined statistics null (never NaN). The report itself is report/stats.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamcli.render.labels import competency_name, json_dumps
from kamcli.scoring.psychometrics import MIN_ANSWERS_FOR_IRV_FLAG

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsResult
    from kamcli.model.schema import CompetencyModel

SCHEMA_VERSION = 1


def stats_data(model: CompetencyModel, result: StatsResult, lang: str) -> dict[str, Any]:
    """Every figure, for programs: flagged respondents all listed; undefined values null."""
    options = result.options
    return {
        "schema_version": SCHEMA_VERSION,
        "report_lang": lang,
        "model": model.summary(),
        "respondents": result.respondents,
        "reliability": {
            "missing_method": options.missing,
            "exclude_flagged": options.exclude_flagged,
            "excluded_flagged": result.excluded,
            "respondents_used": result.used,
            "competencies": [
                {"name": competency_name(model, scale.competency_id, lang), **scale.to_dict()}
                for scale in result.reliability
            ],
        },
        "careless": {
            "longstring_limit": result.longstring_limit,
            "irv_min": result.irv_min,
            "min_answers_for_irv_flag": MIN_ANSWERS_FOR_IRV_FLAG,
            "min_seconds_per_item": options.min_seconds_per_item,
            "time_columns": list(result.time_columns),
            "respondents_timed": result.timed,
            "flagged_count": len(result.flagged),
            "flagged": [flag.to_dict() for flag in result.flagged],
        },
        "notes": list(result.notes),
    }


def stats_json(model: CompetencyModel, result: StatsResult, lang: str) -> str:
    """JSON text ending in a newline; NaN or infinity would raise rather than be written."""
    data = stats_data(model, result, lang)
    return json_dumps(data) + "\n"
