#!/usr/bin/env python3
"""Writes a HOT template of N OS::Heat::None resources to stdout, for whole-run scale measurements.

    gen-scale.py N flat|chain|fan

flat:  N independent resources.
chain: r1 depends on r0, r2 on r1, ... (no parallelism at all).
fan:   one root, N-1 resources that each depend on it.

Example: bench/scenarios/gen-scale.py 10000 flat > /tmp/flat.yaml
         /usr/bin/time -v ./hearth --state /tmp/scale stack create flat -t /tmp/flat.yaml
"""
import sys


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[2] not in ("flat", "chain", "fan") or not sys.argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    count, shape = int(sys.argv[1]), sys.argv[2]
    out = ["heat_template_version: 2021-04-16", "resources:"]
    for i in range(count):
        out.append(f"  r{i}:")
        out.append("    type: OS::Heat::None")
        if shape == "chain" and i > 0:
            out.append(f"    depends_on: [r{i - 1}]")
        elif shape == "fan" and i > 0:
            out.append("    depends_on: [r0]")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
