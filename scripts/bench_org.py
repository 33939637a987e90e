"""Benchmark section `org`: `ecrrepl diff` over 40, 200 and 400 registries.

An organisation: A accounts x 8 regions (A = 5, 25, 50), one account reached with the
base credentials and every other one by role_arn. Each registry is a source that sends
`prod/` to the next account in the same region, so every registry is also a
cross-account destination: one DescribeRegistry, one GetRegistryPolicy and one
DescribeRepositories per registry, after one AssumeRole and one GetCallerIdentity per
account. The live registries are empty: the plan writes everything.

Each run is a fresh `ecrrepl diff` process (the command as a user runs it, start-up
included) against a moto server on 127.0.0.1 (ecrrepl.sandbox.launcher). The child
counts the calls it makes (botocore's `BaseClient._make_api_call`, once per call,
retries excluded) and reports its own CPU time and peak resident memory at exit.
The table gives the median of the runs, by wall time. `--old OTHER_CHECKOUT/src` runs
that code too, alternately with this one; `--close-connections` serves with a server that
closes each connection after one answer; `--runs N` (default 3).

Measured 2026-12-02 on 2 CPUs shared with other work (load average 12 to 15), each
size run before and after alternately, CPU seconds (ms per registry) and peak RSS:

    registries  before: a client per (account, region)   after: shared clients
    40          2.6-2.8 s (65-70 ms), 69 MiB              2.1-2.2 s (52-54 ms), 57-59 MiB
    200         8.9-9.0 s (44-45 ms), 127-128 MiB         4.2-5.0 s (21-25 ms), 63 MiB
    400         15.4-17.3 s (39-43 ms), 201 MiB           6.0-8.0 s (15-20 ms), 68-69 MiB

Measured again 2026-12-02 with `--old` (the "before" code, the parent of the commit
that shares clients, run alternately with this checkout against one server), median of
5 runs, after the emulator kept connections open and the reads' collector threshold
(aws/collector.py); "marginal" is the CPU of one more registry, the slope between 40
and 400 registries, start-up left out. CPU ms per registry, before / after (ratio):

    server                        load average  40           400          marginal
    keeps connections open        6.1 to 11.1   44.7 / 26.6  28.4 / 10.9  26.6 / 9.2 (0.35)
    closes each (werkzeug's own)  11.1 to 9.0   48.3 / 28.5  32.2 / 12.1  30.4 / 10.3 (0.34)

Median of 3, the same day: before the collector threshold, marginal 31.7 / 11.0 (0.35)
with connections kept open and 35.6 / 12.9 (0.36) with each closed (load 7.5 to 9.5);
after it, 27.1 / 8.9 (0.33) and 26.7 / 8.8 (0.33) (load 4.7 to 9.8). Keeping
connections open made no difference to the ratio that this machine's noise does not
hide: both sides pay for a connection per call when the server closes each, and a
local connection costs little next to botocore's own work per call (signing, request
and response headers, retries, parsing), which is most of what is left at 1299 calls.
The marginal cost is a third of the "before" code's or a little above it (0.33 to
0.35), and the cost per registry at 400, start-up included, 0.37 to 0.38.

Quiet machine (load 0.2 to 1.7), median of 3, connections kept open, after every
command also ran with the collector's raised threshold: CPU ms per registry before /
after at 40 registries 42.9 / 25.4, at 200 30.2 / 12.2, at 400 28.9 / 11.2 (0.39);
marginal 27.3 / 9.6 (0.35); peak RSS at 400 202 / 70 MiB.

The floor row (floor_child) makes the same 1,299 calls with bare botocore clients and
nothing of ecrrepl: no configuration, plan or output, no per-account signing. Measured
2026-12-02 after reads asked for pages of 1,000 (load 0.9 rising to 4.7, median of 3),
CPU ms per registry old / new / floor: at 40 registries 46.4 / 27.5 / 23.6, at 400
30.7 / 11.3 / 10.1 (new 0.37 of old, the floor 0.33); marginal 28.9 / 9.5 / 8.6 (new
0.33, the floor 0.30). New is 1.11x the floor at 400, old 3.02x. So a third of the old
code's CPU is what botocore alone costs for these calls, give or take this machine's
noise: the rest of ecrrepl (imports, validation, plan, output, account scoping) cannot
fit under it without a cheaper request path than botocore's.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-2",
]  # fmt: skip
ACCOUNT_COUNTS = (5, 25, 50)
RUNS = 3
BASE_ACCOUNT = "123456789012"  # moto's account for the fake base credentials
CHILD_FLAG = "--child"
FLOOR_FLAG = "--floor-child"


def accounts(count: int) -> list[str]:
    return [BASE_ACCOUNT, *(f"3333333{n:05d}" for n in range(1, count))]


def configuration_text(count: int) -> str:
    names = accounts(count)
    lines = ["version: 1", "accounts:"]
    for account in names[1:]:
        lines.append(f'  "{account}": {{role_arn: "arn:aws:iam::{account}:role/ecrrepl"}}')
    lines.append("registries:")
    for n, account in enumerate(names):
        following = names[(n + 1) % len(names)]
        for region in REGIONS:
            lines += [
                f'  - account: "{account}"',
                f"    region: {region}",
                "    rules:",
                "      - filters: [prod/]",
                f'        destinations: [{{account: "{following}", region: {region}}}]',
            ]
    return "\n".join(lines) + "\n"


def child(arguments: list[str]) -> None:
    """One `ecrrepl diff` in this process, then its figures on the last line of stderr."""
    import botocore.client

    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation_name: str, api_params: Any) -> Any:
        calls[operation_name] += 1
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]
    from ecrrepl.cli import main

    try:
        code = main(["diff", *arguments])
    except SystemExit as stop:
        code = int(stop.code or 0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "code": code,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "calls": dict(calls),
    }
    sys.stderr.write("\n" + json.dumps(figures) + "\n")


def floor_child(count: int) -> None:
    """The calls `diff` makes over `count` accounts, made by bare botocore clients (one per
    region, the base credentials, 32 threads, nothing of ecrrepl): what any Python tool
    pays botocore for them. Its figures on the last line of stderr, as `child`'s."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3
    from botocore.config import Config as BotocoreConfig

    config = BotocoreConfig(
        retries={"mode": "adaptive", "max_attempts": 10}, max_pool_connections=32
    )
    session = boto3.Session()
    sts = session.client("sts", region_name=REGIONS[0], config=config)
    clients = {r: session.client("ecr", region_name=r, config=config) for r in REGIONS}
    calls: Counter[str] = Counter()

    def identity(account: str) -> None:
        if account != BASE_ACCOUNT:
            role = f"arn:aws:iam::{account}:role/ecrrepl"
            sts.assume_role(RoleArn=role, RoleSessionName="ecrrepl")
            calls["AssumeRole"] += 1
        sts.get_caller_identity()
        calls["GetCallerIdentity"] += 1

    def read(region: str) -> None:
        client = clients[region]
        client.describe_registry()
        with contextlib.suppress(client.exceptions.RegistryPolicyNotFoundException):
            client.get_registry_policy()
        client.describe_repositories(maxResults=1000)
        for operation in ("DescribeRegistry", "GetRegistryPolicy", "DescribeRepositories"):
            calls[operation] += 1

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(identity, accounts(count)))
        list(pool.map(read, [region for _ in range(count) for region in REGIONS]))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "code": 0,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "calls": dict(calls),
    }
    sys.stderr.write("\n" + json.dumps(figures) + "\n")


def one_run(argument: str, env: dict[str, str], *, floor: bool = False) -> dict[str, Any]:
    """One child: `diff` of the configuration at `argument`, or with `floor` the bare
    calls for `argument` accounts."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, FLOOR_FLAG if floor else CHILD_FLAG, argument],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    figures: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    if figures["code"] != 0:
        raise SystemExit(f"diff exited with {figures['code']}:\n{done.stderr[-2000:]}")
    figures["wall"] = wall
    return figures


def fake_environment(folder: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("MOTO_ACCOUNT_ID", None)
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(folder / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL=endpoint,
    )
    return env


def _median_row(runs: list[dict[str, Any]], registries: int) -> dict[str, Any]:
    by_wall = sorted(runs, key=lambda r: r["wall"])
    median = by_wall[len(by_wall) // 2]
    cpu = statistics.median(r["cpu"] for r in runs)
    return {
        "registries": registries,
        "wall": median["wall"],
        "cpu": cpu,
        "rss_mib": median["rss_mib"],
        "calls": median["calls"],
    }


def _print_rows(label: str, rows: list[dict[str, Any]]) -> None:
    print(
        f"  {label:>6s} {'registries':>10s} {'wall s':>7s} {'CPU s':>6s}"
        f" {'CPU ms/registry':>15s} {'peak RSS MiB':>12s} {'calls':>6s}"
    )
    for row in rows:
        registries = row["registries"]
        print(
            f"  {label:>6s} {registries:10d} {row['wall']:7.2f} {row['cpu']:6.2f}"
            f" {row['cpu'] / registries * 1000:15.1f} {row['rss_mib']:12.0f}"
            f" {sum(row['calls'].values()):6d}"
        )
    first, last = rows[0], rows[-1]
    if last["registries"] > first["registries"]:
        # The cost of one more registry, start-up and per-run fixed costs left out.
        slope = (last["cpu"] - first["cpu"]) / (last["registries"] - first["registries"])
        print(
            f"  {label:>6s} marginal CPU per registry"
            f" ({first['registries']} to {last['registries']}): {slope * 1000:.1f} ms"
        )


def bench_org(
    *, close_connections: bool = False, old_source: str | None = None, runs: int = RUNS
) -> None:
    """`old_source`: the src folder of another checkout, run alternately with this one
    against the same server, so that both see the same load."""
    from ecrrepl.sandbox.launcher import moto_server

    load = os.getloadavg()
    server = "closes every connection" if close_connections else "keeps connections open"
    print(
        f"diff over an organisation, a fresh process per run, median of {runs}"
        f" (moto server on 127.0.0.1 that {server}; load average"
        f" {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs)"
    )
    # Each side: the src folder it runs (None: this checkout's), or FLOOR_FLAG for the
    # same calls without ecrrepl (floor_child).
    sides: dict[str, str | None] = {"new": None, "floor": FLOOR_FLAG}
    if old_source is not None:
        sides = {"old": old_source, **sides}
    rows: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    with (
        tempfile.TemporaryDirectory() as folder,
        moto_server(close_connections=close_connections) as endpoint,
    ):
        env = fake_environment(Path(folder), endpoint)
        for count in ACCOUNT_COUNTS:
            path = Path(folder) / f"org-{count}.yaml"
            path.write_text(configuration_text(count))
            measured: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
            for _ in range(runs):
                for side, source in sides.items():
                    if source == FLOOR_FLAG:
                        measured[side].append(one_run(str(count), env, floor=True))
                        continue
                    side_env = env if source is None else {**env, "PYTHONPATH": source}
                    measured[side].append(one_run(str(path), side_env))
            for side in sides:
                rows[side].append(_median_row(measured[side], count * len(REGIONS)))
    for side in sides:
        _print_rows(side, rows[side])
    for side in sides:
        if side != "floor":
            last, floor = rows[side][-1], rows["floor"][-1]
            ratio = last["cpu"] / floor["cpu"]
            print(f"  {side} CPU at {last['registries']} registries: {ratio:.2f}x the floor")
    load = os.getloadavg()
    print(f"  load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    last = rows["new"][-1]
    print(f"  calls at {last['registries']} registries: {dict(sorted(last['calls'].items()))}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD_FLAG:
        child(sys.argv[2:])
    elif len(sys.argv) > 2 and sys.argv[1] == FLOOR_FLAG:
        floor_child(int(sys.argv[2]))
    else:
        import argparse

        parser = argparse.ArgumentParser(description="diff over 40, 200 and 400 registries")
        parser.add_argument(
            "--close-connections",
            action="store_true",
            help="a server that closes every connection after one answer (werkzeug's own)",
        )
        parser.add_argument(
            "--old", metavar="SRC", help="the src folder of another checkout, run alternately"
        )
        parser.add_argument("--runs", type=int, default=RUNS, help="runs per size and side")
        options = parser.parse_args()
        bench_org(
            close_connections=options.close_connections,
            old_source=options.old,
            runs=options.runs,
        )
