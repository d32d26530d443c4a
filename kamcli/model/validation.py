"""A model file's YAML checked against its pydantic schema, every problem in words and with
the line it is on (loader.py collects them for the whole model directory)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kamcli.errors import Problem
from kamcli.model.yamlsafe import YamlDoc

T = TypeVar("T", bound=BaseModel)


def friendly(error: dict[str, Any]) -> str:
    """One pydantic error in words a model author understands (YAML pitfalls named)."""
    kind = error["type"]
    value = error.get("input")
    loc = error["loc"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"missing required key {loc[-1]!r}"
    if kind in {"string_type", "dict_type", "list_type", "int_type", "float_type", "bool_type"}:
        expected = {
            "string_type": "text",
            "dict_type": "a mapping",
            "list_type": "a list",
            "int_type": "a whole number",
            "float_type": "a number",
            "bool_type": "true or false",
        }[kind]
        got = type(value).__name__ if value is not None else "nothing"
        hint = ""
        if isinstance(value, bool) and kind == "string_type":
            hint = " (YAML reads yes/no/on/off as true/false: put the text in quotes)"
        elif kind == "string_type" and isinstance(value, int | float):
            hint = " (put it in quotes)"
        shown = repr(value) if not isinstance(value, dict | list) else got
        return f"expected {expected}, got {got} {shown}{hint}".replace(f"{got} {got}", got)
    if kind == "finite_number":
        return f"expected a finite number, got {value!r} (.inf and .nan are not allowed)"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def validate(
    doc: YamlDoc, schema: type[T], languages: list[str], problems: list[Problem]
) -> T | None:
    """The document as `schema`, or None with every problem added (file, line, key)."""
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(str(doc.path), "expected a YAML mapping (key: value) at the top", 1)
        )
        return None
    try:
        return schema.model_validate(doc.data, context={"languages": languages})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            key = ".".join(str(p) for p in loc) or None
            problems.append(Problem(str(doc.path), friendly(dict(error)), doc.line_of(loc), key))
        return None
