"""Property: whatever the bytes, validation returns findings and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrrepl.findings import Finding
from ecrrepl.validation import validate_files
from harness import configs

SEED_DOCUMENT = configs.document(
    configs.registry(configs.PROD),
    accounts=[configs.account(configs.OTHER_ACCOUNT, external_id="ops-7f3a")],
    templates=[
        """\
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    image_tag_mutability: MUTABLE
    encryption: {type: KMS, kms_key: "arn:aws:kms:eu-west-1:222222222222:key/k"}
    custom_role_arn: arn:aws:iam::222222222222:role/t"""
    ],
)


KEYS = ["version", "accounts", "registries", "templates", "account", "region", "rules",
        "filters", "destinations", "name", "prefix", "role_arn", "profile", "encryption",
        "delete_replication", "applied_for", "resource_tags", "lifecycle_policy"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(
        [
            "us-east-1",
            "us-est-1",
            "cn-north-1",
            "111111111111",
            "prod/",
            "Prod",
            "ROOT",
            "IMMUTABLE",
            "KMS",
            "file:x.json",
            "",
        ]
    ),
    st.text(max_size=12),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), children, max_size=5
        ),
    ),
    max_leaves=40,
)


def validate_text(data: bytes) -> list[Finding]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ecrrepl.yaml"
        path.write_bytes(data)
        result = validate_files([str(path)])
    for finding in result.findings:
        assert finding.location.line >= 1 and finding.location.column >= 1
    return result.findings


# slow: 150 random documents through the whole validator.
@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_structures(document: Any) -> None:
    validate_text(yaml.safe_dump(document).encode())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    validate_text(data)


# slow: 200 edited copies of the seed document through the whole validator.
@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SEED_DOCUMENT)), st.integers(0, 8), st.text(max_size=4)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_seed_document(edits: list[tuple[int, int, str]]) -> None:
    text = SEED_DOCUMENT
    for position, length, replacement in edits:
        text = text[:position] + replacement + text[position + length :]
    validate_text(text.encode("utf-8", "surrogatepass"))


# slow: 100 random subtrees, each in a whole valid document, through the validator.
@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(documents)
def test_random_subtrees_inside_a_valid_document(subtree: Any) -> None:
    base = yaml.safe_load(SEED_DOCUMENT)
    base["registries"][0]["rules"][0]["destinations"].append(subtree)
    base["templates"][0]["encryption"] = subtree
    validate_text(yaml.safe_dump(base).encode())


def test_seed_document_is_clean() -> None:
    assert [f.rule for f in validate_text(SEED_DOCUMENT.encode())] == []
