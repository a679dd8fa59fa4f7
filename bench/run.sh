#!/bin/sh
# Runs Hearth's benchmarks and prints the tables; results go to bench/results/latest.json.
#
#   bench/run.sh --quick    N = 100 only, no Heat, small counts, BenchmarkDotNet dry run (CI; well under 2 minutes)
#   bench/run.sh --full     everything: N = 100 / 1,000 / 10,000, real OpenStack Heat 19 beside it at 100 / 1,000,
#                           Ansible beside it, the critical-path DAG, BenchmarkDotNet (tens of minutes; Heat dominates)
#   bench/run.sh --full --skip heat,bdn      leave sections out (scale, heat, api, ansible, dag, ssh, bdn)
#   bench/run.sh --full --only api           hearth server's API beside Heat's, and 50 SSE clients (bench/api_bench.py)
#
# See bench/README.md and docs/performance.md.
set -eu
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
