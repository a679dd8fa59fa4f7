"""Where the SSH DAG's time goes, level by level (docs/performance.md#ssh).

Runs the SSH section's DAG (60 `sleep 0.2` deployments, 6 levels of 10, round-robin over 20 sshd hosts; a warm-up
create first, as bench/ssh_bench.py does) and, for each level, the median over its 10 deployments of:
  - engine:  the deployment's CREATE_IN_PROGRESS event (state, 100 ns) -> the request read on the host (the new
             deployment's script file, written as the dispatcher reads it): the request written, carried by ssh/sshd,
             read by the dispatcher, which makes the record (mkdir) and reads the inputs and the script — and, for the
             first request to a host, taking the host's dispatcher session from the state folder's broker (kept there
             since the warm-up create);
  - the request read -> the script's fork (`pid` file: the dispatcher's job, chmod, setsid);
  - the script's fork -> its exit (`status` file);
  - its exit -> the reply written (`reply` file; a reply of lines alone has none: sent as the status came);
  - the reply written -> the deployment's CREATE_COMPLETE event (the reply sent back, read, parsed; the state written);
and the level's span (the previous level's last completion to this level's last). Needs root, like ssh_bench.py.

With --sched, the DAG create runs under `perf record -e sched:sched_switch,sched:sched_process_exec` and each level
also gets what the machine's cores did in the WINDOW (60 ms) after its start (the previous level's last completion):
how long they were busy, by command name, and when the level's last script started (its exec).

Usage: python3 bench/ssh_dag_profile.py PATH/TO/hearth [REPEATS] [--sched]
"""
import datetime
import glob
import json
import re
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402
import ssh_bench  # noqa: E402

LEVELS, WIDTH = 6, 10
WINDOW = 0.060


def scheduled(perf_data):
    """From a `perf record -k mono` of sched_switch and sched_process_exec: each CPU's runs as (start, end, command)
    and the execs as (time, file name), both on CLOCK_MONOTONIC."""
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "cpu,time,event,trace", "--ns"],
                         capture_output=True, text=True, check=True).stdout
    running, runs, execs = {}, [], []
    for line in out.splitlines():
        m = re.search(r"\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s*(.*)", line)
        if not m:
            continue
        cpu, at, kind, rest = int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)
        if kind == "sched_switch":
            following = re.search(r"next_comm=(.*?) next_pid=", rest).group(1)
            if cpu in running:
                runs.append((running[cpu][0], at, running[cpu][1]))
            running[cpu] = (at, following)
        elif kind == "sched_process_exec":
            execs.append((at, re.search(r"filename=(\S+)", rest).group(1)))
    return runs, execs


def busy_after(runs, execs, start, folders):
    """What the cores ran in the WINDOW after START (monotonic seconds): busy seconds by command (idle left out, thread
    numbers folded), and when the last of FOLDERS' scripts was exec'd, after START."""
    by = Counter()
    for a, b, command in runs:
        overlap = min(b, start + WINDOW) - max(a, start)
        if overlap > 0 and not command.startswith("swapper"):
            by[re.sub(r"[/\d]+$", "", command)] += overlap
    last = max((at for at, name in execs if any(name.startswith(f) for f in folders)), default=None)
    return by, (last - start if last else None)


def modified(path):
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def profile(hearth, hosts, work, state, sched=False):
    steps = os.path.join(work, "steps.yaml")
    with open(steps, "w") as f:
        f.write(ssh_bench.template(hosts, 1, "#!/bin/sh\ntrue\n"))
    dag = os.path.join(work, "dag.yaml")
    with open(dag, "w") as f:
        f.write(ssh_bench.template(hosts, 0, "#!/bin/sh\nsleep 0.2\n", max_concurrent=1000,
                                   depends=bench.dag_depends(LEVELS, WIDTH), spread=LEVELS * WIDTH))
    subprocess.run([hearth, "--state", state, "stack", "create", "warm", "-t", steps, "--max-parallel", "1000"], capture_output=True, check=True)
    create = [hearth, "--state", state, "stack", "create", "dag", "-t", dag, "--max-parallel", "1000"]
    perf_data = os.path.join(work, "sched.perf")
    if sched:
        create = ["perf", "record", "-q", "-k", "mono", "-o", perf_data, "-a", "-e", "sched:sched_switch,sched:sched_process_exec",
                  "--exclude-perf", "--"] + create
    # The state's event times are wall-clock; perf's are CLOCK_MONOTONIC.
    monotonic_offset = time.time() - time.monotonic()
    started = time.time()
    subprocess.run(create, capture_output=True, check=True)
    wall = time.time() - started
    runs, execs = scheduled(perf_data) if sched else ([], [])
    events = json.loads(subprocess.run([hearth, "--state", state, "stack", "event", "list", "dag", "-f", "json"],
                                       capture_output=True, text=True, check=True).stdout)
    times = dict(bench.query_state(state, "SELECT id, time FROM events"))

    def at(event):
        return datetime.datetime.fromisoformat(times[event["id"]]).timestamp()

    begin = min(at(e) for e in events if e["resource_name"] == "dag")
    in_progress = {e["resource_name"]: at(e) for e in events if e["resource_status"] == "CREATE_IN_PROGRESS"}
    complete = {e["resource_name"]: at(e) for e in events if e["resource_status"] == "CREATE_COMPLETE"}
    ids = {e["resource_name"]: e["physical_resource_id"] for e in events if e["resource_status"] == "CREATE_COMPLETE"}
    home = os.path.expanduser(f"~{ssh_bench.USER}")
    print(f"wall {wall:.2f} s, operation {bench.operation_seconds(hearth, state, 'dag'):.2f} s, load {os.getloadavg()[0]:.1f}")
    previous = begin
    for level in range(LEVELS):
        rows = []
        for i in range(WIDTH):
            name = f"d{level * WIDTH + i:03d}"
            folder = f"{home}/.hearth/deployments/{ids[name]}"
            record = glob.glob(f"{folder}/runs/CREATE.*")[0]
            stamps = [modified(f"{folder}/CREATE")] + [modified(f"{record}/{f}") for f in ("pid", "status", "reply")]
            # A reply of lines alone is sent from the dispatcher's memory, with no file: it left as the status came.
            stamps[3] = stamps[3] or stamps[2]
            rows.append([in_progress[name]] + stamps + [complete[name]])

        def median_ms(a, b):
            return statistics.median(r[b] - r[a] for r in rows if r[a] and r[b]) * 1000

        last = max(r[5] for r in rows)
        first_start = min(r[0] for r in rows)
        slowest = max((r[1] - r[0] for r in rows if r[1]), default=0) * 1000
        print(f"  level {level}: engine->request {median_ms(0, 1):4.0f}  request->fork {median_ms(1, 2):3.0f}  script {median_ms(2, 3):4.0f}"
              f"  exit->reply {median_ms(3, 4):3.0f}  reply->complete {median_ms(4, 5):3.0f}  span {1000 * (last - previous):5.0f} ms"
              f"  (first start +{1000 * (first_start - previous):4.0f} ms, slowest engine->request {slowest:4.0f} ms)")
        if sched and level > 0:
            folders = [f"{home}/.hearth/deployments/{ids[f'd{level * WIDTH + i:03d}']}/" for i in range(WIDTH)]
            by, last_exec = busy_after(runs, execs, previous - monotonic_offset, folders)
            print(f"           cores busy {1000 * sum(by.values()):3.0f} of {2000 * WINDOW:.0f} ms in the {1000 * WINDOW:.0f} ms after the"
                  f" level's start, the last script exec'd at +{1000 * last_exec:.0f} ms: "
                  + ", ".join(f"{name} {1000 * t:.1f}" for name, t in by.most_common(8)))
        previous = last
    hosts.note_deployments(state)


def main():
    args = [a for a in sys.argv[1:] if a != "--sched"]
    hearth, repeats, sched = args[0], int(args[1]) if len(args) > 1 else 2, "--sched" in sys.argv
    work = tempfile.mkdtemp(prefix="hearth-ssh-dag-profile-")
    hosts = ssh_bench.Hosts(work, 20).start()
    try:
        for rep in range(repeats):
            profile(hearth, hosts, work, os.path.join(work, f"state-{rep}"), sched)
    finally:
        hosts.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
