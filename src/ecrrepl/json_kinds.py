"""How messages name the type of a JSON value, for files and AWS answers alike."""

from __future__ import annotations

from collections.abc import Mapping


def json_kind(value: object) -> str:
    """`null`, `a boolean`, `a number`, `a string`, `a list`, `an object`; anything
    else (a YAML date, say) by its Python type's name."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
