"""Which files make up the configuration: the arguments, folders expanded, or the default.

A configuration may be one file or several; a folder stands for the YAML files directly
in it. Only the folder's own files are read, not its subfolders: a subfolder is where
the JSON documents that `file:` references name usually live, and reading a tree would
pick up whatever else is kept there. Hidden files (a leading dot: editor backups, tool
settings) are skipped, as shells skip them in `*.yaml`. The files are read in sorted
order of their names, so that findings and plans do not depend on the file system's
listing order. Only `os` is imported: `validate` reads this on every run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ecrrepl.errors import UsageError

DEFAULT_FILE = "ecrrepl.yaml"
DEFAULT_FOLDER = "ecrrepl"
YAML_SUFFIXES = (".yaml", ".yml")


def folder_files(folder: str) -> list[str]:
    """The configuration files directly in `folder`: `*.yaml` and `*.yml`, no hidden
    ones, sorted by name. A usage error when there are none or the folder is unreadable."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(YAML_SUFFIXES)
                and not entry.name.startswith(".")
                # A FIFO or a device named x.yaml stays in, for the reader to refuse.
                and not entry.is_dir()
            )
    except OSError as error:
        raise UsageError(f"{folder}: cannot read the folder: {error.strerror or error}") from None
    if not names:
        raise UsageError(f"{folder}: the folder has no *.yaml or *.yml file")
    return [os.path.join(folder, name) for name in names]


def expand_arguments(arguments: Sequence[str]) -> list[str]:
    """The files the arguments name, each folder replaced by its files, each file once
    even when named twice or spelt two ways (`a.yaml` and `./a.yaml`, or a file named
    and also in a folder named), in the order given."""
    seen: dict[str, str] = {}
    for argument in arguments:
        for path in folder_files(argument) if os.path.isdir(argument) else [argument]:
            seen.setdefault(os.path.realpath(path), path)
    return list(seen.values())


def default_arguments() -> list[str]:
    """What to read when no file is named: ecrrepl.yaml, or else the ecrrepl/ folder."""
    if os.path.lexists(DEFAULT_FILE):
        return [DEFAULT_FILE]
    if os.path.isdir(DEFAULT_FOLDER):
        return [DEFAULT_FOLDER]
    raise UsageError(
        f"no {DEFAULT_FILE} and no {DEFAULT_FOLDER}/ folder here; "
        "name the configuration's files or folder"
    )


def config_paths(arguments: Sequence[str]) -> list[str]:
    """The configuration files of a command that takes [FILE]...: named files and folders,
    or the default."""
    return expand_arguments(arguments or default_arguments())
