"""The error a user can act on, told apart from everything else.

A `UserError` carries one clear sentence (and where it applies, the file and
location or the account and region) and an exit code from the README's table.
The CLI prints it on one line; anything else that escapes is a bug, and the CLI
says so instead of printing a bare traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CHANGES_PENDING = 3
# 128 + SIGINT, as shells report a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A failure the user caused or can fix: bad input, refused operation, AWS error."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(UserError):
    """Wrong invocation: unknown flag, missing or unreadable file."""

    exit_code = EXIT_USAGE
