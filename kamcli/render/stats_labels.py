"""The words of the psychometrics output (stats_text.py, stats_html.py), in English and Chinese.

The statistics' own warnings and notes come from kamcli.scoring (English); these are the
headings, column titles and explanations around them.
"""

from __future__ import annotations

STATS_LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "心理测量指标", "en": "Psychometrics"},
    "respondents": {"zh": "受评人数", "en": "Respondents"},
    "missing": {"zh": "缺失答案", "en": "Missing answers"},
    "listwise": {
        "zh": "listwise：只用回答了该能力全部题目的人",
        "en": "listwise: only respondents who answered every item of a competency",
    },
    "pairwise": {
        "zh": "pairwise：每个协方差用同时回答了两题的人",
        "en": "pairwise: each covariance from the respondents who answered both items",
    },
    "flagged": {"zh": "被标记者", "en": "Flagged"},
    "flagged_kept": {
        "zh": "{count} 人，已列出，仍计入信度（--exclude-flagged 可排除）",
        "en": "{count}, listed below and kept in the reliability figures "
        "(--exclude-flagged leaves them out)",
    },
    "flagged_excluded": {
        "zh": "{count} 人已从信度计算中排除（--exclude-flagged），余 {used} 人",
        "en": "{count} excluded from the reliability figures (--exclude-flagged); "
        "{used} respondents used",
    },
    "reliability": {"zh": "信度（Cronbach α）", "en": "Reliability (Cronbach's alpha)"},
    "col_competency": {"zh": "能力", "en": "Competency"},
    "col_k": {"zh": "题数", "en": "k"},
    "col_n": {"zh": "人数", "en": "n used"},
    "col_alpha": {"zh": "α", "en": "alpha"},
    "col_ci": {"zh": "95% 置信区间", "en": "95 % CI"},
    "col_item": {"zh": "题目", "en": "Item"},
    "col_rest": {"zh": "题-余相关", "en": "item–rest r"},
    "col_deleted": {"zh": "删题后 α", "en": "alpha if deleted"},
    "items": {"zh": "各题目", "en": "Items"},
    "legend": {
        "zh": "人数 = 用于计算的人数（/ 至少答了一题的人数）；"
        "⚠ = 题-余相关为负，可能反向计分有误。",
        "en": "n used = respondents in the figures (/ those who answered any item); "
        "⚠ = negative item–rest r: likely mis-keyed.",
    },
    "advice": {"zh": "警告与建议", "en": "Warnings and advice"},
    "no_advice": {"zh": "无。", "en": "None."},
    "undefined": {"zh": "α 无定义：{note}", "en": "alpha undefined: {note}"},
    "careless": {"zh": "不认真作答", "en": "Careless responding"},
    "rules": {
        "zh": "标记规则：连续 {limit} 个以上相同答案；IRV 低于 {irv}（至少 {answers} 个答案时）；"
        "每题少于 {seconds} 秒。",
        "en": "Flagged when: {limit} or more identical answers in a row; IRV below {irv} "
        "(with {answers} or more answers); under {seconds} s per answered item.",
    },
    "timed": {
        "zh": "作答时间取自 {columns} 列（{timed} 人有时间）。",
        "en": "Completion times from the column {columns} ({timed} respondents timed).",
    },
    "untimed": {
        "zh": "没有作答时间列（seconds、duration 或 --time-column）：不检查速度。",
        "en": "No completion-time column (seconds, duration or --time-column): speed not checked.",
    },
    "flag_count": {
        "zh": "{respondents} 人中有 {count} 人被标记（列出供人工查看，不会被悄悄删除）：",
        "en": "{count} of {respondents} respondents flagged (listed for a person to check, "
        "never dropped silently):",
    },
    "nobody_flagged": {
        "zh": "{respondents} 人中无人被标记。",
        "en": "None of the {respondents} respondents was flagged.",
    },
    "col_respondent": {"zh": "受评人编号", "en": "Respondent"},
    "col_run": {"zh": "最长连续", "en": "Run"},
    "col_irv": {"zh": "IRV", "en": "IRV"},
    "col_speed": {"zh": "秒/题", "en": "s/item"},
    "col_why": {"zh": "原因", "en": "Why"},
    "more_flagged": {
        "zh": "……另有 {count} 人（--format json 列出全部）。",
        "en": "… and {count} more (--format json lists them all).",
    },
    "notes": {"zh": "说明", "en": "Notes"},
}


def stats_label(key: str, lang: str) -> str:
    texts = STATS_LABELS[key]
    return texts.get(lang) or texts["en"]
