"""Questions are data: built from the model once, in the order they are asked."""

from __future__ import annotations

from dataclasses import dataclass

from kamcli.model.schema import CompetencyModel


@dataclass(frozen=True)
class Question:
    number: int  # 1-based position among all questions
    total: int
    item_id: str
    competency_id: str
    section: str  # the competency's name
    section_number: int
    section_total: int
    text: str
    low: int
    high: int
    anchors: tuple[str, ...]  # one label per scale point, low..high


@dataclass(frozen=True)
class Command:
    """What the person asked for at a question: an answer, skip, back, explain, keep or quit."""

    kind: str  # "answer" | "skip" | "back" | "explain" | "keep" | "quit"
    value: int | None = None


def build_questions(model: CompetencyModel, lang: str, rater: str = "self") -> list[Question]:
    """Every item this rater role may rate, in its wording for that role, by competency."""
    total = sum(1 for _, item in model.items() if item.rated_by(rater))
    questions: list[Question] = []
    for section_number, competency in enumerate(model.competencies, start=1):
        for item in competency.items:
            if not item.rated_by(rater):
                continue
            questions.append(
                Question(
                    number=len(questions) + 1,
                    total=total,
                    item_id=item.id,
                    competency_id=competency.id,
                    section=model.text(competency.name, lang),
                    section_number=section_number,
                    section_total=len(model.competencies),
                    text=model.text(item.wording(rater), lang),
                    low=model.scale.min,
                    high=model.scale.max,
                    anchors=tuple(model.text(a, lang) for a in model.scale.anchors),
                )
            )
    return questions


def build_diagnostic(model: CompetencyModel, lang: str) -> list[Question]:
    """The stage diagnostic as questions, on the diagnostic's agreement anchors."""
    statements = model.diagnostic.statements
    section = model.text(model.diagnostic.intro, lang)
    return [
        Question(
            number=n,
            total=len(statements),
            item_id=s.id,
            competency_id="",
            section=section,
            section_number=1,
            section_total=1,
            text=model.text(s.text, lang),
            low=model.scale.min,
            high=model.scale.max,
            anchors=tuple(model.text(a, lang) for a in model.diagnostic.anchors),
        )
        for n, s in enumerate(statements, start=1)
    ]


def parse_command(typed: str, low: int, high: int, has_current: bool) -> Command | None:
    """Typed input to a command; None means 'not understood, ask again' (nothing recorded)."""
    text = typed.strip().lower()
    if text == "":
        return Command("keep") if has_current else None
    if text in {"s", "skip", "跳过"}:
        return Command("skip")
    if text in {"b", "back", "返回"}:
        return Command("back")
    if text in {"?", "？", "h", "help"}:
        return Command("explain")
    if text in {"q", "quit", "退出"}:
        return Command("quit")
    if text.isdigit() and low <= int(text) <= high:
        return Command("answer", int(text))
    return None
