"""One plain function per command: typed arguments in, an exit code out.

The CLI (cli.py) only parses flags and calls these; each module here imports what
its command needs when it runs, so that `ecrrepl validate` never pays for boto3.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import NamedTuple, TextIO

from ecrrepl.errors import UsageError

# The output formats of `validate`, one renderer module each in ecrrepl.render.
FINDINGS_FORMATS = ("text", "json", "github", "sarif")


def require_format(output_format: str, formats: Sequence[str]) -> None:
    """A usage error unless `output_format` is one of the command's `formats`."""
    if output_format not in formats:
        raise UsageError(f"unknown format {output_format!r}; use one of {', '.join(formats)}")


class GlobalOptions(NamedTuple):
    """The options given before the command name, for every command."""

    profile: str | None = None
    no_color: bool = False
    verbose: bool = False

    def color_for(self, stream: TextIO) -> bool:
        """Whether to colour output to `stream`: only a terminal, and never when asked not to.

        NO_COLOR follows https://no-color.org: set and non-empty means no colour.
        """
        if self.no_color or os.environ.get("NO_COLOR"):
            return False
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())
