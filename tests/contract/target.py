"""Where the contract tests run: the ECR emulator (always), or real AWS (opt-in).

The same tests, with the same assertions, run against both, as Terraform's AWS provider
runs its acceptance tests only with TF_ACC=1. Against real AWS they need:

    ECRREPL_AWS_ACCEPTANCE=1
    ECRREPL_AWS_PROFILE_SOURCE=<profile>   the source registry's account
    ECRREPL_AWS_PROFILE_DEST=<profile>     the destination registry's account (may be the same)
    ECRREPL_AWS_REGION_SOURCE=us-west-2    optional; the default shown
    ECRREPL_AWS_REGION_DEST=us-east-1      optional; the default shown
    ECRREPL_AWS_ROLE_ARN_DEST=<role ARN>   optional: reach the destination by AssumeRole
                                           from the source profile instead
    ECRREPL_AWS_REPLICATION_TIMEOUT=900    optional; seconds to wait for a replication

Everything a test creates is named `ecrrepl-contract-<random>...` and tagged
`ecrrepl-contract: <that name>`; `RegistryGuard` removes it afterwards, even when the
test failed, and puts back the replication configuration and registry policy it read
before the test changed them.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import secrets
import tarfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
from botocore.config import Config

from ecrrepl.config.model import AccountAccess, RegistryAddress
from harness.sessions import ObservedSessions

T = TypeVar("T")

UNVALIDATED = Config(parameter_validation=False)

ACCEPTANCE = "ECRREPL_AWS_ACCEPTANCE"
PROFILE_SOURCE = "ECRREPL_AWS_PROFILE_SOURCE"
PROFILE_DEST = "ECRREPL_AWS_PROFILE_DEST"
REGION_SOURCE = "ECRREPL_AWS_REGION_SOURCE"
REGION_DEST = "ECRREPL_AWS_REGION_DEST"
ROLE_ARN_DEST = "ECRREPL_AWS_ROLE_ARN_DEST"
REPLICATION_TIMEOUT = "ECRREPL_AWS_REPLICATION_TIMEOUT"

RUN_PREFIX = "ecrrepl-contract-"
TAG_KEY = "ecrrepl-contract"

# The emulator's estate: moto's account for the fake base keys is the source; the
# destination is another account, reached by AssumeRole.
EMULATED_SOURCE = RegistryAddress("123456789012", "us-west-2")
EMULATED_DESTINATION = RegistryAddress("222222222222", "eu-west-1")
EMULATED_ROLE = "arn:aws:iam::222222222222:role/ecrrepl-contract"

COST_NOTE = """\
ecrrepl contract tests against REAL AWS ({source} -> {destination}).
  Creates repositories, one creation template and tiny images (about 1 KB each), all
  named {prefix}<random>... and tagged {tag}; adds rules to the source registry's
  replication configuration and a statement to the destination's registry policy.
  Cost: a few cents at most (image storage for minutes, cross-region transfer of a few
  KB, a backfill of one image). Cleanup: every test removes what it created and puts
  the replication configuration and registry policy it read back, even on failure;
  ended replication backfills cannot be deleted and stay listed by AWS for 90 days.
  If a run is killed, remove repositories and templates named {prefix}* by hand."""


def calls(target: Target) -> frozenset[str]:
    """The AWS operations ecrrepl's sessions have made so far in this test."""
    return frozenset(target.sessions.counts())


def acceptance_enabled(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get(ACCEPTANCE) == "1"


def new_run_id() -> str:
    return RUN_PREFIX + secrets.token_hex(4)


@dataclass
class Target:
    """One run of one contract test: its registries, ecrrepl's sessions, raw clients."""

    real: bool
    run_id: str
    source: RegistryAddress
    destination: RegistryAddress
    # ecrrepl's own sessions, recording the calls they make.
    sessions: ObservedSessions
    source_ecr: Any
    destination_ecr: Any
    # An ECR client of the source whose requests botocore does not validate, so that
    # what AWS itself refuses can be seen.
    unvalidated_source_ecr: Any
    replication_timeout: float = 900.0
    poll_seconds: float = 5.0
    # Whether the destination is reached by AssumeRole (always in the emulator).
    assumes_role: bool = True

    @property
    def tags(self) -> list[dict[str, str]]:
        return [{"Key": TAG_KEY, "Value": self.run_id}]

    def name(self, suffix: str) -> str:
        return f"{self.run_id}/{suffix}"

    def wait_for(self, what: str, probe: Callable[[], T | None]) -> T:
        """Poll `probe` until it answers (not None); AssertionError after the timeout.
        The emulator answers at once or after a few polls: it does not sleep."""
        deadline = time.monotonic() + self.replication_timeout
        polls = 0
        while True:
            answer = probe()
            if answer is not None:
                return answer
            polls += 1
            if time.monotonic() > deadline or (not self.real and polls > 50):
                raise AssertionError(f"timed out waiting for {what}")
            if self.real:
                time.sleep(self.poll_seconds)


# --- building the targets ----------------------------------------------------------------


def emulator_target() -> Target:
    """The emulator, in-process (the caller runs inside moto's mock)."""
    from harness.accounts import ecr_client

    sessions = ObservedSessions(
        {
            EMULATED_DESTINATION.account: AccountAccess(
                account=EMULATED_DESTINATION.account, role_arn=EMULATED_ROLE
            )
        }
    )
    return Target(
        real=False,
        run_id=new_run_id(),
        source=EMULATED_SOURCE,
        destination=EMULATED_DESTINATION,
        sessions=sessions,
        source_ecr=ecr_client(*EMULATED_SOURCE),
        destination_ecr=ecr_client(*EMULATED_DESTINATION),
        unvalidated_source_ecr=boto3.client(
            "ecr", region_name=EMULATED_SOURCE.region, config=UNVALIDATED
        ),
    )


def real_target(environ: Mapping[str, str]) -> Target:
    """Real AWS, from the acceptance variables; ValueError names what is missing."""
    missing = [name for name in (PROFILE_SOURCE, PROFILE_DEST) if not environ.get(name)]
    if missing:
        raise ValueError(f"{ACCEPTANCE}=1 needs {' and '.join(missing)}")
    source_profile, dest_profile = environ[PROFILE_SOURCE], environ[PROFILE_DEST]
    role_arn = environ.get(ROLE_ARN_DEST) or None
    source_session = boto3.Session(profile_name=source_profile)
    dest_session = boto3.Session(profile_name=dest_profile)
    source = RegistryAddress(
        source_session.client("sts").get_caller_identity()["Account"],
        environ.get(REGION_SOURCE) or "us-west-2",
    )
    destination = RegistryAddress(
        dest_session.client("sts").get_caller_identity()["Account"],
        environ.get(REGION_DEST) or "us-east-1",
    )
    if source == destination:
        raise ValueError("the source and destination registries must differ (account or region)")
    accounts = {source.account: AccountAccess(account=source.account, profile=source_profile)}
    if destination.account != source.account:
        accounts[destination.account] = (
            AccountAccess(account=destination.account, role_arn=role_arn)
            if role_arn
            else AccountAccess(account=destination.account, profile=dest_profile)
        )
    return Target(
        real=True,
        run_id=new_run_id(),
        source=source,
        destination=destination,
        sessions=ObservedSessions(accounts, profile=source_profile),
        source_ecr=source_session.client("ecr", region_name=source.region),
        unvalidated_source_ecr=source_session.client(
            "ecr", region_name=source.region, config=UNVALIDATED
        ),
        destination_ecr=dest_session.client("ecr", region_name=destination.region),
        replication_timeout=float(environ.get(REPLICATION_TIMEOUT) or 900),
        assumes_role=role_arn is not None and destination.account != source.account,
    )


# --- what a test changes, put back afterwards -----------------------------------------------


@dataclass
class RegistryGuard:
    """The source's replication configuration and the destination's registry policy as
    they were before the test, and the cleanup that puts them back."""

    target: Target
    replication: dict[str, Any] = field(default_factory=dict)
    policy_text: str | None = None

    def read(self) -> None:
        self.replication = self.target.source_ecr.describe_registry().get(
            "replicationConfiguration", {"rules": []}
        )
        self.policy_text = registry_policy_text(self.target.destination_ecr)

    @property
    def original_rules(self) -> list[dict[str, Any]]:
        return list(self.replication.get("rules", []))

    @property
    def original_statements(self) -> list[dict[str, Any]]:
        return [] if self.policy_text is None else list(json.loads(self.policy_text)["Statement"])

    def restore(self) -> list[str]:
        """Put everything back; the problems met, as sentences (every step is tried)."""
        target = self.target
        problems: list[str] = []
        steps: list[tuple[str, Callable[[], None]]] = [
            (
                "restoring the replication configuration",
                lambda: target.source_ecr.put_replication_configuration(
                    replicationConfiguration={"rules": self.original_rules}
                ),
            ),
            ("restoring the registry policy", self._restore_policy),
            ("deleting the templates", self._delete_templates),
            (
                "deleting the source repositories",
                lambda: delete_repositories(target.source_ecr, target.run_id),
            ),
            (
                "deleting the destination repositories",
                lambda: delete_repositories(target.destination_ecr, target.run_id),
            ),
        ]
        for doing, step in steps:
            try:
                step()
            except Exception as error:  # every step is tried; each failure is reported
                problems.append(f"{doing}: {error}")
        return problems

    def _restore_policy(self) -> None:
        client = self.target.destination_ecr
        if self.policy_text is not None:
            client.put_registry_policy(policyText=self.policy_text)
            return
        with contextlib.suppress(client.exceptions.RegistryPolicyNotFoundException):
            client.delete_registry_policy()

    def _delete_templates(self) -> None:
        client = self.target.destination_ecr
        for page in client.get_paginator("describe_repository_creation_templates").paginate():
            for template in page.get("repositoryCreationTemplates", []):
                if template["prefix"].startswith(self.target.run_id):
                    client.delete_repository_creation_template(prefix=template["prefix"])


def registry_policy_text(client: Any) -> str | None:
    try:
        text: str = client.get_registry_policy()["policyText"]
    except client.exceptions.RegistryPolicyNotFoundException:
        return None
    return text


def delete_repositories(client: Any, prefix: str) -> None:
    for page in client.get_paginator("describe_repositories").paginate():
        for repository in page.get("repositories", []):
            if repository["repositoryName"].startswith(prefix):
                client.delete_repository(repositoryName=repository["repositoryName"], force=True)


# --- pushing an image as `docker push` does, blob by blob ---------------------------------


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _layer(seed: str) -> tuple[bytes, str]:
    """A gzipped tar with one small file; its compressed bytes and its diff ID."""
    content = f"ecrrepl contract image {seed}\n".encode()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo("ecrrepl-contract.txt")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    uncompressed = archive.getvalue()
    return gzip.compress(uncompressed, mtime=0), _digest(uncompressed)


def _upload_blob(client: Any, repository: str, blob: bytes) -> str:
    digest = _digest(blob)
    upload = client.initiate_layer_upload(repositoryName=repository)["uploadId"]
    client.upload_layer_part(
        repositoryName=repository,
        uploadId=upload,
        partFirstByte=0,
        partLastByte=len(blob) - 1,
        layerPartBlob=blob,
    )
    with contextlib.suppress(client.exceptions.LayerAlreadyExistsException):
        client.complete_layer_upload(
            repositoryName=repository, uploadId=upload, layerDigests=[digest]
        )
    return digest


def push(target: Target, repository: str, tag: str) -> str:
    """Create the (tagged) repository in the source if needed, upload a tiny image's
    blobs and put its manifest; returns the image digest."""
    client = target.source_ecr
    with contextlib.suppress(client.exceptions.RepositoryAlreadyExistsException):
        client.create_repository(repositoryName=repository, tags=target.tags)
    layer, diff_id = _layer(f"{repository}:{tag}:{target.run_id}")
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }
    ).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(config),
            "digest": _upload_blob(client, repository, config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": len(layer),
                "digest": _upload_blob(client, repository, layer),
            }
        ],
    }
    answer = client.put_image(
        repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag
    )
    return str(answer["image"]["imageId"]["imageDigest"])


@contextlib.contextmanager
def guarded(target: Target) -> Iterator[RegistryGuard]:
    guard = RegistryGuard(target)
    guard.read()
    try:
        yield guard
    finally:
        problems = guard.restore()
        if problems:
            raise AssertionError("cleanup failed: " + "; ".join(problems))
