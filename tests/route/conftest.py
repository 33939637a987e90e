"""A sample estate for `ecrrepl route`, written as a YAML file.

111111111111/us-west-2 sends prod/ and base- repositories to us-east-1 and to account
222222222222 in eu-west-1, and everything (rule #2) to 222222222222/eu-west-1 again and
to 333333333333/us-west-2, whose registry policy the file does not manage.
222222222222/eu-west-1 is itself a source: it forwards prod/ to eu-central-1 and back to
Oregon, which replication never does for an image that arrived by replication.
111111111111/ap-south-1 replicates only dev/. Ireland has prod, prod/api and ROOT
templates; us-east-1 has a ROOT template for CREATE_ON_PUSH only.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness import configs

IRELAND = (configs.OTHER_ACCOUNT, "eu-west-1")

SAMPLE = configs.document(
    configs.registry(configs.PROD, configs.rule(IRELAND, (configs.THIRD_ACCOUNT, "us-west-2"))),
    configs.registry(
        configs.rule(
            "eu-central-1", (configs.SOURCE_ACCOUNT, "us-west-2"), name="onward", filters=["prod/"]
        ),
        account=IRELAND[0],
        region=IRELAND[1],
    ),
    configs.registry(configs.rule("ap-southeast-1", filters=["dev/"]), region="ap-south-1"),
    accounts=[
        configs.account(configs.OTHER_ACCOUNT),
        configs.account(configs.THIRD_ACCOUNT, profile="dr-admin", manage_registry_policy=False),
    ],
    templates=[
        configs.template(*IRELAND, "prod"),
        configs.template(*IRELAND, "prod/api"),
        configs.template(*IRELAND, "ROOT"),
        configs.template(
            configs.SOURCE_ACCOUNT, "us-east-1", "ROOT", applied_for=["CREATE_ON_PUSH"]
        ),
    ],
)

WriteConfig = Callable[..., str]


@pytest.fixture
def sample_file(write_config: WriteConfig) -> str:
    return write_config(SAMPLE)
