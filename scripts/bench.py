"""Benchmarks behind `make bench`: medians of repeated runs, never timed tests.

Sections:
  validate   wall time of `ecrrepl validate configs/example.yaml` against
             `python -c "import yaml"` in the same run (budget: at most 2x)
  scale      validate on generated files of 50, 100 and 200 registries x 10 rules x
             20 filters (budget: 200 under 3 s, growing linearly)
  cfn-lint   cfn-lint on equivalent CloudFormation templates, when it is installed
  diff       AWS calls of `diff` on 40 registries against the budget, and its wall
             time with 100 ms added to every call, against a sequential baseline

Run one section: `python scripts/bench.py validate`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from generate_config import generate  # noqa: E402

BIN = Path(sys.executable).parent
ECRREPL = str(BIN / "ecrrepl")


def median_wall(command: Sequence[str], runs: int = 15, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_validate() -> None:
    example = str(ROOT / "configs" / "example.yaml")
    # An installed wheel ships compiled bytecode; an editable install under
    # PYTHONDONTWRITEBYTECODE would recompile ecrrepl on every run instead.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "ecrrepl")], check=False
    )
    # Warm the OS caches first.
    subprocess.run([ECRREPL, "validate", example], capture_output=True, check=False)
    # Interleaved, so that a noisy neighbour slows both sides alike.
    baseline_times: list[float] = []
    our_times: list[float] = []
    for _ in range(31):
        baseline_times.append(median_wall([sys.executable, "-c", "import yaml"], runs=1))
        our_times.append(median_wall([ECRREPL, "validate", example], runs=1))
    baseline = statistics.median(baseline_times)
    ours = statistics.median(our_times)
    ratio = ours / baseline
    print("validate configs/example.yaml")
    print(f"  python -c 'import yaml'   median {baseline * 1000:7.1f} ms")
    print(f"  ecrrepl validate          median {ours * 1000:7.1f} ms")
    verdict = "ok" if ratio <= 2 else "OVER"
    print(f"  ratio                     {ratio:.2f}x   (budget 2.00x: {verdict})")
    check = subprocess.run(
        [sys.executable, "-c",
         "import sys; from ecrrepl.cli import main; sys.argv=['ecrrepl','validate',sys.argv[1]];\n"
         "try:\n main()\nexcept SystemExit: pass\n"
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3','botocore')))",
         example],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(
        f"  boto3/botocore modules imported by validate: {check.stdout.strip().splitlines()[-1:]}"
    )


def bench_scale() -> None:
    print("validate on generated files (registries x 10 rules x 20 filters)")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for count in (50, 100, 200):
            path = Path(folder) / f"gen-{count}.yaml"
            path.write_text(generate(count))
            seconds = median_wall([ECRREPL, "validate", str(path)], runs=5)
            rows.append((count, seconds, path.stat().st_size))
    for count, seconds, size in rows:
        per = seconds / count * 1000
        print(
            f"  {count:4d} registries ({size / 1e6:4.1f} MB)"
            f"  median {seconds:6.2f} s   {per:5.2f} ms/registry"
        )
    growth = rows[-1][1] / rows[0][1]
    print(f"  200 vs 50 registries: {growth:.2f}x the time for 4x the input (linear: ~4x)")
    print(f"  budget: 200 registries under 3 s: {'ok' if rows[-1][1] < 3 else 'OVER'}")


def cloudformation_template(registries: int) -> str:
    import yaml
    from generate_config import REGIONS

    resources = {}
    for i in range(registries):
        source = REGIONS[i % len(REGIONS)]
        targets = [r for r in REGIONS if r != source]
        rules = []
        for r in range(10):
            rules.append(
                {
                    "Destinations": [
                        {
                            "Region": targets[r % len(targets)],
                            "RegistryId": f"{100000000000 + i:012d}",
                        },
                        {
                            "Region": targets[(r + 1) % len(targets)],
                            "RegistryId": f"{100000000000 + i:012d}",
                        },
                    ],
                    "RepositoryFilters": [
                        {"Filter": f"team{r}/service{k}/", "FilterType": "PREFIX_MATCH"}
                        for k in range(20)
                    ],
                }
            )
        resources[f"Replication{i}"] = {
            "Type": "AWS::ECR::ReplicationConfiguration",
            "Properties": {"ReplicationConfiguration": {"Rules": rules}},
        }
    return yaml.safe_dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


def bench_cfn_lint() -> None:
    cfn_lint = shutil.which("cfn-lint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if cfn_lint is None:
        print("cfn-lint: not installed (pip install cfn-lint), comparison skipped")
        return
    print("cfn-lint on equivalent CloudFormation templates (AWS::ECR::ReplicationConfiguration)")
    with tempfile.TemporaryDirectory() as folder:
        for count, runs in ((1, 5), (200, 3)):
            template = Path(folder) / f"cfn-{count}.yaml"
            template.write_text(cloudformation_template(count))
            config = Path(folder) / f"ecrrepl-{count}.yaml"
            config.write_text(generate(count))
            theirs = median_wall([cfn_lint, str(template)], runs=runs)
            ours = median_wall([ECRREPL, "validate", str(config)], runs=runs)
            print(
                f"  {count:4d} registries: cfn-lint {theirs:6.2f} s"
                f"   ecrrepl validate {ours:6.2f} s   ({theirs / ours:.1f}x faster)"
            )


SECTIONS: dict[str, Callable[[], None]] = {
    "validate": bench_validate,
    "scale": bench_scale,
    "cfn-lint": bench_cfn_lint,
}


def main(argv: list[str]) -> None:
    try:
        from bench_diff import bench_diff

        SECTIONS["diff"] = bench_diff
    except ImportError:
        pass
    chosen = argv or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
