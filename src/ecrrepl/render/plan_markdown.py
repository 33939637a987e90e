"""A plan for a pull-request comment (GitHub-flavoured Markdown).

A summary line first, then one section per registry and aspect that has something to
say, each with a table of its changes; the unchanged counts go in a closed <details>
block at the end, so that a large unchanged estate does not bury the change.
"""

from __future__ import annotations

from ecrrepl.plan.model import Plan, Section, TemplateSection, aspect_words, is_noteworthy
from ecrrepl.render.escape import markdown, markdown_cell, markdown_code

TITLE = "ecrrepl plan"


def render_plan_markdown(plan: Plan) -> str:
    summary = plan.summary
    lines = [f"### {TITLE}", "", f"**{_escape(summary.sentence())}**", ""]
    if plan.errors:
        lines += [f"> **This plan cannot be applied:** {len(plan.errors)} error(s) below.", ""]
    if plan.unread:
        lines += [f"- :x: **error:** {_escape(e)}" for e in plan.unread_errors] + [""]
    lines += _picture(plan)
    for section in plan.sections:
        if is_noteworthy(section):
            lines += _section_lines(section)
    unchanged = [section for section in plan.sections if section.unchanged]
    if unchanged:
        lines += ["<details><summary>Unchanged items</summary>", ""]
        lines += [
            f"- {markdown_code(str(section.registry))} {_escape(aspect_words(section))}: "
            f"{_unchanged_words(section)}"
            for section in unchanged
        ]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _picture(plan: Plan) -> list[str]:
    """The registries the plan touches as a Mermaid graph, which GitHub draws."""
    from ecrrepl.graph import plan_graph
    from ecrrepl.render.graph_mermaid import render_graph_mermaid

    graph = plan_graph(plan)
    if not graph.nodes:
        return []
    return ["```mermaid", render_graph_mermaid(graph, header=False).rstrip("\n"), "```", ""]


def _section_lines(section: Section) -> list[str]:
    lines = [f"#### {markdown_code(str(section.registry))} — {_escape(aspect_words(section))}", ""]
    if section.changes:
        lines += ["| | item | what changes | effect |", "|---|---|---|---|"]
        for change in section.changes:
            lines.append(
                f"| `{change.action.symbol}` | {_cell(change.subject)} "
                f"| {_cell_lines(change.details)} | {_cell_lines(change.effects)} |"
            )
        lines.append("")
    if isinstance(section, TemplateSection) and section.unmanaged:
        lines += [
            f"- unmanaged template {markdown_code(prefix)}: not in the configuration; left as it is"
            for prefix in section.unmanaged
        ]
        lines.append("")
    notes = [f"- :warning: {_escape(w)}" for w in section.warnings]
    notes += [f"- :x: **error:** {_escape(e)}" for e in section.errors]
    if notes:
        lines += [*notes, ""]
    return lines


def _unchanged_words(section: Section) -> str:
    singular, plural = section.aspect.unchanged_noun
    return f"{section.unchanged} unchanged {singular if section.unchanged == 1 else plural}"


def _escape(text: str) -> str:
    # Names and policies come from files and live registries: no HTML, no control characters.
    return markdown(" ".join(text.splitlines()))


def _cell(text: str) -> str:
    return markdown_cell(text)


def _cell_lines(lines: tuple[str, ...]) -> str:
    return "<br>".join(_cell(line) for line in lines) or " "
