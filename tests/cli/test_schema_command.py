"""`ecrrepl schema` prints a valid draft 2020-12 JSON Schema that the shipped configs meet."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ecrrepl.config.schema import SCHEMA

RunCli = Callable[..., Any]
CONFIGS = sorted((Path(__file__).parents[2] / "configs").glob("*.y*ml"))


@pytest.fixture
def printed_schema(run_cli: RunCli) -> dict[str, Any]:
    outcome = run_cli("schema")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout.endswith("}\n")
    schema: dict[str, Any] = json.loads(outcome.stdout)
    return schema


def test_prints_the_schema_as_indented_json(run_cli: RunCli) -> None:
    assert run_cli("schema").stdout == json.dumps(SCHEMA, indent=2) + "\n"


def test_is_a_valid_draft_2020_12_schema(printed_schema: dict[str, Any]) -> None:
    assert printed_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed_schema)


def test_rejects_what_the_format_forbids(printed_schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(printed_schema)
    assert not validator.is_valid({"version": 2, "registries": []})
    assert not validator.is_valid({"registries": []})
    assert not validator.is_valid({"version": 1, "registry": []})
    assert validator.is_valid({"version": 1, "registries": []})
    # One file of several: any section alone, and x- keys for anchors.
    assert validator.is_valid({"version": 1, "accounts": {}})
    assert validator.is_valid({"version": 1, "templates": [], "x-defaults": {"a": 1}})


@pytest.mark.parametrize("config", CONFIGS or [None], ids=lambda path: path and path.name)
def test_every_shipped_config_meets_the_schema(
    printed_schema: dict[str, Any], config: Path | None
) -> None:
    if config is None:
        pytest.skip("configs/ has no configuration files yet")
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(printed_schema).iter_errors(document))
    assert not errors, "\n".join(f"{config.name}: {list(e.path)}: {e.message}" for e in errors)


def test_accepts_every_region_validate_accepts(printed_schema: dict[str, Any]) -> None:
    from ecrrepl import regions

    validator = jsonschema.Draft202012Validator(printed_schema)
    known = sorted(r for partition in regions.partitions() for r in partition.regions)
    assert "eusc-de-east-1" in known  # the European Sovereign Cloud, with ECR in botocore
    for region in known:
        assert regions.is_known_region(region)
        document = {
            "version": 1,
            "registries": [
                {
                    "account": "111111111111",
                    "region": region,
                    "rules": [{"destinations": [{"region": region}]}],
                }
            ],
            "templates": [{"account": "111111111111", "region": region, "prefix": "ROOT"}],
        }
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], region
    assert not validator.is_valid(
        {"version": 1, "registries": [{"account": "111111111111", "region": "US-EAST-1",
                                        "rules": []}]}
    )  # fmt: skip
