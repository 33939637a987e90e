"""`ecrrepl diff`: read the live registries and print what `apply` would change.

With `--registry`, only those source registries and what they need (ecrrepl.scope); a
saved plan records the scope, and `apply PLAN.json` works within it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ecrrepl.arguments import registry_options
from ecrrepl.commands import require_format
from ecrrepl.commands.live import config_bytes, load_sound_config, open_sessions, scoped
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import EXIT_CHANGES_PENDING, EXIT_FAILED, EXIT_OK, UserError
from ecrrepl.plan import Plan, compute_plan, plan_to_json
from ecrrepl.render.escape import terminal

PLAN_FORMATS = ("text", "json", "markdown")


def render_plan(plan: Plan, output_format: str, *, color: bool) -> str:
    if output_format == "json":
        from ecrrepl.render.plan_json import render_plan_json

        return render_plan_json(plan)
    if output_format == "markdown":
        from ecrrepl.render.plan_markdown import render_plan_markdown

        return render_plan_markdown(plan)
    from ecrrepl.render.plan_text import render_plan_text

    return render_plan_text(plan, color=color)


def diff(
    files: Sequence[str],
    *,
    output_format: str = "text",
    exit_code: bool = False,
    out_path: str | None = None,
    overwrite: bool = False,
    registries: Sequence[str | RegistryAddress] = (),
    ignore: Sequence[str] = (),
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
) -> int:
    require_format(output_format, PLAN_FORMATS)
    scope = registry_options(registries, "--registry")
    result = load_sound_config(files, ignore=ignore, color=color)
    config = scoped(result.config, scope)
    from ecrrepl.aws.reader import read_state

    sessions = open_sessions(config, profile)
    live = read_state(config, sessions)
    plan = dataclasses.replace(compute_plan(config, live), scope=tuple(sorted(scope)))
    stream = sys.stdout if out is None else out
    stream.write(render_plan(plan, output_format, color=color))
    if out_path is not None and plan.unread:
        count = len(plan.unread)
        print(
            f"Not saved to {terminal(out_path)}: {count} registr{'y' if count == 1 else 'ies'}"
            " could not be read, and a plan without them cannot be applied.",
            file=sys.stderr,
        )
    elif out_path is not None:
        save_plan(plan, config_bytes(result), out_path, overwrite=overwrite)
        print(
            f"Saved the plan to {terminal(out_path)}; `ecrrepl apply {terminal(out_path)}` "
            "applies it.",
            file=sys.stderr,
        )
    if plan.errors:
        return EXIT_FAILED
    if exit_code and plan.has_changes:
        return EXIT_CHANGES_PENDING
    return EXIT_OK


def save_plan(
    plan: Plan, files: dict[str, bytes], out_path: str, *, overwrite: bool = False
) -> None:
    """Write the plan file (0600, never through a symlink; an existing file only with
    `overwrite`), recording each configuration file relative to the plan's folder."""
    from ecrrepl.output_files import write_private_file

    text = json.dumps(plan_to_json(plan, files, plan_folder=os.path.dirname(out_path)), indent=2)
    try:
        write_private_file(out_path, text + "\n", overwrite=overwrite)
    except FileExistsError:
        raise UserError(
            f"{out_path} already exists; nothing was saved. Pass --overwrite to replace it, "
            "or choose another name"
        ) from None
    except OSError as error:
        raise UserError(f"cannot write the plan to {out_path}: {error.strerror or error}") from None
