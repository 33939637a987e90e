"""Repository creation templates: where they are declared and what they apply to
(E301, E302, E305, W306, W307)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecrrepl import limits, regions
from ecrrepl.config.model import (
    Config,
    CreationTemplate,
    RegistryAddress,
    RepositoryFilter,
    template_namespace,
)
from ecrrepl.config.schema import TEMPLATE_PREFIX_PATTERN
from ecrrepl.lint.registry import Report, rule

MAX_PREFIX_LENGTH = limits.MAX_TEMPLATE_PREFIX_LENGTH
ROOT = "ROOT"

PREFIX = re.compile(TEMPLATE_PREFIX_PATTERN)

API_REFERENCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
CREATE_TEMPLATE_SOURCE = (
    f"ECR API reference, CreateRepositoryCreationTemplate: "
    f"{API_REFERENCE}API_CreateRepositoryCreationTemplate.html"
)
TEMPLATES_GUIDE_SOURCE = (
    'ECR user guide, "Templates to control repositories created during a pull through '
    'cache, create on push, or replication action": '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html"
)


@rule(
    "E301",
    "template prefix not a valid repository prefix or `ROOT`",
    source=CREATE_TEMPLATE_SOURCE + " (botocore ECR model, Prefix)",
)
def invalid_template_prefix(config: Config) -> Iterator[Report]:
    """A template prefix is a repository namespace (`prod`, `prod/team`) or `ROOT`.

    Prefixes follow repository names: lowercase letters and digits, separated by `.`,
    `_`, `__` or dashes, segments joined by `/`, at most
    {limits.MAX_TEMPLATE_PREFIX_LENGTH} characters. `ROOT` (in capitals) is the template
    for every repository no other template matches.
    CreateRepositoryCreationTemplate refuses anything else.
    """
    for template in config.templates:
        prefix = template.prefix
        if 1 <= len(prefix) <= MAX_PREFIX_LENGTH and PREFIX.fullmatch(prefix):
            continue
        hint = "; ROOT must be written in capitals" if prefix.lower() == "root" else ""
        yield Report(
            f"template prefix '{prefix}' is not a repository prefix (lowercase segments "
            f"joined by '/', at most {MAX_PREFIX_LENGTH} characters) or ROOT{hint}",
            template.at("prefix"),
        )


@rule("E302", "template declared twice (same registry and prefix)", source=CREATE_TEMPLATE_SOURCE)
def duplicate_template(config: Config) -> Iterator[Report]:
    """A registry has one template per prefix, so the file may declare it once.

    ecrrepl owns templates by registry and prefix; two declarations would fight over
    one template, and which one wins would depend on the order of files. A prefix
    written with and without its trailing `/` is the same template.
    """
    first: dict[tuple[RegistryAddress, str], CreationTemplate] = {}
    for template in config.templates:
        key = (template.address, template_namespace(template.prefix))
        if key not in first:
            first[key] = template
            continue
        yield Report(
            f"template '{template.prefix}' in {template.address} is already declared at "
            f"{first[key].where}",
            template.at("prefix"),
        )


@rule(
    "E305",
    "template in a region where creation templates are not offered",
    source=(
        f"{TEMPLATES_GUIDE_SOURCE}; botocore endpoint data (endpoints.json, api.ecr); "
        "China and GovCloud user guides (checked 2026-12-02)"
    ),
)
def template_region_without_templates(config: Config) -> Iterator[Report]:
    """Repository creation templates are offered wherever ECR is, and nowhere else.

    A template in a region where botocore's endpoint data lists no ECR endpoint (a
    region announced before ECR serves it) could never be written. The China and
    GovCloud regions do offer templates: their user guides document them today, although
    the user guide once excluded them while the feature was in preview.
    """
    for template in config.templates:
        if regions.is_known_region(template.region) and not regions.offers_templates(
            template.region
        ):
            yield Report(
                f"repository creation templates are not offered in {template.region}: the "
                "installed botocore's endpoint data lists no ECR endpoint there (upgrade "
                "botocore if ECR has launched there since)",
                template.at("region"),
            )


@rule(
    "W306",
    "REPLICATION template in a registry that no rule replicates into",
    source=TEMPLATES_GUIDE_SOURCE,
)
def replication_template_without_replication(config: Config) -> Iterator[Report]:
    """A template applied for REPLICATION acts only where replication creates repositories.

    If no rule of the configuration sends to the template's registry, the template
    does nothing for replication: usually a wrong region or account, or a destination
    that was removed while its template stayed. (Another tool may replicate there; then
    this warning can be ignored.)
    """
    if config.unbuilt & {"file", "registry", "rule", "destination"}:
        return  # the rule that replicates there may be one that could not be built
    destinations = [
        destination
        for registry in config.registries
        for replication_rule in registry.rules
        for destination in replication_rule.destinations
    ]
    replicated_into = {destination.address for destination in destinations}
    # A destination in a misspelt region (E105) is meant to be some registry of its
    # account: the template there may be the one it was meant for.
    misspelt_in = {d.account for d in destinations if not regions.is_known_region(d.region)}
    for template in config.templates:
        if (
            "REPLICATION" in template.applied_for
            and template.address not in replicated_into
            and template.account not in misspelt_in
        ):
            yield Report(
                f"template '{template.prefix}' applies to REPLICATION, but no rule of this "
                f"configuration replicates into {template.address}",
                template.at("applied_for"),
            )


def _misaligned_filters(
    config: Config, templates: list[CreationTemplate]
) -> Iterator[tuple[RepositoryFilter, CreationTemplate, CreationTemplate | None, RegistryAddress]]:
    """Filters sending into a registry whose names start like a template's prefix but
    leave its namespace: `prod` and `production/` both against template `prod`."""
    by_address: dict[RegistryAddress, list[CreationTemplate]] = {}
    for template in templates:
        by_address.setdefault(template.address, []).append(template)
    if not by_address:
        return  # no template to compare with: nothing to walk
    for registry in config.registries:
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                candidates = by_address.get(destination.address)
                if not candidates:
                    continue
                for repository_filter in replication_rule.filters or ():
                    related = [
                        t
                        for t in candidates
                        if repository_filter.prefix.startswith(t.prefix.rstrip("/"))
                    ]
                    if not related:
                        continue
                    # Only the most specific template the filter reads like is meant.
                    closest = max(related, key=lambda t: len(t.prefix.rstrip("/")))
                    if not repository_filter.prefix.startswith(template_namespace(closest.prefix)):
                        # What the repositories outside it get: an enclosing template's
                        # settings (`prod` around `prod/api`), or none of these.
                        enclosing = [
                            t
                            for t in related
                            if repository_filter.prefix.startswith(template_namespace(t.prefix))
                        ]
                        fallback = max(enclosing, key=lambda t: len(t.prefix), default=None)
                        yield repository_filter, closest, fallback, destination.address


@rule(
    "W307",
    "template prefix and replication filter that mean different things",
    source=CREATE_TEMPLATE_SOURCE + ' (prefix: "there is always an assumed / applied to the end")',
)
def filter_outside_template_namespace(config: Config) -> Iterator[Report]:
    """A template prefix matches whole path segments; a replication filter matches text.

    Template `prod` applies to repositories under `prod/` only (AWS appends the `/`),
    while filter `prod` replicates every name that starts with those letters:
    `prod-tools`, `production/api`. Those repositories replicate but get other settings
    than the template's: an enclosing template's (`prod` around `prod/api`), the ROOT
    template's, or the defaults; the finding says which. The check: for each filter of
    a rule that sends into a registry with REPLICATION templates, take the longest
    template prefix (not ROOT) that the filter starts with; warn when the filter does
    not start with that prefix plus `/`. A filter shorter than the prefix (`pr`) is a
    broad filter by intent and is left alone.
    """
    replication_templates = [
        t for t in config.templates if "REPLICATION" in t.applied_for and t.prefix != ROOT
    ]
    with_root = {
        t.address for t in config.templates if "REPLICATION" in t.applied_for and t.prefix == ROOT
    }
    seen: set[tuple[str, str, RegistryAddress]] = set()
    for repository_filter, template, fallback, address in _misaligned_filters(
        config, replication_templates
    ):
        key = (repository_filter.prefix, template.prefix, address)
        if key in seen:
            continue
        seen.add(key)
        namespace = template_namespace(template.prefix)
        if fallback is not None:
            instead = f"template '{fallback.prefix}''s settings"
        elif address in with_root:
            instead = "the ROOT template's settings"
        else:
            instead = "default settings"
        yield Report(
            f"filter '{repository_filter.prefix}' replicates into {address} repositories "
            f"outside '{namespace}' (e.g. '{_outside_example(repository_filter.prefix)}'), "
            f"which template '{template.prefix}' does not apply to; they get {instead}. "
            f"Use filter '{namespace}' or add a template for them",
            repository_filter.where,
        )


def _outside_example(prefix: str) -> str:
    return prefix + ("app" if prefix.endswith(("/", "-", "_", ".")) else "-app")
