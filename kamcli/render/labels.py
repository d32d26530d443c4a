"""UI strings and number formats shared by the gap-report renderers (terminal, markdown).

Kept in one place so every output format says the same thing in the same words, and so a
translation is a dict edit rather than a code change. Templates use `str.format` fields;
the values are substituted once and never re-parsed, so user text cannot inject fields.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel

INSUFFICIENT = "insufficient"
# Line breaks and tabs become spaces; every other control character (ESC above all, which
# could drive the terminal) becomes a visible replacement character.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
# What a terminal would act on instead of showing: C0/C1 controls (ESC starts CSI and OSC
# sequences, 0x9b is an 8-bit CSI) and the Unicode bidi controls that reorder what is shown
# (U+202E "right-to-left override" can make `exe.txt` look like `txt.exe`).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
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
    "col_bar_short": {"zh": "得分与目标", "en": "Score bar"},
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
    "priority_rule": {
        "zh": "按 差距 × 权重（该能力在本阶段的重要程度）排序。",
        "en": "Ranked by gap × weight (how much the competency counts at this stage).",
    },
    "priority_line": {
        "zh": "{name}：差距 {gap}，权重 {weight}（得分 {score}，目标 {target}）",
        "en": "{name}: gap {gap}, weight {weight} (score {score}, target {target})",
    },
    "no_actions": {
        "zh": "模型没有为这个阶段列出行动建议。",
        "en": "The model lists no actions for this stage.",
    },
    "fit": {"zh": "阶段匹配度", "en": "Stage fit"},
    "fit_explain": {
        "zh": "阶段匹配度表示按各能力权重加权、达到该阶段目标要求的程度：100% 表示每项都已达标，"
        "超出目标不额外加分。",
        "en": "Stage fit is how much of a stage's target profile is reached, weighted by each "
        "competency's weight: 100% means every target is met; scores above a target add "
        "nothing.",
    },
    "fit_now": {"zh": "当前阶段（{stage}）：{fit}", "en": "Now ({stage}): {fit}"},
    "fit_next": {"zh": "下一阶段（{stage}）：{fit}", "en": "Next stage ({stage}): {fit}"},
    "last_stage": {
        "zh": "{stage}已是最后一个阶段，没有下一阶段。",
        "en": "{stage} is the last stage; there is no next stage.",
    },
    "fit_unknown": {"zh": "答题太少，无法计算", "en": "too few answers to tell"},
    "strengths": {"zh": "优势", "en": "Strengths"},
    "strength_rule": {
        "zh": "优势指得分达到或高于本阶段目标的能力，按超出幅度排序。",
        "en": "A strength is a score at or above its target, furthest above first.",
    },
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
    "importance": {"zh": "权重", "en": "Weight"},
    "stage_focus": {"zh": "本阶段要点", "en": "What this stage asks for"},
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
        "zh": "优先级 = 差距 × 权重（该能力在本阶段的重要程度），取最高的三项。",
        "en": "Priority = gap × weight (how much the competency counts at this stage); the "
        "three highest are the development priorities.",
    },
    "method_fit": {
        "zh": "阶段匹配度 = 各项已达目标比例的按权重加权平均，每项为 (min(得分, 目标) − {low}) ÷ "
        "(目标 − {low})；超出目标不额外加分，数据不足的能力不计入。",
        "en": "Stage fit = the mean of how much of each target is reached, weighted by the "
        "competencies' weights: (min(score, target) − {low}) ÷ (target − {low}); exceeding "
        "a target earns nothing extra and insufficient-data competencies are left out.",
    },
    # PDF report (pdf.py)
    "page_number": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    # 360° subject report (subject*.py). Role names: "role_<group id>"; "note_*" are the
    # scoring core's notes (multirater.py) in words each language can say; the English ones
    # must read exactly like the core's (a test checks it).
    "subject_title": {"zh": "360° 多方评估报告", "en": "360° feedback report"},
    "raters": {"zh": "评估人数", "en": "Raters"},
    "rater_count": {"zh": "{role} {count}", "en": "{role} {count}"},
    "no_raters": {"zh": "无", "en": "none"},
    "rater_self": {"zh": "本人", "en": "Self"},
    "rater_manager": {"zh": "上级", "en": "Manager"},
    "rater_peer": {"zh": "同事", "en": "Peer"},
    "rater_customer": {"zh": "客户", "en": "Customer"},
    "rater_other": {"zh": "其他评估人", "en": "Other"},
    "role_self": {"zh": "本人", "en": "Self"},
    "role_manager": {"zh": "上级", "en": "Manager"},
    "role_peer": {"zh": "同事", "en": "Peers"},
    "role_customer": {"zh": "客户", "en": "Customers"},
    "role_other": {"zh": "其他评估人", "en": "Other raters"},
    "role_others_folded": {"zh": "其他（合并）", "en": "Others (combined)"},
    "role_others": {"zh": "所有他人", "en": "All others"},
    "col_gap_others": {"zh": "差距（他人）", "en": "Gap (others)"},
    "col_flag": {"zh": "自评与他评", "en": "Self vs others"},
    "col_sd": {"zh": "标准差", "en": "SD"},
    "col_n": {"zh": "人数", "en": "n"},
    "cell_n": {"zh": "{n} 人", "en": "n={n}"},
    "cell_sd": {"zh": "±{sd}", "en": "±{sd}"},
    "blind_spot": {"zh": "盲点", "en": "Blind spot"},
    "hidden_strength": {"zh": "隐藏优势", "en": "Hidden strength"},
    "blind_spots": {"zh": "盲点", "en": "Blind spots"},
    "hidden_strengths": {"zh": "隐藏优势", "en": "Hidden strengths"},
    "blind_spots_intro": {
        "zh": "自评比他人评分高出至少 {threshold}（{low}–{high} 量表的三分之一）的能力，"
        "附模型为本阶段建议的行动。",
        "en": "Competencies rated at least {threshold} higher by the person than by others (a "
        "third of the {low}–{high} scale), with the model's actions for this stage.",
    },
    "hidden_strengths_intro": {
        "zh": "他人评分比自评高出至少 {threshold} 的能力：他人看到了本人低估的长处。",
        "en": "Competencies rated at least {threshold} higher by others than by the person: "
        "strengths others see that the person underrates.",
    },
    "flag_line": {
        "zh": "{name}：自评 {self}，他人 {others}（相差 {difference}）",
        "en": "{name}: self {self}, others {others} (difference {difference})",
    },
    "no_blind_spots": {"zh": "没有发现盲点。", "en": "No blind spots found."},
    "no_hidden_strengths": {"zh": "没有发现隐藏优势。", "en": "No hidden strengths found."},
    "no_flags_without_self": {
        "zh": "没有自评，无法比较盲点与隐藏优势。",
        "en": "Without a self rating there are no blind spots or hidden strengths to find.",
    },
    "notes": {"zh": "关于这些数据", "en": "About these figures"},
    "withheld": {"zh": "不显示", "en": "withheld"},
    "legend_suppressed": {
        "zh": "组别栏中的 —：该组为这项能力评分的人少于 {threshold} 人，为保护评估人不显示其数值；"
        "任何组都不显示最高分和最低分。",
        "en": "— in a group's column: fewer than {threshold} of its raters scored this "
        "competency, so its figures are not shown to protect them; no group's highest or "
        "lowest score is ever shown.",
    },
    "legend_subject_gap": {
        "zh": "差距 = 目标 − 所有他人的平均分，正数表示低于目标。各组分数旁为评分人数和 ± 标准差"
        "（组内分歧）。",
        "en": "gap = target − the mean of all others; positive means below target. With each "
        "group's figure: its raters (n) and ± their standard deviation (how far they differ).",
    },
    "note_withheld": {
        "zh": "{names}：同事、客户或其他评估人中只有不到 {threshold} 人为此评分，"
        "为免识别评估人，不显示所有他人的分数、差距和状态。",
        "en": "{names}: fewer than {threshold} peer, customer or other raters scored this, so "
        "the others' figures, gap and status are withheld to keep them unidentifiable.",
    },
    "fit_others": {"zh": "他人眼中的阶段匹配度：{fit}", "en": "Stage fit in others' eyes: {fit}"},
    "radar_subject": {"zh": "自评、他评与目标", "en": "Self, others and target by competency"},
    "subject_table": {"zh": "各项能力：自评与他评", "en": "Self and others by competency"},
    "method_subject_others": {
        "zh": "所有他人 = 上级及所有单独或合并显示的组的评分汇总，"
        "按单个评分求平均（不是各组均值的平均）。",
        "en": "All others pools the ratings of the manager and of every group shown alone or "
        "combined: the mean of the individual scores, not of the group means.",
    },
    "method_subject_flags": {
        "zh": "盲点：自评 − 他人均值 ≥ {threshold}；隐藏优势：他人均值 − 自评 ≥ {threshold}"
        "（量表范围的三分之一）。",
        "en": "Blind spot: self − others' mean ≥ {threshold}; hidden strength: others' mean − "
        "self ≥ {threshold} (a third of the scale's range).",
    },
    "method_subject_anonymity": {
        "zh": "同事、客户和其他评估人不足 {threshold} 人时不单独显示：合并为“其他（合并）”，"
        "合并后仍不足则不计入任何数据。本人和上级总是显示。标准差为样本标准差（n − 1）。",
        "en": "Peers, customers and other raters are shown as a group only from {threshold} "
        "raters on; smaller groups are combined, and left out of every figure when even "
        "combined they are fewer. Self and manager are always shown. SD is the sample "
        "standard deviation (n − 1).",
    },
    "note_rating_one": {"zh": "{count} 份{role}评分", "en": "{count} {role} rating"},
    "note_rating_many": {"zh": "{count} 份{role}评分", "en": "{count} {role} ratings"},
    "note_list_comma": {"zh": "、", "en": ", "},
    "note_list_and": {"zh": "和 ", "en": " and "},
    "note_role_peer": {"zh": "同事", "en": "peer"},
    "note_role_customer": {"zh": "客户", "en": "customer"},
    "note_role_other": {"zh": "其他评估人", "en": "other"},
    "note_self_many": {
        "zh": "共有 {count} 份自评，只采用最新（最后）一份。",
        "en": "{count} self ratings were given; only the latest (the last one) is used.",
    },
    "note_nothing": {
        "zh": "没有此人的任何评分，无从比较。",
        "en": "No ratings of this subject: nothing to compare.",
    },
    "note_only_self": {
        "zh": "只有自评，无法比较。",
        "en": "Only a self rating: no comparison possible.",
    },
    "note_only_self_shown": {
        "zh": "只能显示自评，无法比较。",
        "en": "Only the self rating can be shown: no comparison possible.",
    },
    "note_no_self": {
        "zh": "没有自评：盲点和隐藏优势需要自评才能判断。",
        "en": "No self rating: blind spots and hidden strengths need one.",
    },
    "note_folded": {
        "zh": "{listing}人数太少（阈值 {threshold}），不单独显示：合并显示为“{group}”。",
        "en": "{listing} were too few to show alone (threshold {threshold}): together they "
        "are shown as '{group}'.",
    },
    "note_folded_group": {"zh": "其他（合并）", "en": "others (combined)"},
    "note_left_out_one": {
        "zh": "{listing}不计入任何数据：少于 {threshold} 份评分可能暴露评估人身份。",
        "en": "{listing} was left out of every figure: fewer than {threshold} ratings could "
        "identify the rater.",
    },
    "note_left_out_many": {
        "zh": "{listing}不计入任何数据：少于 {threshold} 份评分可能暴露评估人身份。",
        "en": "{listing} were left out of every figure: fewer than {threshold} ratings could "
        "identify the raters.",
    },
    "note_others_unscored": {
        "zh": "其他评估人答题太少，无法为任何能力评分。",
        "en": "The other raters answered too few items to score any competency.",
    },
    "note_self_unscored": {
        "zh": "自评答题太少，无法为任何能力评分。",
        "en": "The self rating answered too few items to score any competency.",
    },
}


def terminal_safe(text: str) -> str:
    """The one sanitiser for terminal output: every control character and bidi control
    becomes U+FFFD (�); line breaks and tabs stay. Every console kamcli prints through
    applies it (kamcli.cli.common), and clean_text builds on it."""
    return _UNSAFE.sub("\ufffd", text)


def json_dumps(data: object, *, indent: int | None = 2) -> str:
    """JSON as kamcli writes it: UTF-8, never NaN/Infinity, and every character
    terminal_safe would replace written as a \\u escape (the same data once parsed)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean_text(text: str) -> str:
    """User or model text made safe to print on one line: no terminal control sequences."""
    return terminal_safe(_BREAKS.sub(" ", text))


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


def fmt_weight(value: float) -> str:
    """A stage weight as the model writes it: 3, 1.5 (no trailing zeros)."""
    return f"{value:g}"


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


def rater_label(role: str, lang: str) -> str:
    """The rater role as a word in the report language (an unknown role shows as given)."""
    key = f"rater_{role}"
    return label(key, lang) if key in LABELS else clean_text(role)
