#!/usr/bin/python3
"""Heat 19's answers for the corpus, in process (python3-heat, no services): validate and, where asked, outputs.

    heat_side.py CASES.json RESULTS.jsonl
    heat_side.py --types TYPES.json      every resource type Heat registers, with the client (service) it needs
    heat_side.py --rest URL CASES.json RESULTS.json
                                         validate through a running heat-all instead (POST URL/validate, as
                                         heat-stack.py does): the check that the in-process answer is Heat's

CASES.json is a list of {"id", "template", "environments": [...], "outputs": bool}. For each case:
- validate: exactly what `POST /v1/{tenant}/validate` does on the standalone heat-all of
  ../shared/tools/heat/start-heat.sh, minus HTTP: the client side reads the template, its nested templates and
  get_file contents and the environments with python3-heatclient's template_utils (as `openstack orchestration
  template validate` and heat-stack.py do), the API's InstantiationData builds the environment, and
  EngineService.validate_template runs in this process with a request context carrying the same token (a service
  catalog with orchestration and identity only, so a cloud type is "not available" as it is on that heat-all).
  Answer: {"ok": true} or {"ok": false, "type", "message"}.
- outputs (when "outputs" is true): heat_eval.py's create mode (the legacy engine creating the stack in memory, here
  with the files the client sends) and every output's value, or its error.
Appends to RESULTS.jsonl a line {"start": id} before each case and {"id", "result": {"validate", "outputs"}} after.
"""
import inspect
import json
import os
import signal
import sys
import warnings

warnings.filterwarnings("ignore")

HEAT_TOOLS = os.environ.get("HEAT_TOOLS", "/work/shared/tools/heat")
sys.path.insert(0, HEAT_TOOLS)
import heat_eval  # noqa: E402  (../shared/tools/heat: Heat's own library, set up once)

CASE_TIMEOUT = 120

# The token start-heat.sh gives heat-all's noauth middleware: its catalog decides which resource types are
# "available" (default_client_name 'heat' -> orchestration; nova, neutron, ... -> not available).
TOKEN = {"token": {
    "is_domain": False, "methods": ["password"],
    "roles": [{"id": "4c8de39b96794ab28bf37a0b842b8bc8", "name": "admin"}],
    "expires_at": "2099-01-01T00:00:00.000000Z", "issued_at": "2026-01-01T00:00:00.000000Z",
    "project": {"domain": {"id": "default", "name": "Default"}, "id": "admin", "name": "admin"},
    "user": {"domain": {"id": "default", "name": "Default"}, "id": "admin", "name": "admin"},
    "audit_ids": ["F6ONJ8fCT6i_CFTbmC0vBA"],
    "catalog": [
        {"type": "orchestration", "name": "heat", "id": "96a549e3961d45cabe883dd17c5835be",
         "endpoints": [{"url": "http://127.0.0.1:28004/v1/admin", "interface": i, "region": "regionOne",
                        "region_id": "regionOne", "id": "o-" + i} for i in ("public", "internal", "admin")]},
        {"type": "identity", "name": "keystone", "id": "a785f0b7603042d1bf59237c71af2f15",
         "endpoints": [{"url": "http://127.0.0.1/v3", "interface": i, "region": "regionOne",
                        "region_id": "regionOne", "id": "k-" + i} for i in ("public", "internal", "admin")]}]}}


def make_context():
    # what heat.common.context.ContextMiddleware builds from the noauth headers
    from heat.common import context
    return context.RequestContext.from_dict({
        "tenant_id": "admin", "tenant": "admin", "project_id": "admin", "project_name": "admin",
        "username": "admin", "user_id": "admin", "user": "admin", "roles": ["admin"], "is_admin": False,
        "auth_url": "url", "auth_token_info": TOKEN, "region_name": None})


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout("no answer in %d s" % CASE_TIMEOUT)


def client_side(template, environments):
    """What the openstack client sends: (template, files, environment), or a refusal before sending."""
    from heatclient.common import template_utils
    try:
        files, tmpl = template_utils.get_template_contents(template_file=template)
        env_files, env = template_utils.process_multiple_environments_and_files(env_paths=environments)
    except Exception as ex:
        return None, {"ok": False, "type": "Client" + type(ex).__name__, "message": str(ex)}
    files.update(env_files)
    # the request body as the API receives it: heatclient encodes with jsonutils, so get_file contents read as
    # bytes arrive as text
    from oslo_serialization import jsonutils
    return tuple(json.loads(jsonutils.dumps(part)) for part in (tmpl, files, env)), None


def validate_rest(url, template, environments):
    import urllib.error
    import urllib.request
    from oslo_serialization import jsonutils     # what heatclient encodes the request with
    body, refused = client_side(template, environments)
    if refused:
        return refused
    tmpl, files, env = body
    req = urllib.request.Request(
        url + "/validate", method="POST",
        data=jsonutils.dumps({"template": tmpl, "files": files, "environment": env, "parameters": {}}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "X-Auth-User": "admin", "X-Auth-Project": "admin"})
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            r.read()
        return {"ok": True}
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            err = json.loads(raw).get("error", {})
            return {"ok": False, "type": err.get("type", ""), "message": err.get("message", ""),
                    "http": e.code}
        except ValueError:
            return {"ok": False, "type": "HTTP%d" % e.code, "message": raw.decode(errors="replace")[:2000]}


def validate(template, environments):
    from heat.api.openstack.v1.stacks import InstantiationData
    from heat.engine import service
    body, refused = client_side(template, environments)
    if refused:
        return refused
    tmpl, files, env = body
    data = InstantiationData({"template": tmpl, "files": files, "environment": env, "parameters": {}})
    engine = service.EngineService.__new__(service.EngineService)
    # without the RPC decorators: an exception is what the API turns into a 400 (or 500)
    call = inspect.unwrap(service.EngineService.validate_template)
    try:
        result = call(engine, make_context(), data.template(), data.environment(), files=data.files(),
                      environment_files=data.environment_files())
    except Exception as ex:
        return {"ok": False, "type": type(ex).__name__, "message": str(ex)}
    if isinstance(result, dict) and "Error" in result:
        return {"ok": False, "type": "StackValidationFailed", "message": result["Error"]}
    if not isinstance(result, dict):      # webob HTTPBadRequest for "No Template provided"
        return {"ok": False, "type": type(result).__name__, "message": str(result)}
    return {"ok": True}


def serve_rpc_in_process():
    """Engine RPC calls (a software config's create and show, ...) go straight to an EngineService in this
    process, as the RPC server would dispatch them; the fake transport alone has no server and waits forever."""
    from heat.engine import service
    from heat.rpc import client as rpc_client
    engine = service.EngineService("corpus", "engine")

    def call(self, ctxt, msg, version=None, timeout=None):
        method, kwargs = msg
        return inspect.unwrap(getattr(service.EngineService, method))(engine, ctxt, **kwargs)

    rpc_client.EngineClient.call = call


def outputs(template, environments):
    """heat_eval.py's create mode, given what the client sends (nested files and get_file contents included)."""
    from heat.api.openstack.v1.stacks import InstantiationData
    from heat.common import exception
    from heat.engine import environment
    from heat.engine import stack as parser
    from heat.engine import stk_defn
    from heat.engine import template as templatem
    body, refused = client_side(template, environments)
    if refused:
        return {"error": refused}
    tmpl_dict, files, env = body
    data = InstantiationData({"template": tmpl_dict, "files": files, "environment": env, "parameters": {}})
    ctx = make_context()
    try:
        tmpl = templatem.Template(data.template(), files=data.files(), env=environment.Environment(data.environment()))
        tmpl.validate()
        heat_eval._COUNTER[0] += 1
        stack = parser.Stack(ctx, "oracle%d" % heat_eval._COUNTER[0], tmpl, disable_rollback=True,
                             convergence=False)
        stack.validate()
        stack.store()
        stack.create()
        if stack.status != stack.COMPLETE:
            return {"error": {"type": "CreateFailed", "message": stack.status_reason}}
        # as GET /stacks/{id} does: a fresh load, every resource's node data fed to the definition
        stack = parser.Stack.load(ctx, stack_id=stack.id)
        for res in stack._explicit_dependencies():
            stk_defn.update_resource_data(stack.defn, res.name,
                                          res.node_data(for_resources=False, for_outputs=True))
    except exception.HeatException as ex:
        return {"error": {"type": type(ex).__name__, "message": str(ex)}}
    except Exception as ex:
        return {"error": {"type": type(ex).__name__, "message": str(ex)}}
    outs, errs = {}, {}
    for key, out in stack.outputs.items():
        try:
            outs[key] = heat_eval.to_jsonable(out.get_value())
        except Exception as ex:       # engine/api.py format_stack_output
            outs[key] = None
            errs[key] = str(ex)
    return {"outputs": outs, "output_errors": errs}


def resource_types():
    # the registry itself, not get_types(): that leaves out hidden types (OS::Neutron::RouterGateway, ...), which
    # Heat still loads and validates
    from heat.engine import environment
    from heat.engine import resources
    registry = resources.global_env().registry._registry
    types = {}
    for name, info in registry.items():
        if isinstance(info, dict) or "*" in name:
            continue
        for _ in range(5):      # an alias (OS::Ceilometer::Alarm -> OS::Aodh::Alarm) needs what its target needs
            if not isinstance(info, environment.MapResourceInfo) or info.value not in registry:
                break
            info = registry[info.value]
        cls = info.value if isinstance(info, environment.ClassResourceInfo) else None
        types[name] = getattr(cls, "default_client_name", None)
    return types


def main():
    if sys.argv[1] == "--types":
        heat_eval.setup_heat(False, with_db=False)
        with open(sys.argv[2], "w") as f:
            json.dump(resource_types(), f, indent=1, sort_keys=True)
        return 0
    if sys.argv[1] == "--rest":
        url, cases_path, results_path = sys.argv[2:5]
        with open(cases_path) as f:
            cases = json.load(f)
        results = {c["id"]: {"validate": validate_rest(url, c["template"], c.get("environments", []))}
                   for c in cases}
        with open(results_path, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        return 0
    cases_path, results_path = sys.argv[1], sys.argv[2]
    with open(cases_path) as f:
        cases = json.load(f)
    heat_eval.make_context = make_context
    heat_eval.setup_heat(False, with_db=True)
    serve_rpc_in_process()
    signal.signal(signal.SIGALRM, _alarm)
    # one line per case, written as soon as it is known: a case that hangs Heat beyond the alarm (a lock in C
    # does not see it) is found by the caller, which restarts this on the cases after it
    with open(results_path, "a") as out:
        for case in cases:
            out.write(json.dumps({"start": case["id"]}) + "\n")
            out.flush()
            entry = {}
            for part, fn in (("validate", validate), ("outputs", outputs)):
                if part == "outputs" and not case.get("outputs"):
                    continue
                signal.alarm(CASE_TIMEOUT)
                try:
                    entry[part] = fn(case["template"], case.get("environments", []))
                except _Timeout as ex:
                    entry[part] = {"ok": False, "type": "Timeout", "message": str(ex)}
                finally:
                    signal.alarm(0)
            out.write(json.dumps({"id": case["id"], "result": entry}) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
