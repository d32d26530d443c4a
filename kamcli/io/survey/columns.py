"""Which model item (or meta field) each column of a survey tool's export holds.

In this order: the tool's own columns (ignored, except its response id, completion time and
status); the model stamp; an entry of the --map file; an item id or export code (Qualtrics
export tags, LimeSurvey `C01[I001]` codes); the questions about who is rated; the exact
normalised question text in any language (the whole header, the part in a trailing
`[…]`, or the part after the last `—`, ` - ` or `.`: matrix and grid rows). A column that
matches nothing, or more than one item, is reported with the closest item text — never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamcli.errors import InputError, Msg, msg
from kamcli.io.messages import joined
from kamcli.io.survey.tools import Profile
from kamcli.io.survey.vocabulary import (
    STAMP_KEY,
    closest,
    display_texts,
    item_texts,
    meta_texts,
    normalise,
)

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

IGNORE = "ignore"
META_KEYS = ("name", "account", "stage", "rater", "subject", "respondent_id", "seconds")
LIMESURVEY_CODE = re.compile(r"^C(\d{2})\[I(\d{3})\]$")
_SPLITTERS = ("—", " - ", ".", ":")


@dataclass
class Columns:
    """The kam name of every column ("" = not used) and what could not be placed."""

    names: list[str]
    stamp: int | None = None
    unmapped: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)
    by_code: bool = False  # some items were placed by LimeSurvey position codes


def limesurvey_code(competency_number: int, item_number: int) -> str:
    """The array question and subquestion code of an item (LimeSurvey codes are
    alphanumeric and at most 20 characters, so item ids cannot be used as they are)."""
    return f"C{competency_number:02d}[I{item_number:03d}]"


def resolve(
    header: Sequence[str],
    texts: Sequence[str],
    model: CompetencyModel,
    tool: Profile,
    mapping: Mapping[str, str] | None,
) -> Columns:
    """Place every column; `texts` are the question texts of a second header row (or "")."""
    item_ids = model.item_ids()
    ids = set(item_ids)
    by_text = item_texts(model)
    metas = meta_texts()
    used: dict[str, str] = {}
    columns = Columns(names=[""] * len(header))
    for index, raw in enumerate(header):
        column = raw.strip().lstrip("\ufeff").strip()
        if not column:
            continue
        name: str | list[str] | None = _named(
            column, texts[index] if index < len(texts) else "", columns, index
        )
        if name is None and mapping is not None and column in mapping:
            name = mapping[column]
        if name == IGNORE:
            continue
        if name is None and tool.is_system(column):
            continue
        if name is None:
            name = _by_id(column, ids, item_ids, columns)
        if name is None:
            name = _by_text(column, texts[index] if index < len(texts) else "", by_text, metas)
        if name is None:
            columns.unmapped.append(column)
            continue
        if isinstance(name, list):
            columns.ambiguous.append((column, name))
            continue
        if name in used:
            raise InputError(
                msg("errors_survey.column_clash", first=used[name], second=column, item=name)
            )
        used[name] = column
        columns.names[index] = name
    return columns


def _named(column: str, text: str, columns: Columns, index: int) -> str | None:
    key = re.sub(r"[\s_]", "", column.casefold())
    if key == STAMP_KEY.replace("_", "") or normalise(text) == STAMP_KEY.replace("_", ""):
        columns.stamp = index
        return IGNORE
    return None


def _by_id(column: str, ids: set[str], item_ids: Sequence[str], columns: Columns) -> str | None:
    lowered = column.casefold()
    if lowered in ids or lowered in META_KEYS:
        return lowered
    code = LIMESURVEY_CODE.match(column)
    if code is not None and 0 < int(code.group(2)) <= len(item_ids):
        columns.by_code = True
        return item_ids[int(code.group(2)) - 1]
    return None


def _by_text(
    column: str, text: str, by_text: dict[str, set[str]], metas: dict[str, str]
) -> str | list[str] | None:
    for candidate in _candidates(column, text):
        key = normalise(candidate)
        if not key:
            continue
        if key in metas:
            return metas[key]
        found = by_text.get(key)
        if found is not None:
            return next(iter(found)) if len(found) == 1 else sorted(found)
    return None


def _candidates(column: str, text: str) -> list[str]:
    """The header and its parts that may be a question text (see the module doc)."""
    found = [column, text] if text else [column]
    for whole in list(found):
        bracket = re.search(r"\[([^\[\]]+)\]\s*$", whole)
        if bracket is not None:
            found.append(bracket.group(1))
        for splitter in _SPLITTERS:
            if splitter in whole:
                found.append(whole.rsplit(splitter, 1)[1])
    return found


def unmatched(columns: Columns, model: CompetencyModel) -> Msg | None:
    """The unmapped and ambiguous columns, each with its closest item text (or None)."""
    lines: list[Msg] = []
    candidates = list(display_texts(model))
    for column in columns.unmapped:
        hint = closest(column, candidates)
        lines.append(
            msg("errors_survey.column_closest", column=_short(column), item=hint[0], text=hint[1])
            if hint
            else msg("errors_survey.column_unlike", column=_short(column))
        )
    for column, ids in columns.ambiguous:
        items = ", ".join(ids)
        lines.append(msg("errors_survey.column_ambiguous", column=_short(column), items=items))
    if not lines:
        return None
    return msg(
        "errors_survey.columns_unmatched", count=len(lines), model=model.id, columns=joined(lines)
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
