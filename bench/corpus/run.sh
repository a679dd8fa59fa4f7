#!/bin/sh
# Heat compatibility corpus: public HOT templates judged by real Heat 19 and by Hearth, compared.
# Not run by CI. See bench/corpus/run.py --help and docs/performance.md ("Heat compatibility corpus").
set -eu
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
