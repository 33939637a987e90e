"""A plan for people, in the terminal.

    registry 111111111111/us-west-2 — replication configuration
      + rule 'prod'
          filters: `prod/`
          destinations: eu-west-1 (222222222222)
          → repositories matching `prod/` start replicating to eu-west-1 (222222222222)
      (3 unchanged rules hidden)

    Plan: 1 to add, 0 to change, 0 to remove.

Sections without changes, warnings or unmanaged templates are hidden and counted.
The plan is built as lines of styled spans (render.styled), so that plain output never
imports rich.
"""

from __future__ import annotations

from ecrrepl.plan.model import Action, Plan, Section, TemplateSection, aspect_words, is_noteworthy
from ecrrepl.render.styled import HEADER_STYLE, QUIET_STYLE, Line, Span, render_lines

ACTION_STYLE = {Action.ADD: "green", Action.CHANGE: "yellow", Action.REMOVE: "red"}
WARNING_STYLE = "bold yellow"
ERROR_STYLE = "bold red"


def render_plan_text(plan: Plan, *, color: bool = False) -> str:
    """The whole plan as text; ANSI colours only when `color` is true."""
    return render_lines(plan_lines(plan), color=color)


def plan_lines(plan: Plan) -> list[Line]:
    lines: list[Line] = []
    hidden = 0
    for section in plan.sections:
        if is_noteworthy(section):
            lines.extend(_section_lines(section))
            lines.append([])
        else:
            hidden += 1
    if hidden:
        noun = "section" if hidden == 1 else "sections"
        lines.append([Span(f"({hidden} {noun} without changes hidden)", QUIET_STYLE)])
        lines.append([])
    for error in plan.unread_errors:
        lines.append([Span("error: ", ERROR_STYLE), Span(error)])
    if plan.unread:
        lines.append([])
    summary = plan.summary
    lines.append(
        [
            Span(
                summary.sentence(),
                HEADER_STYLE if summary.total or summary.errors else "bold green",
            )
        ]
    )
    if plan.errors:
        count = len(plan.errors)
        lines.append(
            [
                Span(
                    f"This plan cannot be applied: {count} error{'s' if count > 1 else ''} above.",
                    ERROR_STYLE,
                )
            ]
        )
    return lines


def _section_lines(section: Section) -> list[Line]:
    lines: list[Line] = [
        [Span(f"registry {section.registry} — {aspect_words(section)}", HEADER_STYLE)]
    ]
    for change in section.changes:
        style = ACTION_STYLE[change.action]
        lines.append([Span("  "), Span(f"{change.action.symbol} {change.subject}", style)])
        lines.extend([Span(f"      {detail}")] for detail in change.details)
        lines.extend([Span(f"      → {effect}")] for effect in change.effects)
    if section.unchanged:
        lines.append([Span(f"  ({_unchanged_words(section)} hidden)", QUIET_STYLE)])
    if isinstance(section, TemplateSection):
        lines.extend(
            [Span(f"  unmanaged: template {prefix} (not in the configuration; left as it is)")]
            for prefix in section.unmanaged
        )
    lines.extend([Span("  warning: ", WARNING_STYLE), Span(w)] for w in section.warnings)
    lines.extend([Span("  error: ", ERROR_STYLE), Span(e)] for e in section.errors)
    return lines


def _unchanged_words(section: Section) -> str:
    singular, plural = section.aspect.unchanged_noun
    return f"{section.unchanged} unchanged {singular if section.unchanged == 1 else plural}"
