"""click parameter types shared by every command that takes such a value, and the
command class that takes the global options after a command's name too.

`ACCOUNT/REGION` (`route --from`, `graph --from`, `status --from`, `--registry`,
`backfill --destination`) and `DURATION` (`--timeout`): a bad value is a usage error
(exit 2) naming the option, before the command runs. The parsing itself is
`ecrrepl.arguments`, which the commands also use when called directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ecrrepl.arguments import parse_duration, registry_option
from ecrrepl.commands import GlobalOptions
from ecrrepl.config.model import RegistryAddress


def _global_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A global option given after the command: it counts as if given before it."""
    if value is None or value is False or param.name is None:
        return value
    root = ctx.find_root()
    options = root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions()
    root.obj = ctx.obj = options._replace(**{param.name: value})
    return value


class CommandWithGlobalOptions(click.Command):
    """A command that also takes the global options after its name (`ecrrepl diff x.yaml
    --profile p`); the help lists them once, on the group."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        common: dict[str, Any] = {"expose_value": False, "hidden": True, "callback": _global_option}
        self.params += [
            click.Option(["--profile"], metavar="NAME", **common),
            click.Option(["--no-color", "no_color"], is_flag=True, **common),
            click.Option(["-v", "--verbose", "verbose"], is_flag=True, **common),
        ]


class GroupWithGlobalOptions(click.Group):
    """The command line's group: each of its commands takes the global options too."""

    command_class = CommandWithGlobalOptions


if TYPE_CHECKING:
    _RegistryBase = click.ParamType[RegistryAddress]
    _DurationBase = click.ParamType[float]
else:  # click before 8.2 has no generic ParamType; the project allows click 8.1
    _RegistryBase = _DurationBase = click.ParamType


def _option_name(param: click.Parameter | None) -> str:
    return max(param.opts, key=len) if param is not None and param.opts else "the value"


class RegistryType(_RegistryBase):
    """ACCOUNT/REGION. A bad value raises ecrrepl's UsageError (exit 2, one line naming the
    option), as the commands themselves do, rather than click's longer usage text."""

    name = "ACCOUNT/REGION"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> RegistryAddress:
        return registry_option(value, _option_name(param))


class DurationType(_DurationBase):
    """90s, 10m, 1h, 1h30m or seconds; a bad value is a UsageError, as for RegistryType."""

    name = "DURATION"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        return parse_duration(value, _option_name(param))


REGISTRY = RegistryType()
DURATION = DurationType()
