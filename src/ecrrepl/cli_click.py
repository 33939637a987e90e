"""The click application: every command's flags, each calling one plain function.

Every command is a plain function in `ecrrepl.commands` that returns an exit code; the
click functions below only turn flags into its arguments, and import it when called so
that starting `ecrrepl` stays cheap. A flag's parameter name is the name of the
function's argument, so the flags pass on as they are (`**flags`; a test holds the two
to each other) and each is written once, in its decorator. Adding a command is one
more such function here.
The entry point, error reporting and exit codes are in `ecrrepl.cli`: what a command
raises goes there, the one place that turns errors into messages and exit codes for
both paths (click's own usage errors excepted, shown here as click words them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from click.decorators import FC

from ecrrepl import __version__
from ecrrepl.aws.collector import fewer_collections
from ecrrepl.cli import PROG
from ecrrepl.cli_types import DURATION, REGISTRY, GroupWithGlobalOptions
from ecrrepl.commands import FINDINGS_FORMATS, GlobalOptions
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE


@click.group(
    cls=GroupWithGlobalOptions, name=PROG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option("--profile", metavar="NAME", help="Named AWS profile for the base credentials.")
@click.option("--no-color", is_flag=True, help="No colour in the output (also: NO_COLOR).")
@click.option("-v", "--verbose", is_flag=True, help="Say more; show tracebacks of internal errors.")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, profile: str | None, no_color: bool, verbose: bool) -> None:
    """Amazon ECR registry replication as code.

    --profile, --no-color and -v may also follow the command.
    """
    ctx.obj = GlobalOptions(profile=profile, no_color=no_color, verbose=verbose)


# The configuration files most commands read (default: ecrrepl.yaml, else ecrrepl/).
_files = click.argument("files", nargs=-1, metavar="[FILE]...")


def format_option(choices: Sequence[str], help_text: str | None = None) -> Callable[[FC], FC]:
    """`--format`, the first choice being the default: every command's output switch."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def ignore_option() -> Callable[[FC], FC]:
    """`--ignore W115,W113`: accept these warnings and infos (README "Suppressions")."""
    return click.option(
        "--ignore",
        metavar="IDS",
        multiple=True,
        help="Suppress these warning/info rule IDs (comma-separated; repeatable).",
    )


@cli.command()
@_files
@format_option(FINDINGS_FORMATS, "text for people, json for scripts, github or sarif for CI.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@ignore_option()
@click.pass_obj
def validate(options: GlobalOptions, /, **flags: Any) -> int:
    """Check the configuration offline (default: ecrrepl.yaml, else the ecrrepl/ folder)."""
    from ecrrepl.commands.validate import validate as run

    return run(**flags, color=options.color_for(sys.stdout))


@cli.command()
def schema() -> int:
    """Print the JSON Schema (draft 2020-12) of the configuration file."""
    from ecrrepl.commands.schema import schema as run

    return run()


@cli.command()
@_files
@click.argument("repository")
@click.option(
    "--from",
    "from_registry",
    type=REGISTRY,
    help="Only the routes from this source registry.",
)
@format_option(("text", "json"))
@click.pass_obj
def route(options: GlobalOptions, /, **flags: Any) -> int:
    """Show where REPOSITORY's images replicate to, and where they do not (offline)."""
    from ecrrepl.commands.route import route as run

    return run(**flags, color=options.color_for(sys.stdout))


@cli.command()
@_files
@click.option(
    "--repository",
    metavar="NAME",
    help="Only this repository's route: its hops, and where replication stops.",
)
@click.option(
    "--from",
    "from_registry",
    type=REGISTRY,
    help="With --repository: only the route of a push to this source registry.",
)
@format_option(("mermaid", "dot"), "mermaid renders in GitHub markdown; dot in Graphviz.")
@click.pass_obj
def graph(options: GlobalOptions, /, **flags: Any) -> int:
    """Draw the registries and where they replicate to, as Mermaid or DOT (offline)."""
    from ecrrepl.commands.graph import graph as run

    return run(**flags, color=options.color_for(sys.stderr))


_registries = click.option(
    "--registry",
    "registries",
    multiple=True,
    type=REGISTRY,
    help="Only this source registry and what it needs (README: Scoping a run); repeatable.",
)


@cli.command()
@_files
@_registries
@format_option(("text", "json", "markdown"), "markdown fits a pull-request comment.")
@click.option("--exit-code", is_flag=True, help="Exit 3 when changes are pending.")
@click.option("--out", "out_path", metavar="PLAN.json", help="Save the plan for `apply`.")
@click.option("--overwrite", is_flag=True, help="Let --out replace an existing file.")
@ignore_option()
@click.pass_obj
def diff(options: GlobalOptions, /, **flags: Any) -> int:
    """Read the live registries and show what apply would change (read only)."""
    from ecrrepl.commands.diff import diff as run

    return run(**flags, profile=options.profile, color=options.color_for(sys.stdout))


_backup_dir = click.option(
    "--backup-dir",
    default=".ecrrepl/backups",
    show_default=True,
    metavar="DIR",
    help="Where the previous state is saved before writing.",
)
_yes = click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")


@cli.command()
@click.argument("arguments", nargs=-1, metavar="FILE...|PLAN.json")
@_registries
@_yes
@click.option(
    "--allow-deny",
    is_flag=True,
    help="Write even though a Deny statement of another owner in a destination's "
    "registry policy stops the replication (the plan's errors say which).",
)
@click.option(
    "--allow-missing-grants",
    is_flag=True,
    help="Write even though a destination whose policy is not managed does not grant the "
    "replication yet (its owners are adding the statement the plan's errors name).",
)
@_backup_dir
@click.option(
    "--config",
    "config_files",
    multiple=True,
    metavar="FILE",
    help="With PLAN.json: the configuration files it must have come from (repeatable).",
)
@ignore_option()
@click.pass_obj
def apply(options: GlobalOptions, /, **flags: Any) -> int:
    """Write the configuration (or a saved plan) to AWS, safely."""
    from ecrrepl.commands.apply import apply as run

    return run(**flags, profile=options.profile, color=options.color_for(sys.stdout))


@cli.command()
@click.argument("path", metavar="BACKUP.json")
@_yes
@_backup_dir
@click.pass_obj
def restore(options: GlobalOptions, /, **flags: Any) -> int:
    """Put back a backup taken by apply (or restore), with the same guards."""
    from ecrrepl.commands.restore import restore as run

    return run(**flags, profile=options.profile, color=options.color_for(sys.stdout))


@cli.command()
@click.option(
    "--region",
    "region_names",
    multiple=True,
    required=True,
    metavar="REGION",
    help="A region to export; repeat for several.",
)
@click.option(
    "--account",
    "account_ids",
    multiple=True,
    metavar="ACCOUNT",
    help="An account to export (default: the base credentials' own); repeat for several.",
)
@click.option(
    "--config",
    "config_files",
    multiple=True,
    metavar="FILE",
    help="A configuration whose `accounts` entries say how to reach each account.",
)
@click.option(
    "--role-name",
    metavar="NAME",
    help="Reach every other account by assuming arn:<partition>:iam::<account>:role/NAME.",
)
@click.option(
    "--owner",
    metavar="NAME",
    help="The file's owner: (default: --config's, else the one the live policies name).",
)
@click.pass_obj
def export(options: GlobalOptions, /, **flags: Any) -> int:
    """Print the live registries of one or many accounts as a configuration file (read only)."""
    from ecrrepl.commands.export import export as run

    return run(**flags, profile=options.profile)


@cli.command()
@_files
@click.option("--account", metavar="ACCOUNT", help="Only this account's destination registries.")
@click.option("--region", metavar="REGION", help="With --account: only its registry in REGION.")
@format_option(
    ("json", "terraform", "cloudformation"),
    "terraform: aws_iam_policy_document data sources; cloudformation: an "
    "AWS::ECR::RegistryPolicy template (both need --account).",
)
@ignore_option()
@click.pass_obj
def policy(options: GlobalOptions, /, **flags: Any) -> int:
    """Print the registry policy statements each cross-account destination needs (offline)."""
    from ecrrepl.commands.policy import policy as run

    return run(**flags, color=options.color_for(sys.stderr))


@cli.command()
@_files
@click.option(
    "--account",
    metavar="ACCOUNT",
    help="Print exactly one policy document, for this account (pipes into aws iam).",
)
@click.option(
    "--for",
    "purposes",
    multiple=True,
    type=click.Choice(("read", "apply", "operate")),
    help="read: diff; apply: read + apply, restore; operate: read + status, backfill. "
    "Repeatable; default apply.",
)
@click.pass_obj
def iam(
    options: GlobalOptions, files: tuple[str, ...], account: str | None, purposes: tuple[str, ...]
) -> int:
    """Print the least-privilege IAM policy ecrrepl's role needs in each account (offline)."""
    from ecrrepl.commands.iam import DEFAULT_PURPOSES
    from ecrrepl.commands.iam import iam as run

    return run(
        files,
        account=account,
        purposes=purposes or DEFAULT_PURPOSES,
        color=options.color_for(sys.stderr),
    )


@cli.command()
@_files
@click.option("--repository", required=True, metavar="NAME", help="The image's repository.")
@_registries
@click.option("--tag", metavar="TAG", help="The image, by tag.")
@click.option("--digest", metavar="DIGEST", help="The image, by digest (sha256:...).")
@click.option(
    "--from",
    "from_registry",
    type=REGISTRY,
    help="Only the image in this source registry.",
)
@click.option("--wait", is_flag=True, help="Poll until complete, failed, or the timeout.")
@click.option(
    "--timeout",
    type=DURATION,
    help="How long --wait waits: 90s, 30m, 1h (default 30m).",
)
@format_option(("text", "json"))
@click.pass_obj
def status(options: GlobalOptions, /, **flags: Any) -> int:
    """Show where an image has replicated to, against where the configuration sends it.

    Exit 0 only when every expected destination is COMPLETE.
    """
    from ecrrepl.commands.status import status as run

    return run(**flags, profile=options.profile, color=options.color_for(sys.stdout))


@cli.command()
@_files
@_registries
@click.option(
    "--destination",
    "destinations",
    multiple=True,
    type=REGISTRY,
    help="Only this destination; repeat for several.",
)
@click.option("--dry-run", is_flag=True, help="Count the images missing at each destination.")
@click.option("--wait", is_flag=True, help="Wait until every backfill has ended; summarise.")
@click.option(
    "--timeout",
    type=DURATION,
    help="How long --wait waits: 90s, 10m, 1h (default: until every backfill ends).",
)
@_yes
@format_option(("text", "json"), "json: one object for scripts, on stdout.")
@click.pass_obj
def backfill(options: GlobalOptions, /, **flags: Any) -> int:
    """Copy images pushed before replication was set up (StartReplicationBackfill)."""
    from ecrrepl.commands.backfill import backfill as run

    return run(**flags, profile=options.profile, color=options.color_for(sys.stdout))


@cli.command()
@_files
@click.option(
    "--port",
    type=int,
    default=5050,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks any free one.",
)
@click.pass_obj
def sandbox(options: GlobalOptions, /, **flags: Any) -> int:
    """Serve an ECR emulator for the configuration until Ctrl-C (needs ecrrepl[sandbox]).

    Prints the shell lines that point ecrrepl at it; -v logs every request."""
    from ecrrepl.commands.sandbox import sandbox as run

    return run(**flags, color=options.color_for(sys.stderr), verbose=options.verbose)


def run_click(argv: Sequence[str]) -> int:
    """Parse `argv` with click and run the command; every outcome is an exit code."""
    try:
        # botocore's models and every call's garbage would start hundreds of collections
        # over the whole heap (aws/collector.py); the command runs with fewer.
        with fewer_collections():
            result = cli.main(args=argv, prog_name=PROG, standalone_mode=False)
    except click.UsageError as error:
        _show(error)
        return EXIT_USAGE
    except click.ClickException as error:
        _show(error)
        return error.exit_code
    except click.Abort as error:
        # click turns Ctrl-C into Abort: the one error layer reports it as an interrupt.
        if isinstance(error.__context__, KeyboardInterrupt):
            raise error.__context__ from None
        click.echo(f"{PROG}: aborted", err=True)
        return EXIT_FAILED
    return result if isinstance(result, int) else EXIT_OK


def _show(error: click.ClickException) -> None:
    """click's message, which may quote an argument (a file name), with its control
    characters shown escaped."""
    import io

    from ecrrepl.render.escape import lines

    buffer = io.StringIO()
    error.show(file=buffer)
    sys.stderr.write(lines(buffer.getvalue()))
