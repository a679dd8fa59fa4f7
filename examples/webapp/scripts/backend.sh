#!/bin/sh
# The backend: a small HTTP service answering "backend VERSION" on a free port.
# Runs in its deployment's own working folder, which it keeps across actions (pid and port files live there).
set -eu
# LISTEN: the server's address, where the other servers reach it (127.0.0.1 when they all are this machine).
addr=${LISTEN:-127.0.0.1}

stop() {
  if [ -f server.pid ] && kill -0 "$(cat server.pid)" 2>/dev/null; then
    kill "$(cat server.pid)"
  fi
  rm -f server.pid
}

case "$deploy_action" in
  CREATE|UPDATE)
    stop
    cat > backend.py <<'PY'
import http.server, os, sys
version = sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 500 if version == "broken" else 200
        body = f"backend {version}\n".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer((sys.argv[3], 0), Handler)
# Written aside and renamed: whoever reads the port file (this script, a monitor) never sees it empty or half written.
with open("port.new", "w") as f:
    f.write(str(server.server_address[1]))
os.replace("port.new", "port")
server.serve_forever()
PY
    rm -f port
    # The server outlives this script: its own session, and no hold on the script's output.
    setsid python3 backend.py serve "$version" "$addr" >server.log 2>&1 </dev/null &
    echo $! > server.pid
    i=0
    while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s port ] || { echo "the backend did not start" >&2; cat server.log >&2; exit 1; }
    printf '%s:%s' "$addr" "$(cat port)" > "${heat_outputs_path}.host_and_port"
    echo "backend $version listening on $addr:$(cat port)"
    ;;
  DELETE)
    stop
    echo "backend $version stopped"
    ;;
esac
