"""Properties the AWS grammars do not name, in a template's policies (W315)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ecrrepl.config.model import Config
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules import lifecycle_policy, repository_policy
from ecrrepl.lint.rules._embedded import findings_for


@rule(
    "W315",
    "property a lifecycle or repository policy grammar does not name (a typo?)",
    source=lifecycle_policy.LIFECYCLE_PROPERTIES + "; " + repository_policy.IAM_GRAMMAR,
)
def unknown_policy_property(config: Config) -> Iterator[Report]:
    """A policy property that neither grammar names is most often a typo.

    The lifecycle policy grammar names `rules`, and in a rule `rulePriority`,
    `description`, `selection` (`tagStatus`, `tagPatternList`, `tagPrefixList`,
    `storageClass`, `countType`, `countUnit`, `countNumber`) and `action` (`type`,
    `targetStorageClass`); the IAM policy grammar names `Version`, `Id` and
    `Statement`, and in a statement `Sid`, `Effect`, `Principal`, `NotPrincipal`,
    `Action`, `NotAction`, `Resource`, `NotResource` and `Condition`. A misspelt
    optional property (`descripton`) would otherwise go unnoticed, or be refused at
    apply time. The AWS documentation does not say whether ECR refuses unknown
    properties, so this is a warning.
    """
    for template in config.templates:
        lifecycle, repository = template.lifecycle_policy, template.repository_policy
        if isinstance(lifecycle, Mapping):
            problems = lifecycle_policy.lifecycle_problems(lifecycle)
            yield from findings_for(template, lifecycle_policy.KEY, problems, unknown=True)
        if isinstance(repository, Mapping):
            problems = repository_policy.policy_problems(repository)
            yield from findings_for(template, repository_policy.KEY, problems, unknown=True)
