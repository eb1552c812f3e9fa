"""Typed reads from a parsed YAML mapping that report problems instead of raising.

Every read names the file, the line and the key, and for enums the allowed values. A value YAML 1.1 turned
into a boolean or a number where text was expected is reported with the text the author wrote, so `no`
and `1.10` do not silently become False and 1.1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from trustbinder.model.findings import Findings
from trustbinder.model.yamlio import InvalidDate, YamlList, YamlMap

ID_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return "text"


class Fields:
    """Validating accessor over one mapping in one file."""

    def __init__(self, data: YamlMap, path: str, findings: Findings, prefix: str = "") -> None:
        self.data = data
        self.path = path
        self.findings = findings
        self.prefix = prefix

    def line(self, key: str | None = None) -> int:
        return self.data.line_of(key) if key else self.data.line

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, message: str) -> None:
        self.findings.error(self.path, self.line(key), f"key '{self._name(key)}': {message}", self._name(key))

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def _missing(self, key: str, required: bool) -> bool:
        if self.has(key):
            return False
        if required:
            self.findings.error(self.path, self.line(), f"missing required key '{self._name(key)}'", self._name(key))
        return True

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        if self._missing(key, required):
            return default
        value = self.data[key]
        if isinstance(value, str) and not isinstance(value, InvalidDate):
            if not value.strip() and required:
                self.error(key, "must not be empty")
                return default
            return value
        raw = self.data.raw.get(key)
        if raw is not None and not isinstance(value, (list, dict)):
            self.error(
                key,
                f"YAML read `{raw}` as {describe(value)} ({value!r}), but this key takes text; "
                f'quote it: {key}: "{raw}"',
            )
        else:
            self.error(key, f"expected text, found {describe(value)}")
        return default

    def identifier(self, key: str, *, required: bool = True) -> str | None:
        value = self.text(key, required=required)
        if value is not None and not ID_PATTERN.match(value):
            self.error(
                key,
                f"'{value}' is not a valid ID: use capitals, digits, '.', '_' and '-' ([A-Z0-9][A-Z0-9._-]*)",
            )
            return None
        return value

    def choice(
        self, key: str, allowed: Iterable[str], *, required: bool = False, default: str | None = None
    ) -> str | None:
        options = list(allowed)
        if self._missing(key, required):
            return default
        value = self.data[key]
        if isinstance(value, str) and value in options:
            return value
        shown = self.data.raw.get(key, value)
        self.error(key, f"'{shown}' is not allowed; allowed values: {', '.join(options)}")
        return default

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(key, f"'{value}' is not a valid date; write YYYY-MM-DD, e.g. 2026-01-31")
        return None

    def integer(self, key: str, *, default: int, minimum: int = 1, maximum: int = 10_000) -> int:
        if self._missing(key, False):
            return default
        value = self.data[key]
        if isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum:
            return value
        self.error(key, f"'{value}' is not allowed; expected a whole number from {minimum} to {maximum}")
        return default

    def boolean(self, key: str, *, default: bool | None = None) -> bool | None:
        if self._missing(key, False):
            return default
        value = self.data[key]
        if isinstance(value, bool):
            return value
        self.error(key, f"'{value}' is not allowed; allowed values: true, false")
        return default

    def text_list(self, key: str, *, required: bool = False) -> list[tuple[str, int]]:
        """A list of text items with the line of each; a single text value is not accepted."""
        if self._missing(key, required):
            return []
        value = self.data[key]
        if not isinstance(value, YamlList):
            self.error(key, f"expected a list, e.g. {key}: [A, B]; found {describe(value)}")
            return []
        items: list[tuple[str, int]] = []
        for index, item in enumerate(value):
            line = value.line_of(index)
            if isinstance(item, str):
                items.append((item, line))
            else:
                raw = value.raw.get(index, item)
                self.findings.error(
                    self.path,
                    line,
                    f"key '{self._name(key)}': item `{raw}` is {describe(item)}; list items here are text (quote it)",
                    self._name(key),
                )
        return items

    def mapping(self, key: str, *, required: bool = False) -> Fields | None:
        if self._missing(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, YamlMap):
            self.error(key, f"expected a mapping of keys to values, found {describe(value)}")
            return None
        return Fields(value, self.path, self.findings, prefix=f"{self._name(key)}.")

    def records(self, key: str) -> list[Fields]:
        """A list of mappings (requests, subprocessors, ...), each as its own `Fields`."""
        if self._missing(key, False):
            return []
        value = self.data[key]
        if not isinstance(value, YamlList):
            self.error(key, f"expected a list of mappings, found {describe(value)}")
            return []
        out: list[Fields] = []
        for index, item in enumerate(value):
            if isinstance(item, YamlMap):
                out.append(Fields(item, self.path, self.findings, prefix=f"{self._name(key)}[{index}]."))
            else:
                self.findings.error(
                    self.path,
                    value.line_of(index),
                    f"key '{self._name(key)}': item {index + 1} should be a mapping, found {describe(item)}",
                    self._name(key),
                )
        return out
