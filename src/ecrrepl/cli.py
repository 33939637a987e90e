"""The command line's entry point: run a command, map every outcome to an exit code.

Exit codes (README): 0 success, 1 findings or a failed operation, 2 usage error, 3
pending changes, 130 interrupted. This is the one error layer of both command paths: a
`UserError` becomes one line on stderr; Ctrl-C one line and 130; click's usage errors
exit 2; anything else is a bug, reported on one line (the traceback only with -v).

The flags of every command are declared with click in `ecrrepl.cli_click`. One
invocation does not go through it: `validate` with nothing but files, `--format`,
`--strict`, `--ignore` and the global flags. CI runs exactly that on every pull request, its
budget is twice the start-up of PyYAML, and importing click costs about as much as
all of validate; so those arguments are read here, and anything else (help, a typo,
another command) goes to click. A test runs both paths on the same arguments and
requires the same outcome.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ecrrepl.errors import EXIT_FAILED, EXIT_INTERRUPTED, UserError

if TYPE_CHECKING:
    import click

PROG = "ecrrepl"


def _one_line(message: str) -> str:
    # The last guards: whatever is printed, no credentials and no raw control characters.
    from ecrrepl.redaction import redact
    from ecrrepl.render.escape import one_line

    return one_line(redact(" ".join(message.split())))


def report_user_error(error: UserError) -> int:
    sys.stderr.write(f"{PROG}: error: {_one_line(error.message)}\n")
    return error.exit_code


def report_internal_error(error: BaseException, *, verbose: bool) -> int:
    if verbose:
        import traceback

        from ecrrepl.redaction import redact

        sys.stderr.write(redact("".join(traceback.format_exception(error))))
        hint = "this is a bug"
    else:
        hint = "this is a bug; run with -v for the traceback"
    detail = _one_line(str(error))
    sys.stderr.write(f"{PROG}: internal error: {type(error).__name__}: {detail} ({hint})\n")
    return EXIT_FAILED


class ValidateCall(NamedTuple):
    files: tuple[str, ...]
    output_format: str
    strict: bool
    no_color: bool
    verbose: bool
    ignore: tuple[str, ...] = ()


def plain_validate_call(arguments: Sequence[str]) -> ValidateCall | None:
    """The arguments of a plain `validate` run, or None when click should read them."""
    from ecrrepl.commands import FINDINGS_FORMATS

    no_color = verbose = strict = False
    output_format = FINDINGS_FORMATS[0]
    files: list[str] = []
    ignore: list[str] = []
    rest = list(arguments)

    def global_option(flag: str) -> bool:
        """Read a global option (before or after the command name) off `rest`."""
        nonlocal no_color, verbose
        if flag == "--no-color":
            no_color = True
        elif flag in ("-v", "--verbose"):
            verbose = True
        elif flag == "--profile" and rest:
            rest.pop(0)  # validate never reaches AWS
        elif not flag.startswith("--profile="):
            return False
        return True

    while rest and rest[0] != "validate":
        if not global_option(rest.pop(0)):
            return None
    if not rest:
        return None
    rest.pop(0)
    while rest:
        argument = rest.pop(0)
        if argument.startswith("-") and global_option(argument):
            continue
        if argument == "--strict":
            strict = True
        elif argument == "--format" and rest and rest[0] in FINDINGS_FORMATS:
            output_format = rest.pop(0)
        elif argument.startswith("--format=") and argument[9:] in FINDINGS_FORMATS:
            output_format = argument[9:]
        elif argument == "--ignore" and rest and not rest[0].startswith("-"):
            ignore.append(rest.pop(0))
        elif argument.startswith("--ignore="):
            ignore.append(argument[9:])
        elif argument.startswith("-"):
            return None
        else:
            files.append(argument)
    return ValidateCall(tuple(files), output_format, strict, no_color, verbose, tuple(ignore))


def _run_validate(call: ValidateCall) -> int:
    from ecrrepl.commands import GlobalOptions
    from ecrrepl.commands.validate import validate

    options = GlobalOptions(no_color=call.no_color, verbose=call.verbose)
    return validate(
        call.files,
        output_format=call.output_format,
        strict=call.strict,
        ignore=call.ignore,
        color=options.color_for(sys.stdout),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (the console script exits with it)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    verbose = bool({"-v", "--verbose"} & set(arguments))
    plain = plain_validate_call(arguments)
    run: Callable[[], int]
    if plain is not None:
        run = lambda: _run_validate(plain)  # noqa: E731
    else:
        from ecrrepl.cli_click import run_click

        run = lambda: run_click(arguments)  # noqa: E731
    try:
        return run()
    except BrokenPipeError:
        # The reader went away (`ecrrepl schema | head`): nothing to report, but the
        # interpreter would complain again when it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except UserError as error:
        return report_user_error(error)
    except KeyboardInterrupt:
        # On a line of its own: the interrupted command may have been mid-line.
        sys.stderr.write(f"\n{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:
        return report_internal_error(error, verbose=verbose)


def __getattr__(name: str) -> Any:
    """`ecrrepl.cli.cli`: the click group, for tests and tools that drive click directly."""
    if name == "cli":
        from ecrrepl.cli_click import cli

        group: click.Group = cli
        return group
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PROG", "main", "report_internal_error", "report_user_error"]
