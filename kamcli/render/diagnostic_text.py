"""The stage diagnostic and the level of a score, as sentences every report format shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.i18n import t
from kamcli.render.labels import clean_text, label, stage_name

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult, DiagnosticResult


def _text(key: str, lang: str) -> str:
    return t(f"diagnostic.{key}", lang)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def diagnostic_sentences(
    model: CompetencyModel, result: AssessmentResult, lang: str
) -> list[tuple[str, bool]]:
    """(sentence, is_warning) lines for the diagnostic section; empty when it was not answered.

    Results stored by kamcli 1.x carry no confidence or reason and show as they did then.
    """
    diagnostic = result.diagnostic
    if diagnostic is None:
        return []
    if diagnostic.suggested_stage is None:
        return [(unclear_sentence(model, diagnostic, lang), False)]
    suggested = stage_name(model, diagnostic.suggested_stage, lang)
    lines = [(label("suggested_stage", lang).format(stage=suggested), False)]
    confidence = confidence_sentence(model, diagnostic, lang)
    if confidence:
        lines.append((confidence, False))
    if diagnostic.suggested_stage != result.stage:
        assessed = stage_name(model, result.stage, lang)
        lines.append((label("differs", lang).format(stage=assessed), True))
    return lines


def confidence_sentence(model: CompetencyModel, diagnostic: DiagnosticResult, lang: str) -> str:
    """How sure the suggestion is and which stage came next ("" for a 1.x result)."""
    if diagnostic.confidence is None or diagnostic.runner_up is None:
        return ""
    return _text("diag_confidence", lang).format(
        pct=_pct(diagnostic.confidence),
        runner=stage_name(model, diagnostic.runner_up, lang),
        runner_pct=_pct(diagnostic.stage_scores.get(diagnostic.runner_up, 0.0)),
    )


def unclear_sentence(model: CompetencyModel, diagnostic: DiagnosticResult, lang: str) -> str:
    """Why the diagnostic suggests no stage (flat, contradictory, a close call, too few)."""
    reason = diagnostic.unclear
    if reason in {"flat", "contradictory"}:
        return _text(f"diag_{reason}", lang)
    scores = diagnostic.stage_scores
    if reason == "close_call" and diagnostic.runner_up is not None and scores:
        best = max(scores, key=lambda k: scores[k])
        return _text("diag_close_call", lang).format(
            best=stage_name(model, best, lang),
            best_pct=_pct(scores[best]),
            runner=stage_name(model, diagnostic.runner_up, lang),
            runner_pct=_pct(scores.get(diagnostic.runner_up, 0.0)),
        )
    return label("no_suggestion", lang)


def level_label(model: CompetencyModel, value: float | None, lang: str) -> str:
    """The level descriptor a score or target corresponds to: L4, or L4–5 halfway between.

    Level k is reached when the item behaviours occur with frequency anchor k (score >= k);
    from k + 0.5 the value sits between descriptors k and k + 1.
    """
    if value is None:
        return ""
    low, high = model.scale.min, model.scale.max
    level = max(low, min(high, int(value + 1e-9)))
    if level < high and value - level >= 0.5 - 1e-9:
        return clean_text(_text("level_between", lang).format(level=level, upper=level + 1))
    return clean_text(_text("level_of", lang).format(level=level))


def with_level(model: CompetencyModel, value: float | None, lang: str) -> str:
    """A score or target with the level it corresponds to: "3.4 L3", "4.5 L4–5"; "–" if none."""
    from kamcli.render.labels import fmt_score

    if value is None:
        return fmt_score(value)
    return f"{fmt_score(value)} {level_label(model, value, lang)}"


def levels_legend(model: CompetencyModel, lang: str) -> str:
    """One sentence tying the level labels to the frequency scale (and naming them)."""
    low, high = model.scale.min, model.scale.max
    names = ""
    if model.scale.levels:
        names = " · ".join(
            f"L{low + n} {clean_text(model.text(level.name, lang))}"
            for n, level in enumerate(model.scale.levels)
        )
    return _text("levels_legend", lang).format(names=names, low=low, high=high).strip()


def level_name(model: CompetencyModel, value: float | None, lang: str) -> str:
    """The model's name for that level (scale.levels), or "" when the model has none."""
    levels = model.scale.levels
    if value is None or not levels:
        return ""
    low, high = model.scale.min, model.scale.max
    level = max(low, min(high, int(value + 1e-9)))
    return clean_text(model.text(levels[level - low].name, lang))
