"""Walk the questions with back/skip/explain/quit, saving every answer as it is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kamcli.questionnaire.questions import Command, Question


class QuitRequested(Exception):
    """The person typed q: the draft is already saved, stop asking."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class Prompter(Protocol):
    def ask_item(self, question: Question, current: int | None, answered: bool) -> Command: ...
    def explain(self, question: Question) -> None: ...
    def notice(self, message: str) -> None: ...


SaveAnswer = Callable[[str, int | None, int], None]


def run_items(
    questions: list[Question],
    answers: dict[str, int | None],
    start: int,
    prompter: Prompter,
    save: SaveAnswer,
) -> None:
    """Ask from `start` to the end; `save(item_id, value, next_position)` runs before moving on."""
    position = max(0, min(start, len(questions)))
    while position < len(questions):
        question = questions[position]
        answered = question.item_id in answers
        command = prompter.ask_item(question, answers.get(question.item_id), answered)
        if command.kind in {"answer", "skip"}:
            value = command.value if command.kind == "answer" else None
            answers[question.item_id] = value
            save(question.item_id, value, position + 1)
            position += 1
        elif command.kind == "keep":
            position += 1
        elif command.kind == "back":
            if position == 0:
                prompter.notice("first")
            position = max(0, position - 1)
        elif command.kind == "explain":
            prompter.explain(question)
        elif command.kind == "quit":
            raise QuitRequested(position)
