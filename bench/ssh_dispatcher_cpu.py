"""What a remote run costs on the host: the SSH transport's dispatcher driven directly, its CPU per run.

The dispatcher (the shell program in src/Hearth.Execution/Ssh/RemoteScripts.cs) runs here under `sh`, with no ssh and
no engine: it gets run requests framed as the engine frames them (a heat-config-like environment, a `#!/bin/sh` script)
ten at a time, as a level of the SSH DAG sends them, and each reply is checked (exit status 0). The CPU of its whole
process tree (the dispatcher, its jobs, the runners, the scripts; `getrusage(RUSAGE_CHILDREN)`) divided by the runs is
what one run costs the host: process starts and the files it creates, which wall-clock benchmarks on a shared machine
blur. Then ten dispatchers get one run request each at once (a level of the SSH DAG: ten hosts, one run each), and the
time until the first and the last of the ten scripts forked is what such a level waits for on a host side that
shares two cores. With several sources (a file, or REV:PATH from git), each is measured in turn, alternating, so that they see the
same machine and the same filesystem state (on a filesystem without a journal, every new file pays for the files
removed in the last minute or so).

Usage: python3 bench/ssh_dispatcher_cpu.py [--runs N] [--rounds R] [--script TEXT] [SOURCE ...]
  SOURCE defaults to the working tree's RemoteScripts.cs; e.g. `HEAD~1:src/Hearth.Execution/Ssh/RemoteScripts.cs`.
"""
import argparse
import glob
import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = "src/Hearth.Execution/Ssh/RemoteScripts.cs"


def dispatcher(source):
    """The dispatcher's text from a RemoteScripts.cs: a file, or REV:PATH in this repository."""
    if os.path.exists(source):
        text = open(source).read()
    else:
        text = subprocess.run(["git", "-C", ROOT, "show", source], capture_output=True, text=True, check=True).stdout
    body = re.search(r'public const string Dispatcher = """\n(.*?)\n\s*""";', text, re.S).group(1)
    # A C# raw string: its lines lose the indentation of its closing quotes (eight spaces).
    return "\n".join(line[8:] if line.startswith("        ") else line.lstrip() for line in body.split("\n"))


def request(tag, script, deployment=None, action="CREATE"):
    environment = "".join(f"export deploy_{name}='{value}'\n" for name, value in [
        ("server_id", uuid.uuid4()), ("action", action), ("stack_id", f"bench/{uuid.uuid4()}"),
        ("resource_name", "d001"), ("signal_transport", "NO_SIGNAL")]) + f'export heat_outputs_path="$PWD/outputs/{action}"\n'
    env, text = environment.encode(), script.encode()
    header = (f"run {tag} {deployment or uuid.uuid4()} {action} {uuid.uuid4().hex[:16]} 1\n"
              f"{len(env)} {len(text)} 0 {env.count(10)} {text.count(10)} 0 bench-engine 1 1\n").encode()
    return header + env + text


def start(program, root):
    """A dispatcher over ROOT, as the engine starts one on a host (records up to 64 KiB of each stream)."""
    return subprocess.Popen(["sh", "-c", program, "hearth", root, "65536"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def frame(process):
    """The dispatcher's next reply: its code and its bytes."""
    tag, code, length = process.stdout.readline().split()
    return code, process.stdout.read(int(length))


def deployment_of(data):
    """The deployment id a run request names (its third word)."""
    return data.split(b" ")[2].decode()


def send_all(dispatchers, requests):
    """One request to each dispatcher, all before any reply is read; each must report."""
    for process, data in zip(dispatchers, requests):
        process.stdin.write(data)
        process.stdin.flush()
    if any(frame(process)[0] != b"0" for process in dispatchers):
        raise RuntimeError("a run did not report")


def measure(program, runs, script, burst=10):
    """CPU milliseconds per run (user, system) of the dispatcher's process tree, in a child so its rusage is its own."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        root = tempfile.mkdtemp(prefix="hearth-dispatcher-cpu-")
        dispatcher_process = start(program, root)
        failed = 0 if frame(dispatcher_process)[0] == b"0" else 1
        sent = 0
        while sent < runs:
            batch = min(burst, runs - sent)
            dispatcher_process.stdin.write(b"".join(request(sent + i + 1, script) for i in range(batch)))
            dispatcher_process.stdin.flush()
            for _ in range(batch):
                code, body = frame(dispatcher_process)
                failed += code != b"0" or b"status 0\n" not in body
            sent += batch
        dispatcher_process.stdin.close()
        dispatcher_process.wait()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        shutil.rmtree(root, ignore_errors=True)
        os.write(write, f"{usage.ru_utime} {usage.ru_stime} {failed}".encode())
        os._exit(0)
    os.close(write)
    user, system, failed = os.read(read, 200).decode().split()
    os.close(read)
    os.waitpid(child, 0)
    if int(failed):
        raise RuntimeError(f"{failed} of {runs} runs did not report exit status 0")
    return float(user) * 1000 / runs, float(system) * 1000 / runs


def burst(program, script, action="CREATE", bursts=10, width=10):
    """Milliseconds from ten run requests sent at once, one to each of ten dispatchers (a level of the SSH DAG, each
    host one run), to the first and the last script forked (their records' pid files): the median over the bursts.
    An UPDATE burst runs on deployments that each ran their CREATE first (untimed), as a stack update's level does."""
    root = tempfile.mkdtemp(prefix="hearth-dispatcher-burst-")
    dispatchers = [start(program, root) for _ in range(width)]
    try:
        for process in dispatchers:
            frame(process)
        firsts, lasts = [], []
        for _ in range(bursts):
            requests = [request(1, script) for _ in dispatchers]
            if action != "CREATE":
                send_all(dispatchers, requests)
                requests = [request(2, script, deployment_of(data), action) for data in requests]
            started = time.time()
            send_all(dispatchers, requests)
            forks = [os.stat(glob.glob(os.path.join(root, deployment_of(data), "runs", f"{action}.*", "pid"))[0]).st_mtime
                     for data in requests]
            firsts.append((min(forks) - started) * 1000)
            lasts.append((max(forks) - started) * 1000)
            time.sleep(0.1)
        return statistics.median(firsts), statistics.median(lasts)
    finally:
        for process in dispatchers:
            process.stdin.close()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", default=[os.path.join(ROOT, SOURCE)])
    parser.add_argument("--runs", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--script", default="#!/bin/sh\ntrue\n")
    args = parser.parse_args()
    programs = [(source, dispatcher(source)) for source in args.sources]
    results = {source: [] for source, _ in programs}
    bursts = {source: [] for source, _ in programs}
    updates = {source: [] for source, _ in programs}
    for _ in range(args.rounds):
        for source, program in programs:
            results[source].append(measure(program, args.runs, args.script))
            bursts[source].append(burst(program, args.script))
            updates[source].append(burst(program, args.script, "UPDATE"))
    for source, rows in results.items():
        total = [u + s for u, s in rows]
        first = statistics.median(f for f, _ in bursts[source])
        last = statistics.median(last for _, last in bursts[source])
        print(f"{source}: {statistics.median(total):.2f} ms of CPU a run (median of {len(rows)} rounds of {args.runs}: "
              + ", ".join(f"{t:.2f}" for t in total) + f"; user {statistics.median(u for u, _ in rows):.2f},"
              f" system {statistics.median(s for _, s in rows):.2f}); ten dispatchers sent a run each at once:"
              f" the first script forked after {first:.1f} ms, the last after {last:.1f} ms; an UPDATE each:"
              f" {statistics.median(f for f, _ in updates[source]):.1f} and {statistics.median(last for _, last in updates[source]):.1f} ms")


if __name__ == "__main__":
    main()
