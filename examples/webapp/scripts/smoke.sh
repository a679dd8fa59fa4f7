#!/bin/sh
# The smoke test: a request through the frontend must reach the backend version this update expects.
set -eu
body=$(python3 - "$FRONTEND_URL" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        print(r.read().decode().strip())
except urllib.error.HTTPError as e:
    print(f"HTTP {e.code}: {e.read().decode().strip()}")
except OSError as e:
    print(f"unreachable: {e}")
PY
)
if [ "$body" != "backend $EXPECTED" ]; then
  echo "smoke test failed: $FRONTEND_URL answered '$body', expected 'backend $EXPECTED'" >&2
  exit 1
fi
echo "ok: $body"
