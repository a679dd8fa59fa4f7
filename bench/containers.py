#!/usr/bin/env python3
"""Hearth's cost per container beside bare podman, and the time of a blue-green swap (docs/performance.md#containers).

    bench/containers.py [--count 20] [--repeats 3] [--hearth PATH]

The same N containers (busybox httpd from a busybox-static image made here with `podman import`) are created and
removed by:
  podman     `podman run -d --name … --label …` one after another, then `podman rm --force` of each (what Heat's
             hook ran, without its `inspect` per container);
  podman ∥   the same runs 4 at a time (as Hearth starts the containers of one start_order), then one
             `podman rm --force` of all of them (as Hearth removes a deployment's): the best a shell script does;
  hearth     `hearth stack create` of one docker-cmd deployment holding the N containers, then `hearth stack delete`
             (the whole command: process start, state, the labels read back, the image resolved).
Best of --repeats, wall time. Per container = total / N. The swap: one container's image changed — bare podman runs
the new one and stops the old (`podman run -d`, `podman stop`); Hearth's `stack update` does the same plus reading the
labels, a health check of the new one (`podman healthcheck run`, passing at once) and keeping the old one; at create
that container's health check is Hearth's only extra podman command beyond reading the labels and resolving the image. Nothing here asserts a time.
"""
import argparse, concurrent.futures, json, os, shutil, subprocess, sys, tempfile, time

IMAGE = "localhost/hearth-bench:1"
IMAGE2 = "localhost/hearth-bench:2"


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


def build_images(work):
    for tag, page in [(IMAGE, "v1"), (IMAGE2, "v2")]:
        root = os.path.join(work, "root")
        os.makedirs(os.path.join(root, "bin"))
        os.makedirs(os.path.join(root, "www"))
        shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
        for applet in ["sh", "httpd", "wget", "true"]:
            os.symlink("busybox", os.path.join(root, "bin", applet))
        with open(os.path.join(root, "www", "index.html"), "w") as f:
            f.write(page)
        run(["tar", "-C", root, "-cf", os.path.join(work, "r.tar"), "."])
        run(["podman", "import", "--quiet", "--change", "ENV=PATH=/bin", os.path.join(work, "r.tar"), tag])
        shutil.rmtree(root)


def template(count, image_of):
    lines = ["heat_template_version: 2021-04-16", "parameters:", f"  image: {{type: string, default: {IMAGE}}}",
             "resources:", "  server: {type: OS::Heat::DeployedServer}", "  config:",
             "    type: OS::Heat::StructuredConfig", "    properties:", "      group: docker-cmd", "      config:"]
    for i in range(count):
        # Only the container the swap replaces has a health check: bare podman runs none for the others either.
        check = ", healthcheck: {test: 'true', interval: 100ms, retries: 3}" if image_of(i) else ""
        image = "{get_param: image}" if image_of(i) else IMAGE
        lines.append(f"        c{i}: {{image: {image}, stop_signal: SIGKILL, command: [httpd, -f, -p, '80', -h, /www]{check}}}")
    lines += ["  deployment:", "    type: OS::Heat::StructuredDeployment",
              "    properties: {config: {get_resource: config}, server: {get_resource: server}}"]
    return "\n".join(lines) + "\n"


def timed(cmd):
    start = time.monotonic()
    run(cmd)
    return time.monotonic() - start


def run_args(name, image):
    return ["podman", "run", "-d", "--name", name, "--label", "managed_by=docker-cmd", "--label", f"container_name={name}",
            "--stop-signal", "SIGKILL", image, "httpd", "-f", "-p", "80", "-h", "/www"]


def bare(count):
    names = [f"bench-bare-{i}" for i in range(count)]
    start = time.monotonic()
    for n in names:
        run(run_args(n, IMAGE))
    create = time.monotonic() - start
    swap_start = time.monotonic()
    run(run_args("bench-bare-swap", IMAGE2))
    run(["podman", "stop", names[0]])
    swap = time.monotonic() - swap_start
    start = time.monotonic()
    for n in names + ["bench-bare-swap"]:
        run(["podman", "rm", "--force", n])
    remove = time.monotonic() - start
    return create, remove, swap


def bare_parallel(count):
    names = [f"bench-bare-{i}" for i in range(count)]
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: run(run_args(n, IMAGE)), names))
    create = time.monotonic() - start
    start = time.monotonic()
    run(["podman", "rm", "--force"] + names)
    remove = time.monotonic() - start
    return create, remove, 0.0


def hearth(binary, work, count):
    state = os.path.join(work, "state")
    path = os.path.join(work, "c.yaml")
    with open(path, "w") as f:
        f.write(template(count, lambda i: i == 0))
    create = timed([binary, "--state", state, "stack", "create", "b", "-t", path])
    swap = timed([binary, "--state", state, "stack", "update", "b", "--existing", "-P", f"image={IMAGE2}"])
    remove = timed([binary, "--state", state, "stack", "delete", "b", "--yes"])
    shutil.rmtree(state)
    return create, remove, swap


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--hearth", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hearth"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hearth-bench-containers-")
    try:
        build_images(work)
        run([a.hearth, "--version"])  # builds the checkout's hearth once, outside the timings
        results = {"podman": [], "parallel": [], "hearth": []}
        for _ in range(a.repeats):
            results["podman"].append(bare(a.count))
            results["parallel"].append(bare_parallel(a.count))
            results["hearth"].append(hearth(a.hearth, work, a.count))
        best = {k: [min(r[i] for r in v) for i in range(3)] for k, v in results.items()}
        n = a.count
        print(f"\n{n} containers, best of {a.repeats} (wall seconds; load {os.getloadavg()[0]:.1f})\n")
        print("| step | podman | podman ∥ | hearth | per container: podman | podman ∥ | hearth | hearth / podman | hearth / podman ∥ |")
        print("|---|---|---|---|---|---|---|---|---|")
        rows = [(name, *(best[k][i] for k in ("podman", "parallel", "hearth"))) for name, i in [("create", 0), ("remove", 1)]]
        rows.append(("create + remove", *(best[k][0] + best[k][1] for k in ("podman", "parallel", "hearth"))))
        for name, p, q, h in rows:
            print(f"| {name} | {p:.2f} | {q:.2f} | {h:.2f} | {p / n * 1000:.0f} ms | {q / n * 1000:.0f} ms | {h / n * 1000:.0f} ms "
                  f"| {h / p:.2f} | {h / q:.2f} |")
        print(f"\nblue-green swap of one container: podman run + stop {best['podman'][2]:.2f} s; "
              f"hearth stack update (labels, health check, old kept) {best['hearth'][2]:.2f} s")
        print(json.dumps({"count": n, "repeats": a.repeats, "best": best}))
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0"] + [f"bench-bare-{i}" for i in range(a.count)] + ["bench-bare-swap"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
