"""Safe YAML reading for files a user may have edited by hand.

C loader when available, anchors/aliases refused (billion-laughs), a size cap, strict UTF-8,
and the composed node tree kept so errors can point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kamcli.errors import Msg, Problem, msg

MAX_YAML_BYTES = 1024 * 1024

_Loader: type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class YamlDoc:
    """Parsed data plus the node tree it came from, to map key paths to lines."""

    path: Path
    data: Any
    node: yaml.Node | None

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest node along `loc` that exists."""
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                return value_node  # type: ignore[no-any-return]
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def read_text_capped(path: Path, limit: int = MAX_YAML_BYTES) -> str:
    """Read a UTF-8 text file, refusing huge files before reading them."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise YamlProblem(Problem(name, msg("errors_model.file_missing"))) from None
    except OSError as exc:
        raise YamlProblem(Problem(name, _cannot_read(exc))) from None
    if size > limit:
        raise YamlProblem(
            Problem(name, msg("errors_model.too_big", mib=size / 1048576, limit=limit // 1048576))
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(name, _cannot_read(exc))) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            Problem(name, msg("errors_model.not_utf8", byte=raw[exc.start]), line)
        ) from None


def _cannot_read(exc: OSError) -> Msg:
    return msg("errors_model.cannot_read_file", reason=exc.strerror)


def load_yaml(path: Path) -> YamlDoc:
    """Parse one YAML file safely; raise YamlProblem naming file and line."""
    return parse_yaml(read_text_capped(path), path)


def parse_yaml(text: str, path: Path, *, duplicates_checked_in: tuple[str, ...] = ()) -> YamlDoc:
    """Parse YAML text (named `path` in messages): anchors and duplicate keys refused, errors
    with lines. The mappings under the top-level keys `duplicates_checked_in` are left to the
    caller (an answers file lists every item answered twice among its other problems)."""
    name = str(path)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                raise YamlProblem(
                    Problem(
                        name,
                        msg("errors_model.yaml_alias"),
                        event.start_mark.line + 1 if event.start_mark else None,
                    )
                )
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _refuse_duplicate_keys(node, name, duplicates_checked_in)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        key = "errors_model.invalid_yaml"
        if line is not None and _indented_with_tab(text, line):
            key = "errors_model.invalid_yaml_tab"
        raise YamlProblem(Problem(name, msg(key, reason=what), line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(name, msg("errors_model.invalid_yaml", reason=exc))) from None
    return YamlDoc(path=path, data=data, node=node)


def _refuse_duplicate_keys(root: yaml.Node, name: str, skipped: tuple[str, ...]) -> None:
    """PyYAML keeps the last of two equal keys silently; a hand-edited file with `stage:`
    twice must say which one counts, so it is refused, naming the key and both lines."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if isinstance(key_node, yaml.ScalarNode):
                    key = str(key_node.value)
                    if key in first:
                        raise YamlProblem(
                            Problem(
                                name,
                                msg("errors_model.duplicate_key", name=key, first=first[key]),
                                line,
                                key,
                            )
                        )
                    first[key] = line
                if not (node is root and key_node.value in skipped):
                    stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _indented_with_tab(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    source = lines[line - 1]
    return "\t" in source[: len(source) - len(source.lstrip())]
