"""`ecrrepl diff`: read the live registries and print what `apply` would change."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ecrrepl.commands.live import config_bytes, load_sound_config, open_sessions
from ecrrepl.errors import EXIT_CHANGES_PENDING, EXIT_FAILED, EXIT_OK, UsageError, UserError
from ecrrepl.plan import Plan, compute_plan, plan_to_json

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
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
) -> int:
    if output_format not in PLAN_FORMATS:
        raise UsageError(f"unknown format {output_format!r}; use one of {', '.join(PLAN_FORMATS)}")
    result = load_sound_config(files, color=color)
    from ecrrepl.aws.reader import read_state

    sessions = open_sessions(result.config, profile)
    live = read_state(result.config, sessions)
    plan = compute_plan(result.config, live)
    stream = sys.stdout if out is None else out
    stream.write(render_plan(plan, output_format, color=color))
    if out_path is not None:
        save_plan(plan, config_bytes(result), out_path)
        print(
            f"Saved the plan to {out_path}; `ecrrepl apply {out_path}` applies it.", file=sys.stderr
        )
    if plan.errors:
        return EXIT_FAILED
    if exit_code and plan.has_changes:
        return EXIT_CHANGES_PENDING
    return EXIT_OK


def save_plan(plan: Plan, files: dict[str, bytes], out_path: str) -> None:
    text = json.dumps(plan_to_json(plan, files), indent=2) + "\n"
    try:
        Path(out_path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write the plan to {out_path}: {error.strerror or error}") from None
