"""An account's partition, as `ecrrepl iam` and the sandbox both read it from the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.account_partition import account_partition
from ecrrepl.validation import validate_files

CONFIG = """\
version: 1
accounts:
  "222222222222": {profile: cn}
  "333333333333": {profile: gov}
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - filters: [prod/]
        destinations: [{region: eu-west-1}]
  - account: "444444444444"
    region: cn-north-1
    rules:
      - filters: [prod/]
        destinations: [{account: "222222222222", region: cn-northwest-1}]
templates:
  - account: "333333333333"
    region: us-gov-west-1
    prefix: prod
"""


@pytest.mark.parametrize(
    ("account", "partition"),
    [
        ("111111111111", "aws"),  # a source registry's region
        ("444444444444", "aws-cn"),
        ("222222222222", "aws-cn"),  # only a destination's region names it
        ("333333333333", "aws-us-gov"),  # only a template's region names it
        ("999999999999", "aws"),  # named nowhere: the commercial partition
    ],
)
def test_partition_from_the_regions_the_file_names(
    account: str, partition: str, tmp_path: Path
) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    result = validate_files([str(path)])
    assert result.config is not None
    assert account_partition(result.config, account) == partition
