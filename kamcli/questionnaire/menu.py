"""A one-keystroke menu on prompt_toolkit: a choice's key acts at once; arrows and Enter work too.

questionary's shortcut keys only move the pointer (Enter still needed), which doubles the
keystrokes of a 70-item questionnaire, so the menu binds keys itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyPressEvent
    from prompt_toolkit.output import Output

T = TypeVar("T")

# Keys typed with a Chinese input method still count: full-width ？ is ?.
ALIASES = {"?": ("？",)}
DETAIL_INDENT = 5
# A word of Latin text, or one wide (CJK) character: the units a line may break between.
BREAKABLE = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")


def wrap_cells(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` terminal cells, between words or CJK chars."""
    from prompt_toolkit.utils import get_cwidth

    width = max(width, 10)
    lines: list[str] = []
    line = ""
    for token in BREAKABLE.findall(text):
        if line and get_cwidth(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class MenuChoice(Generic[T]):
    """One line of the menu; pressing `key` (if any) picks it without Enter."""

    label: str
    value: T
    key: str | None = None
    note: str = ""  # dim text after the label, e.g. "(current answer)"
    detail: str = ""  # a dim line under the label, e.g. what a stage means


def run_menu(
    message: str,
    choices: Sequence[MenuChoice[T]],
    *,
    hint: str = "",
    default: int = 0,
    input: Input | None = None,
    output: Output | None = None,
) -> T:
    """Show the menu and return the picked choice's value.

    Ctrl-C raises KeyboardInterrupt and Ctrl-D raises EOFError, like input() does, so callers
    keep one way of handling an interrupted questionnaire.
    """
    from prompt_toolkit.application import Application, get_app
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import Layout
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.output import create_output

    if not choices:
        raise ValueError("a menu needs at least one choice")
    state = {"pointer": max(0, min(default, len(choices) - 1)), "picked": -1}
    bindings = KeyBindings()

    def move(step: int) -> None:
        state["pointer"] = (state["pointer"] + step) % len(choices)

    def pick(app: Application[T], index: int) -> None:
        state["picked"] = index
        app.exit(result=choices[index].value)

    @bindings.add("up")
    @bindings.add("c-p")
    def _up(_event: KeyPressEvent) -> None:
        move(-1)

    @bindings.add("down")
    @bindings.add("c-n")
    @bindings.add("tab")
    def _down(_event: KeyPressEvent) -> None:
        move(1)

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        pick(event.app, state["pointer"])

    @bindings.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt)

    @bindings.add("c-d")
    def _end(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError)

    for index, choice in enumerate(choices):
        if choice.key is None:
            continue
        keys = {choice.key, *ALIASES.get(choice.key, ())}
        if choice.key.isalpha():
            keys.add(choice.key.upper())
        for key in keys:
            bindings.add(key)(lambda event, index=index: pick(event.app, index))

    def render() -> StyleAndTextTuples:
        lines: StyleAndTextTuples = [("class:question", f"? {message}")]
        if get_app().is_done:  # what stays on screen: the question and what was picked
            answer = choices[state["picked"]].label if state["picked"] >= 0 else ""
            return [*lines, ("", "  "), ("class:answer", answer), ("", "\n")]
        if hint:
            lines.append(("class:hint", f"  ({hint})"))
        lines.append(("", "\n"))
        for index, choice in enumerate(choices):
            here = index == state["pointer"]
            key = f"{choice.key}) " if choice.key else "   "
            lines.append(("class:pointer" if here else "", "» " if here else "  "))
            lines.append(("class:selected" if here else "", f"{key}{choice.label}"))
            if choice.note:
                lines.append(("class:hint", f"  {choice.note}"))
            lines.append(("", "\n"))
            if choice.detail:
                width = get_app().output.get_size().columns - DETAIL_INDENT
                for line in wrap_cells(choice.detail, width):
                    lines.append(("class:hint", f"{' ' * DETAIL_INDENT}{line}\n"))
        return lines

    from prompt_toolkit.styles import Style

    style = Style.from_dict(
        {
            "question": "bold",
            "answer": "fg:ansicyan bold",
            "hint": "fg:ansibrightblack",
            "pointer": "fg:ansicyan bold",
            "selected": "fg:ansicyan",
        }
    )
    app: Application[T] = Application(
        layout=Layout(Window(FormattedTextControl(render, show_cursor=False), wrap_lines=True)),
        key_bindings=bindings,
        style=style,
        input=input,
        # Menus go to stderr with the other prompts, so stdout holds only the report.
        output=output or create_output(stdout=sys.stderr),
        mouse_support=False,
    )
    return app.run()
