#!/usr/bin/python3
"""Heat compatibility corpus: public HOT templates, judged by real Heat 19 and by Hearth, compared.

    bench/corpus/run.sh [--work DIR] [--jobs N] [--sources heat-templates,heat,tripleo-heat-templates]
                        [--limit N] [--no-outputs] [--hearth PATH] [--out FILE] [--markdown FILE]
                        [--check-heat-all N] [--reuse [--rerun-heat]] [--render RESULT.json]

The templates come from bare git mirrors (never from this repository), each at a fixed revision:
  HEAT_TEMPLATES_GIT  openstack/heat-templates              (HEAT_TEMPLATES_REV, default master)
  HEAT_GIT            openstack/heat: heat_integrationtests (HEAT_REV, default 19.0.0: the Heat that judges)
  THT_GIT             openstack/tripleo-heat-templates      (THT_REV, default 04f9e4f7, 2021-03-15, Wallaby era),
                      rendered with its own tools/process-templates.py (jinja2)
Defaults are the paths the helpers' `fetch` tool gives (/work/.mirror/openstack+NAME/...); any bare clone works
(`git clone --bare https://opendev.org/openstack/heat`).

Each HOT file (`^heat_template_version`) is one case. It gets, as `openstack stack create` users give them:
- a registry environment when it or a template it nests uses types defined only in one (TripleO's OS::TripleO::*:
  the environment in the same tree that maps most of them, its resource_registry and parameter_defaults);
- a cloud environment, last: every type Heat registers that needs a cloud service (its client is not Heat's own:
  nova, neutron, cinder, keystone, ...; any type outside OS::Heat, AWS::CloudFormation and AWS::AutoScaling)
  -> OS::Heat::None, and OS::Nova::Server ->
  OS::Heat::DeployedServer when the template's servers set only properties a DeployedServer has, else
  OS::Heat::None (README: "map cloud types to OS::Heat::DeployedServer or OS::Heat::None in an environment").
Heat's answer: heat_side.py (Heat's validate_template in process, as POST /validate on the standalone heat-all).
Hearth's: `hearth template validate -f json` with the same files and `--allow-file-path` the source tree (the
openstack client reads any file a template names). Outputs: templates whose resources need no cloud and no nested
stack (Value, None, RandomString, TestResource, software configs), all parameters defaulted: Heat creates them in
memory (heat_eval.py's way), Hearth creates them in a scratch state folder and `stack output show --all`.
--check-heat-all N asks a running heat-all (start-heat.sh) the same for N of them and compares.

Writes the full result (every case, every disagreement with both messages, grouped by cause) to --out (default
bench/corpus/results/latest.json) and prints a short table.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH))
PY = "/usr/bin/python3"
HEAT_TOOLS = os.environ.get("HEAT_TOOLS", os.path.join(os.path.dirname(ROOT), "shared", "tools", "heat"))
if not os.path.isdir(HEAT_TOOLS):
    HEAT_TOOLS = "/work/shared/tools/heat"

SOURCES = {
    "heat-templates": ("HEAT_TEMPLATES_GIT", "/work/.mirror/openstack+heat-templates/repo",
                       "HEAT_TEMPLATES_REV", "master"),
    "heat": ("HEAT_GIT", "/work/.mirror/openstack+heat/repo", "HEAT_REV", "19.0.0"),
    "tripleo-heat-templates": ("THT_GIT", "/work/.mirror/openstack+tripleo-heat-templates/repo/.git",
                               "THT_REV", "04f9e4f73"),
}
HOT = re.compile(r"^heat_template_version\s*:", re.M)
YAQL = re.compile(r"^[^#\n]*\byaql\s*:", re.M)
TEMPLATE_EXT = (".yaml", ".yml", ".template")
HEAT_STALL = 150          # seconds without an answer from Heat before the case is given up
DEPLOYED_SERVER_PROPERTIES = {"name", "metadata", "software_config_transport", "deployment_swift_data"}
NO_CLOUD = {"OS::Heat::Value", "OS::Heat::None", "OS::Heat::RandomString", "OS::Heat::TestResource",
            "OS::Heat::SoftwareConfig", "OS::Heat::StructuredConfig", "OS::Heat::SoftwareComponent",
            "OS::Heat::MultipartMime", "OS::Heat::CloudConfig"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- collecting

def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir=" + git_dir] + list(args), check=True, capture_output=True).stdout


def export(name, dest):
    var, default, rev_var, rev_default = SOURCES[name]
    git_dir = os.environ.get(var, default)
    rev = os.environ.get(rev_var, rev_default)
    if not os.path.isdir(git_dir):
        sys.exit("corpus: no git mirror of %s at %s (set %s; e.g. git clone --bare https://opendev.org/openstack/%s)"
                 % (name, git_dir, var, name))
    commit = git(git_dir, "rev-parse", rev + "^{commit}").decode().strip()
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    archive = subprocess.Popen(["git", "--git-dir=" + git_dir, "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", dest], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        sys.exit("corpus: git archive %s %s failed" % (git_dir, commit))
    return {"git_dir": git_dir, "rev": rev, "commit": commit}


def hot_files(tree):
    found = []
    for root, dirs, files in os.walk(tree):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(TEMPLATE_EXT):
                path = os.path.join(root, f)
                with open(path, errors="replace") as fh:
                    if HOT.search(fh.read()):
                        found.append(path)
    return found


def collect(work, names):
    """Returns (sources, cases): each case {id, source, tree, template}."""
    sources, cases = {}, []
    for name in names:
        src = os.path.join(work, "src", name)
        log(">> exporting %s" % name)
        info = export(name, src)
        if name == "heat":
            tree = os.path.join(work, "tree", "heat")
            shutil.rmtree(tree, ignore_errors=True)
            subprocess.run([PY, os.path.join(BENCH, "extract_embedded.py"),
                            os.path.join(src, "heat_integrationtests"), tree], check=True, capture_output=True)
        elif name == "tripleo-heat-templates":
            tree = os.path.join(work, "tree", name)
            shutil.rmtree(tree, ignore_errors=True)
            log(">> rendering tripleo-heat-templates with its tools/process-templates.py")
            subprocess.run([PY, "tools/process-templates.py", "-p", ".", "-o", tree], cwd=src, check=True,
                           capture_output=True)
        else:
            tree = src
        info["tree"] = tree
        sources[name] = info
        for path in hot_files(tree):
            rel = os.path.relpath(path, tree)
            cases.append({"id": "%s/%s" % (name, rel), "source": name, "tree": tree, "template": path})
    return sources, cases


# ---------------------------------------------------------------- environments

def load_yaml(path):
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def resource_types(doc):
    res = doc.get("resources") if doc else None
    if not isinstance(res, dict):
        return []
    return [(n, r.get("type"), r.get("properties")) for n, r in res.items()
            if isinstance(r, dict) and isinstance(r.get("type"), str)]


def is_file_type(t):
    return t.endswith(TEMPLATE_EXT) or "/" in t


def tree_types(path, seen):
    """Every resource type a template and the local templates it nests use (a ResourceGroup's resource_def too)."""
    if path in seen:
        return set()
    seen.add(path)
    found = set()
    for _, t, props in resource_types(load_yaml(path)):
        if t in ("OS::Heat::ResourceGroup",) and isinstance(props, dict):
            inner = props.get("resource_def")
            if isinstance(inner, dict) and isinstance(inner.get("type"), str):
                t = inner["type"]
        if is_file_type(t):
            nested = os.path.normpath(os.path.join(os.path.dirname(path), t))
            if os.path.isfile(nested):
                found |= tree_types(nested, seen)
        else:
            found.add(t)
    return found


def registry_environments(tree):
    """Environment files of a tree: {path: set of types their resource_registry maps}."""
    envs = {}
    for root, dirs, files in os.walk(tree):
        for f in files:
            if not f.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(root, f)
            with open(path, errors="replace") as fh:
                text = fh.read()
            if "resource_registry" not in text or HOT.search(text):
                continue
            doc = load_yaml(path)
            if doc and isinstance(doc.get("resource_registry"), dict):
                envs[path] = {k for k in doc["resource_registry"] if isinstance(k, str) and "::" in k}
    return envs


def pick_registry(case, custom, envs, work):
    """The environment that maps most of the template's custom types, as a derived file holding
    only its resource_registry and parameter_defaults (its `parameters` would be values for another template)."""
    if not custom:
        return None
    best = None
    for path, mapped in envs.items():
        n = len(custom & mapped)
        if n == 0:
            continue
        # then the nearest; then the broader registry (TripleO's own over an environment that swaps a few types)
        near = len(os.path.commonpath([path, case["template"]]))
        key = (n, near, len(mapped), -len(path))
        if best is None or key > best[0]:
            best = (key, path)
    if best is None:
        return None
    path = best[1]
    derived = path[:-5] + ".corpus-registry.yaml"
    if not os.path.exists(derived):
        doc = load_yaml(path)
        keep = {k: doc[k] for k in ("resource_registry", "parameter_defaults") if k in doc}
        with open(derived, "w") as f:
            yaml.safe_dump(keep, f, default_flow_style=False)
    return derived


def cloud_environments(work, heat_types):
    # a removed cloud type Heat keeps registered (OS::Designate::Domain, OS::Nova::FloatingIP) names no client
    cloud = sorted(t for t, client in heat_types.items()
                   if client not in (None, "heat") or
                   not t.startswith(("OS::Heat::", "AWS::CloudFormation::", "AWS::AutoScaling::")))
    paths = {}
    for flavour, server in (("none", "OS::Heat::None"), ("deployed", "OS::Heat::DeployedServer")):
        reg = {t: "OS::Heat::None" for t in cloud}
        reg["OS::Nova::Server"] = server
        path = os.path.join(work, "env", "cloud-%s.yaml" % flavour)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            yaml.safe_dump({"resource_registry": reg}, f, default_flow_style=False)
        paths[flavour] = path
    return set(cloud), paths


def prepare(cases, work, heat_types):
    cloud, cloud_env = cloud_environments(work, heat_types)
    env_cache = {}
    for case in cases:
        doc = load_yaml(case["template"])
        types = resource_types(doc)
        custom = {t for t in tree_types(case["template"], set()) if t not in heat_types and not is_file_type(t)}
        if case["tree"] not in env_cache:
            env_cache[case["tree"]] = registry_environments(case["tree"])
        envs = []
        reg = pick_registry(case, custom, env_cache[case["tree"]], work)
        if reg:
            envs.append(reg)
        servers = [p for _, t, p in types if t == "OS::Nova::Server"]
        deployed = servers and all(isinstance(p, dict) and set(p) <= DEPLOYED_SERVER_PROPERTIES or p is None
                                   for p in servers)
        envs.append(cloud_env["deployed" if deployed else "none"])
        case["environments"] = envs
        case["yaql"] = bool(YAQL.search(open(case["template"], errors="replace").read()))
        params = doc.get("parameters") if doc else None
        # a custom_constraint (nova.flavor, glance.image, ...) is checked against the cloud at create
        all_defaulted = not isinstance(params, dict) or all(
            isinstance(p, dict) and "default" in p and "custom_constraint" not in json.dumps(p, default=str)
            for p in params.values())
        no_cloud = bool(types) and all(t in NO_CLOUD or (t in cloud and t != "OS::Nova::Server")
                                       or (t == "OS::Nova::Server" and not deployed) for _, t, _ in types)
        case["outputs_eligible"] = bool(doc and doc.get("outputs")) and all_defaulted and (no_cloud or not types)


# ---------------------------------------------------------------- Heat

def heat_answers(cases, work, want_outputs):
    path = os.path.join(work, "heat-cases.json")
    out = os.path.join(work, "heat-results.jsonl")
    if os.path.exists(out):
        os.unlink(out)
    log(">> Heat 19 (in process): %d templates" % len(cases))
    results, todo = {}, [c["id"] for c in cases]
    by_id = {c["id"]: c for c in cases}
    while todo:
        # a case that wedges Heat (no answer, no CPU) is recorded as a timeout; the rest go on in a new process
        with open(path, "w") as f:
            json.dump([{"id": i, "template": by_id[i]["template"], "environments": by_id[i]["environments"],
                        "outputs": want_outputs and by_id[i]["outputs_eligible"]} for i in todo], f)
        proc = subprocess.Popen(["nice", PY, os.path.join(BENCH, "heat_side.py"), path, out],
                                env=dict(os.environ, HEAT_TOOLS=HEAT_TOOLS))
        last_size, last_change = -1, time.monotonic()
        while proc.poll() is None:
            time.sleep(2)
            size = os.path.getsize(out) if os.path.exists(out) else 0
            if size != last_size:
                last_size, last_change = size, time.monotonic()
            elif time.monotonic() - last_change > HEAT_STALL:
                proc.kill()
                proc.wait()
        started = None
        with open(out) as f:
            for line in f:
                rec = json.loads(line)
                if "start" in rec:
                    started = rec["start"]
                else:
                    results[rec["id"]] = rec["result"]
                    started = None
        if started and started not in results:
            log("   heat: no answer for %s in %d s, skipped" % (started, HEAT_STALL))
            results[started] = {"validate": {"ok": False, "type": "Timeout",
                                             "message": "Heat gave no answer in %d s" % HEAT_STALL}}
        elif proc.returncode != 0 and todo and todo[0] not in results and not started:
            sys.exit("corpus: heat_side.py failed (exit %s)" % proc.returncode)
        todo = [i for i in todo if i not in results]
        log("   heat: %d/%d" % (len(results), len(cases)))
    return results


def load_heat_answers(work, cases):
    results = {}
    with open(os.path.join(work, "heat-results.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            if "id" in rec:
                results[rec["id"]] = rec["result"]
    missing = [c["id"] for c in cases if c["id"] not in results]
    if missing:
        sys.exit("corpus: the last Heat run has no answer for %d templates (%s …)" % (len(missing), missing[0]))
    return results


def check_heat_all(cases, heat, work, n, port):
    """Validates a sample again through a running heat-all (start-heat.sh, SQLite): is the in-process answer
    Heat's?"""
    sample = cases[::max(1, len(cases) // n)][:n]
    path = os.path.join(work, "heat-rest-cases.json")
    with open(path, "w") as f:
        json.dump([{"id": c["id"], "template": c["template"], "environments": c["environments"]} for c in sample], f)
    peer = os.path.join(work, "heat-peer")
    env = dict(os.environ, HEATPEER_DIR=peer, HEAT_PORT=str(port), HEAT_DB="sqlite", HEAT_FRESH_DB="1")
    log(">> checking %d answers against a running heat-all (port %d)" % (len(sample), port))
    started = subprocess.run(["bash", os.path.join(HEAT_TOOLS, "start-heat.sh")], env=env, capture_output=True,
                             text=True)
    url = re.search(r"HEAT_URL=(\S+)", started.stdout)
    if started.returncode != 0 or not url:
        log("   heat-all did not start: %s" % (started.stdout + started.stderr)[-1000:])
        return {"sample": len(sample), "error": "heat-all did not start"}
    out = os.path.join(work, "heat-rest-results.json")
    try:
        subprocess.run(["nice", PY, os.path.join(BENCH, "heat_side.py"), "--rest", url.group(1), path, out],
                       check=True, env=dict(os.environ, HEAT_TOOLS=HEAT_TOOLS))
    finally:
        subprocess.run(["bash", os.path.join(HEAT_TOOLS, "stop-heat.sh")], env=env, capture_output=True)
    with open(out) as f:
        rest = json.load(f)
    diffs = []
    for c in sample:
        a, b = heat[c["id"]]["validate"], rest[c["id"]]["validate"]
        if a["ok"] != b["ok"] or a.get("message") != b.get("message"):
            diffs.append({"id": c["id"], "in_process": a, "heat_all": b})
    return {"sample": len(sample), "same_answer": sum(heat[c["id"]]["validate"]["ok"] == rest[c["id"]]["validate"]["ok"]
                                                      for c in sample),
            "same_message": len(sample) - len(diffs), "differences": diffs}


# ---------------------------------------------------------------- Hearth

def hearth_run(hearth, args, state, cwd):
    p = subprocess.run(["nice", hearth] + args + ["--state", state], capture_output=True, text=True, timeout=300,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def hearth_validate(hearth, case, scratch):
    state = tempfile.mkdtemp(dir=scratch)
    try:
        args = ["template", "validate", "-t", case["template"], "-f", "json", "--allow-file-path", case["tree"]]
        for e in case["environments"]:
            args += ["-e", e]
        rc, out, err = hearth_run(hearth, args, state, case["tree"])
    finally:
        shutil.rmtree(state, ignore_errors=True)
    try:
        doc = json.loads(out)
        diags = doc.get("diagnostics", [])
    except ValueError:
        diags = [{"severity": "error", "code": "CLI", "message": (err or out).strip()[:2000]}]
    return {"ok": rc == 0, "exit": rc,
            "errors": [d for d in diags if d.get("severity") == "error"],
            "warnings": [d for d in diags if d.get("severity") != "error"]}


def hearth_outputs(hearth, case, scratch):
    state = tempfile.mkdtemp(dir=scratch)
    try:
        args = ["stack", "create", "corpus", "-t", case["template"], "--allow-file-path", case["tree"]]
        for e in case["environments"]:
            args += ["-e", e]
        rc, out, err = hearth_run(hearth, args, state, case["tree"])
        if rc != 0:
            return {"ok": False, "exit": rc, "message": (err or out).strip()[-2000:]}
        rc, out, err = hearth_run(hearth, ["stack", "output", "show", "corpus", "--all", "-f", "json"], state,
                                  case["tree"])
        if rc != 0:
            return {"ok": False, "exit": rc, "message": (err or out).strip()[-2000:]}
        rows = json.loads(out)
        return {"ok": True, "outputs": {r["output_key"]: r.get("output_value") for r in rows},
                "output_errors": {r["output_key"]: r["output_error"] for r in rows if r.get("output_error")}}
    finally:
        shutil.rmtree(state, ignore_errors=True)


def hearth_answers(hearth, cases, jobs, scratch, heat, want_outputs):
    log(">> Hearth: %d templates, %d at a time" % (len(cases), jobs))
    results = {}

    def one(case):
        r = {"validate": hearth_validate(hearth, case, scratch)}
        h = heat.get(case["id"], {})
        if want_outputs and case["outputs_eligible"] and r["validate"]["ok"] and h.get("validate", {}).get("ok"):
            r["outputs"] = hearth_outputs(hearth, case, scratch)
        return case["id"], r

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for i, (cid, r) in enumerate(pool.map(one, cases), 1):
            results[cid] = r
            if i % 50 == 0:
                log("   %d/%d" % (i, len(cases)))
    return results


# ---------------------------------------------------------------- comparing

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def same_value(a, b, random):
    """Equal, except what is not reproducible: resource ids (uuids, Heat's stack-resource-suffix names) and, when
    the template has a RandomString, strings of the same length."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k], random) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y, random) for x, y in zip(a, b))
    if a == b and type(a) is type(b):
        return True
    if isinstance(a, str) and isinstance(b, str):
        if UUID.match(a) and UUID.match(b):
            return True
        if random and len(a) == len(b):
            return True
        if re.match(r"^oracle\d+-", a) and UUID.match(b):
            return True
    return False


def compare_outputs(case, heat_out, hearth_out):
    if heat_out is None or hearth_out is None:
        return None
    if "error" in heat_out or not hearth_out.get("ok"):
        return {"agree": ("error" in heat_out) == (not hearth_out.get("ok")), "outputs": 0, "agreeing": 0,
                "heat": heat_out.get("error"), "hearth": hearth_out.get("message"), "differences": []}
    with open(case["template"], errors="replace") as f:
        random = "OS::Heat::RandomString" in f.read()
    diffs = []
    keys = sorted(set(heat_out.get("outputs", {})) | set(hearth_out["outputs"]))
    for k in keys:
        hv, mv = heat_out.get("outputs", {}).get(k), hearth_out["outputs"].get(k)
        he, me = heat_out.get("output_errors", {}).get(k), hearth_out["output_errors"].get(k)
        if bool(he) != bool(me) or (not he and not same_value(hv, mv, random)):
            diffs.append({"output": k, "heat": he or hv, "hearth": me or mv})
    return {"agree": not diffs, "outputs": len(keys), "agreeing": len(keys) - len(diffs), "differences": diffs}


def normalise(message):
    m = re.sub(r"--parameter \S+=VALUE", "--parameter …=VALUE", message)
    m = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", m)
    m = re.sub(r"\d+", "N", m)
    return m[:160]


def problem(error, top):
    """One Hearth error as a cause: its code, whether it is in a nested template, its message without names."""
    where = " (in a nested template)" if error.get("file") not in (None, top) else ""
    message = error.get("message", "")
    if error.get("code") == "HT500":
        m = re.search(r"resource type '([^']+)'", message)
        return "HT500%s unknown resource type %s" % (where, m.group(1) if m else "?")
    return "%s%s %s" % (error.get("code", "?"), where, normalise(message))


def problems(row):
    """The causes of one disagreement: yaql; each distinct Hearth error where only Heat accepts; Heat's error
    where only Hearth accepts."""
    crash = [e for e in row["hearth"]["errors"] if "internal error" in e.get("message", "")]
    if crash:
        lines = crash[0]["message"].splitlines()
        return ["hearth internal error: " + (lines[1] if len(lines) > 1 else lines[0])[:200]]
    if row["yaql"] or any(e.get("code") == "HT207" for e in row["hearth"]["errors"]):
        return ["yaql"]
    if row["heat"]["ok"]:
        top = row["id"].split("/", 1)[1]
        return sorted({problem(e, top) for e in row["hearth"]["errors"]}) or ["hearth refuses without an error"]
    return ["Heat refuses, Hearth accepts: %s %s" % (row["heat"].get("type"), normalise(row["heat"].get("message", "")))]


def relative(value, case, work):
    """The same answer with scratch paths made relative, so runs compare and messages read."""
    text = json.dumps(value)
    for prefix in ("file://" + case["tree"] + "/", case["tree"] + "/", work + "/"):
        text = text.replace(prefix, "")
    return json.loads(text)


def compare(cases, heat, hearth, work):
    rows = []
    for case in cases:
        h = relative(heat.get(case["id"], {}), case, work)
        m = relative(hearth.get(case["id"], {}), case, work)
        hv, mv = h.get("validate", {"ok": False, "type": "Missing", "message": "no answer"}), m.get("validate")
        row = {"id": case["id"], "source": case["source"], "environments": relative(case["environments"], case, work),
               "yaql": case["yaql"], "heat": hv, "hearth": mv, "agree": hv["ok"] == mv["ok"]}
        if not row["agree"]:
            row["causes"] = problems(row)
        # the first errors say enough (a yaql template has hundreds); warnings are not compared
        row["hearth"] = {"ok": mv["ok"], "exit": mv["exit"], "error_count": len(mv["errors"]),
                         "errors": mv["errors"][:5]}
        out = compare_outputs(case, h.get("outputs"), m.get("outputs"))
        if out is not None:
            row["outputs"] = out
        rows.append(row)
    return rows


def summarise(rows):
    def count(sel):
        sel = list(sel)
        return {"templates": len(sel), "agree": sum(r["agree"] for r in sel),
                "both_accept": sum(r["heat"]["ok"] and r["hearth"]["ok"] for r in sel),
                "both_refuse": sum(not r["heat"]["ok"] and not r["hearth"]["ok"] for r in sel),
                "only_heat_accepts": sum(r["heat"]["ok"] and not r["hearth"]["ok"] for r in sel),
                "only_hearth_accepts": sum(not r["heat"]["ok"] and r["hearth"]["ok"] for r in sel)}
    yaql = {r["id"] for r in rows if r["yaql"] or r.get("causes") == ["yaql"]}
    summary = {"validation": count(rows), "validation_without_yaql": count(r for r in rows if r["id"] not in yaql),
               "yaql_templates": len(yaql), "by_source": {}}
    for s in sorted({r["source"] for r in rows}):
        summary["by_source"][s] = count(r for r in rows if r["source"] == s)
    outs = [r["outputs"] for r in rows if "outputs" in r]
    summary["outputs"] = {"templates": len(outs), "templates_agree": sum(o["agree"] for o in outs),
                          "values": sum(o["outputs"] for o in outs), "values_agree": sum(o["agreeing"] for o in outs)}
    groups = {}
    for r in rows:
        for c in r.get("causes", []):
            groups.setdefault(c, []).append({
                "id": r["id"],
                "heat": r["heat"] if not r["heat"]["ok"] else "accepts",
                "hearth": ["%s:%s:%s %s %s" % (e.get("file"), e.get("line"), e.get("column"), e.get("code"),
                                               e.get("message")) for e in r["hearth"]["errors"]] or "accepts"})
    summary["disagreements"] = dict(sorted(groups.items(), key=lambda kv: -len(kv[1])))
    summary["output_disagreements"] = [{"id": r["id"], **r["outputs"]} for r in rows
                                       if "outputs" in r and not r["outputs"]["agree"]]
    return summary


def table(summary):
    lines = ["%-28s %9s %7s %11s %11s %11s %11s" % ("validation", "templates", "agree", "both accept",
                                                     "both refuse", "only Heat", "only Hearth")]

    def line(label, c):
        lines.append("%-28s %9d %7d %11d %11d %11d %11d" % (label, c["templates"], c["agree"], c["both_accept"],
                                                            c["both_refuse"], c["only_heat_accepts"],
                                                            c["only_hearth_accepts"]))
    line("all", summary["validation"])
    line("without yaql", summary["validation_without_yaql"])
    for s, c in summary["by_source"].items():
        line("  " + s, c)
    o = summary["outputs"]
    lines.append("")
    lines.append("outputs: %d of %d templates agree, %d of %d output values" % (
        o["templates_agree"], o["templates"], o["values_agree"], o["values"]))
    lines.append("")
    lines.append("disagreements by cause (templates; one template may have several causes):")
    for k, v in summary["disagreements"].items():
        lines.append("  %4d  %s" % (len(v), k))
    return "\n".join(lines)


def markdown(result, examples=3):
    """The disagreements grouped by cause, for people: each cause with its count and a few templates."""
    s = result["summary"]
    v, w, o = s["validation"], s["validation_without_yaql"], s["outputs"]
    lines = ["# Heat compatibility corpus: disagreements", "",
             "%s, hearth %s; sources: %s" % (result["date"], result["hearth_commit"], ", ".join(
                 "%s@%s" % (k, x["commit"][:10]) for k, x in result["sources"].items())), "",
             "- validation: %d of %d agree (without yaql: %d of %d; %d yaql templates)" % (
                 v["agree"], v["templates"], w["agree"], w["templates"], s["yaql_templates"]),
             "- Heat accepts, Hearth refuses: %d; Hearth accepts, Heat refuses: %d" % (
                 v["only_heat_accepts"], v["only_hearth_accepts"]),
             "- outputs: %d of %d templates agree, %d of %d values" % (
                 o["templates_agree"], o["templates"], o["values_agree"], o["values"]), ""]
    for cause_key, items in result["disagreements"].items():
        lines.append("## %s (%d)" % (cause_key, len(items)))
        for item in items[:examples]:
            heat = item["heat"] if item["heat"] == "accepts" else "refuses: %s" % item["heat"].get("message")
            hearth = item["hearth"] if item["hearth"] == "accepts" else "; ".join(item["hearth"][:3])
            lines.append("- `%s`" % item["id"])
            lines.append("  - Heat: %s" % heat[:400])
            lines.append("  - Hearth: %s" % hearth[:600])
        if len(items) > examples:
            lines.append("- and %d more: %s" % (len(items) - examples, ", ".join(
                "`%s`" % i["id"] for i in items[examples:examples + 12])) + (" …" if len(items) > examples + 12
                                                                              else ""))
        lines.append("")
    if result["output_disagreements"]:
        lines.append("## outputs that differ")
        for d in result["output_disagreements"]:
            lines.append("- `%s`: %s" % (d["id"], json.dumps(d.get("differences") or
                                                            {"heat": d.get("heat"), "hearth": d.get("hearth")})[:600]))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def build_hearth():
    log(">> building hearth (./hearth)")
    subprocess.run([os.path.join(ROOT, "hearth"), "--version"], check=True, capture_output=True)
    return os.path.join(ROOT, "artifacts", "hearth", "hearth")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "hearth-corpus"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--limit", type=int, default=0, help="only the first N templates (a quick look)")
    ap.add_argument("--no-outputs", action="store_true")
    ap.add_argument("--hearth", help="a built hearth binary (default: ./hearth builds artifacts/hearth/hearth)")
    ap.add_argument("--check-heat-all", type=int, default=0, metavar="N",
                    help="validate N of the templates again through a running heat-all and compare")
    ap.add_argument("--heat-port", type=int, default=28604)
    ap.add_argument("--markdown", metavar="FILE", help="also write the disagreements grouped by cause as markdown")
    ap.add_argument("--reuse", action="store_true",
                    help="compare again the answers of the last run in --work (after a change to the comparison)")
    ap.add_argument("--reuse-heat", action="store_true", help="take Heat's answers from the last run in --work")
    ap.add_argument("--rerun-heat", action="store_true", help="with --reuse: ask Heat again, keep Hearth's answers")
    ap.add_argument("--render", metavar="RESULT.json", help="only render an earlier result (table, --markdown)")
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "latest.json"))
    a = ap.parse_args()
    if a.render:
        with open(a.render) as f:
            result = json.load(f)
        if a.markdown:
            with open(a.markdown, "w") as f:
                f.write(markdown(result))
        print(table({**result["summary"], "disagreements": result["disagreements"]}))
        return 0

    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    hearth = a.hearth or (os.path.join(ROOT, "artifacts", "hearth", "hearth") if a.reuse else build_hearth())
    names = [s for s in a.sources.split(",") if s]
    for n in names:
        if n not in SOURCES:
            ap.error("unknown source %s (one of %s)" % (n, ", ".join(SOURCES)))
    saved = os.path.join(work, "answers.json")
    if a.reuse:
        with open(saved) as f:
            sources, cases, heat, hearth_res, heat_check = json.load(f)
        if a.rerun_heat:
            heat = heat_answers(cases, work, not a.no_outputs)
            with open(saved, "w") as f:
                json.dump([sources, cases, heat, hearth_res, heat_check], f)
    else:
        sources, cases = collect(work, names)
        if a.limit:
            cases = cases[:a.limit]
        types_path = os.path.join(work, "heat-types.json")
        subprocess.run([PY, os.path.join(BENCH, "heat_side.py"), "--types", types_path], check=True,
                       env=dict(os.environ, HEAT_TOOLS=HEAT_TOOLS))
        with open(types_path) as f:
            heat_types = json.load(f)
        prepare(cases, work, heat_types)
        want_outputs = not a.no_outputs
        heat = load_heat_answers(work, cases) if a.reuse_heat else heat_answers(cases, work, want_outputs)
        heat_check = check_heat_all(cases, heat, work, a.check_heat_all, a.heat_port) if a.check_heat_all else None
        scratch = tempfile.mkdtemp(prefix="hearth-corpus-state-")
        try:
            hearth_res = hearth_answers(hearth, cases, a.jobs, scratch, heat, want_outputs)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        with open(saved, "w") as f:
            json.dump([sources, cases, heat, hearth_res, heat_check], f)
    rows = compare(cases, heat, hearth_res, work)
    summary = summarise(rows)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    version = subprocess.run([hearth, "--version"], capture_output=True, text=True).stdout.strip()
    result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "hearth_commit": commit, "hearth_version": version,
              "sources": {k: {kk: vv for kk, vv in v.items() if kk in ("rev", "commit")}
                          for k, v in sources.items()},
              "heat_all_check": heat_check,
              "summary": {k: v for k, v in summary.items()
                          if k not in ("disagreements", "output_disagreements")},
              "disagreements": summary["disagreements"], "output_disagreements": summary["output_disagreements"],
              "cases": rows}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write("\n")
    text = table(summary)
    if heat_check and "same_answer" in heat_check:
        text += "\n\nin-process Heat against a running heat-all: %d of %d same answer, %d same message" % (
            heat_check["same_answer"], heat_check["sample"], heat_check["same_message"])
    with open(os.path.splitext(a.out)[0] + ".txt", "w") as f:
        f.write(text + "\n")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(markdown(result))
    print(text)
    log(">> result: %s" % a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
