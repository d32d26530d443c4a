"""A model file's YAML checked against its pydantic schema, every problem in words and with
the line it is on (loader.py collects them for the whole model directory)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kamcli.errors import Msg, Problem, msg
from kamcli.model.yamlsafe import YamlDoc

T = TypeVar("T", bound=BaseModel)


_EXPECTED = {
    "string_type": "errors_model.a_text",
    "dict_type": "errors_model.a_mapping",
    "list_type": "errors_model.a_list",
    "int_type": "errors_model.a_whole_number",
    "float_type": "errors_model.a_number",
    "bool_type": "errors_model.true_or_false",
}


def friendly(error: dict[str, Any]) -> Msg:
    """One pydantic error in words a model author understands (YAML pitfalls named)."""
    kind = error["type"]
    value = error.get("input")
    loc = error["loc"]
    if kind == "extra_forbidden":
        return msg("errors_model.unknown_key", name=loc[-1])
    if kind == "missing":
        return msg("errors_model.missing_key", name=loc[-1])
    if kind in _EXPECTED:
        expected = msg(_EXPECTED[kind])
        got = type(value).__name__ if value is not None else msg("errors_model.nothing")
        hint: str = ""
        if isinstance(value, bool) and kind == "string_type":
            hint = msg("errors_model.hint_yes_no")
        elif kind == "string_type" and isinstance(value, int | float):
            hint = msg("errors_model.hint_quotes")
        if isinstance(value, dict | list):  # the type name says it all
            return msg("errors_model.expected_type", expected=expected, got=got, hint=hint)
        shown = repr(value)
        return msg(
            "errors_model.expected_value", expected=expected, got=got, shown=shown, hint=hint
        )
    if kind == "finite_number":
        return msg("errors_model.not_finite", value=repr(value))
    reason = (error.get("ctx") or {}).get("error")
    if isinstance(reason, ValueError) and reason.args and isinstance(reason.args[0], Msg):
        return reason.args[0]  # our own validators' words, from the catalogue
    message = str(error["msg"]).removeprefix("Value error, ")
    return msg("errors_model.schema", reason=message)


def validate(
    doc: YamlDoc, schema: type[T], languages: list[str], problems: list[Problem]
) -> T | None:
    """The document as `schema`, or None with every problem added (file, line, key)."""
    if not isinstance(doc.data, dict):
        problems.append(Problem(str(doc.path), msg("errors_model.top_not_mapping"), 1))
        return None
    try:
        return schema.model_validate(doc.data, context={"languages": languages})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            key = ".".join(str(p) for p in loc) or None
            problems.append(Problem(str(doc.path), friendly(dict(error)), doc.line_of(loc), key))
        return None
