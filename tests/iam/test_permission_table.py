"""The permission table and the code stay in step: every AWS call ecrrepl makes is granted.

The scan reads every module of `ecrrepl` (the boto3 calls live in `ecrrepl.aws`): a method
called on an AWS client (a name bound to `sessions.ecr(...)`, `sessions.sts(...)` or a
`*client(...)` call, or the conventional `client` and `sts`), a paginator asked by name
(`get_paginator("<method>")`) or a listing read page by page (`pages(client, "<method>")`,
aws/pages.py), turned into the API operation by botocore's own naming.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from ecrrepl.iam.table import (
    BASE_IDENTITY_CALLS,
    PERMISSIONS,
    Purpose,
    operations_covered,
    permissions_for,
)

SOURCE_ROOT = Path(__file__).parents[2] / "src" / "ecrrepl"
# The names ecrrepl gives its boto3 clients, and the calls that make one.
CLIENT_NAMES = frozenset({"client", "sts"})
CLIENT_FACTORIES = frozenset({"ecr", "sts", "client"})
# Attributes of a client that are not AWS calls.
NOT_CALLS = frozenset({"get_paginator", "exceptions", "meta", "can_paginate"})


@functools.cache
def operations_by_method() -> dict[str, str]:
    """botocore's operation names by client method, read once and only by the tests that
    need them (loading the service models costs a collection its time)."""
    session = botocore.session.get_session()
    by_method: dict[str, str] = {}
    for service in ("ecr", "sts"):
        for operation in session.get_service_model(service).operation_names:
            by_method[xform_name(operation)] = operation
    return by_method


def _makes_client(node: ast.AST) -> bool:
    """`sessions.ecr(...)`, `sessions.sts(...)`, `x.client(...)`, `x._base_client(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (node.func.attr in CLIENT_FACTORIES or node.func.attr.endswith("_client"))
    )


def _client_names(tree: ast.AST) -> set[str]:
    """The conventional client names, and every name a module binds to a new client."""
    names = set(CLIENT_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _makes_client(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and _makes_client(node.value)
            and isinstance(node.target, ast.Name)
        ):
            names.add(node.target.id)
    return names


def _paged_operation(node: ast.AST, clients: set[str]) -> str | None:
    """The method of `pages(<client>, "<method>", ...)`, or None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != "pages" or len(node.args) < 2:
        return None
    client, method = node.args[:2]
    on_client = (isinstance(client, ast.Name) and client.id in clients) or _makes_client(client)
    if on_client and isinstance(method, ast.Constant) and isinstance(method.value, str):
        return method.value
    return None


def calls_in(source: str) -> set[str]:
    """The API operations a module's source calls on an AWS client."""
    tree = ast.parse(source)
    clients = _client_names(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        paged = _paged_operation(node, clients)
        if paged is not None:
            found.add(operations_by_method().get(paged, paged))
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        target, method = node.func.value, node.func.attr
        on_client = isinstance(target, ast.Name) and target.id in clients
        if not (on_client or _makes_client(target)):
            continue
        if method == "get_paginator":
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(operations_by_method().get(argument.value, argument.value))
        elif method not in NOT_CALLS:
            found.add(operations_by_method().get(method, method))
    return found


def calls_in_code() -> set[str]:
    found: set[str] = set()
    for path in sorted(SOURCE_ROOT.rglob("*.py")):
        # The emulator (sandbox/) calls only itself, never AWS: no permission of a user's.
        if "sandbox" not in path.relative_to(SOURCE_ROOT).parts:
            found |= calls_in(path.read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def in_code() -> frozenset[str]:
    """The calls of the whole of src/ecrrepl, scanned once for the tests that need them."""
    return frozenset(calls_in_code())


def test_every_call_in_the_code_has_a_permission_and_every_permission_a_call(
    in_code: frozenset[str],
) -> None:
    assert in_code - operations_covered() == set(), "calls without a permission in the table"
    assert operations_covered() - in_code == set(), "table rows for calls ecrrepl no longer makes"


def test_the_scan_finds_what_ecrrepl_is_known_to_call(in_code: frozenset[str]) -> None:
    assert {"DescribeRegistry", "PutReplicationConfiguration", "GetCallerIdentity"} <= in_code
    assert {"DescribeRepositoryCreationTemplates", "ListReplicationBackfills"} <= in_code


def test_the_scan_reports_a_new_call_as_ungranted() -> None:
    source = (
        "def f(client, sts):\n"
        "    client.put_image(repositoryName='x', imageManifest='{}')\n"
        "    client.get_paginator('list_images').paginate()\n"
        "    for page in pages(sessions.ecr(address), 'describe_pull_through_cache_rules'):\n"
        "        pass\n"
        "    client.exceptions.RepositoryNotFoundException\n"
        "    sts.get_session_token()\n"
    )
    found = calls_in(source)
    assert found == {"PutImage", "ListImages", "DescribePullThroughCacheRules", "GetSessionToken"}
    assert found - operations_covered() == found


def test_the_scan_follows_clients_by_any_name() -> None:
    source = (
        "def f(sessions, address):\n"
        "    ecr = sessions.ecr(address)\n"
        "    ecr.list_images(repositoryName='x')\n"
        "    sessions.ecr(address).batch_delete_image(repositoryName='x', imageIds=[])\n"
        "    other: object = sessions.sts('1')\n"
        "    other.get_session_token()\n"
        "    writer.put_registry_policy(sessions, address, '{}')\n"
    )
    assert calls_in(source) == {"ListImages", "BatchDeleteImage", "GetSessionToken"}


@pytest.mark.parametrize("row", [r for r in PERMISSIONS if r.calls], ids=lambda r: r.action)
def test_a_called_operation_is_authorised_by_the_action_of_its_name(row: object) -> None:
    assert hasattr(row, "calls") and hasattr(row, "action")
    service = row.action.split(":")[0]
    assert [f"{service}:{call}" for call in row.calls] == [row.action]
    assert all(call in operations_by_method().values() for call in row.calls)


def test_no_action_is_a_wildcard() -> None:
    assert all("*" not in row.action for row in PERMISSIONS)
    assert all(row.action.split(":")[0] in {"ecr", "sts", "iam"} for row in PERMISSIONS)


def test_the_base_identity_only_assumes_roles() -> None:
    assert {"AssumeRole"} == BASE_IDENTITY_CALLS
    assert "AssumeRole" in calls_in((SOURCE_ROOT / "aws" / "session.py").read_text())


def test_apply_and_operate_include_read_but_not_each_other() -> None:
    read = {r.action for r in permissions_for(frozenset({Purpose.READ}))}
    apply = {r.action for r in permissions_for(frozenset({Purpose.APPLY}))}
    operate = {r.action for r in permissions_for(frozenset({Purpose.OPERATE}))}
    assert read < apply and read < operate
    assert "ecr:PutReplicationConfiguration" in apply - operate
    assert "ecr:StartReplicationBackfill" in operate - apply
    assert not any(a.startswith(("ecr:Put", "ecr:Delete", "ecr:Create", "iam:")) for a in read)
