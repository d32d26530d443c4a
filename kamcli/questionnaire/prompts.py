"""How questions reach a person: typed input (always works) or a one-keystroke arrow-key menu.

Both take the same keys: 1-5 answer, s skip, b back, ? explain, q save and quit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape

from kamcli.i18n import t
from kamcli.questionnaire.questions import Command, Question, parse_command

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output
    from rich.console import Console

    from kamcli.model.schema import CompetencyModel
    from kamcli.questionnaire.menu import MenuChoice


@dataclass(frozen=True)
class Option:
    """One answer to `choose`: what it returns, its label, an optional one-line detail."""

    key: str
    label: str
    detail: str = ""


class TypedPrompter:
    """Line-based prompts: works in any terminal, over ssh, and in tests."""

    show_legend = True

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

    def show_question(self, question: Question, current: int | None, answered: bool) -> None:
        lang = self.lang
        self.console.print()
        progress = t("questionnaire.progress", lang, n=question.number, total=question.total)
        section = t(
            "questionnaire.section", lang, n=question.section_number, total=question.section_total
        )
        self.console.print(f"[dim]{progress} · {section}[/][bold]{escape(question.section)}[/]")
        self.console.print(f"[bold]{escape(question.text)}[/]")
        if not self.show_legend:
            return
        legend = "  ".join(
            f"[cyan]{value}[/] {escape(label)}"
            for value, label in zip(
                range(question.low, question.high + 1), question.anchors, strict=True
            )
        )
        self.console.print(legend)
        if answered:
            shown = t("questionnaire.skipped", lang) if current is None else str(current)
            self.console.print(f"[dim]{t('questionnaire.current', lang, value=shown)}[/]")
        self.console.print(
            f"[dim]{t('questionnaire.keys', lang, low=question.low, high=question.high)}[/]"
        )

    def ask_item(self, question: Question, current: int | None, answered: bool) -> Command:
        self.show_question(question, current, answered)
        while True:
            typed = self.read_line("> ")
            command = parse_command(typed, question.low, question.high, answered)
            if command is not None:
                return command
            self.console.print(
                "[yellow]"
                + t("questionnaire.invalid", self.lang, low=question.low, high=question.high)
                + "[/]"
            )

    def explain(self, question: Question) -> None:
        if not question.competency_id:
            self.console.print(escape(question.section))
            return
        competency = self.model.competency(question.competency_id)
        text = self.model.text
        self.console.print(f"[bold]{escape(text(competency.name, self.lang))}[/]")
        self.console.print(escape(text(competency.description, self.lang)))
        self.console.print(f"[dim]{t('questionnaire.levels', self.lang)}[/]")
        for value, level in zip(self.model.scale.values, competency.levels, strict=True):
            self.console.print(f"  [cyan]{value}[/] {escape(text(level, self.lang))}")

    def notice(self, key: str) -> None:
        self.console.print(f"[yellow]{t(f'questionnaire.{key}', self.lang)}[/]")

    def say(self, message: str) -> None:
        """A line for the person (never markup: it may hold names they typed)."""
        self.console.print(message, markup=False, highlight=False, soft_wrap=True)

    def ask_text(self, prompt: str) -> str:
        return self.read_line(f"{prompt}: ").strip()

    def choose(self, prompt: str, options: list[Option], default: int = 0) -> str:  # noqa: ARG002
        """Pick one of `options` by its number or its key (`default` only places a pointer)."""
        self.console.print(f"[bold]{escape(prompt)}[/]")
        for number, option in enumerate(options, start=1):
            self.console.print(f"  [cyan]{number}[/] {escape(option.label)}")
            if option.detail:
                self.console.print(f"    [dim]{escape(option.detail)}[/]")
        while True:
            typed = self.read_line("> ").strip().lower()
            if typed.isdigit() and 1 <= int(typed) <= len(options):
                return options[int(typed) - 1].key
            for option in options:
                if typed == option.key or (typed == "？" and option.key == "?"):
                    return option.key
            self.console.print(
                f"[yellow]{t('questionnaire.choose_invalid', self.lang, count=len(options))}[/]"
            )

    def confirm(self, prompt: str, default: bool = True) -> bool:
        hint = t(
            "questionnaire.confirm_default_yes" if default else "questionnaire.confirm_default_no",
            self.lang,
        )
        while True:
            typed = self.read_line(f"{prompt} {hint} ").strip().lower()
            if typed == "":
                return default
            if typed in {"y", "yes", "是", "好"}:
                return True
            if typed in {"n", "no", "否", "不"}:
                return False


class ArrowPrompter(TypedPrompter):
    """Menus where a key acts at once (no Enter), and arrows plus Enter work too."""

    show_legend = False
    # Tests drive the menus through a prompt_toolkit pipe; None means the terminal.
    menu_input: Input | None = None
    menu_output: Output | None = None

    def _menu(
        self, message: str, choices: list[MenuChoice[str]], hint: str, default: int = 0
    ) -> str:
        from kamcli.questionnaire.menu import run_menu

        return run_menu(
            message,
            choices,
            hint=hint,
            default=default,
            input=self.menu_input,
            output=self.menu_output,
        )

    def ask_item(self, question: Question, current: int | None, answered: bool) -> Command:
        from kamcli.questionnaire.menu import MenuChoice

        self.show_question(question, current, answered)
        lang = self.lang
        mark = t("questionnaire.current_mark", lang)
        choices = [
            MenuChoice(label, str(v), str(v), mark if answered and current == v else "")
            for v, label in zip(
                range(question.low, question.high + 1), question.anchors, strict=True
            )
        ]
        choices += [
            MenuChoice(
                t("questionnaire.skip", lang),
                "s",
                "s",
                mark if answered and current is None else "",
            ),
            MenuChoice(t("questionnaire.back", lang), "b", "b"),
            MenuChoice(t("questionnaire.explain", lang), "?", "?"),
            MenuChoice(t("questionnaire.quit", lang), "q", "q"),
        ]
        # The pointer starts on the current answer (or on skip), so Enter keeps it.
        default = 0
        if answered:
            default = (
                question.high - question.low + 1 if current is None else current - question.low
            )
        keys = t("questionnaire.keys", lang, low=question.low, high=question.high)
        hint = f"{keys} · {t('questionnaire.arrows', lang)}"
        picked = self._menu(t("questionnaire.answer", lang), choices, hint, default)
        command = parse_command(picked, question.low, question.high, answered)
        assert command is not None, picked
        return command

    def choose(self, prompt: str, options: list[Option], default: int = 0) -> str:
        from kamcli.questionnaire.menu import MenuChoice

        numbered = len(options) <= 9
        choices = [
            MenuChoice(
                option.label, option.key, str(number) if numbered else None, detail=option.detail
            )
            for number, option in enumerate(options, start=1)
        ]
        hint = t("questionnaire.arrows", self.lang)
        if numbered:
            hint = f"{t('questionnaire.choose_keys', self.lang, count=len(options))} · {hint}"
        return self._menu(prompt, choices, hint, default)

    def confirm(self, prompt: str, default: bool = True) -> bool:
        from kamcli.questionnaire.menu import MenuChoice

        choices = [
            MenuChoice(t("questionnaire.yes", self.lang), "y", "y"),
            MenuChoice(t("questionnaire.no", self.lang), "n", "n"),
        ]
        hint = (
            f"{t('questionnaire.yes_no_keys', self.lang)} · {t('questionnaire.arrows', self.lang)}"
        )
        return self._menu(prompt, choices, hint, 0 if default else 1) == "y"
