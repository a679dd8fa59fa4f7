#!/bin/sh
# The frontend: an HTTP proxy on a free port that forwards every request to the backend named in the file
# "backend" (read per request). UPDATE only rewrites that file, so repointing drops no request.
set -eu
# LISTEN: the server's address, where the other servers reach it (127.0.0.1 when they all are this machine).
addr=${LISTEN:-127.0.0.1}

case "$deploy_action" in
  CREATE|UPDATE)
    # Replace the file in one rename: a request sees the old address or the new one, never half of one.
    printf '%s' "$BACKEND_ADDR" > backend.new && mv backend.new backend
    if [ ! -f proxy.pid ] || ! kill -0 "$(cat proxy.pid)" 2>/dev/null; then
      cat > proxy.py <<'PY'
import http.server, os, sys, urllib.request, urllib.error
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open("backend") as f:
            backend = f.read().strip()
        try:
            with urllib.request.urlopen(f"http://{backend}{self.path}", timeout=5) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        except OSError as e:
            status, body = 502, f"bad gateway: {e}\n".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer((sys.argv[1], 0), Handler)
# Written aside and renamed: whoever reads the port file (this script, a monitor) never sees it empty or half written.
with open("port.new", "w") as f:
    f.write(str(server.server_address[1]))
os.replace("port.new", "port")
server.serve_forever()
PY
      rm -f port
      setsid python3 proxy.py "$addr" >proxy.log 2>&1 </dev/null &
      echo $! > proxy.pid
      i=0
      while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
      [ -s port ] || { echo "the frontend did not start" >&2; cat proxy.log >&2; exit 1; }
    fi
    printf 'http://%s:%s/' "$addr" "$(cat port)" > "${heat_outputs_path}.url"
    echo "frontend on port $(cat port) -> $BACKEND_ADDR"
    ;;
  DELETE)
    if [ -f proxy.pid ] && kill -0 "$(cat proxy.pid)" 2>/dev/null; then kill "$(cat proxy.pid)"; fi
    rm -f proxy.pid
    echo "frontend stopped"
    ;;
esac
