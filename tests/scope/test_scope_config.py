"""What a `--registry` scope holds (ecrrepl.scope), computed offline from a configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import UsageError
from ecrrepl.scope import could_set_up, scope_config
from harness import configs
from harness.models import FRANKFURT, IRELAND, OHIO, OREGON

CONFIG = configs.document(
    configs.registry(configs.rule(IRELAND, filters=["prod/"], flow=True)),
    configs.registry(configs.rule(IRELAND, OHIO, filters=["billing/"]), region=FRANKFURT.region),
    accounts=[
        configs.account(IRELAND.account),
        configs.account(OHIO.account, profile="dr", manage_registry_policy=False),
    ],
    templates=[
        *(configs.template(*IRELAND, prefix) for prefix in ("prod", "prod/api", "billing", "ROOT")),
        configs.template(*IRELAND, "prod-tools", applied_for=["CREATE_ON_PUSH"]),
        configs.template(*OREGON, "scratch", applied_for=["CREATE_ON_PUSH"]),
        configs.template(*OHIO, "billing"),
    ],
)


@pytest.fixture
def config(load_config: Callable[[str], Config]) -> Config:
    return load_config(CONFIG)


def prefixes(scoped: Config) -> list[str]:
    return [f"{t.account}/{t.region}/{t.prefix}" for t in scoped.templates]


def test_a_scope_holds_its_registries_and_the_templates_their_rules_need(config: Config) -> None:
    scoped = scope_config(config, {OREGON})

    assert [r.address for r in scoped.registries] == [OREGON]
    assert prefixes(scoped) == [
        "222222222222/eu-west-1/prod",
        "222222222222/eu-west-1/prod/api",
        # ROOT sets up every repository no other template covers: prod/ ones too.
        "222222222222/eu-west-1/ROOT",
        # A template of the named registry itself, whatever it applies to.
        "111111111111/us-west-2/scratch",
    ]
    # How accounts are reached, and whose policy is managed, does not depend on the scope.
    assert scoped.accounts == config.accounts


def test_the_other_registry_has_its_own_templates(config: Config) -> None:
    scoped = scope_config(config, {FRANKFURT})

    assert [r.address for r in scoped.registries] == [FRANKFURT]
    assert prefixes(scoped) == [
        "222222222222/eu-west-1/billing",
        "222222222222/eu-west-1/ROOT",
        "333333333333/us-east-2/billing",
    ]


def test_several_registries_and_no_scope(config: Config) -> None:
    both = scope_config(config, {OREGON, FRANKFURT})

    assert [r.address for r in both.registries] == [OREGON, FRANKFURT]
    # A CREATE_ON_PUSH template in a registry that is no source: only an unscoped run.
    assert "222222222222/eu-west-1/prod-tools" not in prefixes(both)
    assert scope_config(config, set()) is config


@pytest.mark.parametrize("outside", [IRELAND, RegistryAddress("999999999999", "us-west-2")])
def test_a_registry_that_is_no_source_is_a_usage_error(
    config: Config, outside: RegistryAddress
) -> None:
    with pytest.raises(UsageError) as raised:
        scope_config(config, {OREGON, outside})

    assert raised.value.exit_code == 2
    assert raised.value.message == (
        f"--registry {outside} is not a source registry of the configuration (its source "
        "registries: 111111111111/eu-central-1, 111111111111/us-west-2)"
    )


@pytest.mark.parametrize(
    ("template", "filters", "expected"),
    [
        ("prod", ["prod/"], True),
        ("prod", ["prod"], True),  # `prod` sends prod/api, which `prod` (prod/) sets up
        ("prod/api", ["prod/"], True),
        ("prod", ["prod/api"], True),
        ("prod", ["production"], False),  # production/x is not under prod/
        ("prod", ["dev/"], False),
        ("prod/", ["prod-"], False),
        ("ROOT", ["dev/"], True),
        ("prod", None, True),  # a rule without filters sends every repository
    ],
)
def test_a_template_is_needed_when_its_namespace_and_a_filter_overlap(
    template: str, filters: list[str] | None, expected: bool
) -> None:
    assert could_set_up(template, filters) is expected


def test_a_configuration_with_an_owner_cannot_be_scoped(
    load_config: Callable[[str], Config],
) -> None:
    """An owner's statements are merged across its source registries: a run scoped to
    one of them would rewrite a shared statement from its part and drop the others'."""
    owned = load_config(CONFIG.replace("version: 1\n", "version: 1\nowner: platform\n", 1))
    with pytest.raises(UsageError, match="does not go with `owner: platform`"):
        scope_config(owned, {OREGON})
    assert scope_config(owned, set()) is owned
