"""Benchmark section `diff`: the AWS calls of `ecrrepl diff` and its wall time.

The configuration: 40 source registries (8 accounts x 5 regions; one account reached
with the base credentials, the others by role_arn), each sending `prod/` and `base/`
to one of 4 disaster-recovery accounts (3 regions each: 12 cross-account destination
registries) and `tools/` to its own account, plus creation templates in 8 of the
destination registries. The live state is arranged so that the diff has work to do:
configurations equal, partial and missing, and two whose live rules still send to a
registry the file no longer names (whose policy must then be read too).

`ecrrepl.commands.diff.diff` runs in this process, with fresh sessions each run, as a
command would. Every client that `Sessions` creates counts its calls (botocore
`before-parameter-build`: once per call, retries excluded) and, for the timed runs,
sleeps 100 ms in `before-send` (once per HTTP attempt, ahead of moto's own handler).
The sleep releases the GIL, so calls in different threads overlap; the peak number in
flight is printed to show it.

Two emulators: moto in-process (`mock_aws`, which takes no lock around a request),
and a moto server in another process (src/ecrrepl/sandbox/launcher.py), reached over HTTP on
127.0.0.1 as the command reaches AWS. In-process, moto's own work and its heap share
the GIL and the garbage collector with the run; against the server, this process
holds only what the command holds, so that column is the one to judge the command by.
The call counts come from the in-process run (and must equal the server's); the
sequential baseline (one worker, one identity check at a time) is measured against
the server only, since it alone takes over 10 s.
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

ADDED_LATENCY = 0.1
BUDGET_SECONDS = 1.5
TIMED_RUNS = 3
DEFAULT_WORKERS = 32  # ecrrepl.aws.reader.DEFAULT_MAX_WORKERS

BASE_ACCOUNT = "123456789012"  # moto's account for the fake base credentials
SOURCE_ACCOUNTS = [BASE_ACCOUNT, *(f"1111111111{n:02d}" for n in range(1, 8))]
SOURCE_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"]
# Same-account copies go to a region that is no source, so no chain (W114) arises.
OWN_COPY_REGION = {"us": "us-west-1", "eu": "eu-west-2"}
DR_ACCOUNTS = [f"2222222222{n:02d}" for n in range(1, 5)]
DR_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
TEMPLATED_DR_REGIONS = DR_REGIONS[:2]
TEMPLATE_PREFIXES = ["prod", "base"]
# A region the file no longer sends to, still named by the live rules of two sources.
RETIRED_DR_REGION = "ap-southeast-2"
SOURCES_WITH_RETIRED_RULES = (3, 6)
IDENTITY_OPERATIONS = {"AssumeRole", "GetCallerIdentity"}

Address = tuple[str, str]  # (account, region)
CallKey = tuple[str, str, str]  # (operation, account, region)


# --- the configuration and the live state ----------------------------------------------


@dataclass(frozen=True)
class Source:
    account: str
    region: str
    index: int

    @property
    def dr_destination(self) -> Address:
        return DR_ACCOUNTS[self.index % len(DR_ACCOUNTS)], DR_REGIONS[self.index % len(DR_REGIONS)]

    @property
    def own_copy(self) -> Address:
        return self.account, OWN_COPY_REGION[self.region[:2]]

    @property
    def retired_destination(self) -> Address | None:
        if self.index not in SOURCES_WITH_RETIRED_RULES:
            return None
        return self.dr_destination[0], RETIRED_DR_REGION


SOURCES = [
    Source(account, region, index)
    for index, (account, region) in enumerate(
        (account, region) for account in SOURCE_ACCOUNTS for region in SOURCE_REGIONS
    )
]


def configuration_text() -> str:
    lines = ["version: 1", "accounts:"]
    for account in [*SOURCE_ACCOUNTS[1:], *DR_ACCOUNTS]:
        lines.append(f'  "{account}": {{role_arn: "arn:aws:iam::{account}:role/ecrrepl"}}')
    lines.append("registries:")
    for source in SOURCES:
        dr_account, dr_region = source.dr_destination
        lines += [
            f'  - account: "{source.account}"',
            f"    region: {source.region}",
            "    rules:",
            "      - name: prod",
            "        filters: [prod/, base/]",
            f'        destinations: [{{account: "{dr_account}", region: {dr_region}}}]',
            "      - name: tools",
            "        filters: [tools/]",
            f"        destinations: [{{region: {source.own_copy[1]}}}]",
        ]
    lines.append("templates:")
    for account in DR_ACCOUNTS:
        for region in TEMPLATED_DR_REGIONS:
            for prefix in TEMPLATE_PREFIXES:
                lines.append(
                    f'  - {{account: "{account}", region: {region}, prefix: {prefix},'
                    " image_tag_mutability: IMMUTABLE}"
                )
    return "\n".join(lines) + "\n"


def api_rule(prefixes: list[str], *destinations: Address) -> dict[str, Any]:
    return {
        "destinations": [{"registryId": a, "region": r} for a, r in destinations],
        "repositoryFilters": [{"filter": p, "filterType": "PREFIX_MATCH"} for p in prefixes],
    }


FOREIGN_POLICY_TEXT = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "PullThroughCache", "Effect": "Allow",'
    ' "Principal": {"AWS": "arn:aws:iam::ACCOUNT:root"},'
    ' "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],'
    ' "Resource": "*"}]}'
)


def arrange_live_state() -> None:
    """Replication, policies and templates in the emulator, equal to the file or not."""
    import boto3

    sts = boto3.client("sts", region_name="us-east-1")
    sessions: dict[str, Any] = {}

    def ecr(account: str, region: str) -> Any:
        if account not in sessions:
            credentials = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="bench-setup"
            )["Credentials"]
            sessions[account] = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
        return sessions[account].client("ecr", region_name=region)

    for source in SOURCES:
        rules = {
            0: [api_rule(["prod/", "base/"], source.dr_destination),
                api_rule(["tools/"], source.own_copy)],
            1: [api_rule(["prod/"], source.dr_destination)],
            2: [],
            3: [api_rule(["prod/", "base/"], source.dr_destination)],
        }[source.index % 4]  # fmt: skip
        if source.retired_destination is not None:
            rules.append(api_rule(["legacy/"], source.retired_destination))
        if rules:
            ecr(source.account, source.region).put_replication_configuration(
                replicationConfiguration={"rules": rules}
            )
    for n, account in enumerate(DR_ACCOUNTS):
        client = ecr(account, DR_REGIONS[n % len(DR_REGIONS)])
        client.put_registry_policy(policyText=FOREIGN_POLICY_TEXT.replace("ACCOUNT", account))
        client = ecr(account, TEMPLATED_DR_REGIONS[0])
        client.create_repository_creation_template(prefix="prod", appliedFor=["REPLICATION"])
        client.create_repository_creation_template(prefix="legacy", appliedFor=["REPLICATION"])


# --- the call budget (docs/architecture.md), derived from the data above, not the reader ---


@dataclass(frozen=True)
class Budget:
    operation: str
    meaning: str
    keys: frozenset[CallKey]  # each exactly once


def call_budget() -> list[Budget]:
    role_accounts = [*SOURCE_ACCOUNTS[1:], *DR_ACCOUNTS]
    every_account = [*SOURCE_ACCOUNTS, *DR_ACCOUNTS]
    declared = {s.dr_destination for s in SOURCES}
    retired = {s.retired_destination for s in SOURCES} - {None}
    # STS goes to the smallest region the file uses in each account (Sessions.for_config).
    used: dict[str, set[str]] = {}
    for source in SOURCES:
        for account, region in (
            (source.account, source.region),
            source.dr_destination,
            source.own_copy,
        ):
            used.setdefault(account, set()).add(region)
    home = {account: min(regions) for account, regions in used.items()}
    templated = {(a, r) for a in DR_ACCOUNTS for r in TEMPLATED_DR_REGIONS}
    destinations = declared | {s.own_copy for s in SOURCES}
    return [
        Budget(
            "AssumeRole",
            f"one per account reached by role_arn ({len(role_accounts)})",
            frozenset(("AssumeRole", a, home[a]) for a in role_accounts),
        ),
        Budget(
            "GetCallerIdentity",
            f"one per account reached ({len(every_account)})",
            frozenset(("GetCallerIdentity", a, home[a]) for a in every_account),
        ),
        Budget(
            "DescribeRegistry",
            f"one per source registry ({len(SOURCES)})",
            frozenset(("DescribeRegistry", s.account, s.region) for s in SOURCES),
        ),
        Budget(
            "GetRegistryPolicy",
            f"one per cross-account destination ({len(declared)} in the file"
            f" + {len(retired)} only in live rules)",
            frozenset(("GetRegistryPolicy", *a) for a in declared | retired if a is not None),
        ),
        Budget(
            "DescribeRepositoryCreationTemplates",
            f"one listing per templated registry ({len(templated)})",
            frozenset(("DescribeRepositoryCreationTemplates", a, r) for a, r in templated),
        ),
        Budget(
            "DescribeRepositories",
            f"one listing per destination registry in the file ({len(destinations)})",
            frozenset(("DescribeRepositories", a, r) for a, r in destinations),
        ),
    ]


# --- observing one run ---------------------------------------------------------------------


@dataclass
class CallLog:
    """The calls, HTTP attempts and clients of one run, and how many calls overlapped."""

    latency: float = 0.0
    calls: list[tuple[CallKey, float]] = field(default_factory=list)
    attempts: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    clients_created: int = 0
    client_seconds: float = 0.0
    client_keys: set[tuple[str, str, str]] = field(default_factory=set)
    started: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count_call(
        self, account: str, region: str, model: Any, params: dict[str, Any], **_: Any
    ) -> None:
        if model.name == "AssumeRole":
            # Made with the base credentials; what it reaches is the role's account.
            account = params["RoleArn"].split(":")[4]
        with self.lock:
            self.calls.append(((model.name, account, region), time.perf_counter() - self.started))

    def send(self, **_: Any) -> None:
        with self.lock:
            self.attempts += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        time.sleep(self.latency)
        with self.lock:
            self.in_flight -= 1

    def counts(self) -> Counter[CallKey]:
        return Counter(key for key, _ in self.calls)

    def operations(self) -> Counter[str]:
        return Counter(operation for (operation, _, _), _ in self.calls)

    def span(self, operations: set[str]) -> tuple[float, float]:
        times = [at for (operation, _, _), at in self.calls if operation in operations]
        return min(times), max(times) + self.latency


def counting_sessions_class(log: CallLog) -> type[Any]:
    from ecrrepl.aws import acting
    from ecrrepl.aws.session import Sessions

    class CountingSessions(Sessions):
        """Sessions whose clients report each call, labelled with the account acted as."""

        def _new_client(self, source: Any, service: str, region: str) -> Any:
            started = time.perf_counter()
            client = super()._new_client(source, service, region)
            with log.lock:
                log.clients_created += 1
                log.client_seconds += time.perf_counter() - started
            # A client serves several accounts: each call is counted as the one it acts as.
            client.meta.events.register("before-parameter-build", partial(count_acting, region))
            client.meta.events.register_first("before-send", log.send)
            return client

        def _cached_client(self, key: tuple[str, str, str], source: Callable[[], Any]) -> Any:
            client = super()._cached_client(key, source)
            with log.lock:
                log.client_keys.add(key)
            return client

    def count_acting(region: str, **kwargs: Any) -> None:
        log.count_call(acting.current().account or BASE_ACCOUNT, region, **kwargs)

    return CountingSessions


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # every thread of this process
    log: CallLog
    plan_text: str


def run_diff(config_path: str, latency: float, *, sequential: bool = False) -> Run:
    """One `ecrrepl diff`, with fresh sessions as a new command would have."""
    import ecrrepl.aws.identity
    import ecrrepl.aws.reader
    import ecrrepl.commands.diff

    log = CallLog(latency=latency)
    sessions_class = counting_sessions_class(log)
    out = io.StringIO()
    with ExitStack() as patches:
        patches.enter_context(patch.object(
            ecrrepl.commands.diff, "open_sessions",
            lambda config, profile: sessions_class.for_config(config, profile=profile),
        ))  # fmt: skip
        if sequential:
            read = partial(ecrrepl.aws.reader.read_state, max_workers=1)
            patches.enter_context(patch.object(ecrrepl.aws.reader, "read_state", read))
            patches.enter_context(patch.object(ecrrepl.aws.identity, "MAX_PARALLEL_CHECKS", 1))
        cpu_started = time.process_time()
        log.started = time.perf_counter()
        code = ecrrepl.commands.diff.diff([config_path], out=out)
        seconds = time.perf_counter() - log.started
        cpu_seconds = time.process_time() - cpu_started
    if code != 0:
        raise SystemExit(f"diff exited with {code}:\n{out.getvalue()[-2000:]}")
    return Run(seconds, cpu_seconds, log, out.getvalue())


# --- measuring and reporting -----------------------------------------------------------------


def report_calls(run: Run) -> None:
    log = run.log
    counts = log.counts()
    budgets = call_budget()
    summary = [line for line in run.plan_text.splitlines() if line.startswith("Plan:")]
    print(f"diff on {len(SOURCES)} registries: AWS calls against the budget (moto in-process)")
    print(
        f"  {' '.join(summary) or 'Plan: (no summary line)'}"
        f" {len(log.calls)} calls in {log.attempts} HTTP attempts"
    )
    budgeted = {b.operation for b in budgets}
    for budget in budgets:
        made = Counter({k: n for k, n in counts.items() if k[0] == budget.operation})
        repeated = sum(n - 1 for n in made.values() if n > 1)
        unexpected = sum(n for k, n in made.items() if k not in budget.keys)
        missing = len(budget.keys - set(made))
        verdict = "OVER" if repeated or unexpected else "UNDER" if missing else "ok"
        print(
            f"  {budget.operation:36s} {sum(made.values()):3d} of {len(budget.keys):3d}"
            f"  {budget.meaning}; repeated {repeated}, unexpected {unexpected},"
            f" missing {missing}: {verdict}"
        )
    for operation, n in sorted(
        Counter(k[0] for k in counts.elements() if k[0] not in budgeted).items()
    ):
        print(f"  {operation:36s} {n:3d} of   0  not in the budget: OVER")
    retries = log.attempts - len(log.calls)
    print(f"  retried attempts: {retries}: {'ok' if retries == 0 else 'OVER'}")


@dataclass
class Timing:
    quiet: Run
    concurrent: list[Run]
    sequential: Run | None

    @property
    def median(self) -> Run:
        return sorted(self.concurrent, key=lambda run: run.seconds)[len(self.concurrent) // 2]


def measure(config_path: str, *, with_sequential: bool) -> tuple[Run, Timing]:
    # The first run warms imports and the emulator: counted, never timed.
    first = run_diff(config_path, 0.0)
    quiet = run_diff(config_path, 0.0)
    concurrent = [run_diff(config_path, ADDED_LATENCY) for _ in range(TIMED_RUNS)]
    sequential = None
    if with_sequential:
        sequential = run_diff(config_path, ADDED_LATENCY, sequential=True)
    return first, Timing(quiet, concurrent, sequential)


def latency_floor(calls: Counter[CallKey]) -> tuple[float, int]:
    """Wall time of the latencies alone with the default pool, roughly: AssumeRole, then
    GetCallerIdentity, then the reads in rounds of DEFAULT_WORKERS (live-only policies
    last). Reads of an account may start before other accounts' checks end."""
    reads = sum(n for key, n in calls.items() if key[0] not in IDENTITY_OPERATIONS)
    rounds = 2 + math.ceil(reads / DEFAULT_WORKERS)
    return rounds * ADDED_LATENCY, rounds


def span_text(log: CallLog, operations: set[str]) -> str:
    first, last = log.span(operations)
    return f"{first:.2f}-{last:.2f} s"


def concurrent_cells(timing: Timing) -> list[tuple[str, str]]:
    median = timing.median
    reads = set(median.log.operations()) - IDENTITY_OPERATIONS
    verdict = "ok" if median.seconds < BUDGET_SECONDS else "OVER"
    return [
        ("no added latency (1 run)", f"{timing.quiet.seconds:.2f} s"),
        (f"concurrent, default pool (median of {TIMED_RUNS})", f"{median.seconds:.2f} s"),
        ("  runs", " ".join(f"{run.seconds:.2f}" for run in timing.concurrent)),
        ("  CPU time of this process (median run)", f"{median.cpu_seconds:.2f} s"),
        ("  peak calls in flight", str(median.log.peak_in_flight)),
        ("  AssumeRole and GetCallerIdentity", span_text(median.log, IDENTITY_OPERATIONS)),
        ("  reads", span_text(median.log, reads)),
        (
            "  clients created (distinct)",
            f"{median.log.clients_created} ({len(median.log.client_keys)})",
        ),
        (f"  budget: under {BUDGET_SECONDS} s", verdict),
    ]


def sequential_cells(timing: Timing) -> list[tuple[str, str]]:
    labels = [
        "sequential: 1 worker, 1 identity check",
        "  minus the summed latencies",
        "  of which creating clients",
        "speed-up",
    ]
    sequential = timing.sequential
    if sequential is None:
        return [(label, "-") for label in labels]
    local_work = sequential.seconds - len(sequential.log.calls) * ADDED_LATENCY
    per_client = sequential.log.client_seconds / max(sequential.log.clients_created, 1)
    return list(
        zip(
            labels,
            [
                f"{sequential.seconds:.2f} s",
                f"{local_work:.2f} s",
                f"{sequential.log.clients_created} x {per_client * 1000:.1f} ms",
                f"{sequential.seconds / timing.median.seconds:.1f}x",
            ],
            strict=True,
        )
    )


def report_time(timings: dict[str, Timing], load: float) -> None:
    some_run = next(iter(timings.values())).median.log
    floor, rounds = latency_floor(some_run.counts())
    print(
        f"diff on {len(SOURCES)} registries, {ADDED_LATENCY * 1000:.0f} ms added to each of"
        f" its {len(some_run.calls)} AWS calls (load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    columns = [concurrent_cells(t) + sequential_cells(t) for t in timings.values()]
    print(f"  {'':42s}" + "".join(f"{name:>18s}" for name in timings))
    for row, (label, _) in enumerate(columns[0]):
        print(f"  {label:42s}" + "".join(f"{column[row][1]:>18s}" for column in columns))
    print(
        f"  the latencies alone, {DEFAULT_WORKERS} workers: {floor:.2f} s"
        f" ({rounds} rounds of calls one after another)"
    )
    if load > (os.cpu_count() or 1) * 0.5:
        print(
            "  note: other work was running on this machine; wall times are inflated,"
            " the CPU time of this process less so"
        )


@contextmanager
def fake_aws_environment(folder: Path) -> Iterator[None]:
    """Fake credentials only: nothing of the machine's AWS setup, no real endpoint."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "MOTO_ACCOUNT_ID":
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(folder / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def bench_diff() -> None:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from ecrrepl.sandbox.launcher import moto_server

    # Other work on the machine shows in wall times; said with them.
    load = os.getloadavg()[0]
    timings: dict[str, Timing] = {}
    with tempfile.TemporaryDirectory() as folder, fake_aws_environment(Path(folder)):
        config_path = str(Path(folder) / "ecrrepl.yaml")
        Path(config_path).write_text(configuration_text())
        # The server first, so that moto's modules are not yet in this process's heap.
        with moto_server() as endpoint:
            os.environ["AWS_ENDPOINT_URL"] = endpoint
            arrange_live_state()
            over_http, timings["moto server"] = measure(config_path, with_sequential=True)
            del os.environ["AWS_ENDPOINT_URL"]

        from moto import mock_aws

        from ecrrepl.sandbox.ecr_gaps import install as close_moto_gaps

        close_moto_gaps()
        with mock_aws():
            arrange_live_state()
            counted, timings["moto in-process"] = measure(config_path, with_sequential=False)
    report_calls(counted)
    same = counted.log.counts() == over_http.log.counts()
    print(f"  the same calls against the moto server: {'yes' if same else 'NO'}")
    print()
    report_time(timings, load)


if __name__ == "__main__":
    bench_diff()
