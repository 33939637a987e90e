"""The estate of the backfill command tests: one source registry sending `prod/` to its
own us-east-1 and to two registries of another account reached by AssumeRole."""

from __future__ import annotations

from harness.replication_arrange import DR_ACCOUNT, SOURCE_ACCOUNT

SOURCE = (SOURCE_ACCOUNT, "us-west-2")
EAST = (SOURCE_ACCOUNT, "us-east-1")
DR_EAST = (DR_ACCOUNT, "us-east-1")
DR_WEST = (DR_ACCOUNT, "eu-west-1")

CONFIG = """\
version: 1
accounts:
  "111111111111": {role_arn: "arn:aws:iam::111111111111:role/ecrrepl"}
  "222222222222": {role_arn: "arn:aws:iam::222222222222:role/ecrrepl"}
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: prod
        filters: [prod/]
        destinations:
          - region: us-east-1
          - {account: "222222222222", region: us-east-1}
          - {account: "222222222222", region: eu-west-1}
"""
