"""`ecrrepl graph`: the graph computed from a configuration, and its Mermaid and DOT text.

The Mermaid text is checked against the grammar of the flowchart statements it uses
(no Mermaid parser runs without a browser); the DOT text is parsed by pydot, which
implements Graphviz's DOT grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pydot
import pytest

from ecrrepl.commands.graph import graph
from ecrrepl.config.model import (
    Config,
    Destination,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
)
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError
from ecrrepl.graph import EdgeChange, EdgeKind, config_graph, plan_graph, route_graph
from ecrrepl.plan import compute_plan
from ecrrepl.render.graph_dot import render_graph_dot
from ecrrepl.render.graph_mermaid import render_graph_mermaid
from ecrrepl.render.plan_markdown import render_plan_markdown
from ecrrepl.route import route_repository
from ecrrepl.state import LiveState
from harness import configs
from harness.models import IRELAND, OHIO, OREGON, VIRGINIA

WriteConfig = Callable[..., str]

# 111111111111/us-west-2 sends prod/ within the account and to 222222222222/eu-west-1,
# which forwards prod/ to eu-central-1: a chain replication does not follow.
CHAINED = configs.document(
    configs.registry(configs.PROD, configs.rule((configs.OTHER_ACCOUNT, "eu-west-1"))),
    configs.registry(
        configs.rule("eu-central-1", name="onward", filters=["prod/"]),
        account=configs.OTHER_ACCOUNT,
        region="eu-west-1",
    ),
    templates=[
        configs.template(configs.OTHER_ACCOUNT, "eu-west-1", "prod"),
        configs.template(
            configs.OTHER_ACCOUNT, "eu-west-1", "ROOT", applied_for=["CREATE_ON_PUSH"]
        ),
    ],
)

# Names that would end a label or start a statement if they were printed raw.
HOSTILE = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: 'x"] --> evil["pwned'
        filters: [prod/]
        destinations: [{region: us-east-1}]
      - name: "a|b <b>c</b> %% d \\\\ e \\" f\\nend"
        filters: [base-]
        destinations: [{region: us-east-1}]
"""

FRANKFURT = RegistryAddress("222222222222", "eu-central-1")


@pytest.fixture
def chained(load_config: Callable[[str], Config]) -> Config:
    return load_config(CHAINED)


def test_config_graph_has_a_node_per_registry_and_an_edge_per_pair(chained: Config) -> None:
    picture = config_graph(chained)
    assert [node.address for node in picture.nodes] == sorted(
        [OREGON, VIRGINIA, IRELAND, FRANKFURT]
    )
    assert {node.address for node in picture.nodes if node.source} == {OREGON, IRELAND}
    assert [node.templates for node in picture.nodes if node.address == IRELAND] == [
        ("prod", "ROOT (CREATE_ON_PUSH)")
    ]
    edges = {(edge.source, edge.destination): edge for edge in picture.edges}
    assert set(edges) == {(OREGON, VIRGINIA), (OREGON, IRELAND), (IRELAND, FRANKFURT)}
    # Two rules send Oregon to Ireland: one edge, both rules on it.
    assert edges[OREGON, IRELAND].labels == ("prod: prod/, base-", "#2: every repository")
    assert edges[OREGON, IRELAND].crossing == "cross-account, cross-region"
    assert edges[OREGON, VIRGINIA].crossing == "cross-region"
    assert [edge.kind for edge in picture.edges] == [EdgeKind.REPLICATES] * 3
    assert [account for account, _ in picture.by_account()] == ["111111111111", "222222222222"]


def test_route_graph_draws_the_hops_and_where_the_chain_stops(chained: Config) -> None:
    picture = route_graph(chained, route_repository(chained, "prod/api", source=OREGON))
    edges = {(edge.source, edge.destination): edge for edge in picture.edges}
    assert edges[OREGON, VIRGINIA].labels == ("prod: prod/",)
    assert edges[OREGON, IRELAND].labels == ("prod: prod/", "#2: every repository")
    # A push to Oregon reaches Ireland, but does not travel on to Frankfurt.
    stop = edges[IRELAND, FRANKFURT]
    assert stop.kind is EdgeKind.DOES_NOT_CHAIN and stop.crossing is None
    # Only the template that applies to prod/api is shown, not the CREATE_ON_PUSH one.
    assert [node.templates for node in picture.nodes if node.address == IRELAND] == [("prod",)]
    assert picture.repository == "prod/api"


def test_a_push_that_does_replicate_wins_over_a_chain_that_stops(chained: Config) -> None:
    # From every source: a push to Ireland itself does go to Frankfurt.
    picture = route_graph(chained, route_repository(chained, "prod/api"))
    edges = {(edge.source, edge.destination): edge.kind for edge in picture.edges}
    assert len(picture.edges) == len(edges) == 3
    assert edges[IRELAND, FRANKFURT] is EdgeKind.REPLICATES


def test_route_graph_of_a_repository_no_rule_sends(chained: Config) -> None:
    picture = route_graph(chained, route_repository(chained, "dev/tool"))
    # The push happens in both sources; only the rule without filters sends it anywhere.
    assert [(edge.source, edge.destination) for edge in picture.edges] == [(OREGON, IRELAND)]
    assert {node.address for node in picture.nodes} == {OREGON, IRELAND}


# --- Mermaid: the statements the renderer writes, as a grammar ---------------------------

_ID = r"[A-Za-z][A-Za-z0-9_]*"
_TEXT = r'(?:[^"<>\n]|<br/>)*'
_MERMAID_LINE = {
    "comment": re.compile(r"\s*%%[^\n]*"),
    "subgraph": re.compile(rf'\s*subgraph ({_ID}) \["{_TEXT}"\]'),
    "end": re.compile(r"\s*end"),
    "node": re.compile(rf'\s*({_ID})\["{_TEXT}"\]'),
    "edge": re.compile(rf'\s*({_ID}) (-->|==>|-\.->)\|"{_TEXT}"\| ({_ID})'),
    "classDef": re.compile(rf"\s*classDef {_ID} [a-z-]+:[0-9a-z#]+"),
    "linkStyle": re.compile(r"\s*linkStyle \d+ [a-z-]+:[0-9a-z#. ]+(?:,[a-z-]+:[0-9a-z#. ]+)*"),
    "class": re.compile(rf"\s*class {_ID}(?:,{_ID})* {_ID}"),
}


def parse_mermaid(text: str) -> dict[str, list[tuple[str, ...]]]:
    """The statements of a flowchart by kind; fails on any line outside the grammar."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    statements: dict[str, list[tuple[str, ...]]] = {kind: [] for kind in _MERMAID_LINE}
    depth = 0
    for line in lines[1:]:
        kind, match = next(
            (
                (kind, m)
                for kind, pattern in _MERMAID_LINE.items()
                if (m := pattern.fullmatch(line))
            ),
            ("", None),
        )
        assert match is not None, f"not a flowchart statement: {line!r}"
        statements[kind].append(match.groups())
        depth += {"subgraph": 1, "end": -1}.get(kind, 0)
        assert depth in (0, 1), "subgraphs are neither nested nor closed twice"
    assert depth == 0
    declared = [groups[0] for groups in statements["node"]]
    assert len(declared) == len(set(declared)), "a node declared twice"
    for source, _, destination in statements["edge"]:
        assert {source, destination} <= set(declared), "an edge to an undeclared node"
    return statements


def test_mermaid_follows_the_flowchart_grammar(chained: Config) -> None:
    statements = parse_mermaid(render_graph_mermaid(config_graph(chained)))
    assert [groups[0] for groups in statements["subgraph"]] == ["a111111111111", "a222222222222"]
    arrows = sorted((s, arrow, d) for s, arrow, d in statements["edge"])
    assert arrows == sorted(
        [
            ("r111111111111_us_west_2", "-->", "r111111111111_us_east_1"),
            ("r111111111111_us_west_2", "==>", "r222222222222_eu_west_1"),
            ("r222222222222_eu_west_1", "-->", "r222222222222_eu_central_1"),
        ]
    )
    route = route_repository(chained, "prod/x", source=OREGON)
    route_text = render_graph_mermaid(route_graph(chained, route))
    assert ("r222222222222_eu_west_1", "-.->", "r222222222222_eu_central_1") in parse_mermaid(
        route_text
    )["edge"]
    assert '"does not chain"' in route_text


def test_mermaid_labels_cannot_be_escaped_by_names(load_config: Callable[[str], Config]) -> None:
    text = render_graph_mermaid(config_graph(load_config(HOSTILE)))
    statements = parse_mermaid(text)
    assert len(statements["edge"]) == 1 and len(statements["node"]) == 2
    assert "x#quot;] --#gt; evil[#quot;pwned" in text
    assert "a#124;b #lt;b#gt;c#lt;/b#gt; #37;#37; d \\ e #quot; f end" in text


# --- DOT: parsed by pydot ------------------------------------------------------------------


def _unquote(value: str) -> str:
    assert value.startswith('"') and value.endswith('"')
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def test_dot_parses_with_one_cluster_per_account(chained: Config) -> None:
    (parsed,) = pydot.graph_from_dot_data(render_graph_dot(config_graph(chained)))
    clusters = {_unquote(sub.get_name()): sub for sub in parsed.get_subgraphs()}
    assert set(clusters) == {"cluster_111111111111", "cluster_222222222222"}
    nodes = {_unquote(node.get_name()) for node in clusters["cluster_222222222222"].get_nodes()}
    assert nodes == {"222222222222/eu-west-1", "222222222222/eu-central-1"}
    edges = {
        (_unquote(edge.get_source()), _unquote(edge.get_destination())): edge
        for edge in parsed.get_edges()
    }
    assert set(edges) == {
        ("111111111111/us-west-2", "111111111111/us-east-1"),
        ("111111111111/us-west-2", "222222222222/eu-west-1"),
        ("222222222222/eu-west-1", "222222222222/eu-central-1"),
    }
    cross_account = edges["111111111111/us-west-2", "222222222222/eu-west-1"]
    assert cross_account.get_style() == "bold"
    assert _unquote(cross_account.get_label()).split("\\n") == [
        "prod: prod/, base-",
        "#2: every repository",
        "cross-account, cross-region",
    ]


def test_dot_dashes_the_chain_that_does_not_carry(chained: Config) -> None:
    text = render_graph_dot(
        route_graph(chained, route_repository(chained, "prod/api", source=OREGON))
    )
    (parsed,) = pydot.graph_from_dot_data(text)
    styles = {
        (_unquote(e.get_source()), _unquote(e.get_destination())): e.get_style()
        for e in parsed.get_edges()
    }
    assert styles["222222222222/eu-west-1", "222222222222/eu-central-1"] == "dashed"
    assert styles["111111111111/us-west-2", "111111111111/us-east-1"] == "solid"


def test_dot_strings_cannot_be_escaped_by_names(load_config: Callable[[str], Config]) -> None:
    (parsed,) = pydot.graph_from_dot_data(render_graph_dot(config_graph(load_config(HOSTILE))))
    (edge,) = parsed.get_edges()
    labels = _unquote(edge.get_label()).split("\\n")
    assert labels[:2] == ['x"] --> evil["pwned: prod/', 'a|b <b>c</b> %% d \\ e " f end: base-']


# --- the command ---------------------------------------------------------------------------


def test_command_prints_mermaid_by_default(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    assert graph(
        [write_config(CHAINED)], repository=None, output_format="mermaid", color=False
    ) == (EXIT_OK)
    out, err = capsys.readouterr()
    assert out.startswith("flowchart LR\n") and err == ""
    parse_mermaid(out)


def test_command_draws_one_repository_as_dot(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = graph(
        [write_config(CHAINED)], repository="prod/api", output_format="dot", color=False
    )
    out, err = capsys.readouterr()
    assert exit_code == EXIT_OK and err == ""
    assert 'label="route of prod/api";' in out


def test_command_refuses_a_configuration_with_errors(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = CHAINED.replace("region: us-east-1", "region: us-est-1")
    exit_code = graph([write_config(broken)], repository=None, output_format="mermaid", color=False)
    out, err = capsys.readouterr()
    assert exit_code == EXIT_FAILED and out == ""
    assert "E105" in err and "no graph: the configuration has 1 error; fix it first" in err


def test_command_refuses_a_repository_name_ecr_would_refuse(write_config: WriteConfig) -> None:
    with pytest.raises(UsageError, match="not a repository name"):
        graph([write_config(CHAINED)], repository="Prod/API", output_format="dot", color=False)


def test_command_draws_the_route_from_one_source(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = graph(
        [write_config(CHAINED)],
        repository="prod/api",
        from_registry="111111111111/us-west-2",
        output_format="mermaid",
        color=False,
    )
    out, _ = capsys.readouterr()
    assert exit_code == EXIT_OK
    assert 'r222222222222_eu_west_1 -.->|"does not chain"| r222222222222_eu_central_1' in out


@pytest.mark.parametrize(
    ("repository", "from_registry", "message"),
    [
        (None, "111111111111/us-west-2", "--from goes with --repository"),
        ("prod/api", "111111111111/ap-south-1", "not a source registry of the configuration"),
        ("prod/api", "oregon", "is not a registry: give ACCOUNT/REGION"),
    ],
)
def test_command_refuses_a_from_that_names_no_source(
    write_config: WriteConfig, repository: str | None, from_registry: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        graph(
            [write_config(CHAINED)],
            repository=repository,
            from_registry=from_registry,
            output_format="mermaid",
            color=False,
        )


# --- the picture of a plan -------------------------------------------------------------

# Oregon sends prod/ to Virginia and Ireland; live, it sends prod/ to Virginia (unchanged),
# dev/ to Ireland (changed to prod/) and everything to Ohio in account 333 (removed).
PLANNED = configs.document(
    configs.registry(
        configs.rule(
            "us-east-1", (configs.OTHER_ACCOUNT, "eu-west-1"), name="prod", filters=["prod/"]
        )

    ),
    configs.registry(account=configs.OTHER_ACCOUNT, region="eu-west-1"),
    accounts=[configs.account(configs.THIRD_ACCOUNT)],
)




def _live_rules() -> dict[RegistryAddress, tuple[ReplicationRule, ...]]:
    def rule(prefixes: list[str] | None, *to: RegistryAddress) -> ReplicationRule:
        return ReplicationRule(
            filters=None
            if prefixes is None
            else tuple(RepositoryFilter(prefix=p) for p in prefixes),
            destinations=tuple(Destination(account=d.account, region=d.region) for d in to),
        )

    return {
        OREGON: (rule(["prod/"], VIRGINIA), rule(["dev/"], IRELAND), rule(None, OHIO)),
        IRELAND: (),
    }


def test_plan_graph_marks_added_changed_removed_and_unchanged_edges(
    load_config: Callable[[str], Config],
) -> None:
    plan = compute_plan(load_config(PLANNED), LiveState(replication=_live_rules()))

    picture = plan_graph(plan)

    changes = {(edge.source, edge.destination): edge.change for edge in picture.edges}
    assert changes == {
        (OREGON, VIRGINIA): None,
        (OREGON, IRELAND): EdgeChange.CHANGED,
        (OREGON, OHIO): EdgeChange.REMOVED,
    }
    removed = next(edge for edge in picture.edges if edge.change is EdgeChange.REMOVED)
    assert removed.labels == ("#3: every repository",)  # live rules have no names
    # Ireland's own configuration does not change: it is drawn only as a destination.
    assert {node.address for node in picture.nodes if node.source} == {OREGON}


def test_plan_graph_of_a_new_rule_is_all_added(load_config: Callable[[str], Config]) -> None:
    plan = compute_plan(load_config(PLANNED), LiveState())
    assert {edge.change for edge in plan_graph(plan).edges} == {EdgeChange.ADDED}


def test_markdown_plan_draws_the_change_and_styles_each_edge(
    load_config: Callable[[str], Config],
) -> None:
    plan = compute_plan(load_config(PLANNED), LiveState(replication=_live_rules()))

    text = render_plan_markdown(plan)

    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    statements = parse_mermaid(block + "\n" if not block.endswith("\n") else block)
    arrows = {(s, d): arrow for s, arrow, d in statements["edge"]}
    assert arrows[("r111111111111_us_west_2", "r333333333333_us_east_2")] == "-.->"
    link_styles = [line.strip() for line in block.splitlines() if "linkStyle" in line]
    edge_order = [line for line in block.splitlines() if '|"' in line]
    assert "removed" in edge_order[2] and "changed" in edge_order[1]
    assert link_styles == [
        "linkStyle 1 stroke:#bf8700,stroke-width:3px",
        "linkStyle 2 stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5",
    ]


SAME_ACCOUNT = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - {filters: [prod/], destinations: [{region: us-east-1}]}
"""


def test_a_plan_without_changes_has_no_picture(load_config: Callable[[str], Config]) -> None:
    config = load_config(SAME_ACCOUNT)
    live = {registry.address: registry.rules for registry in config.registries}
    plan = compute_plan(config, LiveState(replication=live))
    assert not plan.has_changes
    assert "```mermaid" not in render_plan_markdown(plan)


# --- account aliases ---------------------------------------------------------------------

ALIASED = CHAINED.replace(
    "version: 1\n",
    'version: 1\naccounts:\n  "111111111111": {alias: build}\n'
    '  "222222222222": {alias: "dr\\"] --> x", role_arn: "arn:aws:iam::222222222222:role/r"}\n',
    1,
)


def test_an_account_alias_titles_its_group_in_both_formats(
    load_config: Callable[[str], Config],
) -> None:
    config = load_config(ALIASED)
    mermaid = render_graph_mermaid(config_graph(config))
    subgraphs = parse_mermaid(mermaid)["subgraph"]
    assert [groups[0] for groups in subgraphs] == ["a111111111111", "a222222222222"]
    assert '["account 111111111111 (build)"]' in mermaid
    assert '["account 222222222222 (dr#quot;] --#gt; x)"]' in mermaid
    (parsed,) = pydot.graph_from_dot_data(render_graph_dot(config_graph(config)))
    titles = {
        _unquote(sub.get_name()): _unquote(sub.get_label()) for sub in parsed.get_subgraphs()
    }
    assert titles == {
        "cluster_111111111111": "account 111111111111 (build)",
        "cluster_222222222222": 'account 222222222222 (dr"] --> x)',
    }
    route = route_graph(config, route_repository(config, "prod/x", source=OREGON))
    assert route.account_title("111111111111") == "account 111111111111 (build)"


def test_without_an_alias_the_title_is_the_account_alone(chained: Config) -> None:
    assert config_graph(chained).account_title("111111111111") == "account 111111111111"
