"""`commands.route.route` through YAML files: exit code, stdout and stderr together."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ecrrepl.commands.route import route
from ecrrepl.errors import EXIT_USAGE, UsageError
from harness import configs

OREGON_TO_VIRGINIA = configs.registry(configs.rule("us-east-1", filters=["prod/"], flow=True))

CHAINED = configs.document(
    OREGON_TO_VIRGINIA,
    configs.registry(configs.rule("eu-west-1", filters=["prod/"], flow=True), region="us-east-1"),
    templates=[configs.template(configs.SOURCE_ACCOUNT, "us-east-1", "ROOT")],
)

# The `write_config` fixture of tests/conftest.py: YAML text (and a file name) in, a path out.
WriteConfig = Callable[..., str]

NO_MATCH = configs.document(OREGON_TO_VIRGINIA, configs.registry(region="eu-west-1"))

# The unknown region on line 8, column 21.
BROKEN = configs.document(configs.registry(configs.rule("us-est-1", filters=["prod/"])))


def test_json_shape(write_config: WriteConfig, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = route([write_config(CHAINED)], "prod/api", None, "json", False)
    out, err = capsys.readouterr()
    assert (exit_code, err) == (0, "")
    assert json.loads(out) == {
        "repository": "prod/api",
        "sources": [
            {
                "account": "111111111111",
                "region": "us-west-2",
                "destinations": [
                    {
                        "account": "111111111111",
                        "region": "us-east-1",
                        "rules": ["#1"],
                        "filters": ["prod/"],
                        "cross_region": True,
                        "cross_account": False,
                        "policy_managed": None,
                        "template": {"prefix": "ROOT"},
                    }
                ],
                "not_reached": [
                    {
                        "account": "111111111111",
                        "region": "eu-west-1",
                        "via": {"account": "111111111111", "region": "us-east-1"},
                        "reason": (
                            "replication does not chain "
                            "(push to 111111111111/us-east-1 to reach it)"
                        ),
                    }
                ],
                "matched": True,
            },
            {
                "account": "111111111111",
                "region": "us-east-1",
                "destinations": [
                    {
                        "account": "111111111111",
                        "region": "eu-west-1",
                        "rules": ["#1"],
                        "filters": ["prod/"],
                        "cross_region": True,
                        "cross_account": False,
                        "policy_managed": None,
                        "template": None,
                    }
                ],
                "not_reached": [],
                "matched": True,
            },
        ],
    }


def test_json_of_the_sample(sample_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert route([sample_file], "prod/api/v2", None, "json", False) == 0
    document = json.loads(capsys.readouterr().out)
    oregon, ireland, mumbai = document["sources"]
    ireland_hop = oregon["destinations"][1]
    assert ireland_hop["rules"] == ["prod", "#2"]
    assert ireland_hop["filters"] == ["prod/", None]
    assert ireland_hop["policy_managed"] is True
    assert ireland_hop["template"] == {"prefix": "prod/api"}
    assert oregon["destinations"][2]["policy_managed"] is False
    assert oregon["destinations"][2]["cross_region"] is False
    assert [(n["region"], n["via"]["region"]) for n in oregon["not_reached"]] == [
        ("eu-central-1", "eu-west-1")
    ]
    assert [d["region"] for d in ireland["destinations"]] == ["eu-central-1", "us-west-2"]
    assert [(n["account"], n["region"]) for n in ireland["not_reached"]] == [
        ("111111111111", "us-east-1"),
        ("333333333333", "us-west-2"),
    ]
    assert mumbai == {
        "account": "111111111111",
        "region": "ap-south-1",
        "destinations": [],
        "not_reached": [],
        "matched": False,
    }


def test_text_names_rules_hops_templates_and_chains(
    sample_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert route([sample_file], "prod/web", None, "text", False) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("repository prod/web\n\npushed to 111111111111/us-west-2\n")
    assert (
        "  → 222222222222/eu-west-1\n"
        "      rule 'prod' (filter 'prod/'), rule #2 (no filters: every repository)\n"
        "      cross-region (data transfer is billed), "
        "cross-account (registry policy managed by this configuration)\n"
        "      template: prod\n"
    ) in out
    assert (
        "  → 333333333333/us-west-2\n"
        "      rule #2 (no filters: every repository)\n"
        "      same region, "
        "cross-account (needs its registry policy, which this configuration does not manage)\n"
        "      template: none: the repository gets default settings (mutable tags, AES256)\n"
    ) in out
    assert (
        "  ✗ 222222222222/eu-central-1  not reached: replication does not chain "
        "(push to 222222222222/eu-west-1 to reach it)\n"
    ) in out
    assert out.endswith("not replicated from 111111111111/ap-south-1: no rule's filter matches\n")
    assert "\x1b[" not in out


def test_text_colour_only_when_asked(sample_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert route([sample_file], "prod/web", None, "text", True) == 0
    assert "\x1b[" in capsys.readouterr().out


def test_a_repository_no_rule_matches(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    assert route([write_config(NO_MATCH)], "dev/api", None, "text", False) == 0
    assert capsys.readouterr() == (
        "repository dev/api\n\n"
        "not replicated from 111111111111/us-west-2: no rule's filter matches\n"
        "not replicated from 111111111111/eu-west-1: it has no replication rules\n",
        "",
    )


def test_from_restricts_to_one_source(sample_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert route([sample_file], "prod/api", "222222222222/eu-west-1", "text", False) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "pushed to 222222222222/eu-west-1\n" in out
    assert "pushed to 111111111111/us-west-2" not in out
    assert "ap-south-1" not in out


def test_from_an_unknown_registry_names_the_known_ones(
    sample_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UsageError) as raised:
        route([sample_file], "prod/api", "111111111111/eu-west-3", "text", False)
    assert raised.value.exit_code == EXIT_USAGE
    assert raised.value.message == (
        "--from 111111111111/eu-west-3 is not a source registry of the configuration; the "
        "source registries are 111111111111/ap-south-1, 111111111111/us-west-2, "
        "222222222222/eu-west-1"
    )
    assert capsys.readouterr() == ("", "")


def test_from_a_destination_only_registry_is_refused(sample_file: str) -> None:
    with pytest.raises(UsageError, match="111111111111/us-east-1 is not a source registry"):
        route([sample_file], "prod/api", "111111111111/us-east-1", "text", False)


def test_from_with_no_registries_in_the_file(write_config: WriteConfig) -> None:
    path = write_config("version: 1\nregistries: []\n")
    with pytest.raises(UsageError, match="it declares no source registries"):
        route([path], "prod/api", "111111111111/us-east-1", "text", False)


@pytest.mark.parametrize("argument", ["us-west-2", "1111/us-west-2", "111111111111:us-west-2"])
def test_from_that_is_not_a_registry(sample_file: str, argument: str) -> None:
    with pytest.raises(UsageError, match=r"is not a registry: give ACCOUNT/REGION") as raised:
        route([sample_file], "prod/api", argument, "text", False)
    assert raised.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize("repository", ["Prod/api", "prod//api", "p", "prod/*"])
def test_invalid_repository_name_is_a_usage_error_before_reading_files(
    tmp_path: Path, repository: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.yaml")
    with pytest.raises(UsageError) as raised:
        route([missing], repository, None, "text", False)
    assert raised.value.exit_code == EXIT_USAGE
    assert raised.value.message.startswith(f"{repository!r} is not a repository name")
    assert capsys.readouterr() == ("", "")


def test_unknown_format_is_a_usage_error(sample_file: str) -> None:
    with pytest.raises(UsageError, match="unknown format 'yaml'; use one of text, json"):
        route([sample_file], "prod/api", None, "yaml", False)


def test_config_with_errors_is_not_routed(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(BROKEN)
    assert route([path], "prod/api", None, "text", False) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}:8:21  E105 error  unknown region 'us-est-1'" in err
    assert "  8 |           - region: us-est-1\n" in err
    assert err.endswith("no route: the configuration has 1 error; fix it first\n")


def test_config_with_errors_fails_before_from_is_checked(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(BROKEN)
    assert route([path], "prod/api", "999999999999/us-west-2", "json", False) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "E105" in err


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        route([str(tmp_path / "nope.yaml")], "prod/api", None, "text", False)


def test_several_files_form_one_configuration(
    write_config: WriteConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_config(
        "version: 1\nregistries:\n"
        '  - {account: "111111111111", region: us-west-2,\n'
        "     rules: [{destinations: [{region: us-east-1}]}]}\n",
        name="sources.yaml",
    )
    second = write_config(
        "version: 1\nregistries: []\ntemplates:\n"
        '  - {account: "111111111111", region: us-east-1, prefix: team}\n',
        name="templates.yaml",
    )
    assert route([first, second, first], "team/app", None, "json", False) == 0
    (source,) = json.loads(capsys.readouterr().out)["sources"]
    assert source["destinations"][0]["template"] == {"prefix": "team"}


def test_default_file_is_ecrrepl_yaml(
    write_config: WriteConfig,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(CHAINED)
    monkeypatch.chdir(tmp_path)
    assert route([], "prod/api", "111111111111/us-east-1", "text", False) == 0
    assert capsys.readouterr().out.startswith(
        "repository prod/api\n\npushed to 111111111111/us-east-1\n"
    )
