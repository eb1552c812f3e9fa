"""A strict YAML reader: no aliases, no duplicate keys, line numbers kept, YAML 1.1 coercions visible.

PyYAML's `safe_load` lets the last duplicate key win, expands aliases (an alias bomb loads fast and explodes
when walked), turns `no` into False and `1.10` into 1.1, and raises ValueError on an impossible date. This
reader refuses the first two and keeps enough of the source (line numbers, the raw text of plain scalars that
did not load as strings) for validation to name the line and say what went wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DATA_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024


class YamlProblem(Exception):
    """A file that cannot be read as YAML; `line` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YamlMap(dict[str, Any]):
    """A mapping that remembers where it and each of its keys stood in the source."""

    line: int
    key_lines: dict[str, int]
    raw: dict[str, str]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A sequence that remembers the line of each item."""

    line: int
    item_lines: list[int]
    raw: dict[int, str]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class InvalidDate(str):
    """A scalar shaped like a date that is not one (2026-02-30); validation reports it."""


# libyaml's parser when PyYAML was built with it: about ten times faster on thousands of sidecars.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    line_offset = 0

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return InvalidDate(node.value)

    def construct_strict_mapping(self, node: MappingNode) -> YamlMap:
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.raw = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool, dt.date)) or key is None:
                raise YamlProblem("mapping keys must be plain text", key_line)
            key_text = key if isinstance(key, str) else str(key_node.value)
            if key_text in result:
                first = result.key_lines[key_text]
                first_in_file = first + self.line_offset
                raise YamlProblem(f"duplicate key '{key_text}' (first set on line {first_in_file})", key_line)
            result[key_text] = self.construct_object(value_node, deep=True)
            result.key_lines[key_text] = key_line
            raw = _raw_plain_scalar(value_node, result[key_text])
            if raw is not None:
                result.raw[key_text] = raw
        return result

    def construct_strict_sequence(self, node: SequenceNode) -> YamlList:
        result = YamlList()
        result.line = node.start_mark.line + 1
        result.item_lines = []
        result.raw = {}
        for index, child in enumerate(node.value):
            value = self.construct_object(child, deep=True)
            result.append(value)
            result.item_lines.append(child.start_mark.line + 1)
            raw = _raw_plain_scalar(child, value)
            if raw is not None:
                result.raw[index] = raw
        return result


def _raw_plain_scalar(node: Node, value: Any) -> str | None:
    """The source text of an unquoted scalar that YAML turned into something other than a string."""
    if isinstance(node, ScalarNode) and not node.style and not isinstance(value, str):  # libyaml: "", PyYAML: None
        return str(node.value)
    return None


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_strict_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_strict_sequence)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def parse_yaml(text: str, *, first_line: int = 1, max_bytes: int = MAX_DATA_FILE_BYTES) -> Any:
    """Parse one YAML document strictly. Line numbers in errors and results are offset by `first_line`."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise YamlProblem(f"YAML is {size} bytes, over the limit of {max_bytes} bytes", first_line)
    loader = _StrictLoader(text)
    loader.line_offset = first_line - 1
    try:
        _refuse_aliases(text)
        data = loader.get_single_data()
    except YamlProblem as problem:
        problem.line = (problem.line or 1) + first_line - 1
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        reason = error.problem or error.context or "invalid YAML"
        raise YamlProblem(f"invalid YAML: {reason}", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"invalid YAML: {error}", first_line) from None
    finally:
        loader.dispose()
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _refuse_aliases(text: str) -> None:
    """Fail on the first alias before anything is constructed; an alias bomb never gets expanded.

    Every alias starts with '*', so text without one needs no scan.
    """
    if "*" not in text:
        return
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, AliasEvent):
            raise YamlProblem(
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",
                event.start_mark.line + 1 if event.start_mark else None,
            )


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, YamlMap):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, YamlList):
        data.line += offset
        data.item_lines = [v + offset for v in data.item_lines]
        for value in data:
            _shift_lines(value, offset)
