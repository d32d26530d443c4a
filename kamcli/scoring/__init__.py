"""The pure scoring core: answers + model + stage in, an immutable AssessmentResult out."""

from kamcli.scoring.diagnostic import check_diagnostic_answers, diagnose
from kamcli.scoring.result import (
    AnswerError,
    AssessmentResult,
    CompetencyResult,
    DiagnosticResult,
    ResultDataError,
)
from kamcli.scoring.score import (
    check_answers,
    item_value,
    score_assessment,
    score_competency,
    stage_fit,
)

__all__ = [
    "AnswerError",
    "AssessmentResult",
    "CompetencyResult",
    "DiagnosticResult",
    "ResultDataError",
    "check_answers",
    "check_diagnostic_answers",
    "diagnose",
    "item_value",
    "score_assessment",
    "score_competency",
    "stage_fit",
]
