"""`ecrrepl graph`: the replication of a configuration as a picture, offline.

Mermaid (drawn by GitHub in a fenced block) or Graphviz DOT; with `--repository`, that
repository's route only. A configuration with errors is not drawn: the picture would
mislead; its findings go to stderr and the exit code is 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ecrrepl.commands import require_format
from ecrrepl.commands.route import refuse_for_errors, registry_argument, require_source
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import EXIT_OK, UsageError
from ecrrepl.graph import config_graph, route_graph
from ecrrepl.route import repository_name_problem, route_repository
from ecrrepl.validation import config_paths, validate_files

GRAPH_FORMATS = ("mermaid", "dot")


def graph(
    files: Sequence[str],
    *,
    repository: str | None,
    output_format: str,
    color: bool,
    from_registry: str | RegistryAddress | None = None,
) -> int:
    """Print the graph of the files (default ecrrepl.yaml); 1 when they have errors.

    With `repository`, its route from every source registry, or only from
    `from_registry` (ACCOUNT/REGION), as `ecrrepl route` lists it.
    """
    require_format(output_format, GRAPH_FORMATS)
    if repository is not None:
        problem = repository_name_problem(repository)
        if problem is not None:
            raise UsageError(problem)
    elif from_registry is not None:
        raise UsageError("--from goes with --repository: it names where the push happens")
    wanted = registry_argument(from_registry)
    paths = config_paths(files)
    result = validate_files(paths)
    if result.errors:
        return refuse_for_errors(result, "graph", file_count=len(paths), color=color)
    if repository is None:
        picture = config_graph(result.config)
    else:
        if wanted is not None:
            require_source(result.config, wanted)
        answer = route_repository(result.config, repository, source=wanted)
        picture = route_graph(result.config, answer)
    if output_format == "dot":
        from ecrrepl.render.graph_dot import render_graph_dot

        sys.stdout.write(render_graph_dot(picture))
    else:
        from ecrrepl.render.graph_mermaid import render_graph_mermaid

        sys.stdout.write(render_graph_mermaid(picture))
    return EXIT_OK
