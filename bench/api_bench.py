#!/usr/bin/python3
"""`hearth server` through its API beside OpenStack Heat 19's API, and 50 live event streams (docs/performance.md).

    bench/api_bench.py [--quick] [--no-heat] [--hearth PATH] [--heat-timeout S] [--out FILE]
    bench/run.sh --only api [--quick | --full]        (the same, as a section of run.sh)

Operations: one warm `hearth server` (token auth, its own state folder; a small stack created, updated and deleted
first so that nothing is cold) and a standalone heat-all (../shared/tools/heat/start-heat.sh, PostgreSQL; the legacy
engine for flat, convergence for chain: docs/performance.md says why) get the same requests for the same
bench/scenarios/gen.py templates: POST /stacks, PATCH with one parameter changed (`p`, used by one resource), DELETE.
Each is timed from the request to the stack's *_COMPLETE (DELETE: gone or DELETE_COMPLETE), polling
GET /stacks/NAME/ID the same way for both: every 2% of the time elapsed so far (at least 2 ms, at most 0.2 s), so the
poll adds at most 2% to any time. Hearth runs each operation --repeats times (the median is reported), Heat once,
each Heat operation bounded by --heat-timeout.

Live events: --clients SSE clients on GET /v1/admin/events/stream (several processes, asyncio each) follow the create
of an N-resource flat stack. Every client must get every event of the stack exactly once (the event ids compared with
the store's, sequence numbers strictly increasing), until the stack's CREATE_COMPLETE. Lag = the moment a client read
the event minus the event's timestamp in the store (taken when the engine records it, before its group commit): p50,
p99, max over all clients and events. Then the stack's events are paged through Heat's event list (limit 1,000 and
marker) and compared with the same ids.

Nothing here asserts a time; the ratio is Heat / Hearth.
"""
import argparse
import asyncio
import datetime
import http.client
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
import run as bench  # noqa: E402  (run.py: building hearth, gen.py, starting Heat, tables)

OPS = ["create", "update", "delete"]


# ---------------------------------------------------------------- one HTTP API, Heat's or Hearth's

class Api:
    """Heat's v1 API over one kept-alive connection: Hearth with a token, Heat (noauth) with its user headers."""

    def __init__(self, endpoint, headers):
        url = urllib.parse.urlsplit(endpoint)
        self.host, self.port, self.base = url.hostname, url.port, url.path.rstrip("/")
        self.headers = dict(headers, **{"Content-Type": "application/json", "Accept": "application/json"})
        self.conn = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=900)
            try:
                self.conn.request(method, self.base + path, body=data, headers=self.headers)
                r = self.conn.getresponse()
                raw = r.read()
                return r.status, (json.loads(raw) if raw and raw[:1] in b"{[" else raw)
            except (http.client.HTTPException, ConnectionError):
                # A server may close a kept-alive connection between requests: once more on a new one.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def expect(self, method, path, body=None, ok=(200, 201, 202, 204)):
        status, answer = self.call(method, path, body)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {status} {str(answer)[:600]}")
        return answer

    def close(self):
        if self.conn is not None:
            self.conn.close()


def wait_for(api, ref, action, t0, timeout):
    """Polls GET /stacks/REF until ACTION_COMPLETE (or _FAILED; DELETE also ends at 404). Returns (seconds, status)."""
    while True:
        status, answer = api.call("GET", f"/stacks/{ref}?resolve_outputs=False")
        now = time.monotonic()
        if status == 404 and action == "DELETE":
            return now - t0, "DELETE_COMPLETE"
        if status != 200:
            raise RuntimeError(f"GET /stacks/{ref}: HTTP {status} {str(answer)[:600]}")
        stack_status = answer["stack"]["stack_status"]
        if stack_status in (f"{action}_COMPLETE", f"{action}_FAILED"):
            return now - t0, stack_status
        if now - t0 > timeout:
            return None, f"timed out (limit {int(timeout)} s) at {stack_status}"
        time.sleep(min(0.2, max(0.002, (now - t0) * 0.02)))


def operations(api, name, template_text, timeout):
    """Create, one-parameter update, delete of one stack. Returns {op: {"wall", "ok", "status"}}; stops at a failure."""
    row = {}
    t0 = time.monotonic()
    created = api.expect("POST", "/stacks", {"stack_name": name, "template": template_text, "parameters": {},
                                             "disable_rollback": True, "timeout_mins": max(1, int(timeout / 60))})
    ref = f"{name}/{created['stack']['id']}"
    steps = [("create", "CREATE", None),
             ("update", "UPDATE", lambda: api.expect("PATCH", f"/stacks/{ref}", {"parameters": {"p": "p1"},
                                                                                 "timeout_mins": max(1, int(timeout / 60))})),
             ("delete", "DELETE", lambda: api.expect("DELETE", f"/stacks/{ref}"))]
    for op, action, request in steps:
        if request is not None:
            t0 = time.monotonic()
            request()
        wall, status = wait_for(api, ref, action, t0, timeout)
        ok = status == f"{action}_COMPLETE"
        row[op] = {"wall": round(wall, 4) if wall is not None else None, "ok": ok, "status": status}
        if not ok:
            for rest, _, _ in steps[[s[0] for s in steps].index(op) + 1:]:
                row[rest] = {"wall": None, "ok": False, "status": f"not run: {op} ended {status}"}
            if op != "delete":
                api.call("DELETE", f"/stacks/{ref}")
            break
    return row


# ---------------------------------------------------------------- hearth server

class HearthServer:
    def __init__(self, hearth, state):
        self.state = state
        os.makedirs(state, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        token = subprocess.run([hearth, "--state", state, "token", "create", "bench"], capture_output=True, text=True,
                               check=True, env=env).stdout.strip()
        self.process = subprocess.Popen([hearth, "--state", state, "server", "--urls", "http://127.0.0.1:0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.process.stdout.readline().strip()
        if not line.startswith("Listening on "):
            self.process.kill()
            raise RuntimeError(f"hearth server did not start: {line}")
        self.url = line[len("Listening on "):]
        self.endpoint = self.url + "/v1/admin"
        self.token = token
        self.headers = {"X-Auth-Token": token}

    def peak_rss_mb(self):
        return bench.heat_rss_mb(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hearth_rows(server, templates, repeats, timeout):
    api = Api(server.endpoint, server.headers)
    try:
        # Warm: the server's first requests JIT-compile the paths the measured ones take.
        for shape, (n, text) in templates.items():
            operations(api, f"warm-{shape}", text, timeout)
        rows = {}
        for shape, (n, text) in templates.items():
            runs = [operations(api, f"{shape}{n}-{i}", text, timeout) for i in range(repeats)]
            row = {"n": n, "runs": runs}
            for op in OPS:
                walls = [r[op]["wall"] for r in runs if r[op]["ok"]]
                row[op] = {"wall": round(statistics.median(walls), 4) if len(walls) == len(runs) else None,
                           "ok": len(walls) == len(runs), "all": [r[op]["wall"] for r in runs]}
                bench.log(f"   hearth server {shape:5} N={n:<5} {op:7} {bench.fmt_s(row[op]['wall'])} (runs {row[op]['all']})")
            rows[shape] = row
        return rows
    finally:
        api.close()


# ---------------------------------------------------------------- Heat

HEAT_HEADERS = {"X-Auth-User": "admin", "X-Auth-Project": "admin"}


def heat_rows(templates, timeout):
    rows = {}
    started = {}
    run_id = datetime.datetime.now().strftime("%H%M%S")
    try:
        for shape, (n, text) in templates.items():
            engine = bench.HEAT_ENGINES[shape]
            if engine not in started:
                started[engine] = bench.start_heat(engine)
            heat = started[engine]
            api = Api(heat["HEAT_URL"], HEAT_HEADERS)
            try:
                row = operations(api, f"api{run_id}-{shape}{n}", text, timeout)
            except (RuntimeError, OSError) as e:
                row = {op: {"wall": None, "ok": False, "status": str(e)[:300]} for op in OPS}
            finally:
                api.close()
            row.update(n=n, engine=engine, heat_all_peak_rss_mb=bench.heat_rss_mb(heat["pid"]))
            for op in OPS:
                bench.log(f"   heat ({engine:11}) {shape:5} N={n:<5} {op:7} {bench.fmt_s(row[op]['wall'])} {row[op]['status']}")
            rows[shape] = row
    finally:
        for heat in started.values():
            if heat["ours"]:
                bench.log(f">> stopping heat-all ({heat['engine']})")
                bench.stop_heat(heat)
    return rows


# ---------------------------------------------------------------- live events: SSE clients

async def follow(url, token, stack_name, ready, out):
    """One SSE client: reads the stream, stamps what it reads, stops at the stack's CREATE_COMPLETE."""
    u = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port)
    writer.write((f"GET {u.path}/v1/admin/events/stream HTTP/1.1\r\nHost: {u.netloc}\r\nX-Auth-Token: {token}\r\n"
                  "Accept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.decode(errors="replace"))
    chunked = b"transfer-encoding: chunked" in head.lower()
    ready()
    received = []  # (seconds since the epoch when read, raw bytes of what was read)
    end = f'"resource_name":"{stack_name}"'.encode()
    buffer = b""
    while True:
        data = await reader.read(1 << 20)
        if not data:
            break
        now = time.time()
        received.append((now, data))
        buffer = (buffer + data)[-4096:]
        # The stack's own CREATE_COMPLETE is the last event of its create.
        if end in buffer and b'"resource_status":"CREATE_COMPLETE"' in buffer and _has_stack_complete(buffer, end):
            break
    writer.close()
    out.append((chunked, received))


def _has_stack_complete(tail, end):
    for line in tail.split(b"\n"):
        if line.startswith(b"data: ") and end in line and b'"resource_status":"CREATE_COMPLETE"' in line \
                and b'"resource_type":"OS::Heat::Stack"' in line:
            return True
    return False


def parse_stream(chunked, received):
    """[(sequence, event id, stack name, read at)] from what one client read: a message counts as read when its last byte was."""
    raw = b"".join(d for _, d in received)
    read_ends, total = [], 0  # (offset in raw just past a read, when it was read)
    for t, d in received:
        total += len(d)
        read_ends.append((total, t))
    # The body, de-chunked, with (offset in body, offset in raw) at the end of each chunk.
    if chunked:
        body, chunk_ends, i = bytearray(), [], 0
        while i < len(raw):
            j = raw.index(b"\r\n", i)
            size = int(raw[i:j].split(b";")[0], 16)
            if size == 0:
                break
            body += raw[j + 2:j + 2 + size]
            chunk_ends.append((len(body), j + 2 + size))
            i = j + 2 + size + 2
        body = bytes(body)
    else:
        body, chunk_ends = raw, None
    events, pos, c, r = [], 0, 0, 0
    while (end := body.find(b"\n\n", pos)) >= 0:
        message, pos = body[pos:end], end + 2
        seq = payload = None
        for line in message.split(b"\n"):
            if line.startswith(b"id: "):
                seq = int(line[4:])
            elif line.startswith(b"data: "):
                payload = line[6:]
        if seq is None or payload is None:
            continue  # a keep-alive comment
        if chunk_ends is None:
            raw_end = end
        else:
            while chunk_ends[c][0] < end:
                c += 1
            raw_end = chunk_ends[c][1]
        while read_ends[r][0] < raw_end:
            r += 1
        evt = json.loads(payload)
        events.append((seq, evt["id"], evt["stack_name"], read_ends[r][1]))
    return events


def client_process(url, token, stack_name, count, ready_queue, result_queue):
    async def main():
        out = []
        tasks = [asyncio.create_task(follow(url, token, stack_name, lambda: ready_queue.put(1), out)) for _ in range(count)]
        await asyncio.gather(*tasks)
        return out

    streams = asyncio.run(main())
    result_queue.put([parse_stream(chunked, received) for chunked, received in streams])


def stored_times(state, stack_name):
    db = sqlite3.connect(f"file:{os.path.join(state, 'hearth.db')}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, sequence, time FROM events WHERE stack_name = ?", (stack_name,)).fetchall()
    finally:
        db.close()
    return {i: (s, datetime.datetime.strptime(t[:26] + "Z", "%Y-%m-%dT%H:%M:%S.%fZ")
                .replace(tzinfo=datetime.timezone.utc).timestamp()) for i, s, t in rows}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def live_events(server, work, n, clients, timeout):
    # One name per run: a stack deleted just before under the same name may still commit its last events to the
    # all-stacks stream these clients follow.
    name = f"live{n}-{clients}"
    text = open(bench.gen(n, "flat", os.path.join(work, f"live-{n}.yaml"))).read()
    processes = min(clients, max(1, (os.cpu_count() or 2) * 2))
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Queue(), ctx.Queue()
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = [ctx.Process(target=client_process, args=(server.url, server.token, name, c, ready, results)) for c in per if c]
    for p in procs:
        p.start()
    for _ in range(clients):
        ready.get(timeout=120)
    api = Api(server.endpoint, server.headers)
    try:
        t0 = time.monotonic()
        created = api.expect("POST", "/stacks", {"stack_name": name, "template": text, "parameters": {}})
        ref = f"{name}/{created['stack']['id']}"
        create_wall, status = wait_for(api, ref, "CREATE", t0, timeout)
        streams = []
        deadline = time.monotonic() + timeout
        for _ in procs:
            streams += results.get(timeout=max(1, deadline - time.monotonic()))
        for p in procs:
            p.join(timeout=60)
        stored = stored_times(server.state, name)
        # Heat's event list, paged as its client pages it: limit and the last id as the marker.
        t_page = time.monotonic()
        paged, marker, pages = [], None, 0
        while True:
            query = "sort_dir=asc&limit=1000" + (f"&marker={marker}" if marker else "")
            page = api.expect("GET", f"/stacks/{ref}/events?{query}")["events"]
            pages += 1
            if not page:
                break
            paged += [e["id"] for e in page]
            marker = page[-1]["id"]
        paging_wall = time.monotonic() - t_page
        api.call("DELETE", f"/stacks/{ref}")
        wait_for(api, ref, "DELETE", time.monotonic(), timeout)
    finally:
        api.close()
    expected = set(stored)
    lags, problems = [], []
    for i, events in enumerate(streams):
        mine = [e for e in events if e[2] == name]
        ids = [e[1] for e in mine]
        seqs = [e[0] for e in events]
        if len(ids) != len(set(ids)):
            problems.append(f"client {i}: {len(ids) - len(set(ids))} events twice")
        if set(ids) != expected:
            problems.append(f"client {i}: {len(expected - set(ids))} missing, {len(set(ids) - expected)} unknown")
        if any(b <= a for a, b in zip(seqs, seqs[1:])):
            problems.append(f"client {i}: sequence numbers not increasing")
        lags += [(read_at - stored[eid][1]) * 1000 for _, eid, _, read_at in mine if eid in stored]
    if paged != [i for i, _ in sorted(stored.items(), key=lambda kv: kv[1][0])]:
        problems.append("the event list paged by marker differs from the store's events")
    result = {"n": n, "clients": clients, "client_processes": len(procs), "create_status": status,
              "create_wall": round(create_wall, 3) if create_wall else None, "events": len(expected),
              "every_client_got_every_event_once": not problems, "problems": problems[:20],
              "lag_ms": {"p50": round(percentile(lags, 50), 1), "p99": round(percentile(lags, 99), 1),
                         "max": round(max(lags), 1)} if lags else None,
              "event_list_paging": {"pages": pages, "page_size": 1000, "events": len(paged), "wall": round(paging_wall, 3)}}
    bench.log(f"   live events: {clients} clients, {len(expected)} events, create {bench.fmt_s(create_wall)}, "
              f"lag {result['lag_ms']}, problems {problems[:3]}")
    return result


# ---------------------------------------------------------------- the section

def fmt_ms(v):
    return "—" if v is None else f"{v * 1000:.0f} ms" if v < 10 else bench.fmt_s(v)


def run(hearth, work, quick, with_heat, heat_timeout=600, repeats=None, clients=None, live_n=None):
    sizes = {"flat": 100, "chain": 50} if quick else {"flat": 1000, "chain": 500}
    templates = {shape: (n, open(bench.gen(n, shape, os.path.join(work, f"api-{shape}-{n}.yaml"))).read())
                 for shape, n in sizes.items()}
    result = {"sizes": sizes, "load_before": os.getloadavg()}
    server = HearthServer(hearth, os.path.join(work, "api-state"))
    try:
        result["hearth"] = hearth_rows(server, templates, repeats or (1 if quick else 3), heat_timeout)
        result["hearth_server_peak_rss_mb_ops"] = server.peak_rss_mb()
        # One client first: its lag is the engine's (from recording an event to its commit), which many clients share.
        result["live_one"] = live_events(server, work, live_n or (1000 if quick else 10000), 1, 900)
        result["live"] = live_events(server, work, live_n or (1000 if quick else 10000), clients or (5 if quick else 50), 900)
        result["hearth_server_peak_rss_mb"] = server.peak_rss_mb()
    finally:
        server.stop()
    if with_heat:
        result["load_before_heat"] = os.getloadavg()
        result["heat"] = heat_rows(templates, heat_timeout)
    result["load_after"] = os.getloadavg()
    return result


def tables(result):
    rows = []
    for shape, h in result["hearth"].items():
        heat = result.get("heat", {}).get(shape)
        cells = [f"{shape} {h['n']:,}", heat["engine"] if heat else "—"]
        for op in OPS:
            hv = h[op]["wall"]
            if heat is None:
                cells.append(f"— / {fmt_ms(hv)}")
            elif heat[op]["wall"] is None or not heat[op]["ok"]:
                cells.append(f"— ({heat[op]['status']}) / {fmt_ms(hv)}")
            else:
                cells.append(f"{bench.fmt_s(heat[op]['wall'])} / {fmt_ms(hv)} = {heat[op]['wall'] / hv:,.0f}×")
        rows.append(cells)
    ops = bench.table(["Heat API / hearth server", "Heat engine", "create", "update one", "delete"], rows)
    rows = []
    for live in [result[k] for k in ("live_one", "live") if k in result]:
        lag = live["lag_ms"] or {}
        paging = live["event_list_paging"]
        rows.append([live["clients"], f"{live['n']:,}", f"{live['events']:,}",
                     "yes" if live["every_client_got_every_event_once"] else "NO: " + "; ".join(live["problems"][:3]),
                     f"{lag.get('p50')} ms", f"{lag.get('p99')} ms", f"{lag.get('max')} ms", bench.fmt_s(live["create_wall"]),
                     f"{paging['pages']} pages of {paging['page_size']:,} in {fmt_ms(paging['wall'])}"])
    sse = bench.table(
        ["SSE clients", "resources", "events per client", "every event once", "lag p50", "lag p99", "lag max", "create (clients attached)",
         "event list by marker"], rows)
    return ops + "\n\n" + sse


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="flat 100, chain 50, 5 clients on 1,000 resources, no Heat")
    ap.add_argument("--no-heat", action="store_true")
    ap.add_argument("--hearth", help="a hearth binary (default: publish src/Hearth.Cli in Release)")
    ap.add_argument("--heat-timeout", type=float, default=600, help="seconds per Heat operation")
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--clients", type=int)
    ap.add_argument("--live-resources", type=int)
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "latest-api.json"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hearth-api-bench-")
    try:
        hearth = a.hearth or bench.build_hearth(os.path.join(work, "bin"))
        result = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                  "machine": bench.machine(),
                  "api": run(hearth, work, a.quick, not a.quick and not a.no_heat, a.heat_timeout, a.repeats, a.clients, a.live_resources)}
        result["tables"] = [tables(result["api"])]
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
        print(result["tables"][0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
