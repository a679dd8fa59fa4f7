"""The SSH section of bench/run.py: Hearth and Ansible on the same real sshd hosts, in one run.

Starts HOSTS sshd servers (Debian's openssh-server; one per loopback address 127.0.0.2 …, one port, a host key each;
the user hearth-ssh, a client key made for the run), then:
  - 20 hosts x 10 trivial steps: Hearth (one DeployedServer per host, 10 independent deployments of `true` each,
    max_concurrent_deployments 1) against ansible-playbook (10 `shell: true` tasks; pipelining, ControlPersist,
    forks 20, strategy free, no fact gathering). Wall time; the CPU of the hearth process alone (the engine) and with the
    ssh clients it waits for; Ansible's whole process tree.
  - a DAG of `sleep 0.2` deployments spread over the hosts against its critical path: the command's wall and the
    operation alone (the stack's CREATE_IN_PROGRESS to CREATE_COMPLETE events).
Needs root (the user, sshd). At the end it stops what it started and only that, so two runs at once (both as the
user) leave each other alone: its sshd listeners, every process below them and every process in a session they spawned;
and it removes the deployment folders its own stacks left in the user's home.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

USER = "hearth-ssh"


class Hosts:
    def __init__(self, work, count):
        # Not under WORK (0700): sshd reads the authorised keys as the user.
        self.folder = tempfile.mkdtemp(prefix="hearth-bench-sshd-")
        os.chmod(self.folder, 0o755)
        self.count = count
        self.hosts = []  # (address, host key "type base64", pid file)
        self.key = os.path.join(self.folder, "client_key")
        self.deployments = set()  # the ids of the deployments this run's stacks made (their folders on the hosts)

    def start(self):
        if not os.path.exists("/usr/sbin/sshd"):
            raise RuntimeError("the SSH benchmark needs sshd: apt-get install -y openssh-server")
        os.makedirs("/run/sshd", exist_ok=True)
        if subprocess.run(["id", "-u", USER], capture_output=True, check=False).returncode != 0:
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", USER], check=True)
        subprocess.run(["usermod", "-p", "*", USER], check=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key], check=True)
        shutil.copy(self.key + ".pub", os.path.join(self.folder, "authorized_keys"))
        self.port = free_port(self.count)
        for i in range(self.count):
            address = f"127.0.0.{i + 2}"
            host_key = os.path.join(self.folder, f"host{i}")
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
            config = os.path.join(self.folder, f"host{i}.conf")
            pid = os.path.join(self.folder, f"host{i}.pid")
            with open(config, "w") as f:
                f.write("\n".join([f"ListenAddress {address}", f"Port {self.port}", f"HostKey {host_key}", f"PidFile {pid}",
                                   f"AuthorizedKeysFile {self.folder}/authorized_keys", f"AllowUsers {USER}", "UsePAM no",
                                   "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                                   "MaxSessions 64", "MaxStartups 200:30:400", ""]))
            subprocess.run(["/usr/sbin/sshd", "-f", config, "-E", os.path.join(self.folder, f"host{i}.log")], check=True)
            with open(host_key + ".pub") as f:
                key = " ".join(f.read().split()[:2])
            self.hosts.append((address, key, pid))
        for address, _, _ in self.hosts:
            wait_listening(address, self.port)
        self.known_hosts = os.path.join(self.folder, "known_hosts")
        with open(self.known_hosts, "w") as f:
            for address, key, _ in self.hosts:
                f.write(f"[{address}]:{self.port} {key}\n")
        return self

    def note_deployments(self, state):
        """Remembers the deployments of STATE's stacks, whose folders stop() removes from the user's home: a state
        removed without deleting its stacks leaves them there (a deleted deployment's folder is gone already)."""
        db = sqlite3.connect(f"file:{os.path.join(state, 'hearth.db')}?mode=ro", uri=True)
        try:
            self.deployments.update(row[0] for row in db.execute(
                "SELECT physical_id FROM resources WHERE type = 'OS::Heat::SoftwareDeployment' AND physical_id IS NOT NULL"))
        finally:
            db.close()

    def stop(self):
        listeners = []
        for _, _, pid_file in self.hosts:
            try:
                with open(pid_file) as f:
                    listeners.append(int(f.read()))
            except (OSError, ValueError):
                continue
        stop_started_by(listeners)
        root = os.path.expanduser(f"~{USER}/.hearth/deployments")
        for deployment in self.deployments:
            shutil.rmtree(os.path.join(root, deployment), ignore_errors=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def processes():
    """Every process now, as (pid, parent pid, session id), from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                fields = stat[stat.rindex(")") + 2:].split()
                out.append((int(entry), int(fields[1]), int(fields[3])))
            except (OSError, ValueError):
                pass
    return out


def stop_started_by(listeners):
    """Kills LISTENERS (sshd), every process below them (the per-connection sshd, the sessions' shells, Hearth's
    dispatcher and the scripts it setsid's) and every process in a session one of those is in: a session's process
    whose parent exited is init's now but keeps its session. Nothing else, so another run's sshd and sessions, as the
    same user, go on. The table is read before each round of kills, so what a dying session forks meanwhile is found
    in the next (only something that left its session and whose parent was already gone escapes)."""
    found, sessions = set(listeners), set()
    ours = os.getsid(0)
    for _ in range(10):
        table = processes()
        while True:
            sessions |= {sid for pid, _, sid in table if pid in found and sid not in (0, ours)}
            more = {pid for pid, ppid, sid in table if pid not in found and (ppid in found or sid in sessions)}
            if not more:
                break
            found |= more
        alive = [pid for pid, _, _ in table if pid in found]
        if not alive:
            return
        for pid in alive:
            kill(pid)
        time.sleep(0.05)


def free_port(count):
    import random
    for _ in range(50):
        port = random.randint(20000, 60000)
        ok = True
        for i in range(count):
            with socket.socket() as s:
                try:
                    s.bind((f"127.0.0.{i + 2}", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no free port for the sshd hosts")


def wait_listening(address, port):
    for _ in range(500):
        with socket.socket() as s:
            if s.connect_ex((address, port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"sshd on {address}:{port} did not start")


def kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def measured(cmd, timeout):
    """Runs cmd; returns dict(wall, rc, stderr, cpu: the process's own user + system time, cpu_all: with the children it
    waited for, the ssh clients). The times are read from /proc/PID/stat once the process has exited and before it is
    reaped (waitid WNOWAIT), so they are its final ones."""
    tick = os.sysconf("SC_CLK_TCK")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import threading
    err = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read()))
    reader.start()
    deadline = time.monotonic() + timeout
    while True:
        r = os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        if r is not None:
            break
        if time.monotonic() > deadline:
            p.kill()
        time.sleep(0.005)
    wall = time.monotonic() - t0
    with open(f"/proc/{p.pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    own = (int(fields[11]) + int(fields[12])) / tick
    children = (int(fields[13]) + int(fields[14])) / tick
    p.wait()
    reader.join()
    return {"wall": round(wall, 3), "rc": p.returncode, "stderr": "".join(err), "cpu": round(own, 3), "cpu_all": round(own + children, 3)}


def template(hosts, per_host, script, max_concurrent=1, depends=None, spread=None):
    """One DeployedServer per host; PER_HOST deployments each (or DEPENDS' DAG spread round-robin over the hosts)."""
    lines = ["heat_template_version: 2021-04-16", "resources:"]
    for i, (address, key, _) in enumerate(hosts.hosts):
        lines += [f"  h{i:02d}:", "    type: OS::Heat::DeployedServer", "    properties:",
                  "      software_config_transport: SSH", f"      max_concurrent_deployments: {max_concurrent}",
                  f"      ssh: {{host: {address}, port: {hosts.port}, user: {USER}, key_file: {hosts.key}, known_host_key: '{key}'}}"]
    lines += ["  config:", "    type: OS::Heat::SoftwareConfig", "    properties:", "      group: script",
              "      config: " + json.dumps(script)]
    if spread is None:
        for h in range(len(hosts.hosts)):
            for j in range(per_host):
                lines += [f"  d{h:02d}_{j:02d}:", "    type: OS::Heat::SoftwareDeployment",
                          f"    properties: {{config: {{get_resource: config}}, server: {{get_resource: h{h:02d}}}, actions: [CREATE]}}"]
    else:
        for i in range(spread):
            lines += [f"  d{i:03d}:", "    type: OS::Heat::SoftwareDeployment"]
            if depends and depends.get(i):
                lines.append("    depends_on: [" + ", ".join(f"d{j:03d}" for j in depends[i]) + "]")
            lines.append(f"    properties: {{config: {{get_resource: config}}, server: {{get_resource: h{i % len(hosts.hosts):02d}}}, actions: [CREATE]}}")
    return "\n".join(lines) + "\n"


def ansible_files(work, hosts, steps):
    inventory = os.path.join(work, "ssh-inventory.ini")
    with open(inventory, "w") as f:
        f.write("[targets]\n")
        for i, (address, _, _) in enumerate(hosts.hosts):
            f.write(f"t{i:02d} ansible_host={address} ansible_port={hosts.port} ansible_user={USER} "
                    f"ansible_ssh_private_key_file={hosts.key}\n")
    cfg = os.path.join(work, "ansible.cfg")
    with open(cfg, "w") as f:
        f.write("[defaults]\nforks = 20\nstrategy = free\ngathering = explicit\nhost_key_checking = True\n"
                "interpreter_python = /usr/bin/python3\n\n[ssh_connection]\npipelining = True\n"
                f"ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile={hosts.known_hosts}\n"
                f"control_path_dir = {os.path.join(work, 'ansible-cp')}\n")
    play = os.path.join(work, f"ssh-play-{steps}.yaml")
    with open(play, "w") as f:
        f.write("- hosts: targets\n  gather_facts: false\n  tasks:\n")
        for i in range(steps):
            f.write(f"    - name: step {i}\n      shell: 'true'\n")
    return inventory, cfg, play


def run(hearth, work, timed, dag_depends, host_count, steps, repeats, have_ansible, operation_seconds=None):
    hosts = Hosts(work, host_count).start()
    out = {"hosts": host_count, "steps": steps, "repeats": repeats, "runs": []}
    try:
        tpl = os.path.join(work, "ssh-steps.yaml")
        with open(tpl, "w") as f:
            f.write(template(hosts, steps, "#!/bin/sh\ntrue\n"))
        inventory, cfg, play = ansible_files(work, hosts, steps)
        env = dict(os.environ, ANSIBLE_CONFIG=cfg, ANSIBLE_NOCOLOR="1")
        for rep in range(repeats):
            state = os.path.join(work, "state", f"ssh-{rep}")
            shutil.rmtree(state, ignore_errors=True)
            run = {}
            # First command: every connection is new. Second (a delete, then the create again) reuses them.
            create = [hearth, "--state", state, "stack", "create", "s", "-t", tpl, "--max-parallel", "1000"]
            r = measured(create, timeout=900)
            if r["rc"] != 0:
                raise RuntimeError(f"hearth over ssh failed: {r['stderr'][-800:]}")
            run["hearth_cold"], run["hearth_cold_cpu"], run["hearth_cold_cpu_all"] = r["wall"], r["cpu"], r["cpu_all"]
            d = measured([hearth, "--state", state, "stack", "delete", "s", "--yes"], timeout=900)
            if d["rc"] != 0:
                raise RuntimeError(f"hearth delete over ssh failed: {d['stderr'][-800:]}")
            r = measured(create, timeout=900)
            if r["rc"] != 0:
                raise RuntimeError(f"hearth over ssh failed: {r['stderr'][-800:]}")
            run["hearth_warm"], run["hearth_warm_cpu"], run["hearth_warm_cpu_all"] = r["wall"], r["cpu"], r["cpu_all"]
            hosts.note_deployments(state)
            shutil.rmtree(state, ignore_errors=True)
            line = f"   ssh {host_count} hosts x {steps}: hearth {run['hearth_cold']:.2f} s cold, {run['hearth_warm']:.2f} s warm"
            if have_ansible:
                a = timed(["ansible-playbook", "-i", inventory, play], timeout=900, env=env)
                if a["rc"] != 0:
                    raise RuntimeError(f"ansible-playbook over ssh failed: {a['stdout'][-800:]}")
                run["ansible"], run["ansible_cpu"] = a["wall"], a["cpu"]
                line += f", ansible {a['wall']:.2f} s"
            log(line)
            out["runs"].append(run)
        best = min(out["runs"], key=lambda w: w["hearth_warm"])
        out.update(best)
        host_steps = host_count * steps
        out["hearth_cpu_per_host_step"] = round(best["hearth_warm_cpu"] / host_steps, 4)
        out["hearth_cpu_all_per_host_step"] = round(best["hearth_warm_cpu_all"] / host_steps, 4)
        if "ansible" in best:
            out["ansible"] = min(w["ansible"] for w in out["runs"])
            out["ratio"] = round(out["ansible"] / best["hearth_warm"], 1)
            out["ratio_cold"] = round(out["ansible"] / min(w["hearth_cold"] for w in out["runs"]), 1)

        # A DAG of `sleep 0.2` deployments spread round-robin over the hosts, against its critical path: the nominal one
        # (6 x 0.2 s) and, as SPEC §6 and the local DAG (bench/run.py run_dag) measure it, the critical path of the
        # scripts' own durations, each script's process from its fork to its exit as the kernel saw it (perf).
        import run as bench  # noqa: E402  (the local DAG's tracing)
        levels, width, seconds = 6, 10, 0.2
        count = levels * width
        deps = dag_depends(levels, width)
        dag_tpl = os.path.join(work, "ssh-dag.yaml")
        with open(dag_tpl, "w") as f:
            f.write(template(hosts, 0, f"#!/bin/sh\nsleep {seconds}\n", max_concurrent=1000, depends=deps, spread=count))
        traced = operation_seconds is not None and bench.perf_traces_processes(work)
        walls, operations, owns = [], [], []
        for rep in range(repeats):
            state = os.path.join(work, "state", f"ssh-dag-{rep}")
            shutil.rmtree(state, ignore_errors=True)
            # A warm-up command opens the connections (as any earlier command would have), then the measured create.
            timed([hearth, "--state", state, "stack", "create", "warm", "-t", tpl, "--max-parallel", "1000"], timeout=900)
            r = timed([hearth, "--state", state, "stack", "create", "dag", "-t", dag_tpl, "--max-parallel", "1000"], timeout=900)
            if r["rc"] != 0:
                raise RuntimeError(f"ssh dag failed: {r['stderr'][-800:]}")
            walls.append(r["wall"])
            if operation_seconds is not None:
                operations.append(operation_seconds(hearth, state, "dag"))
            if traced:
                # The same DAG again as another stack, its scripts' fork, exec and exit traced (kept out of the wall above).
                perf_data = os.path.join(work, f"ssh-dag-{rep}.perf")
                p = subprocess.run(["perf", "record", "-q", "-k", "mono", "-o", perf_data, "-a", "-e", "sched:sched_process_fork",
                                    "-e", "sched:sched_process_exec", "-e", "sched:sched_process_exit", "--",
                                    hearth, "--state", state, "stack", "create", "traced", "-t", dag_tpl, "--max-parallel", "1000"],
                                   capture_output=True, text=True, timeout=900, check=False)
                lifetimes, from_exec = bench.script_lifetimes(perf_data, state) if p.returncode == 0 else ({}, {})
                name = lambda i: f"d{i:03d}"  # noqa: E731
                if all(name(i) in lifetimes for i in range(count)):
                    # From the exec too: the process the dispatcher forks for a script runs setsid before the script
                    # itself, Hearth's start-up inside what the fork-to-exit count calls the script's own duration.
                    owns.append({"operation": operation_seconds(hearth, state, "traced"),
                                 "own_critical_path": bench.critical_path(lifetimes, deps, count, name),
                                 "own_critical_path_from_exec": bench.critical_path(from_exec, deps, count, name)})
                else:
                    log(f"   ssh dag: the traced create gave {len(lifetimes)} of {count} scripts' lifetimes; own durations left out")
            hosts.note_deployments(state)
            shutil.rmtree(state, ignore_errors=True)
        path = levels * seconds
        out["dag"] = {"levels": levels, "width": width, "critical_path": path, "wall": min(walls), "ratio": round(min(walls) / path, 2)}
        if operations:
            out["dag"].update(operation=min(operations), operation_ratio=round(min(operations) / path, 2))
        if owns:
            best_own = min(owns, key=lambda o: o["operation"] / o["own_critical_path"])
            best_exec = min(owns, key=lambda o: o["operation"] / o["own_critical_path_from_exec"])
            out["dag"].update(traced_operation=best_own["operation"], own_critical_path=best_own["own_critical_path"],
                              own_ratio=round(best_own["operation"] / best_own["own_critical_path"], 2),
                              own_ratio_from_exec=round(best_exec["operation"] / best_exec["own_critical_path_from_exec"], 2),
                              own_runs=owns)
        log(f"   ssh dag: {min(walls):.2f} s wall" + (f", operation {min(operations):.2f} s" if operations else "") + f" against {path:.2f} s"
            + (f"; traced operation {best_own['operation']:.2f} s against own critical path {best_own['own_critical_path']:.2f} s" if owns else ""))
    finally:
        hosts.stop()
    return out


def log(msg):
    import sys
    print(msg, file=sys.stderr, flush=True)


def table(fmt_s, table_, s):
    ms = lambda v: f"{v * 1000:.1f} ms" if v is not None else "—"
    n = s["hosts"] * s["steps"]
    rows = [["hearth, first command (every connection new)", fmt_s(s["hearth_cold"]), ms(s["hearth_cold_cpu"] / n), ms(s["hearth_cold_cpu_all"] / n),
             f"{s['ratio_cold']}×" if "ratio_cold" in s else "—"],
            ["hearth, connections reused (ControlPersist)", fmt_s(s["hearth_warm"]), ms(s["hearth_cpu_per_host_step"]), ms(s["hearth_cpu_all_per_host_step"]),
             f"**{s['ratio']}×**" if "ratio" in s else "—"]]
    if "ansible" in s:
        rows.append(["ansible-playbook (pipelining, ControlPersist, forks 20, free, no facts)", fmt_s(s["ansible"]), "—",
                     ms(s["ansible_cpu"] / n if s.get("ansible_cpu") else None), "1×"])
    steps = table_([f"{s['hosts']} hosts × {s['steps']} trivial steps (best of {s['repeats']})", "wall",
                    "engine CPU per host-step (the hearth process alone)", "CPU per host-step (the tool and the ssh clients it waits for)",
                    "Ansible / this"], rows)
    d = s["dag"]
    header = ["DAG over the hosts", f"critical path ({d['levels']} × 0.2 s)", "hearth wall (process start included)", "wall / critical path"]
    row = [f"{d['levels'] * d['width']} deployments of `sleep 0.2`, round-robin over {s['hosts']} hosts", fmt_s(d["critical_path"]), fmt_s(d["wall"]), f"{d['ratio']:.2f}"]
    if "operation" in d:
        header += ["operation (stack CREATE_IN_PROGRESS → COMPLETE)", "operation / critical path"]
        row += [fmt_s(d["operation"]), f"{d['operation_ratio']:.2f}"]
    if "own_critical_path" in d:
        header += ["critical path of the scripts' own durations (fork → exit, traced)", "operation (traced run) / that (SPEC §6)"]
        row += [fmt_s(d["own_critical_path"]), f"**{d['own_ratio']:.2f}**"]
    if "own_ratio_from_exec" in d:
        header += ["the same, each script counted from its own exec"]
        row += [f"{d['own_ratio_from_exec']:.2f}"]
    return steps + "\n\n" + table_(header, [row])
