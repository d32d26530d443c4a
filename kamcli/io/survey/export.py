"""The questionnaire in the import formats of survey tools: `kam export questionnaire`.

Every export asks who is rated (name, account, stage unless fixed, rater role unless
fixed), then one scale question per item grouped by competency, with answers in scale
order, and carries the model stamp (Stamp.text()) where the tool keeps a hidden value in
its response export. The formats, and what each tool's import accepts, are described in
docs/survey-tools.md. Texts come from the questionnaire module (build_questions), so a
rater's wording is the one `kam assess` would show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.io.survey.columns import limesurvey_code
from kamcli.io.survey.vocabulary import META_QUESTIONS, ROLE_NAMES, STAMP_KEY, Stamp
from kamcli.model.schema import RATER_ROLES
from kamcli.questionnaire.questions import Question, build_questions

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

LIMESURVEY_COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
LIMESURVEY_STAMP_CODE = STAMP_KEY.replace("_", "")  # codes are alphanumeric


@dataclass(frozen=True)
class Export:
    """What one export is made from: the model, the language and what is fixed."""

    model: CompetencyModel
    lang: str
    stage: str | None = None
    rater: str | None = None

    @property
    def stamp(self) -> Stamp:
        return Stamp.of(self.model, self.stage, self.rater)

    def title(self, lang: str | None = None) -> str:
        return self.model.text(self.model.name, lang or self.lang)

    def questions(self, lang: str | None = None) -> list[Question]:
        return build_questions(self.model, lang or self.lang, self.rater or "self")

    def sections(self, lang: str | None = None) -> Iterator[tuple[str, list[Question]]]:
        """(competency name, its questions) in model order, competencies with none left out."""
        current: list[Question] = []
        for question in self.questions(lang):
            if current and current[-1].competency_id != question.competency_id:
                yield current[0].section, current
                current = []
            current.append(question)
        if current:
            yield current[0].section, current

    def meta(self, lang: str | None = None) -> Iterator[tuple[str, str, list[str]]]:
        """(key, question text, choices; [] = free text) of the questions about who is rated."""
        lang = lang or self.lang
        yield "name", _text(META_QUESTIONS["name"], lang), []
        yield "account", _text(META_QUESTIONS["account"], lang), []
        if self.stage is None:
            stages = [self.model.text(s.name, lang) for s in self.model.stages]
            yield "stage", _text(META_QUESTIONS["stage"], lang), stages
        if self.rater is None:
            roles = [_text(ROLE_NAMES[role], lang) for role in RATER_ROLES]
            yield "rater", _text(META_QUESTIONS["rater"], lang), roles

    def item_number(self, item_id: str) -> int:
        return self.model.item_ids().index(item_id) + 1

    def competency_number(self, competency_id: str) -> int:
        return [c.id for c in self.model.competencies].index(competency_id) + 1


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts["en"]


def flat_text(text: str) -> str:
    """One line: the import formats are line based."""
    return re.sub(r"\s+", " ", text).strip()


# --- LimeSurvey: tab-separated survey structure (.txt) ----------------------------------------


def limesurvey_txt(export: Export) -> str:
    """LimeSurvey's tab-separated survey structure: S/SL rows, then per language the groups,
    questions (F = array, one per competency; S = short text; L = list; * = equation, the
    stamp), subquestions and answers. The base language first, then the others."""
    model = export.model
    languages = [export.lang, *(lang for lang in model.languages if lang != export.lang)]
    rows: list[list[str]] = [list(LIMESURVEY_COLUMNS)]

    def row(**cells: str) -> None:
        rows.append([cells.get(c.replace("/", "_"), "") for c in LIMESURVEY_COLUMNS])

    row(**{"class": "S", "name": "language", "text": export.lang})
    if len(languages) > 1:
        row(**{"class": "S", "name": "additional_languages", "text": " ".join(languages[1:])})
    row(**{"class": "S", "name": "format", "text": "G"})
    for lang in languages:
        row(
            **{
                "class": "SL",
                "name": "surveyls_title",
                "text": export.title(lang),
                "language": lang,
            }
        )
        description = f"{flat_text(model.text(model.description, lang))} ({export.stamp.text()})"
        row(
            **{"class": "SL", "name": "surveyls_description", "text": description, "language": lang}
        )
    for lang in languages:
        _limesurvey_language(export, lang, row)
    return "\n".join("\t".join(_tsv(cell) for cell in cells) for cells in rows) + "\n"


def _limesurvey_language(export: Export, lang: str, row: Callable[..., None]) -> None:
    anchors = [export.model.text(a, lang) for a in export.model.scale.anchors]
    ids = iter(range(1, 10_000))
    who = {"en": "About the rating", "zh": "评估信息"}
    row(**{"class": "G", "name": who.get(lang, who["en"]), "relevance": "1", "language": lang})
    for key, text, choices in export.meta(lang):
        qid = str(next(ids))
        kind = "L" if choices else "S"
        row(
            **{
                "id": qid,
                "class": "Q",
                "type_scale": kind,
                "name": key,
                "relevance": "1",
                "text": text,
                "language": lang,
                "mandatory": "Y",
            }
        )
        for number, choice in enumerate(choices, 1):
            row(
                **{
                    "id": qid,
                    "class": "A",
                    "type_scale": "0",
                    "name": f"A{number}",
                    "text": choice,
                    "language": lang,
                }
            )
    row(
        **{
            "id": str(next(ids)),
            "class": "Q",
            "type_scale": "*",
            "name": LIMESURVEY_STAMP_CODE,
            "relevance": "1",
            "text": export.stamp.text(),
            "language": lang,
        }
    )
    for section, questions in export.sections(lang):
        row(**{"class": "G", "name": section, "relevance": "1", "language": lang})
        qid = str(next(ids))
        number = export.competency_number(questions[0].competency_id)
        row(
            **{
                "id": qid,
                "class": "Q",
                "type_scale": "F",
                "name": f"C{number:02d}",
                "relevance": "1",
                "text": section,
                "language": lang,
                "mandatory": "N",
            }
        )
        for question in questions:
            code = limesurvey_code(number, export.item_number(question.item_id))
            row(
                **{
                    "id": qid,
                    "class": "SQ",
                    "type_scale": "0",
                    "name": code[4:-1],
                    "relevance": "1",
                    "text": flat_text(question.text),
                    "language": lang,
                }
            )
        for value, anchor in zip(export.model.scale.values, anchors, strict=True):
            row(
                **{
                    "id": qid,
                    "class": "A",
                    "type_scale": "0",
                    "name": str(value),
                    "text": anchor,
                    "language": lang,
                }
            )


def _tsv(cell: str) -> str:
    return cell.replace("\t", " ").replace("\r", " ").replace("\n", " ")


# --- Qualtrics: Advanced Format TXT ------------------------------------------------------------


def qualtrics_txt(export: Export) -> str:
    """Qualtrics Advanced Format: the stamp as embedded data, a block about who is rated,
    then one block per competency with one MC (single answer, horizontal) question per
    item whose export tag ([[ID:…]]) is the item id."""
    model = export.model
    lines = ["[[AdvancedFormat]]", "", f"[[ED:{STAMP_KEY}:{export.stamp.text()}]]", ""]
    who = {"en": "About the rating", "zh": "评估信息"}
    lines += [f"[[Block:{_text(who, export.lang)}]]", ""]
    for key, text, choices in export.meta():
        kind = "MC:SingleAnswer:Vertical" if choices else "TE:SingleLine"
        lines += [f"[[Question:{kind}]]", f"[[ID:{key}]]", flat_text(text)]
        if choices:
            lines += ["[[Choices]]", *choices]
        lines.append("")
    anchors = [model.text(a, export.lang) for a in model.scale.anchors]
    for section, questions in export.sections():
        lines += [f"[[Block:{flat_text(section)}]]", ""]
        for question in questions:
            lines += ["[[Question:MC:SingleAnswer:Horizontal]]", f"[[ID:{question.item_id}]]"]
            lines += [flat_text(question.text), "[[Choices]]", *anchors, ""]
    return "\n".join(lines)


# --- 问卷星: 文本导入 ------------------------------------------------------------------------


def wjx_txt(export: Export) -> str:
    """问卷星's text import: the title, a description line (with the stamp), then numbered
    questions with their type in brackets and one option per line, a blank line between."""
    model = export.model
    lines = [
        export.title(),
        f"{flat_text(model.text(model.description, export.lang))} ({export.stamp.text()})",
        "",
    ]
    number = 0
    for _key, text, choices in export.meta():
        number += 1
        lines += [f"{number}.{flat_text(text)}[{'单选题' if choices else '填空题'}]", *choices, ""]
    anchors = [model.text(a, export.lang) for a in model.scale.anchors]
    for section, questions in export.sections():
        lines += [f"{flat_text(section)}[段落说明]", ""]
        for question in questions:
            number += 1
            lines += [f"{number}.{flat_text(question.text)}[量表题]", *anchors, ""]
    return "\n".join(lines)
