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

SAMPLE = """\
version: 1
accounts:
  "222222222222":
    role_arn: arn:aws:iam::222222222222:role/ecrrepl
  "333333333333":
    profile: dr-admin
    manage_registry_policy: false
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: prod
        filters: [prod/, base-]
        destinations:
          - region: us-east-1
          - {account: "222222222222", region: eu-west-1}
      - destinations:
          - {account: "222222222222", region: eu-west-1}
          - {account: "333333333333", region: us-west-2}
  - account: "222222222222"
    region: eu-west-1
    rules:
      - name: onward
        filters: [prod/]
        destinations:
          - region: eu-central-1
          - {account: "111111111111", region: us-west-2}
  - account: "111111111111"
    region: ap-south-1
    rules:
      - filters: [dev/]
        destinations: [{region: ap-southeast-1}]
templates:
  - {account: "222222222222", region: eu-west-1, prefix: prod}
  - {account: "222222222222", region: eu-west-1, prefix: prod/api}
  - {account: "222222222222", region: eu-west-1, prefix: ROOT}
  - {account: "111111111111", region: us-east-1, prefix: ROOT, applied_for: [CREATE_ON_PUSH]}
"""

WriteConfig = Callable[..., str]


@pytest.fixture
def sample_file(write_config: WriteConfig) -> str:
    return write_config(SAMPLE)
