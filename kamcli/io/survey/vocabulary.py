"""What the questionnaire exports and the response imports agree on: the model stamp, the
questions about who is rated, and how question texts are compared.

Texts are compared after `normalise`: Unicode NFKC (full-width letters, digits and
punctuation become half-width), Chinese punctuation mapped to its ASCII twin, case folded,
every blank removed, and a leading numbering (`3、`, `Q3.`, `3)`, `第3题`) and trailing
required-marks (`*`) dropped. Nothing else is forgiven: two texts match or they do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.errors import Msg, msg
from kamcli.model.schema import RATER_ROLES

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

STAMP_KEY = "kam_model"  # the hidden field / equation / embedded-data name of the stamp
STAMP_PREFIX = "kam;"  # no ":" (Qualtrics [[ED:name:value]] tags split at it)
_PUNCTUATION = str.maketrans(
    {
        "、": ",",
        "。": ".",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "《": "<",
        "》": ">",
        "【": "[",
        "】": "]",
        "—": "-",
        "–": "-",
        "…": "...",
        "·": ".",
    }
)
_NUMBERING = re.compile(r"^(?:第?\d{1,3}题?[,.):]|[qQ]\d{1,3}[.:_)]|\(\d{1,3}\))")
_BLANKS = re.compile(r"\s+")

# The questions every export adds before the items, in both languages (the import knows
# them by these texts, by their ids, or by the plain batch column names).
META_QUESTIONS: dict[str, dict[str, str]] = {
    "name": {"en": "Name of the person rated", "zh": "被评估人姓名"},
    "account": {"en": "Key account", "zh": "所负责的大客户"},
    "stage": {"en": "Stage of the account relationship", "zh": "客户关系所处阶段"},
    "rater": {"en": "Your role towards the person rated", "zh": "您与被评估人的关系"},
}
ROLE_NAMES: dict[str, dict[str, str]] = {
    "self": {"en": "Self (I rate myself)", "zh": "本人(自评)"},
    "manager": {"en": "Manager", "zh": "上级"},
    "peer": {"en": "Peer", "zh": "同事"},
    "customer": {"en": "Customer", "zh": "客户"},
    "other": {"en": "Other", "zh": "其他"},
}
EXTRA_META_NAMES = {
    "name": ("姓名", "name", "person"),
    "account": ("客户", "account"),
    "stage": ("阶段", "stage"),
    "rater": ("评估人角色", "rater", "role"),
    "subject": ("subject", "被评估人"),
}


def normalise(text: str) -> str:
    """A question or answer text in the form compared across tools (see module doc)."""
    folded = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).casefold()
    folded = _BLANKS.sub("", folded)
    folded = _NUMBERING.sub("", folded, count=1)
    return folded.rstrip("*")


@dataclass(frozen=True)
class Stamp:
    """Which model (and stage/rater, when fixed) a questionnaire was exported from."""

    model_id: str
    version: str
    hash: str
    stage: str | None = None
    rater: str | None = None

    def text(self) -> str:
        parts = [f"{STAMP_PREFIX}{self.model_id}", self.version, self.hash]
        parts += [f"stage={self.stage}"] if self.stage else []
        parts += [f"rater={self.rater}"] if self.rater else []
        return ";".join(parts)

    @classmethod
    def of(cls, model: CompetencyModel, stage: str | None, rater: str | None) -> Stamp:
        return cls(model.id, model.version, model.content_hash, stage, rater)

    @classmethod
    def parse(cls, text: str) -> Stamp | None:
        text = text.strip()
        if not text.startswith(STAMP_PREFIX):
            return None
        first, *rest = text[len(STAMP_PREFIX) :].split(";")
        if len(rest) < 2:
            return None
        options = dict(part.split("=", 1) for part in rest[2:] if "=" in part)
        return cls(first, rest[0], rest[1], options.get("stage"), options.get("rater"))

    def differences(self, model: CompetencyModel) -> list[Msg]:
        """What differs from the model in use, as `what: file vs model`."""
        pairs = (
            ("errors_survey.differs_model_id", self.model_id, model.id),
            ("errors_survey.differs_version", self.version, model.version),
            ("errors_survey.differs_hash", self.hash, model.content_hash),
        )
        return [msg(key, mine=mine, theirs=theirs) for key, mine, theirs in pairs if mine != theirs]


def item_texts(model: CompetencyModel) -> dict[str, set[str]]:
    """Normalised question text -> the item ids asked with it, over every language and
    every rater's wording (the questionnaire module builds the wording)."""
    from kamcli.questionnaire.questions import build_questions

    found: dict[str, set[str]] = {}
    for lang in model.languages:
        for role in RATER_ROLES:
            for question in build_questions(model, lang, role):
                found.setdefault(normalise(question.text), set()).add(question.item_id)
    return found


def display_texts(model: CompetencyModel) -> Iterator[tuple[str, str]]:
    """(item id, text) in every language, for `closest`."""
    for _, item in model.items():
        for lang in model.languages:
            yield item.id, model.text(item.text, lang)


def meta_texts() -> dict[str, str]:
    """Normalised meta question text or name -> meta column."""
    found = {
        normalise(text): key for key, texts in META_QUESTIONS.items() for text in texts.values()
    }
    for key, names in EXTRA_META_NAMES.items():
        found.update({normalise(name): key for name in names})
    return found


def closest(text: str, candidates: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The (id, text) most like `text`, when at all alike (a hint in messages, never a match)."""
    from difflib import SequenceMatcher  # only for messages

    wanted = normalise(text)
    best: tuple[float, tuple[str, str]] | None = None
    for item_id, candidate in candidates:
        ratio = SequenceMatcher(None, wanted, normalise(candidate), autojunk=False).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, (item_id, candidate))
    return best[1] if best is not None and best[0] >= 0.4 else None


def label_values(model: CompetencyModel) -> dict[str, int]:
    """Answer texts -> scale values: the anchors in every language, with and without the
    number in front (`4 - Usually`, `4.经常`), as written and case-folded."""
    values: dict[str, int] = {}
    for value, anchor in zip(model.scale.values, model.scale.anchors, strict=True):
        for text in anchor.values():
            for variant in (text, f"{value} - {text}", f"{value}-{text}", f"{value}.{text}"):
                values[variant] = value
                values[variant.casefold()] = value
                values[unicodedata.normalize("NFKC", variant)] = value
    return values


def stage_values(model: CompetencyModel) -> dict[str, str]:
    """Stage cells a tool may write -> stage id: names in every language, option numbers."""
    found: dict[str, str] = {}
    for number, stage in enumerate(model.stages, 1):
        found[str(number)] = found[f"A{number}"] = stage.id  # option number, LimeSurvey code
        for text in stage.name.values():
            for variant in (text, f"{text} ({stage.id})"):
                found[variant] = stage.id
                found[variant.casefold()] = stage.id
    return found


def role_values() -> dict[str, str]:
    """Rater cells a tool may write -> role: the role names in both languages, numbers."""
    found: dict[str, str] = {}
    for number, role in enumerate(RATER_ROLES, 1):
        found[str(number)] = found[f"A{number}"] = role
        for text in ROLE_NAMES[role].values():
            found[text] = role
            found[text.casefold()] = role
    return found
