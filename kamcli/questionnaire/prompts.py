"""How questions reach a person: typed input (always works) or arrow keys (questionary)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

from kamcli.questionnaire.questions import Command, Question, parse_command

if TYPE_CHECKING:
    from rich.console import Console

    from kamcli.model.schema import CompetencyModel

TEXTS = {
    "progress": {"en": "Question {n} of {total}", "zh": "第 {n} 题 / 共 {total} 题"},
    "section": {"en": "Section {n}/{total}", "zh": "第 {n}/{total} 部分"},
    "keys": {
        "en": "{low}-{high} answer · s skip · b back · ? explain · q save & quit",
        "zh": "{low}-{high} 作答 · s 跳过 · b 上一题 · ? 说明 · q 保存并退出",
    },
    "current": {
        "en": "current answer: {value} (Enter keeps it)",
        "zh": "当前答案：{value}（回车保留）",
    },
    "skipped": {"en": "skipped", "zh": "已跳过"},
    "invalid": {
        "en": "Not understood: type a number from {low} to {high}, or s, b, ?, q.",
        "zh": "无法识别：请输入 {low} 到 {high} 的数字，或 s、b、?、q。",
    },
    "first": {"en": "This is the first question.", "zh": "已经是第一题。"},
    "levels": {"en": "Proficiency levels", "zh": "能力等级"},
    "answer": {"en": "Your answer", "zh": "你的答案"},
    "skip": {"en": "Skip / not applicable", "zh": "跳过 / 不适用"},
    "back": {"en": "Back to the previous question", "zh": "返回上一题"},
    "explain": {"en": "Explain this question", "zh": "说明这道题"},
    "quit": {"en": "Save and quit", "zh": "保存并退出"},
}


def t(key: str, lang: str, **values: object) -> str:
    texts = TEXTS[key]
    return texts.get(lang, texts["en"]).format(**values)


class TypedPrompter:
    """Line-based prompts: works in any terminal, over ssh, and in tests."""

    def __init__(
        self,
        console: Console,
        model: CompetencyModel,
        lang: str,
        read_line: Callable[[str], str] | None = None,
    ) -> None:
        self.console = console
        self.model = model
        self.lang = lang
        self.read_line = read_line or (lambda prompt: console.input(prompt, markup=False))

    show_legend = True

    def show_question(self, question: Question, current: int | None, answered: bool) -> None:
        lang = self.lang
        self.console.print()
        self.console.print(
            f"[dim]{t('progress', lang, n=question.number, total=question.total)} · "
            f"{t('section', lang, n=question.section_number, total=question.section_total)}:[/] "
            f"[bold]{escape(question.section)}[/]"
        )
        self.console.print(f"[bold]{escape(question.text)}[/]")
        legend = "  ".join(
            f"[cyan]{value}[/] {escape(label)}"
            for value, label in zip(
                range(question.low, question.high + 1), question.anchors, strict=True
            )
        )
        if not self.show_legend:
            return
        self.console.print(legend)
        if answered:
            shown = t("skipped", lang) if current is None else str(current)
            self.console.print(f"[dim]{t('current', lang, value=shown)}[/]")
        self.console.print(f"[dim]{t('keys', lang, low=question.low, high=question.high)}[/]")

    def ask_item(self, question: Question, current: int | None, answered: bool) -> Command:
        self.show_question(question, current, answered)
        while True:
            typed = self.read_line("> ")
            command = parse_command(typed, question.low, question.high, answered)
            if command is not None:
                return command
            self.console.print(
                f"[yellow]{t('invalid', self.lang, low=question.low, high=question.high)}[/]"
            )

    def explain(self, question: Question) -> None:
        if not question.competency_id:
            self.console.print(escape(question.section))
            return
        competency = self.model.competency(question.competency_id)
        text = self.model.text
        self.console.print(f"[bold]{escape(text(competency.name, self.lang))}[/]")
        self.console.print(escape(text(competency.description, self.lang)))
        self.console.print(f"[dim]{t('levels', self.lang)}:[/]")
        for value, level in zip(self.model.scale.values, competency.levels, strict=True):
            self.console.print(f"  [cyan]{value}[/] {escape(text(level, self.lang))}")

    def notice(self, key: str) -> None:
        self.console.print(f"[yellow]{t(key, self.lang)}[/]")

    def ask_text(self, prompt: str) -> str:
        return self.read_line(f"{prompt}: ").strip()

    def choose(self, prompt: str, options: list[tuple[str, str]]) -> str:
        """Pick one of `options` (key, label) by number or key."""
        self.console.print(f"[bold]{escape(prompt)}[/]")
        for number, (_, label) in enumerate(options, start=1):
            self.console.print(f"  [cyan]{number}[/] {escape(label)}")
        while True:
            typed = self.read_line("> ").strip().lower()
            if typed.isdigit() and 1 <= int(typed) <= len(options):
                return options[int(typed) - 1][0]
            for key, _ in options:
                if typed == key:
                    return key
            self.console.print(f"[yellow]1-{len(options)}?[/]")

    def confirm(self, prompt: str, default: bool = True) -> bool:
        hint = "Y/n" if default else "y/N"
        while True:
            typed = self.read_line(f"{prompt} [{hint}] ").strip().lower()
            if typed == "":
                return default
            if typed in {"y", "yes", "是", "好"}:
                return True
            if typed in {"n", "no", "否", "不"}:
                return False


class ArrowPrompter(TypedPrompter):
    """Arrow-key selection via questionary; digits and letters move to a choice, Enter takes it."""

    show_legend = False

    def ask_item(self, question: Question, current: int | None, answered: bool) -> Command:
        import questionary

        self.show_question(question, current, answered)
        lang = self.lang
        choices = [
            questionary.Choice(label, value=Command("answer", v), shortcut_key=str(v))
            for v, label in zip(
                range(question.low, question.high + 1), question.anchors, strict=True
            )
        ]
        choices += [
            questionary.Choice(t("skip", lang), value=Command("skip"), shortcut_key="s"),
            questionary.Choice(t("back", lang), value=Command("back"), shortcut_key="b"),
            questionary.Choice(t("explain", lang), value=Command("explain"), shortcut_key="e"),
            questionary.Choice(t("quit", lang), value=Command("quit"), shortcut_key="q"),
        ]
        default = choices[current - question.low] if current is not None else None
        picked = questionary.select(
            t("answer", lang), choices=choices, default=default, use_shortcuts=True
        ).unsafe_ask()
        if not isinstance(picked, Command):  # pragma: no cover - questionary returns the value
            raise KeyboardInterrupt
        return picked
