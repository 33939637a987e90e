"""A route for people: one block per source registry, one line per destination.

    repository prod/api

    pushed to 111111111111/us-west-2
      → 222222222222/eu-west-1  rule 'prod' (filter 'prod/'); cross-region (data transfer
        is billed), cross-account (registry policy managed by this configuration); template: prod
      ✗ 333333333333/us-east-2  not reached: replication does not chain (push to
        222222222222/eu-west-1 to reach it)

    not replicated from 111111111111/eu-central-1: no rule's filter matches

(Each `→` and `✗` entry is one line; it is wrapped above only to fit here.) The report
is built as lines of styled spans first; plain text joins them, and only coloured output
imports rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecrrepl.route import DEFAULT_SETTINGS, Hop, NotReached, Route, SourceRoute

HEADER_STYLE = "bold"
REACHED_STYLE = "green"
NOT_REACHED_STYLE = "yellow"
QUIET_STYLE = "dim"


@dataclass(frozen=True)
class Span:
    text: str
    style: str | None = None


Line = list[Span]


def render_route_text(route: Route, *, color: bool = False) -> str:
    """The whole route as text; ANSI colours only when `color` is true."""
    lines = route_lines(route)
    return _to_ansi(lines) if color else _to_plain(lines)


def route_lines(route: Route) -> list[Line]:
    lines: list[Line] = [[Span(f"repository {route.repository}", HEADER_STYLE)], []]
    unmatched: list[SourceRoute] = []
    for source_route in route.sources:
        if not source_route.matched:
            unmatched.append(source_route)
            continue
        lines.append([Span(f"pushed to {source_route.source}", HEADER_STYLE)])
        lines.extend(_hop_line(hop) for hop in source_route.hops)
        lines.extend(_not_reached_line(entry) for entry in source_route.not_reached)
        lines.append([])
    lines.extend(_unmatched_line(source_route) for source_route in unmatched)
    if not route.sources:
        lines.append([Span("the configuration declares no source registries", QUIET_STYLE)])
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _hop_line(hop: Hop) -> Line:
    rules = ", ".join(match.words for match in hop.rules)
    return [
        Span("  → "),
        Span(str(hop.destination), REACHED_STYLE),
        Span(f"  {rules}; {hop_words(hop)}; template: {template_words(hop)}"),
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


def _to_plain(lines: Sequence[Line]) -> str:
    return "".join("".join(span.text for span in line) + "\n" for line in lines)


def _to_ansi(lines: Sequence[Line]) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        legacy_windows=False,
    )
    for line in lines:
        console.print(Text.assemble(*((span.text, span.style or "") for span in line)))
    return buffer.getvalue()
