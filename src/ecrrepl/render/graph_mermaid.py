"""A graph as a Mermaid flowchart, which GitHub draws from a ```mermaid fenced block.

Accounts are subgraphs; a registry is a node labelled with its region and the creation
templates shown there. Edges: `-->` stays in one account (cross-region when the regions
differ), `==>` crosses accounts (the destination's registry policy must allow it), and
`-.->` is a chain that a push does not travel. Every text from the configuration goes
into a quoted label with Mermaid's entity codes, so no name can end a label or start a
statement of its own.
"""

from __future__ import annotations

from ecrrepl.config.model import RegistryAddress
from ecrrepl.graph import Edge, EdgeChange, EdgeKind, Graph, Node
from ecrrepl.render.escape import BIDI_AND_BREAKS

_ENTITIES = {
    "%": "#37;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "#": "#35;",
}


def mermaid_text(text: str) -> str:
    """`text` made safe inside a quoted Mermaid label: entities, no line breaks or controls."""
    out = []
    for char in text:
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char < " " or "\x7f" <= char <= "\x9f" or char in BIDI_AND_BREAKS:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def node_id(address: RegistryAddress) -> str:
    return f"r{address.account}_{address.region.replace('-', '_')}"


def _node_line(node: Node) -> str:
    lines = [mermaid_text(node.address.region)]
    if node.templates:
        lines.append(mermaid_text("templates: " + ", ".join(node.templates)))
    return f'{node_id(node.address)}["{"<br/>".join(lines)}"]'


# How a plan's change to an edge is drawn: colour, and a dashed line for what goes.
_CHANGE_STYLE = {
    EdgeChange.ADDED: "stroke:#1a7f37,stroke-width:3px",
    EdgeChange.CHANGED: "stroke:#bf8700,stroke-width:3px",
    EdgeChange.REMOVED: "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
}


def _arrow(edge: Edge) -> str:
    if edge.kind is EdgeKind.DOES_NOT_CHAIN or edge.change is EdgeChange.REMOVED:
        return "-.->"
    return "==>" if edge.cross_account else "-->"


def _edge_line(edge: Edge) -> str:
    # The change in words too: colour alone does not reach every reader.
    change = [edge.change.value] if edge.change is not None else []
    texts = [*change, *edge.labels, *([edge.crossing] if edge.crossing else [])]
    label = "<br/>".join(mermaid_text(text) for text in texts)
    return f'{node_id(edge.source)} {_arrow(edge)}|"{label}"| {node_id(edge.destination)}'


def render_graph_mermaid(graph: Graph, *, header: bool = True) -> str:
    """The flowchart's text; `header=False` leaves out the title comment."""
    lines = ["flowchart LR"]
    if header:
        # After the diagram type: Mermaid reads the first line as the type.
        title = f"route of {graph.repository}" if graph.repository else "replication"
        lines.append(f"  %% ecrrepl graph: {mermaid_text(title)}")
    for account, nodes in graph.by_account():
        lines.append(f'  subgraph a{account} ["{mermaid_text(graph.account_title(account))}"]')
        lines.extend(f"    {_node_line(node)}" for node in nodes)
        lines.append("  end")
    lines.extend(f"  {_edge_line(edge)}" for edge in graph.edges)
    for index, edge in enumerate(graph.edges):
        if edge.change is not None:
            lines.append(f"  linkStyle {index} {_CHANGE_STYLE[edge.change]}")
    sources = [node_id(node.address) for node in graph.nodes if node.source]
    if sources:
        lines.append("  classDef source stroke-width:3px")
        lines.append(f"  class {','.join(sources)} source")
    return "\n".join(lines) + "\n"
