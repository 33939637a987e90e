"""The estate of the backfill command tests: one source registry sending `prod/` to its
own us-east-1 and to two registries of another account reached by AssumeRole."""

from __future__ import annotations

from harness import configs
from harness.replication_arrange import DR_ACCOUNT, SOURCE_ACCOUNT, TWO_ACCOUNTS_ENTRIES

SOURCE = (SOURCE_ACCOUNT, "us-west-2")
EAST = (SOURCE_ACCOUNT, "us-east-1")
DR_EAST = (DR_ACCOUNT, "us-east-1")
DR_WEST = (DR_ACCOUNT, "eu-west-1")

CONFIG = configs.document(
    configs.registry(
        configs.rule(EAST[1], DR_EAST, DR_WEST, name="prod", filters=["prod/"]),
        account=SOURCE[0],
        region=SOURCE[1],
    ),
    accounts=TWO_ACCOUNTS_ENTRIES,
)
