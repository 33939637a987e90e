"""A graph in Graphviz's DOT language: `ecrrepl graph --format dot | dot -Tsvg`.

Accounts are clusters; a registry is a box labelled with its region and the creation
templates shown there. Edges that cross accounts are bold, edges that stay in one
account are solid (labelled cross-region when the regions differ), and a chain that a
push does not travel is dashed and grey. Every identifier and label is a quoted DOT
string, escaped, so no name from the configuration can end it.
"""

from __future__ import annotations

from ecrrepl.graph import Edge, EdgeChange, EdgeKind, Graph, Node
from ecrrepl.render.escape import BIDI_AND_BREAKS

_CHANGE_STYLE = {
    EdgeChange.ADDED: 'color="#1a7f37", penwidth=2',
    EdgeChange.CHANGED: 'color="#bf8700", penwidth=2',
    EdgeChange.REMOVED: 'color="#cf222e", style=dashed',
}


def dot_string(text: str) -> str:
    """`text` as a quoted DOT string: backslash and quote escaped, no raw line breaks."""
    cleaned = "".join(
        " " if char < " " or "\x7f" <= char <= "\x9f" or char in BIDI_AND_BREAKS else char
        for char in text
    )
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(lines: list[str]) -> str:
    # "\n" inside a DOT string is Graphviz's centred line break; each line is escaped
    # first, so only these separators stay unescaped.
    return '"' + "\\n".join(dot_string(line)[1:-1] for line in lines) + '"'


def _node_line(node: Node) -> str:
    lines = [node.address.region]
    if node.templates:
        lines.append("templates: " + ", ".join(node.templates))
    attributes = [f"label={_label(lines)}"]
    if node.source:
        attributes.append("penwidth=2")
    return f"{dot_string(str(node.address))} [{', '.join(attributes)}];"


def _edge_line(edge: Edge) -> str:
    change = [edge.change.value] if edge.change is not None else []
    lines = [*change, *edge.labels, *([edge.crossing] if edge.crossing else [])]
    if edge.kind is EdgeKind.DOES_NOT_CHAIN:
        style = 'style=dashed, color="gray50", fontcolor="gray50"'
    elif edge.change is not None:
        style = _CHANGE_STYLE[edge.change]
    else:
        style = "style=bold" if edge.cross_account else "style=solid"
    return (
        f"{dot_string(str(edge.source))} -> {dot_string(str(edge.destination))} "
        f"[label={_label(lines)}, {style}];"
    )


def render_graph_dot(graph: Graph) -> str:
    title = f"route of {graph.repository}" if graph.repository else "replication"
    lines = [
        "digraph ecrrepl {",
        f"  label={dot_string(title)};",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for account, nodes in graph.by_account():
        lines.append(f"  subgraph {dot_string('cluster_' + account)} {{")
        lines.append(f"    label={dot_string(graph.account_title(account))};")
        lines.extend(f"    {_node_line(node)}" for node in nodes)
        lines.append("  }")
    lines.extend(f"  {_edge_line(edge)}" for edge in graph.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"
