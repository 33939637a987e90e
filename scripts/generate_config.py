"""Generate a large, valid configuration: N registries x R rules x F filters.

Used by the benchmarks (`make bench`) and by tests that check the linter scales.
"""

from __future__ import annotations

import argparse
import sys

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1"]


def generate(registries: int, rules: int = 10, filters: int = 20) -> str:
    lines = ["version: 1", "registries:"]
    for i in range(registries):
        account = f"{100000000000 + i:012d}"
        source = REGIONS[i % len(REGIONS)]
        targets = [r for r in REGIONS if r != source]
        lines += [f'  - account: "{account}"', f"    region: {source}", "    rules:"]
        for r in range(rules):
            lines += [f"      - name: rule-{r}", "        filters:"]
            lines += [f"          - team{r}/service{k}/" for k in range(filters)]
            lines += [
                "        destinations:",
                f"          - region: {targets[r % len(targets)]}",
                f"          - region: {targets[(r + 1) % len(targets)]}",
            ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("registries", type=int)
    parser.add_argument("--rules", type=int, default=10)
    parser.add_argument("--filters", type=int, default=20)
    args = parser.parse_args()
    sys.stdout.write(generate(args.registries, args.rules, args.filters))


if __name__ == "__main__":
    main()
