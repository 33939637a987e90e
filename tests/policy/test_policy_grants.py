"""Registry policy statements merged under a configuration owner: size at organisation
scale, exactly what the rules need (least privilege), and who owns which Sid."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ecrrepl.config.model import (
    Config,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.policy import (
    MAX_POLICY_CHARS,
    glob_pattern,
    merge_policy,
    merged_sid,
    owned_sids,
    owner_marker,
    owns_statement,
    policy_text,
    statement_sid,
)
from ecrrepl.policy_grants import written_statements
from harness import models

DEST = models.IRELAND
REGIONS = ("us-west-2", "us-east-1", "us-east-2", "eu-central-1")


def rule(filters: list[str] | None, *destinations: RegistryAddress) -> ReplicationRule:
    return models.rule(*destinations, filters=filters)


def organisation(owner: str | None, filters_of: dict[int, list[str]] | None = None) -> Config:
    """50 source accounts x 4 regions, each registry sending `prod/` and `base/` (or the
    account's `filters_of`) to one disaster-recovery registry."""
    registries = []
    for index in range(50):
        account = f"1000000000{index:02d}"
        filters = (filters_of or {}).get(index, ["prod/", "base/"])
        for region in REGIONS:
            registries.append(
                SourceRegistry(account=account, region=region, rules=(rule(filters, DEST),))
            )
    return Config(registries=tuple(registries), owner=owner)


def size(config: Config) -> int:
    policy = merge_policy(None, written_statements(config)[DEST], ())
    assert policy is not None
    return len(policy_text(policy))


# --- size at organisation scale ---------------------------------------------------------


def test_200_source_registries_in_50_accounts_merge_into_one_statement_well_under_the_limit() -> (
    None
):
    config = organisation("platform")

    (grant,) = written_statements(config)[DEST]

    assert len(grant.accounts) == 50
    assert len(grant.sources) == 200
    assert grant.resources == (
        "arn:aws:ecr:eu-west-1:222222222222:repository/base/*",
        "arn:aws:ecr:eu-west-1:222222222222:repository/prod/*",
    )
    assert size(config) < MAX_POLICY_CHARS // 4
    statement = grant.as_json()
    assert statement["Principal"]["AWS"] == [
        f"arn:aws:iam::1000000000{i:02d}:root" for i in range(50)
    ]
    assert re.fullmatch(r"EcrreplPlatformG[0-9a-f]{10}", statement["Sid"])


def test_without_an_owner_the_same_organisation_writes_200_statements_and_does_not_fit() -> None:
    config = organisation(None)

    grants = written_statements(config)[DEST]

    assert len(grants) == 200
    assert {g.sid for g in grants} == {statement_sid(r.address) for r in config.registries}
    assert size(config) > MAX_POLICY_CHARS


def test_a_shared_prefix_beside_one_prefix_per_account_groups_by_pattern() -> None:
    # Grouping by accounts would give 50 statements that each repeat base/; by pattern,
    # base/ is one statement of 50 principals beside 50 single ones.
    config = organisation("platform", {i: [f"team{i:02d}/", "base/"] for i in range(50)})

    grants = written_statements(config)[DEST]

    assert len(grants) == 51
    shared = [g for g in grants if len(g.accounts) == 50]
    assert [g.resources for g in shared] == [
        ("arn:aws:ecr:eu-west-1:222222222222:repository/base/*",)
    ]


def test_an_account_whose_registries_send_nested_prefixes_gets_the_covering_one() -> None:
    source = RegistryAddress("111111111111", "us-west-2")
    other_region = RegistryAddress("111111111111", "us-east-1")
    config = Config(
        owner="platform",
        registries=(
            SourceRegistry(
                account=source.account, region=source.region, rules=(rule(["prod/"], DEST),)
            ),
            SourceRegistry(
                account=other_region.account,
                region=other_region.region,
                rules=(rule(["prod/api", "tools/"], DEST),),
            ),
        ),
    )

    (grant,) = written_statements(config)[DEST]

    assert grant.accounts == ("111111111111",)
    assert grant.sources == (other_region, source)
    assert [r.rsplit("/", 2)[-2:] for r in grant.resources] == [["prod", "*"], ["tools", "*"]]


def test_the_sid_is_a_digest_of_what_the_statement_grants() -> None:
    one = merged_sid("platform", ["arn:aws:iam::111111111111:root"], ["r/a*", "r/b*"])

    assert one == merged_sid("platform", ["arn:aws:iam::111111111111:root"], ["r/b*", "r/a*"])
    assert one != merged_sid("platform", ["arn:aws:iam::111111111111:root"], ["r/a*"])
    assert one != merged_sid("teama", ["arn:aws:iam::111111111111:root"], ["r/a*", "r/b*"])


# --- who owns which Sid -----------------------------------------------------------------


def test_an_owner_owns_its_merged_sids_and_its_registries_old_sids_and_nothing_else() -> None:
    source = SourceRegistry(account="111111111111", region="us-west-2", rules=())
    owned = owned_sids(Config(registries=(source,), owner="team"))
    mine = merged_sid("team", ["a"], ["b"])

    assert owned == frozenset({"Ecrrepl111111111111uswest2", "EcrreplTeamG*"})
    assert owns_statement(mine, owned)
    assert owns_statement("Ecrrepl111111111111uswest2", owned)
    # Another owner whose name starts with this one's, and another configuration's source.
    assert not owns_statement(merged_sid("teama", ["a"], ["b"]), owned)
    assert not owns_statement("Ecrrepl444444444444uswest2", owned)
    assert not owns_statement("EcrreplTeamG", owned)
    assert not owns_statement(mine + "0", owned)
    assert not owns_statement("EcrreplTeamG*", frozenset({"Ecrrepl111111111111uswest2"}))
    assert not owns_statement(None, owned)


def test_a_configuration_without_owner_owns_only_its_registries_sids() -> None:
    source = SourceRegistry(account="111111111111", region="us-west-2", rules=())
    owned = owned_sids(Config(registries=(source,)))

    assert owned == frozenset({"Ecrrepl111111111111uswest2"})
    assert not owns_statement(merged_sid("team", ["a"], ["b"]), owned)


def test_with_no_list_every_sid_of_either_scheme_is_ecrrepls() -> None:
    assert owns_statement("Ecrrepl111111111111uswest2", None)
    assert owns_statement(merged_sid("team", ["a"], ["b"]), None)
    assert not owns_statement("EcrreplTeamG*", None)
    assert not owns_statement("PullThroughCacheTeam", None)
    assert owner_marker("team") == "EcrreplTeamG*"


# --- least privilege: exactly what the rules need --------------------------------------

ACCOUNTS = ("111111111111", "333333333333", "444444444444")
PREFIXES = ("a", "a/", "ab", "b", "b/c", "c")
NAMES = ("a", "a/x", "ab", "abc", "b", "b/c", "b/cd", "b/d", "c", "cx", "d", "zz")

rules_strategy = st.lists(
    st.tuples(
        st.sampled_from(ACCOUNTS),
        st.sampled_from(REGIONS),
        st.one_of(st.none(), st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3)),
    ),
    min_size=1,
    max_size=12,
)


def _allowed(statements: list[dict[str, object]], account: str, name: str) -> bool:
    arn = f"arn:aws:ecr:eu-west-1:222222222222:repository/{name}"
    root = f"arn:aws:iam::{account}:root"
    for statement in statements:
        principals = statement["Principal"]["AWS"]  # type: ignore[index]
        names = principals if isinstance(principals, list) else [principals]
        resources = statement["Resource"]
        if root in names and any(glob_pattern(r).fullmatch(arn) for r in resources):  # type: ignore[union-attr]
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(rules_strategy, st.sampled_from([None, "platform"]))
def test_each_account_is_allowed_exactly_the_repositories_its_rules_send(
    declared: list[tuple[str, str, list[str] | None]], owner: str | None
) -> None:
    registries: dict[tuple[str, str], list[ReplicationRule]] = {}
    for account, region, filters in declared:
        registries.setdefault((account, region), []).append(rule(filters, DEST))
    config = Config(
        owner=owner,
        registries=tuple(
            SourceRegistry(account=a, region=r, rules=tuple(rules))
            for (a, r), rules in registries.items()
        ),
    )
    statements = [g.as_json() for g in written_statements(config)[DEST]]
    assert len({s["Sid"] for s in statements}) == len(statements)
    json.dumps(statements)  # what is sent is JSON

    for account in ("999999999999", *ACCOUNTS):
        for name in NAMES:
            needed = any(
                filters is None or any(name.startswith(prefix) for prefix in filters)
                for a, _, filters in declared
                if a == account
            )
            assert _allowed(statements, account, name) == needed, (account, name)
