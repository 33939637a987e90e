"""A route for people: one block per source registry, one entry per destination.

    repository prod/api

    pushed to 111111111111/us-west-2
      → 111111111111/us-east-1
          rule 'prod' (filter 'prod/')
          cross-region (data transfer is billed), same account
          template: prod
      ✗ 222222222222/eu-central-1  not reached: replication does not chain (push to
        222222222222/eu-west-1 to reach it)

    not replicated from 111111111111/eu-central-1: no rule's filter matches

(Each `✗` entry is one line; it is wrapped above only to fit here.) The report is built
as lines of styled spans (render.styled), so that plain output never imports rich.
"""

from __future__ import annotations

from ecrrepl.render.styled import HEADER_STYLE, QUIET_STYLE, Line, Span, render_lines
from ecrrepl.route import DEFAULT_SETTINGS, Hop, NotReached, Route, SourceRoute

REACHED_STYLE = "green"
NOT_REACHED_STYLE = "yellow"
# Under the destination, past the arrow, as the plan indents the details of a change.
DETAIL_INDENT = "      "


def render_route_text(route: Route, *, color: bool = False) -> str:
    """The whole route as text; ANSI colours only when `color` is true."""
    return render_lines(route_lines(route), color=color)


def route_lines(route: Route) -> list[Line]:
    lines: list[Line] = [[Span(f"repository {route.repository}", HEADER_STYLE)], []]
    unmatched: list[SourceRoute] = []
    for source_route in route.sources:
        if not source_route.matched:
            unmatched.append(source_route)
            continue
        lines.append([Span(f"pushed to {source_route.source}", HEADER_STYLE)])
        for hop in source_route.hops:
            lines.extend(_hop_lines(hop))
        lines.extend(_not_reached_line(entry) for entry in source_route.not_reached)
        lines.append([])
    lines.extend(_unmatched_line(source_route) for source_route in unmatched)
    if not route.sources:
        lines.append([Span("the configuration declares no source registries", QUIET_STYLE)])
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _hop_lines(hop: Hop) -> list[Line]:
    """The destination on the arrow line; why, what it costs and the template below it."""
    rules = ", ".join(match.words for match in hop.rules)
    return [
        [Span("  → "), Span(str(hop.destination), REACHED_STYLE)],
        [Span(f"{DETAIL_INDENT}{rules}")],
        [Span(f"{DETAIL_INDENT}{hop_words(hop)}")],
        [Span(f"{DETAIL_INDENT}template: {template_words(hop)}")],
    ]


def hop_words(hop: Hop) -> str:
    """What crossing from the source to the destination costs and needs."""
    words = [
        "cross-region (data transfer is billed)" if hop.cross_region else "same region",
    ]
    if hop.cross_account:
        if hop.policy_managed:
            policy = "registry policy managed by this configuration"
        else:
            policy = "needs its registry policy, which this configuration does not manage"
        words.append(f"cross-account ({policy})")
    else:
        words.append("same account")
    return ", ".join(words)


def template_words(hop: Hop) -> str:
    if hop.template is None:
        return f"none: {DEFAULT_SETTINGS}"
    return hop.template.prefix


def _not_reached_line(entry: NotReached) -> Line:
    return [
        Span("  ✗ "),
        Span(str(entry.destination), NOT_REACHED_STYLE),
        Span(f"  not reached: {entry.reason}"),
    ]


def _unmatched_line(source_route: SourceRoute) -> Line:
    if source_route.rule_count == 0:
        why = "it has no replication rules"
    else:
        why = "no rule's filter matches"
    return [Span(f"not replicated from {source_route.source}: {why}", QUIET_STYLE)]
