"""The --map file: which item (or meta field) each column of a survey export holds.

    # kam export mapping: …
    model: {id: kam_default, version: 1.0.0, hash: 7597c9dc1b6b73c4}
    columns:
      "Q12 - I back up my price with facts": negotiation_2
      "Comments": ignore

A value is an item id, one of name/account/stage/rater/subject/respondent_id/seconds, or
`ignore`. `kam export mapping [FILE]` writes a starting point.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.errors import InputError, NotFoundError, msg
from kamcli.io.survey.columns import IGNORE, META_KEYS, Columns
from kamcli.io.survey.vocabulary import closest, display_texts

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel


def load_mapping(path: Path, model: CompetencyModel) -> dict[str, str]:
    """Read and check a --map file; InputError naming the entry that is wrong."""
    from kamcli.model.yamlsafe import YamlProblem, load_yaml

    if not path.is_file():
        raise NotFoundError(msg("errors_survey.map_missing", path=path))
    try:
        data = load_yaml(path).data
    except YamlProblem as exc:
        raise InputError(msg("errors_survey.map_yaml", problem=exc.problem)) from None
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise InputError(msg("errors_survey.map_no_columns", path=path))
    known = {*model.item_ids(), *META_KEYS, IGNORE}
    mapping: dict[str, str] = {}
    for column, target in columns.items():
        value = "" if target is None else str(target).strip()
        if not value:
            continue  # left to fill in: the column is reported as unmapped
        if value not in known:
            allowed = ", ".join((*META_KEYS, IGNORE))
            raise InputError(
                msg(
                    "errors_survey.map_unknown_target",
                    path=path,
                    column=str(column),
                    value=value,
                    model=model.id,
                    allowed=allowed,
                )
            )
        mapping[str(column).strip()] = value
    stamp = data.get("model") if isinstance(data, dict) else None
    if isinstance(stamp, dict) and stamp.get("hash") not in (None, model.content_hash):
        raise InputError(
            msg(
                "errors_survey.map_other_model",
                path=path,
                id=stamp.get("id"),
                version=stamp.get("version"),
                hash=stamp.get("hash"),
                model=model.id,
                model_version=model.version,
                model_hash=model.content_hash,
            )
        )
    return mapping


def mapping_yaml(
    model: CompetencyModel,
    header: Sequence[str],
    columns: Columns | None,
    lang: str,
    source: str | None,
) -> str:
    """A --map file: for a response file, its columns as they were placed (unplaced ones
    empty, with the closest item as a comment); without one, every item's text."""
    lines = [
        "# kam --map file: which item each column of a survey export holds.",
        "# Values: an item id, name, account, stage, rater, subject, respondent_id, seconds",
        "# or ignore. An empty value is reported as unmapped. Use: kam batch FILE --map THIS",
    ]
    if source:
        lines.append(f"# Made from the header of {source}.")
    lines.append(
        f"model: {{id: {model.id}, version: {_quoted(model.version)}, hash: {model.content_hash}}}"
    )
    lines.append("columns:")
    if columns is None:
        for competency, item in model.items():
            del competency
            lines.append(f"  {_quoted(model.text(item.text, lang))}: {item.id}")
        return "\n".join(lines) + "\n"
    candidates = list(display_texts(model))
    for column, name in zip(header, columns.names, strict=True):
        if not column.strip():
            continue
        if name:
            lines.append(f"  {_quoted(column.strip())}: {name}")
            continue
        if column.strip() in columns.unmapped or any(
            c == column.strip() for c, _ in columns.ambiguous
        ):
            hint = closest(column, candidates)
            comment = f"  # closest: {hint[0]}" if hint else ""
            lines.append(f"  {_quoted(column.strip())}: ''{comment}")
        else:
            lines.append(f"  {_quoted(column.strip())}: {IGNORE}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (safe for any text)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'
