"""Every user-facing string of the questionnaire, per language, in one lookup.

`t(key, lang, **values)` falls back to English for a language without the key, so a model with
more languages than this catalogue still shows a sentence.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # who and which stage
    "name": {"en": "Your name (optional, Enter to leave out)", "zh": "你的姓名（可选，回车跳过）"},
    "account": {"en": "Key account (optional)", "zh": "大客户名称（可选）"},
    "about": {
        "en": "Who are you rating? (the key account manager's name)",
        "zh": "你要评价谁？（大客户经理的姓名）",
    },
    "rater_name": {"en": "Your own name (optional)", "zh": "你自己的姓名（可选）"},
    "stage": {
        "en": "Which stage is the relationship with this account in?",
        "zh": "与该客户的关系处于哪个阶段？",
    },
    "not_sure": {"en": "Not sure: help me decide", "zh": "不确定：帮我判断"},
    "suggest": {
        "en": "The answers point to: {stage}. Use this stage?",
        "zh": "答案显示：{stage}。使用这个阶段吗？",
    },
    "no_diag": {
        "en": "The answers do not point clearly to one stage (too few, all alike or "
        "contradictory); please pick a stage.",
        "zh": "答案没有明确指向某个阶段（作答太少、各题答案几乎相同或相互矛盾），请直接选择阶段。",
    },
    # unfinished drafts
    "resume_which": {
        "en": "You have unfinished assessments. Resume one, or start a new one?",
        "zh": "你有未完成的评估。继续其中一份，还是开始新的评估？",
    },
    "draft_label": {
        "en": "Draft #{id} of {date}: {who}, {stage}, {done} of {total} answered",
        "zh": "草稿 #{id}（{date}）：{who}，{stage}，已答 {done}/{total}",
    },
    "draft_about": {"en": "{rater} rating {subject}", "zh": "{rater}评价 {subject}"},
    "role_manager": {"en": "manager", "zh": "上级"},
    "role_peer": {"en": "peer", "zh": "同事"},
    "role_customer": {"en": "customer", "zh": "客户"},
    "role_other": {"en": "other rater", "zh": "其他人"},
    "with_account": {"en": "{who} ({account})", "zh": "{who}（{account}）"},
    "no_name": {"en": "no name", "zh": "未填姓名"},
    "no_stage": {"en": "stage not chosen", "zh": "未选阶段"},
    "more_drafts": {
        "en": "{count} older draft(s) not listed: kam history list, then kam assess --resume ID",
        "zh": "另有 {count} 份较早的草稿未列出：运行 kam history list，"
        "再运行 kam assess --resume ID",
    },
    "new_assessment": {"en": "Start a new assessment", "zh": "开始新的评估"},
    "no_draft": {
        "en": "There is no unfinished assessment to resume.",
        "zh": "没有可以继续的未完成评估。",
    },
    "already_complete": {
        "en": "Assessment {id} is already complete; there is nothing to resume "
        "(see: kam history show {id}).",
        "zh": "评估 {id} 已经完成，无需继续（查看：kam history show {id}）。",
    },
    # one question
    "progress": {"en": "Question {n} of {total}", "zh": "第 {n} 题 / 共 {total} 题"},
    "section": {"en": "Section {n}/{total}: ", "zh": "第 {n}/{total} 部分："},
    "keys": {
        "en": "{low}-{high} answer · s skip · b back · ? explain · q save & quit",
        "zh": "{low}-{high} 作答 · s 跳过 · b 上一题 · ? 说明 · q 保存并退出",
    },
    "arrows": {"en": "or ↑↓ and Enter", "zh": "或用 ↑↓ 和回车"},
    "current": {
        "en": "current answer: {value} (Enter keeps it)",
        "zh": "当前答案：{value}（回车保留）",
    },
    "current_mark": {"en": "(current answer)", "zh": "（当前答案）"},
    "skipped": {"en": "skipped", "zh": "已跳过"},
    "invalid": {
        "en": "Not understood: type a number from {low} to {high}, or s, b, ?, q.",
        "zh": "无法识别：请输入 {low} 到 {high} 的数字，或 s、b、?、q。",
    },
    "first": {"en": "This is the first question.", "zh": "已经是第一题。"},
    "levels": {"en": "Proficiency levels:", "zh": "能力等级："},
    "answer": {"en": "Your answer", "zh": "你的答案"},
    "skip": {"en": "Skip / not applicable", "zh": "跳过 / 不适用"},
    "back": {"en": "Back to the previous question", "zh": "返回上一题"},
    "explain": {"en": "Explain this question", "zh": "说明这道题"},
    "quit": {"en": "Save and quit", "zh": "保存并退出"},
    # choices and yes/no
    "choose_invalid": {
        "en": "Type a number from 1 to {count}.",
        "zh": "请输入 1 到 {count} 之间的数字。",
    },
    "choose_keys": {"en": "1-{count} choose", "zh": "1-{count} 选择"},
    "yes": {"en": "Yes", "zh": "是"},
    "no": {"en": "No", "zh": "否"},
    "yes_no_keys": {"en": "y yes · n no", "zh": "y 是 · n 否"},
    "confirm_default_yes": {"en": "[Y/n]", "zh": "[Y/n，回车为是]"},
    "confirm_default_no": {"en": "[y/N]", "zh": "[y/N，回车为否]"},
    # leaving and finishing
    "saved_draft": {
        "en": "Your answers are saved as draft #{id} ({done} of {total} answered). "
        "Resume with: kam assess --resume {id}",
        "zh": "你的答案已保存为草稿 #{id}（已答 {done}/{total}）。"
        "继续作答：kam assess --resume {id}",
    },
    "interrupted": {"en": "Interrupted.", "zh": "已中断。"},
    "input_ended": {"en": "Input ended.", "zh": "输入已结束。"},
    "nothing_saved": {"en": "Nothing was saved yet.", "zh": "尚未保存任何内容。"},
    "saved_as": {"en": "Saved as assessment #{id}.", "zh": "已保存为评估 #{id}。"},
    "next_steps": {"en": "Next steps:", "zh": "下一步："},
    "step_html": {"en": "a report page to print or share", "zh": "生成可打印、可分享的报告页面"},
    "step_show": {"en": "this report again", "zh": "再次查看本报告"},
    "step_subject": {
        "en": "every rating of {subject} in one 360° report",
        "zh": "把对 {subject} 的所有评价汇总为一份 360° 报告",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` (English if missing), with `values` filled in."""
    texts = TEXTS[key]
    return texts.get(lang, texts["en"]).format(**values)
