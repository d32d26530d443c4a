"""Read one respondent's answers from YAML, JSON or CSV, and check them against the model.

Every problem of a file is collected and reported at once, naming the file, the line or row
and the item id, so a person can fix the file in one pass.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kamcli.errors import InputError, Msg, NotFoundError, Problem, msg
from kamcli.io.messages import some_ids
from kamcli.model.schema import CompetencyModel
from kamcli.model.yamlsafe import YamlDoc, YamlProblem, parse_yaml
from kamcli.scoring.diagnostic import answer_value_problem

MAX_ANSWERS_BYTES = 10 * 1024 * 1024
SKIP_WORDS = {"skip", "s", "n/a", "na", "-", "跳过", "不适用", "(跳过)", "(空)"}  # (…): 问卷星
META_KEYS = ("name", "account", "stage", "rater", "subject")
CSV_META = {*META_KEYS, "respondent_id", "person"}


@dataclass
class AnswerSheet:
    """What a file says about one respondent, before scoring."""

    source: str
    person: str | None = None
    account: str | None = None
    stage: str | None = None
    rater: str | None = None
    subject: str | None = None
    answers: dict[str, int | None] = field(default_factory=dict)
    diagnostic: dict[str, int | None] = field(default_factory=dict)


@dataclass
class _Raw:
    """Parsed but unchecked content: values may still be anything."""

    meta: dict[str, Any] = field(default_factory=dict)
    answers: list[tuple[str, Any, int | None]] = field(default_factory=list)  # id, value, line
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False  # not parsed at all: its other problems would only be effects


def read_answers(
    source: str,
    model: CompetencyModel,
    *,
    stage: str | None = None,
    allow_missing: bool = False,
    rater: str | None = None,
) -> AnswerSheet:
    """Read and check an answers file (`-` = stdin); raise InputError listing every problem.

    `rater` (else the file's `rater:`, else self) decides which items must be answered: an
    item the role does not rate (`raters:` in the model) is not asked of it.
    """
    text, name = _read_source(source)
    kind = _detect_kind(source, text)
    raw = {"csv": _parse_csv, "json": _parse_json}.get(kind, _parse_yaml)(text, name)
    if not raw.unreadable:  # a file that cannot be parsed: report only that, not its effects
        sheet = _check(raw, name, model, stage_override=stage, allow_missing=allow_missing)
        if not allow_missing:
            _unanswered(raw, sheet, model, name, rater or sheet.rater or "self")
    if raw.problems:
        count = len(raw.problems)
        key = "errors_io.answers_unusable_many" if count > 1 else "errors_io.answers_unusable_one"
        raise InputError(msg(key, name=name, count=count), raw.problems)
    return sheet


def _read_source(source: str) -> tuple[str, str]:
    if source == "-":
        data = (
            sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1)
            if hasattr(sys.stdin, "buffer")
            else (sys.stdin.read(MAX_ANSWERS_BYTES + 1).encode("utf-8"))
        )
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.is_file():
            from kamcli.io.paths import MISSING, PIPE, not_readable_reason

            reason = not_readable_reason(path)
            if reason.key == PIPE:  # `--answers <(cmd)`: read it like stdin
                with path.open("rb") as pipe:
                    return _decoded(pipe.read(MAX_ANSWERS_BYTES + 1), source)
            error = NotFoundError if reason.key == MISSING else InputError
            raise error(msg("errors_io.answers_not_found", source=source, reason=reason))
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            mib = MAX_ANSWERS_BYTES // 1048576
            raise InputError(msg("errors_io.answers_too_large", source=source, mib=mib))
        try:
            data = path.read_bytes()
        except OSError as exc:
            problem = msg("errors_io.cannot_read", name=source, reason=exc.strerror or exc)
            raise InputError(problem) from None
        name = source
    return _decoded(data, name)


def _decoded(data: bytes, name: str) -> tuple[str, str]:
    if len(data) > MAX_ANSWERS_BYTES:
        mib = MAX_ANSWERS_BYTES // 1048576
        raise InputError(msg("errors_io.input_too_large", name=name, mib=mib))
    if b"\x00" in data[:4096]:
        raise InputError(msg("errors_io.answers_binary", name=name))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), name
        except UnicodeDecodeError:
            continue
    raise InputError(msg("errors_io.answers_not_text", name=name))  # pragma: no cover


def _detect_kind(source: str, text: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix in {".yaml", ".yml"}:
        return "yaml"
    head = text.lstrip()
    if head.startswith("{"):
        return "json"
    first = head.split("\n", 1)[0]
    return "csv" if ("," in first or ";" in first or "\t" in first) and ":" not in first else "yaml"


def _parse_yaml(text: str, name: str) -> _Raw:
    raw = _Raw()
    try:
        doc = parse_yaml(text, Path(name), duplicates_checked_in=("answers", "diagnostic"))
    except YamlProblem as exc:
        raw.problems.append(exc.problem)
        raw.unreadable = True
        return raw
    if not isinstance(doc.data, dict):
        raw.problems.append(Problem(name, msg("errors_io.answers_not_mapping"), 1))
        return raw
    _take_mapping(raw, doc.data, name, lambda loc: doc.line_of(loc), answers=False)
    _node_answers(raw, doc)
    return raw


def _node_answers(raw: _Raw, doc: YamlDoc) -> None:
    """Take answers from the node tree: PyYAML's dict keeps only the last of duplicated keys."""
    root = doc.node
    if not isinstance(root, yaml.MappingNode):
        return
    constructor = yaml.constructor.SafeConstructor()
    for key_node, value_node in root.value:
        if key_node.value not in {"answers", "diagnostic"}:
            continue
        if not isinstance(value_node, yaml.MappingNode):
            continue
        for item_key, item_value in value_node.value:
            value = constructor.construct_object(item_value, deep=True)
            raw.answers.append((str(item_key.value), value, item_key.start_mark.line + 1))


def _parse_json(text: str, name: str) -> _Raw:
    raw = _Raw()
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raw.problems.append(
            Problem(name, msg("errors_io.invalid_json", reason=exc.msg), exc.lineno)
        )
        raw.unreadable = True
        return raw
    except RecursionError:
        raw.problems.append(Problem(name, msg("errors_io.json_too_deep")))
        raw.unreadable = True
        return raw
    if not isinstance(data, dict):
        raw.problems.append(Problem(name, msg("errors_io.json_not_object")))
        return raw
    _take_mapping(raw, data, name, lambda _loc: None)
    twice = msg("errors_io.answered_twice")
    raw.problems.extend(Problem(name, twice, key=d) for d in duplicates)
    return raw


def _take_mapping(
    raw: _Raw,
    data: dict[str, Any],
    name: str,
    line_of: Callable[[tuple[Any, ...]], int | None],
    answers: bool = True,
) -> None:
    for key, value in data.items():
        if key in META_KEYS:
            raw.meta[key] = value
        elif key in {"answers", "diagnostic"}:
            if value is None:
                continue
            if not isinstance(value, dict):
                problem = msg("errors_io.not_id_mapping")
                raw.problems.append(Problem(name, problem, line_of((key,)), str(key)))
                continue
            if not answers:
                continue
            for item_id, answer in value.items():
                raw.answers.append((str(item_id), answer, line_of((key, item_id))))
        else:
            expected = ", ".join(META_KEYS)
            problem = msg("errors_io.unknown_answers_key", given=key, expected=expected)
            raw.problems.append(Problem(name, problem, line_of((key,)), str(key)))


def _parse_csv(text: str, name: str) -> _Raw:
    raw = _Raw()
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [
        (n, r)
        for n, r in enumerate(csv.reader(io.StringIO(text), dialect), 1)
        if any(c.strip() for c in r)
    ]
    if not rows:
        raw.problems.append(Problem(name, msg("errors_io.csv_empty")))
        return raw
    header = [c.strip() for c in rows[0][1]]
    if [h.lower() for h in header[:2]] in (
        ["item", "value"],
        ["item_id", "value"],
        ["id", "value"],
        ["item", "answer"],
    ):
        for line, row in rows[1:]:
            key = row[0].strip() if row else ""
            value = row[1].strip() if len(row) > 1 else ""
            if key in CSV_META:
                raw.meta[key] = value or None
            else:
                raw.answers.append((key, _cell(value), line))
        return raw
    if len(rows) != 2:
        raw.problems.append(Problem(name, msg("errors_io.csv_answer_rows", count=len(rows) - 1)))
        return raw
    line, row = rows[1]
    if len(row) != len(header):
        problem = msg("errors_io.csv_row_width", cells=len(row), columns=len(header))
        raw.problems.append(Problem(name, problem, line))
    seen: set[str] = set()
    for column, cell in zip(header, row, strict=False):
        if column in seen:
            raw.problems.append(Problem(name, msg("errors_io.csv_column_twice"), 1, column))
        seen.add(column)
        if column in CSV_META:
            raw.meta["name" if column == "person" else column] = cell.strip() or None
        elif column:
            raw.answers.append((column, _cell(cell), line))
    return raw


def _cell(value: str) -> Any:
    text = value.strip()
    if not text:
        return None
    if text.lower() in SKIP_WORDS:
        return text.lower()
    try:
        return int(text)
    except ValueError:
        return text


def _check(
    raw: _Raw,
    name: str,
    model: CompetencyModel,
    *,
    stage_override: str | None,
    allow_missing: bool,
) -> AnswerSheet:
    sheet = AnswerSheet(source=name)
    for key in META_KEYS:
        value = raw.meta.get(key)
        if value is not None and not isinstance(value, str):
            problem = msg("errors_io.meta_not_text", type=type(value).__name__, value=value)
            raw.problems.append(Problem(name, problem, key=key))
            continue
        # a name of only spaces is no name: reports then say "(not given)"
        setattr(sheet, "person" if key == "name" else key, (value or "").strip() or None)
    sheet.stage = stage_override or sheet.stage
    stages = ", ".join(model.stage_ids)
    if sheet.stage is None:
        raw.problems.append(Problem(name, msg("errors_io.no_stage", stages=stages), key="stage"))
    elif sheet.stage not in model.stage_ids:
        problem = msg("errors_io.unknown_stage", stage=sheet.stage, stages=stages)
        raw.problems.append(Problem(name, problem, key="stage"))
    items = set(model.item_ids())
    statements = {s.id for s in model.diagnostic.statements}
    seen: set[str] = set()
    for answer_id, value, line in raw.answers:
        if answer_id not in items and answer_id not in statements:
            raw.problems.append(Problem(name, msg("errors_io.unknown_item"), line, answer_id))
            continue
        target = sheet.answers if answer_id in items else sheet.diagnostic
        if answer_id in seen:
            raw.problems.append(Problem(name, msg("errors_io.answered_twice"), line, answer_id))
            continue
        seen.add(answer_id)
        skipped = isinstance(value, str) and (
            not value.strip() or value.strip().lower() in SKIP_WORDS
        )
        if not skipped and answer_value_problem(model, answer_id, value) is not None:
            raw.problems.append(Problem(name, _bad_value(model, value), line, answer_id))
            continue
        if value is None and not allow_missing:
            continue  # reported below with the other unanswered items
        target[answer_id] = None if skipped else value
    return sheet


def _unanswered(
    raw: _Raw, sheet: AnswerSheet, model: CompetencyModel, name: str, role: str
) -> None:
    asked = [item.id for _, item in model.items() if item.rated_by(role.strip().lower())]
    missing = [i for i in asked if i not in sheet.answers]
    bad = {p.key for p in raw.problems}
    missing = [i for i in missing if i not in bad]
    if missing:
        shown = some_ids(missing)
        raw.problems.append(
            Problem(name, msg("errors_io.unanswered", count=len(missing), shown=shown))
        )


def _bad_value(model: CompetencyModel, value: object) -> Msg:
    """Why a value answer_value_problem refused is not an answer (without the id, which the
    problem shows in its [key])."""
    low, high = model.scale.min, model.scale.max
    if isinstance(value, int) and not isinstance(value, bool):
        return msg("errors_io.answer_off_scale", value=value, low=low, high=high)
    kind = type(value).__name__
    return msg("errors_io.answer_not_whole", low=low, high=high, type=kind, value=value)
