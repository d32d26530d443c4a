"""UI strings and number formats shared by the gap-report renderers (terminal, markdown).

Kept in one place so every output format says the same thing in the same words, and so a
translation is a dict edit rather than a code change. Templates use `str.format` fields;
the values are substituted once and never re-parsed, so user text cannot inject fields.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel

INSUFFICIENT = "insufficient"
# Line breaks and tabs become spaces; every other control character (ESC above all, which
# could drive the terminal) becomes a visible replacement character.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MISSING = "—"

LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "能力差距报告", "en": "Competency gap report"},
    "person": {"zh": "被评估人", "en": "Person"},
    "account": {"zh": "客户", "en": "Account"},
    "stage": {"zh": "关系阶段", "en": "Stage"},
    "rater": {"zh": "评估人", "en": "Rater"},
    "subject": {"zh": "评估对象", "en": "About"},
    "model": {"zh": "能力模型", "en": "Model"},
    "date": {"zh": "日期", "en": "Date"},
    "field": {"zh": "{name}：", "en": "{name}:"},
    "aside": {"zh": "（{text}）", "en": " ({text})"},
    "not_given": {"zh": "（未填写）", "en": "(not given)"},
    "col_competency": {"zh": "能力", "en": "Competency"},
    "col_score": {"zh": "得分", "en": "Score"},
    "col_target": {"zh": "目标", "en": "Target"},
    "col_gap": {"zh": "差距", "en": "Gap"},
    "col_bar": {"zh": "得分与目标", "en": "Score vs target"},
    "col_status": {"zh": "状态", "en": "Status"},
    "legend_bar": {
        "zh": "█ 得分  │ 目标  ░ 量表其余部分（{low}–{high}）",
        "en": "█ score  │ target  ░ rest of the scale ({low}–{high})",
    },
    "legend_gap": {
        "zh": "差距 = 目标 − 得分，正数表示低于目标",
        "en": "gap = target − score; positive means below target",
    },
    "answered": {"zh": "已答 {answered}/{total} 题", "en": "{answered}/{total} answered"},
    "insufficient": {"zh": "数据不足", "en": "insufficient data"},
    "priorities": {"zh": "优先发展项", "en": "Top development priorities"},
    "no_priorities": {
        "zh": "在本阶段没有需要弥补的差距。",
        "en": "No gaps to close at this stage.",
    },
    "priority_line": {
        "zh": "{name}：差距 {gap}（得分 {score}，目标 {target}）",
        "en": "{name}: gap {gap} (score {score}, target {target})",
    },
    "no_actions": {
        "zh": "模型没有为这个阶段列出行动建议。",
        "en": "The model lists no actions for this stage.",
    },
    "fit": {"zh": "阶段匹配度", "en": "Stage fit"},
    "fit_now": {"zh": "当前阶段（{stage}）：{fit}", "en": "Now ({stage}): {fit}"},
    "fit_next": {"zh": "下一阶段（{stage}）：{fit}", "en": "Next stage ({stage}): {fit}"},
    "last_stage": {
        "zh": "{stage}已是最后一个阶段，没有下一阶段。",
        "en": "{stage} is the last stage; there is no next stage.",
    },
    "fit_unknown": {"zh": "答题太少，无法计算", "en": "too few answers to tell"},
    "strengths": {"zh": "优势", "en": "Strengths"},
    "no_strengths": {
        "zh": "暂无达到本阶段目标的能力。",
        "en": "No competency has reached its target for this stage yet.",
    },
    "strength_line": {
        "zh": "{name}：得分 {score}，高于目标 {above}",
        "en": "{name}: score {score}, {above} above target",
    },
    "on_target_line": {
        "zh": "{name}：得分 {score}，正好达到目标",
        "en": "{name}: score {score}, exactly on target",
    },
    "diagnostic": {"zh": "阶段诊断", "en": "Stage diagnostic"},
    "suggested_stage": {
        "zh": "诊断建议的关系阶段：{stage}",
        "en": "The diagnostic suggests: {stage}",
    },
    "no_suggestion": {
        "zh": "诊断题答得太少，无法建议阶段。",
        "en": "Too few diagnostic answers to suggest a stage.",
    },
    "differs": {
        "zh": "与本次评估所用的阶段（{stage}）不同，可考虑按建议的阶段重新评估。",
        "en": "This differs from the stage assessed ({stage}); consider re-scoring against it.",
    },
    # HTML report (html.py)
    "radar": {"zh": "得分与目标雷达图", "en": "Score and target by competency"},
    "radar_note": {
        "zh": "每条轴代表一项能力，中心为 {low}，外圈为 {high}。",
        "en": "Each axis is one competency, from {low} at the centre to {high} at the rim.",
    },
    "no_data": {"zh": "（数据不足）", "en": "(no data)"},
    "legend_no_data": {
        "zh": "（数据不足）：答题太少，该项画在中心点",
        "en": "(no data): too few answers; drawn at the centre",
    },
    "gap_table": {"zh": "各项能力差距", "en": "Gap by competency"},
    "importance": {"zh": "重要性", "en": "Importance"},
    "stage_focus": {"zh": "本阶段要点", "en": "What this stage asks for"},
    "plan_intro": {
        "zh": "按“差距 × 重要性”排序的最大差距，以及模型为本阶段建议的行动。",
        "en": "The largest gaps, ranked by gap × importance, with the model's stage actions.",
    },
    "target_level": {"zh": "目标水平的表现", "en": "What the target level looks like"},
    "suggested_actions": {"zh": "建议行动", "en": "Suggested actions"},
    "plan_agreed": {"zh": "商定的下一步", "en": "Agreed next step"},
    "plan_by": {"zh": "完成时间", "en": "By when"},
    "method": {"zh": "计算方法", "en": "How the scores are computed"},
    "method_score": {
        "zh": "能力得分 = 该能力各题答案的加权平均（量表 {low}–{high}）；反向计分题先镜像，"
        "答案 x 计为 {low} + {high} − x。",
        "en": "Score = the weighted mean of the competency's item answers on the {low}–{high} "
        "scale; reverse-keyed items are mirrored first, so an answer x counts as "
        "{low} + {high} − x.",
    },
    "method_coverage": {
        "zh": "至少要回答该能力 {coverage} 的题目，否则记为数据不足，不计入匹配度、优先项和优势。",
        "en": "At least {coverage} of a competency's items must be answered; otherwise it is "
        "insufficient data and left out of fit, priorities and strengths.",
    },
    "method_gap": {
        "zh": "差距 = 目标 − 得分，正数表示低于本阶段目标。状态：{bands}。",
        "en": "Gap = target − score; positive means below this stage's target. Status: {bands}.",
    },
    "method_band": {
        "zh": "{glyph} {word}（差距 ≤ {limit}）",
        "en": "{glyph} {word} (gap ≤ {limit})",
    },
    "method_band_last": {"zh": "{glyph} {word}（差距更大）", "en": "{glyph} {word} (larger gaps)"},
    "method_priority": {
        "zh": "优先级 = 差距 × 重要性（该能力在本阶段的权重），取最高的三项。",
        "en": "Priority = gap × importance (the competency's weight at this stage); the three "
        "highest are the development priorities.",
    },
    "method_fit": {
        "zh": "阶段匹配度 = 各项已达目标比例的重要性加权平均，每项为 (min(得分, 目标) − {low}) ÷ "
        "(目标 − {low})；超出目标不额外加分，数据不足的能力不计入。",
        "en": "Stage fit = the importance-weighted mean of how much of each target is reached, "
        "(min(score, target) − {low}) ÷ (target − {low}); exceeding a target earns nothing "
        "extra and insufficient-data competencies are left out.",
    },
    # PDF report (pdf.py)
    "page_number": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
}


def clean_text(text: str) -> str:
    """User or model text made safe to print on one line: no terminal control sequences."""
    return _CONTROLS.sub("\ufffd", _BREAKS.sub(" ", text))


def label(key: str, lang: str) -> str:
    """The UI text for `key` in `lang`, English when the language has no translation."""
    texts = LABELS[key]
    return texts.get(lang, texts["en"])


def fmt_score(value: float | None) -> str:
    """One decimal, or a dash when there is no number (insufficient data)."""
    return MISSING if value is None else f"{value:.1f}"


def fmt_gap(value: float | None) -> str:
    """Signed, one decimal; a gap that rounds to zero prints as 0.0, never as -0.0 or +0.0."""
    if value is None:
        return MISSING
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0"
    return f"{rounded:+.1f}"


def fmt_pct(value: float | None) -> str:
    """A 0..100 share as a whole percentage ("72%"), or a dash."""
    return MISSING if value is None else f"{value:.0f}%"


def competency_name(model: CompetencyModel, competency_id: str, lang: str) -> str:
    """The competency's name; its id when a stored result names one the model lacks."""
    try:
        return clean_text(model.text(model.competency(competency_id).name, lang))
    except KeyError:
        return clean_text(competency_id)


def stage_name(model: CompetencyModel, stage_id: str, lang: str) -> str:
    """The stage's name; its id when a stored result names one the model lacks."""
    try:
        return clean_text(model.text(model.stage(stage_id).name, lang))
    except KeyError:
        return clean_text(stage_id)


def stage_actions(
    model: CompetencyModel, competency_id: str, stage_id: str, lang: str
) -> list[str]:
    """The model's development actions for one competency at one stage (may be none)."""
    try:
        actions = model.competency(competency_id).actions.get(stage_id, [])
    except KeyError:
        return []
    return [clean_text(model.text(action, lang)) for action in actions]


def status_word(model: CompetencyModel, status_id: str, lang: str) -> tuple[str, str]:
    """Glyph and word for a status, so status never depends on colour alone."""
    if status_id == INSUFFICIENT:
        return "?", label("insufficient", lang)
    for band in model.status_bands:
        if band.id == status_id:
            return band.glyph, model.text(band.label, lang)
    return "?", status_id
