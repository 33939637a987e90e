"""Reading AWS answers defensively: a missing or mistyped field is a sentence, not a crash.

botocore hands back whatever JSON (or XML) the endpoint sent, shaped only loosely by the
model: a member of the wrong type passes through as it came, a missing member is simply
absent (the ECR model marks almost no output member as required), and an answer that
is not the protocol's format at all (an HTML error page from a proxy) may make its
parser fail with a KeyError or an AttributeError of its own. Every read of an answer goes
through `Node`, whose accessors check presence and type and say where the problem is
(`replicationConfiguration.rules[0].destinations[0].region`); `aws_failures` (failures.py)
turns that, and a parser's crash, into one `MalformedAnswer` naming the operation,
account and region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ecrrepl.errors import UserError
from ecrrepl.json_kinds import json_kind

PARSER_MODULE = "botocore.parsers"


class AnswerProblem(Exception):
    """A part of an answer missing or of the wrong type, before the call is known."""

    def __init__(self, problem: str, *, missing: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        # The name of the member that is absent, when that is the problem.
        self.missing = missing


class MalformedAnswer(UserError):
    """An answer from AWS that ecrrepl cannot read; nothing is written after it."""


def malformed_answer(operation: str, where: str, problem: str) -> MalformedAnswer:
    return MalformedAnswer(
        f"{operation} in {where} returned an answer ecrrepl cannot read: {problem}"
    )


def raised_by_parser(error: BaseException) -> bool:
    """Whether `error` escaped from botocore's response parser, as an answer in another
    format than the protocol's makes it do; an error of ecrrepl's own code is a bug."""
    trace: TracebackType | None = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_globals.get("__name__", "").startswith(PARSER_MODULE):
            return True
        trace = trace.tb_next
    return False


@dataclass(frozen=True)
class Node:
    """A value of an answer and the path it was found at. Accessors return plain values
    of the type asked for, or raise AnswerProblem saying which field is wrong."""

    value: Any
    path: str = "the answer"

    def path_of(self, key: str) -> str:
        return key if self.path == "the answer" else f"{self.path}.{key}"

    def fields(self) -> Mapping[str, Any]:
        if not isinstance(self.value, Mapping):
            raise AnswerProblem(f"{self.path} is {json_kind(self.value)}, not an object")
        return self.value

    def optional(self, key: str) -> Node | None:
        """The member `key`, or None when it is absent or null."""
        value = self.fields().get(key)
        return None if value is None else Node(value, self.path_of(key))

    def required(self, key: str) -> Node:
        found = self.optional(key)
        if found is None:
            raise AnswerProblem(f"{self.path_of(key)} is missing", missing=key)
        return found

    def text(self, key: str) -> str:
        """A string member that must be there and not be empty."""
        value = self.required(key).value
        if not isinstance(value, str):
            raise AnswerProblem(f"{self.path_of(key)} is {json_kind(value)}, not a string")
        if not value:
            raise AnswerProblem(f"{self.path_of(key)} is empty")
        return value

    def optional_text(self, key: str) -> str | None:
        """A string member, or None when it is absent, null or empty."""
        found = self.optional(key)
        if found is None:
            return None
        if not isinstance(found.value, str):
            raise AnswerProblem(f"{found.path} is {json_kind(found.value)}, not a string")
        return found.value or None

    def flag(self, key: str, default: bool = False) -> bool:
        found = self.optional(key)
        if found is None:
            return default
        if not isinstance(found.value, bool):
            raise AnswerProblem(f"{found.path} is {json_kind(found.value)}, not a boolean")
        return found.value

    def count(self, key: str, default: int = 0) -> int:
        found = self.optional(key)
        if found is None:
            return default
        if isinstance(found.value, bool) or not isinstance(found.value, int):
            raise AnswerProblem(f"{found.path} is {json_kind(found.value)}, not a whole number")
        return found.value

    def items(self, key: str, *, required: bool = False) -> list[Node]:
        """The elements of a list member; an absent list is empty unless `required`."""
        found = self.required(key) if required else self.optional(key)
        if found is None:
            return []
        if not isinstance(found.value, list):
            raise AnswerProblem(f"{found.path} is {json_kind(found.value)}, not a list")
        return [Node(item, f"{found.path}[{index}]") for index, item in enumerate(found.value)]

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings; an absent list is empty."""
        found = []
        for item in self.items(key):
            if not isinstance(item.value, str):
                raise AnswerProblem(f"{item.path} is {json_kind(item.value)}, not a string")
            found.append(item.value)
        return tuple(found)
