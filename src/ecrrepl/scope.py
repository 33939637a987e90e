"""A run scoped to some source registries (`--registry ACCOUNT/REGION`) and what they need.

`diff`, `apply`, `status` and `backfill` take `--registry` (repeatable) to work on a
part of a large configuration: one team's registry in a shared file, one registry
being migrated. What a scope holds, precisely:

- the **source registries** it names, each with its whole replication configuration;
- the **registry policy statements** of those sources (Sid `Ecrrepl<account><region>`)
  in each cross-account registry their rules send to, in the file or still in the
  live rules (a statement the source no longer needs there is removed, as in a whole
  run). Other statements of those policies, those of the configuration's other
  source registries included, are kept byte for byte: in a scoped run they count as
  another owner's;
- the **creation templates** declared in a named registry, and the REPLICATION
  templates of a registry the named sources' rules send to whose prefix can set up a
  repository those rules send there (template namespace and rule filter overlap; a
  rule without filters and a ROOT template overlap everything);
- the `accounts` entries, whole: how each account is reached and whether its registry
  policy is managed do not depend on the scope.

Nothing else is read or written: no other source registry's replication
configuration, no other source's statements, no template no named registry needs. A
template that no scope selects (for instance a CREATE_ON_PUSH template in a registry
that is no source) is managed by an unscoped run only. Applying every registry's scope
in turn converges to what one unscoped run does.

A configuration with `owner:` cannot be scoped (a usage error): its statements are
merged across all its source registries (policy.py), so no scope holds "the
statements of the named sources" alone.

Pure: the scoped configuration is computed here; commands read and write what it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    RegistryAddress,
    SourceRegistry,
    template_namespace,
)
from ecrrepl.errors import UsageError

ROOT = "ROOT"
REPLICATION = "REPLICATION"


def require_sources(
    config: Config, registries: Iterable[RegistryAddress], option: str = "--registry"
) -> None:
    """Refuse (usage error, exit 2) a registry that is not a source registry of `config`,
    naming those that are."""
    known = sorted(config.source_addresses)
    for address in registries:
        if address in config.source_addresses:
            continue
        names = ", ".join(str(a) for a in known) or "none"
        raise UsageError(
            f"{option} {address} is not a source registry of the configuration "
            f"(its source registries: {names})"
        )


def scope_config(config: Config, registries: Collection[RegistryAddress]) -> Config:
    """`config` reduced to the named source registries and what they need (module's
    docstring); the whole configuration when `registries` is empty."""
    if not registries:
        return config
    require_sources(config, registries)
    if config.owner is not None:
        # An owner's statements are merged across all its source registries (policy.py):
        # a scoped run could only rewrite them from its part, dropping the others' grants.
        raise UsageError(
            f"--registry does not go with `owner: {config.owner}`: its registry policy "
            "statements are merged across all its source registries, so one registry's "
            "part cannot be written alone; run without --registry"
        )
    chosen = tuple(r for r in config.registries if r.address in registries)
    return config.replace(
        registries=chosen,
        templates=tuple(t for t in config.templates if _needed(t, chosen, registries)),
    )


def _needed(
    template: CreationTemplate,
    sources: Iterable[SourceRegistry],
    named: Collection[RegistryAddress],
) -> bool:
    if template.address in named:
        return True
    if REPLICATION not in template.applied_for:
        return False
    return any(
        destination.address == template.address and could_set_up(template.prefix, rule.prefixes)
        for source in sources
        for rule in source.rules
        for destination in rule.destinations
    )


def could_set_up(template_prefix: str, filters: Iterable[str] | None) -> bool:
    """Whether a template with this prefix can set up a repository that a rule with these
    filters replicates: some repository name starts with both its namespace (the prefix
    with the `/` AWS assumes after it) and one filter.

    botocore ECR model, CreateRepositoryCreationTemplateRequest.prefix ("There is always
    an assumed / applied to the end of the prefix"; ROOT: every repository) and
    RepositoryFilter (PREFIX_MATCH on the repository name); checked 2026-12-02.
    """
    if template_prefix == ROOT or not filters:
        return True
    namespace = template_namespace(template_prefix)
    return any(namespace.startswith(f) or f.startswith(namespace) for f in filters)


def scope_words(config: Config, registries: Collection[RegistryAddress]) -> str:
    """One line saying what a scoped run covers; `config` is the scoped configuration."""
    names = ", ".join(str(a) for a in sorted(registries))
    count = len(config.templates)
    templates = f"{count} creation template{'s' if count != 1 else ''}"
    return (
        f"Scope: {names}: their replication configuration, their statements in the registry "
        f"policies they need, and {templates}; nothing else is read or written."
    )
