"""IAM policies as JSON: one document for `--account`, else one object keyed by account.

    {"Version": "2012-10-17", "Statement": [{"Sid": "SourceRegistries", ...}]}

A single document is exactly what `aws iam create-policy --policy-document` reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_policy_json(policy: Mapping[str, Any]) -> str:
    return json.dumps(policy, indent=2) + "\n"


def render_policies_json(policies: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps(dict(sorted(policies.items())), indent=2) + "\n"
