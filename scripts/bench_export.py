"""Benchmark section `export`: `ecrrepl export` of 50 accounts x 2 regions, calls and time.

The live state: each account's us-west-2 registry replicates into its own us-east-1 and
into the next account's eu-west-1, whose registry policy holds ecrrepl's statement; one
account in seven has a creation template. The base account is exported with the base
credentials, the other 49 through `--role-name`.

The export runs in this process against a moto server on 127.0.0.1, with fresh sessions
each run. Every client counts its calls and sleeps 100 ms before each HTTP attempt
(scripts/bench_diff.py's instruments), so calls overlap only as far as export runs them
concurrently. Printed: the calls against the budget (each once: one GetCallerIdentity
for the base credentials, then per account one identity check, AssumeRole for a role;
per registry one DescribeRegistry and one template listing; one GetRegistryPolicy per
cross-account destination), the median wall time of 3 runs against the latencies alone,
and one run with a single worker. No time budget: export runs once per adoption, and
a profile of one run (moto in-process, one worker) puts about 45% of its time in
creating its 200 clients, which `aws/session.py` owns.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from unittest.mock import patch

from bench_diff import BASE_ACCOUNT, TESTS, CallLog, counting_sessions_class, fake_aws_environment

ACCOUNTS = [BASE_ACCOUNT, *(f"3333333333{n:02d}" for n in range(1, 50))]
REGIONS = ["us-west-2", "us-east-1"]
ADDED_LATENCY = 0.1
TIMED_RUNS = 3
# The rounds of calls that depend on each other: the base identity, AssumeRole, the
# account's identity, its registries, the destinations' policies.
DEPENDENT_ROUNDS = 5


def next_account(index: int) -> str:
    return ACCOUNTS[(index + 1) % len(ACCOUNTS)]


def arrange_live_state() -> None:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from ecrrepl.config.model import RegistryAddress
    from ecrrepl.policy import PolicyStatement, repository_arn
    from harness.accounts import ecr_client

    for index, account in enumerate(ACCOUNTS):
        destination = RegistryAddress(next_account(index), "eu-west-1")
        ecr_client(account, "us-west-2").put_replication_configuration(
            replicationConfiguration={"rules": [{
                "destinations": [{"region": "us-east-1", "registryId": account},
                                 {"region": destination.region, "registryId": destination.account}],
                "repositoryFilters": [{"filter": f"team{index}/", "filterType": "PREFIX_MATCH"}],
            }]}
        )  # fmt: skip
        statement = PolicyStatement(
            RegistryAddress(account, "us-west-2"),
            destination,
            (repository_arn(destination, f"team{index}/*"),),
        )
        ecr_client(destination.account, destination.region).put_registry_policy(
            policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement.as_json()]})
        )
        if index % 7 == 0:
            ecr_client(account, "us-east-1").create_repository_creation_template(
                prefix=f"team{index}", appliedFor=["REPLICATION"]
            )


def expected_calls() -> Counter[str]:
    registries = len(ACCOUNTS) * len(REGIONS)
    return Counter({
        "GetCallerIdentity": 1 + len(ACCOUNTS),
        "AssumeRole": len(ACCOUNTS) - 1,
        "DescribeRegistry": registries,
        "DescribeRepositoryCreationTemplates": registries,
        "GetRegistryPolicy": len(ACCOUNTS),
    })  # fmt: skip


def run_export(latency: float, *, sequential: bool = False) -> tuple[float, CallLog, str]:
    import ecrrepl.aws.adoption_reader
    import ecrrepl.aws.identity
    import ecrrepl.aws.session
    from ecrrepl.commands.export import export

    log = CallLog(latency=latency)
    out = io.StringIO()
    with ExitStack() as patches:
        patches.enter_context(
            patch.object(ecrrepl.aws.session, "Sessions", counting_sessions_class(log))
        )
        if sequential:
            read = partial(ecrrepl.aws.adoption_reader.read_adopted, max_workers=1)
            patches.enter_context(patch.object(ecrrepl.aws.adoption_reader, "read_adopted", read))
        log.started = time.perf_counter()
        export(REGIONS, account_ids=ACCOUNTS, role_name="ecrrepl-read", out=out)
        seconds = time.perf_counter() - log.started
    return seconds, log, out.getvalue()


def bench_export() -> None:
    from ecrrepl.sandbox.launcher import moto_server

    load = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory() as folder,
        fake_aws_environment(Path(folder)),
        moto_server() as endpoint,
    ):
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        arrange_live_state()
        run_export(0.0)  # warms imports and the server
        quiet, counted, exported = run_export(0.0)
        timed = sorted(run_export(ADDED_LATENCY)[0] for _ in range(TIMED_RUNS))
        sequential, _, _ = run_export(ADDED_LATENCY, sequential=True)
    made = counted.operations()
    expected = expected_calls()
    print(f"export of {len(ACCOUNTS)} accounts x {len(REGIONS)} regions: AWS calls (moto server)")
    for operation in sorted(made.keys() | expected.keys()):
        verdict = "ok" if made[operation] == expected[operation] else "OFF"
        print(f"  {operation:36s} {made[operation]:4d} of {expected[operation]:4d}: {verdict}")
    unmanaged = exported.count("manage_registry_policy: false")
    print(f"  accounts left unmanaged in the file: {unmanaged} (expected 0)")
    median = timed[len(timed) // 2]
    total = sum(expected.values())
    print(
        f"  wall time with {ADDED_LATENCY * 1000:.0f} ms added to each call: median"
        f" {median:.2f} s of {TIMED_RUNS}; one worker {sequential:.2f} s"
        f" ({sequential / median:.1f}x slower)"
    )
    print(
        f"  without added latency: {quiet:.2f} s; {counted.clients_created} clients created"
        f" ({counted.client_seconds:.2f} s in creating them, summed over threads)"
    )
    print(
        f"  the latencies alone: {DEPENDENT_ROUNDS * ADDED_LATENCY:.1f} s in dependent rounds,"
        f" {total * ADDED_LATENCY:.1f} s one call after another"
        f" (load average {load:.1f} on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    bench_export()
