"""`file:` references: a template's policy kept in a JSON file next to the configuration.

A reference is resolved relative to the folder of the configuration file that makes
it, and must stay inside that folder once every symlink is resolved: a configuration
under review in a pull request must not make CI read (and send to AWS) a file elsewhere
on the machine, such as ~/.aws/credentials or /etc/passwd. The file is read like every
input (input_files.py): a regular file only, at most MAX_REFERENCED_BYTES, JSON nested
at most MAX_JSON_DEPTH deep.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from ecrrepl.input_files import (
    MAX_REFERENCED_BYTES,
    RefusedFile,
    TooDeep,
    load_json,
    read_regular_file,
)


class BadReference(Exception):
    """Why a reference cannot be used, as the rest of a finding's sentence."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def resolve_reference(config_file: str, reference: str) -> str:
    """The path a `file:` reference names, refused when it leaves the configuration's folder."""
    folder = os.path.dirname(config_file) or os.curdir
    if os.path.isabs(reference):
        raise BadReference(
            f"{reference} is an absolute path; a `file:` reference is relative to the "
            "configuration's folder"
        )
    path = os.path.join(folder, reference)
    inside = os.path.realpath(folder)
    if os.path.commonpath([inside, os.path.realpath(path)]) != inside:
        raise BadReference(
            f"{reference} leaves the configuration's folder (by `..` or a symlink); a `file:` "
            "reference must name a file inside it"
        )
    return path


class Reference(NamedTuple):
    """A referenced file: where it is, its text (for positions inside it) and its object."""

    path: str
    text: str
    document: dict[str, Any]


def load_reference(config_file: str, reference: str) -> Reference:
    """The JSON object a `file:` reference holds; BadReference says why it cannot be used."""
    path = resolve_reference(config_file, reference)
    try:
        data = read_regular_file(path, MAX_REFERENCED_BYTES)
    except RefusedFile as refused:
        raise BadReference(f"cannot read {path}: it {refused.reason}") from None
    except OSError as error:
        raise BadReference(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
        document = load_json(text)
    except UnicodeDecodeError:
        raise BadReference(f"{path} is not UTF-8 text") from None
    except TooDeep as error:
        raise BadReference(f"{path} is refused: {error}") from None
    except ValueError as error:
        raise BadReference(f"{path} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise BadReference(f"{path} holds JSON that is not an object")
    return Reference(path, text, document)
