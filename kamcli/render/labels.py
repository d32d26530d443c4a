"""Label lookups, text sanitising and number formats shared by every report renderer.

The words themselves live in the one catalogue per language (kamcli/locales/<lang>.yaml,
namespaces `report`, `cohort`, `stats`, …); this module looks them up and formats numbers the
same way for every format. Templates use `str.format` fields; the values are substituted
once and never re-parsed, so user text cannot inject fields.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING

from kamcli.i18n import FALLBACK, catalogue, t

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel

INSUFFICIENT = "insufficient"
# Line breaks and tabs become spaces; every other control character (ESC above all, which
# could drive the terminal) becomes a visible replacement character.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
# What a terminal would act on instead of showing: C0/C1 controls (ESC starts CSI and OSC
# sequences, 0x9b is an 8-bit CSI) and the Unicode bidi controls that reorder what is shown
# (U+202E "right-to-left override" can make `exe.txt` look like `txt.exe`).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MISSING = "—"


def terminal_safe(text: str) -> str:
    """The one sanitiser for terminal output: every control character and bidi control
    becomes U+FFFD (�); line breaks and tabs stay. Every console kamcli prints through
    applies it (kamcli.cli.common), and clean_text builds on it."""
    return _UNSAFE.sub("\ufffd", text)


def json_dumps(data: object, *, indent: int | None = 2) -> str:
    """JSON as kamcli writes it: UTF-8, never NaN/Infinity, and every character
    terminal_safe would replace written as a \\u escape (the same data once parsed)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean_text(text: str) -> str:
    """User or model text made safe to print on one line: no terminal control sequences."""
    return terminal_safe(_BREAKS.sub(" ", text))


def label(key: str, lang: str) -> str:
    """The report text `report.<key>` of the catalogue (English when `lang` lacks it)."""
    return t(f"report.{key}", lang)


def has_label(key: str) -> bool:
    """Whether the catalogue has `report.<key>` (role and flag ids that may be unknown)."""
    return f"report.{key}" in catalogue(FALLBACK)


def stats_label(key: str, lang: str) -> str:
    """A text of the psychometrics report (report/stats.py): `stats.<key>`."""
    return t(f"stats.{key}", lang)


def fmt_score(value: float | None, decimals: int = 1) -> str:
    """One decimal (cohort statistics: two), or a dash when there is no number."""
    return MISSING if value is None else f"{value:.{decimals}f}"


def fmt_gap(value: float | None, decimals: int = 1) -> str:
    """Signed, one decimal (cohort statistics: two); a gap that rounds to zero prints as 0.0,
    never as -0.0 or +0.0."""
    if value is None:
        return MISSING
    rounded = round(value, decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}"
    return f"{rounded:+.{decimals}f}"


def fmt_weight(value: float) -> str:
    """A stage weight as the model writes it: 3, 1.5 (no trailing zeros)."""
    return f"{value:g}"


def fmt_pct(value: float | None) -> str:
    """A 0..100 share as a whole percentage ("72%"), or a dash."""
    return MISSING if value is None else f"{value:.0f}%"


def competency_name(model: CompetencyModel, competency_id: str, lang: str) -> str:
    """The competency's name; its id when a stored result names one the model lacks."""
    try:
        return clean_text(model.text(model.competency(competency_id).name, lang))
    except KeyError:
        return clean_text(competency_id)


def stage_name(model: CompetencyModel, stage_id: str, lang: str) -> str:
    """The stage's name; its id when a stored result names one the model lacks."""
    try:
        return clean_text(model.text(model.stage(stage_id).name, lang))
    except KeyError:
        return clean_text(stage_id)


def stage_actions(
    model: CompetencyModel, competency_id: str, stage_id: str, lang: str
) -> list[str]:
    """The model's development actions for one competency at one stage (may be none)."""
    try:
        actions = model.competency(competency_id).actions.get(stage_id, [])
    except KeyError:
        return []
    return [clean_text(model.text(action, lang)) for action in actions]


def status_word(model: CompetencyModel, status_id: str, lang: str) -> tuple[str, str]:
    """Glyph and word for a status, so status never depends on colour alone."""
    if status_id == INSUFFICIENT:
        return "?", label("insufficient", lang)
    for band in model.status_bands:
        if band.id == status_id:
            return band.glyph, model.text(band.label, lang)
    return "?", status_id


def rater_label(role: str, lang: str) -> str:
    """The rater role as a word in the report language (an unknown role shows as given)."""
    key = f"rater_{role}"
    return label(key, lang) if has_label(key) else clean_text(role)


def format_created_at(created_at: str) -> str:
    """Date and time to the minute; the stored text as is when it is not ISO 8601."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    return f"{moment:%Y-%m-%d %H:%M}"
