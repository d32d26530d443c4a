"""`kam model lint`: content checks a valid model can still fail (wording, keying, coverage).

Heuristics, not grammar: each rule names the text and why a psychometrician or an editor
would object. The default model passes every rule; `tests/test_model_lint.py` shows each rule
firing on a bad example.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

from kamcli.model.schema import CompetencyModel, Item

__all__ = ["LintWarning", "lint_model"]

CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
HALF_WIDTH = re.compile(rf"(?<={CJK})[,;:()!?]|[,;:()!?](?={CJK})|(?<={CJK})\.(?!\d)")

ZH_JOINED = re.compile(
    r"并且|然后|同时还|，再|，和|既[^。]*[也又]|"
    r"(?<![合吞兼])并(?![非不没购列存])(?=[\u4e00-\u9fff])"
)
EN_VERBS = [
    "agree",
    "apologise",
    "apologize",
    "arrange",
    "ask",
    "bring",
    "call",
    "check",
    "confirm",
    "decide",
    "discuss",
    "draw",
    "expect",
    "explain",
    "find",
    "focus",
    "follow",
    "give",
    "introduce",
    "keep",
    "lead",
    "make",
    "meet",
    "name",
    "offer",
    "organise",
    "organize",
    "pass",
    "plan",
    "prepare",
    "propose",
    "put",
    "record",
    "report",
    "review",
    "revise",
    "send",
    "set",
    "share",
    "show",
    "solve",
    "talk",
    "tell",
    "thank",
    "track",
    "turn",
    "update",
    "use",
    "visit",
    "watch",
    "work",
    "write",
]
EN_JOINED = re.compile(
    r"\band then\b|\band (?:also )?(?:I|they|he|she|we)\b|, and (?:our|its|their)\b|\band (?:"
    + "|".join(rf"{verb}s?" for verb in EN_VERBS)
    + r")\b",
    re.IGNORECASE,
)
ZH_FREQUENCY = re.compile(
    r"定期|经常|总是|始终|从不|从来|一向|往往|时常|通常|偶尔|每(?:天|日|周|月|季|年|次|半年|隔)"
)
EN_FREQUENCY = re.compile(
    r"\b(?:always|never|often|usually|regularly|routinely|frequently|sometimes|occasionally|"
    r"every (?:day|week|month|quarter|year|time|six months)|each (?:day|week|month|quarter|year)|"
    r"at least (?:once|every|monthly|weekly)|once a (?:week|month|quarter|year))\b",
    re.IGNORECASE,
)
ZH_ABILITY = re.compile(r"(?:我|他/她|他|她)能(?!否)|能够|有能力|善于|擅长|懂得如何")
EN_ABILITY = re.compile(
    r"\b(?:I|they|he|she) can\b|\bable to\b|\bcapable of\b|\bknow how to\b", re.I
)
ZH_PRIVATE = re.compile(r"我[^，。]{0,4}?(?:考虑|思考|想好|想清楚|琢磨|留意|意识到|反思|认为|阅读)")
EN_PRIVATE = re.compile(
    r"\bI (?:\w+ )?(?:think|consider|reflect|believe|notice|watch|keep in mind|am aware|read)\b"
)
ZH_WOULD = re.compile(r"^(?:[^，。]*，)?我会")
SIMILAR = 0.66  # difflib ratio of two item texts (either language) that counts as a near-duplicate


@dataclass(frozen=True)
class LintWarning:
    """One lint finding: the file and key it is about, the rule, and what to do."""

    file: str
    key: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} [{self.key}] {self.rule}: {self.message}"


def lint_model(model: CompetencyModel) -> list[LintWarning]:
    """Every warning for `model`, in file order."""
    warnings: list[LintWarning] = []
    warnings += _punctuation(model)
    for competency in model.competencies:
        file = f"competencies/{competency.id}.yaml"
        warnings += _keying(file, competency.id, competency.items)
        for index, item in enumerate(competency.items):
            warnings += _item(file, f"items.{index} ({item.id})", item)
    warnings += _duplicates(model)
    warnings += _diagnostic(model)
    return warnings


def _texts(model: CompetencyModel) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(file, key, text) for every text in the model."""
    yield "model.yaml", "name", model.name
    yield "model.yaml", "description", model.description
    for n, anchor in enumerate(model.scale.anchors):
        yield "model.yaml", f"scale.anchors.{n}", anchor
    for n, level in enumerate(model.scale.levels or []):
        yield "model.yaml", f"scale.levels.{n}.name", level.name
        yield "model.yaml", f"scale.levels.{n}.meaning", level.meaning
    for band in model.status_bands:
        yield "model.yaml", f"status_bands.{band.id}.label", band.label
    for stage in model.stages:
        yield "model.yaml", f"stages.{stage.id}.name", stage.name
        yield "model.yaml", f"stages.{stage.id}.summary", stage.summary
        if stage.source is not None:
            yield f"stages/{stage.id}.yaml", "source", stage.source
    for competency in model.competencies:
        file = f"competencies/{competency.id}.yaml"
        for key in ("name", "description", "source"):
            yield file, key, getattr(competency, key)
        for n, descriptor in enumerate(competency.levels):
            yield file, f"levels.{n}", descriptor
        for n, item in enumerate(competency.items):
            yield file, f"items.{n}.text", item.text
            if item.observer is not None:
                yield file, f"items.{n}.observer", item.observer
        for stage_id, actions in competency.actions.items():
            for n, action in enumerate(actions):
                yield file, f"actions.{stage_id}.{n}", action
    yield "diagnostic.yaml", "intro", model.diagnostic.intro
    for n, anchor in enumerate(model.diagnostic.anchors):
        yield "diagnostic.yaml", f"anchors.{n}", anchor
    for n, statement in enumerate(model.diagnostic.statements):
        yield "diagnostic.yaml", f"statements.{n}.text", statement.text


def _punctuation(model: CompetencyModel) -> list[LintWarning]:
    found = []
    for file, key, text in _texts(model):
        for lang, value in text.items():
            if not lang.startswith("zh"):
                continue
            marks = sorted(set(HALF_WIDTH.findall(value)))
            if marks:
                found.append(
                    LintWarning(
                        file,
                        f"{key}.{lang}",
                        "half-width-punctuation",
                        f"half-width {' '.join(marks)} beside Chinese characters; use the "
                        "full-width form (，；：（）！？。)",
                    )
                )
    return found


def _keying(file: str, competency_id: str, items: list[Item]) -> list[LintWarning]:
    reverse = sum(item.reverse for item in items)
    if len(items) < 2:
        return [
            LintWarning(
                file,
                "items",
                "too-few-items",
                f"{competency_id} has {len(items)} item; "
                "a score from fewer than 2 items cannot be checked for consistency",
            )
        ]
    if reverse * 2 > len(items):
        return [
            LintWarning(
                file,
                "items",
                "reverse-keyed",
                f"{reverse} of {len(items)} items are "
                "reverse-keyed (more than half); the score then mostly measures what the "
                "person does not do",
            )
        ]
    return []


def _item(file: str, key: str, item: Item) -> list[LintWarning]:
    found: list[LintWarning] = []

    def check(pattern: re.Pattern[str], lang: str, text: str, rule: str, why: str) -> None:
        match = pattern.search(text)
        if match:
            found.append(LintWarning(file, f"{key}.{lang}", rule, f"{why} ({match.group(0)!r})"))

    wordings = [("text", item.text)] + ([("observer", item.observer)] if item.observer else [])
    for part, text in wordings:
        for lang, value in text.items():
            zh = lang.startswith("zh")
            where = f"{part}.{lang}" if part != "text" else lang
            check(
                ZH_JOINED if zh else EN_JOINED,
                where,
                value,
                "two-behaviours",
                "joins two behaviours; rate one behaviour per item",
            )
            check(
                ZH_FREQUENCY if zh else EN_FREQUENCY,
                where,
                value,
                "built-in-frequency",
                "names a frequency, which the frequency scale already asks for",
            )
            check(
                ZH_ABILITY if zh else EN_ABILITY,
                where,
                value,
                "ability-claim",
                "claims an ability; a frequency scale rates behaviour, not ability",
            )
            if zh and part == "text":
                check(
                    ZH_WOULD,
                    where,
                    value,
                    "calque-wo-hui",
                    "opens with 我会 (reads as 'I would'); state the habit plainly",
                )
    if item.raters is None or set(item.raters) - {"self"}:
        for lang, value in item.text.items():
            check(
                ZH_PRIVATE if lang.startswith("zh") else EN_PRIVATE,
                lang,
                value,
                "unobservable",
                "describes private thinking other raters cannot observe; "
                "reword as an action or set raters: [self]",
            )
    if item.observer is None and (item.raters is None or set(item.raters) - {"self"}):
        found.append(
            LintWarning(
                file,
                key,
                "no-observer-wording",
                "other raters would be shown the first-person text; add `observer:` wording",
            )
        )
    return found


def _duplicates(model: CompetencyModel) -> list[LintWarning]:
    items = [(c.id, item) for c in model.competencies for item in c.items]
    found = []
    for (c1, a), (c2, b) in combinations(items, 2):
        for lang in model.languages:
            left, right = a.text.get(lang, ""), b.text.get(lang, "")
            ratio = difflib.SequenceMatcher(None, left.lower(), right.lower()).ratio()
            if ratio >= SIMILAR:
                found.append(
                    LintWarning(
                        f"competencies/{c1}.yaml",
                        a.id,
                        "near-duplicate",
                        f"reads almost like {b.id} in competencies/{c2}.yaml "
                        f"({lang}, similarity {ratio:.2f})",
                    )
                )
                break
    return found


def _diagnostic(model: CompetencyModel) -> list[LintWarning]:
    statements = model.diagnostic.statements
    found = []
    ids = model.stage_ids
    for stage_id in ids:
        holding = sum(stage_id in s.stages for s in statements)
        if holding < 3:
            found.append(
                LintWarning(
                    "diagnostic.yaml",
                    "statements",
                    "few-statements",
                    f"only {holding} statement(s) hold at stage {stage_id!r}; use at least 3",
                )
            )
    for first, second in pairwise(ids):
        apart = sum((first in s.stages) != (second in s.stages) for s in statements)
        if apart < 3:
            found.append(
                LintWarning(
                    "diagnostic.yaml",
                    "statements",
                    "stages-not-separated",
                    f"only {apart} statement(s) hold at exactly one of {first!r} "
                    f"and {second!r}; the diagnostic cannot tell them apart "
                    "reliably (use at least 3)",
                )
            )
    for n, statement in enumerate(statements):
        for lang, value in statement.text.items():
            pattern = ZH_JOINED if lang.startswith("zh") else EN_JOINED
            match = pattern.search(value)
            if match:
                found.append(
                    LintWarning(
                        "diagnostic.yaml",
                        f"statements.{n} ({statement.id}).{lang}",
                        "two-facts",
                        f"joins two facts; state one fact per statement ({match.group(0)!r})",
                    )
                )
    return found
