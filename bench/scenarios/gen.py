#!/usr/bin/python3
"""Generate HOT templates for scale tests (a copy of ../shared/tools/heat/gen.py, so Hearth and Heat run the same text).

  gen.py N SHAPE > t.yaml        SHAPE in: flat | chain | fan

  flat : N independent OS::Heat::None  (r0 .. rN-1)
  chain: N OS::Heat::Value, r_i depends_on r_{i-1} and takes its value from
         get_attr [r_{i-1}, value]  (r0 takes get_param seed)
  fan  : one OS::Heat::Value 'root' (get_param seed) + N OS::Heat::Value
         leaves l_i whose value is str_replace over get_attr [root, value]
         (N+1 resources in total)

Every template has a parameter 'p' (default 'p0') used by exactly ONE
resource (r0 / the last chain link / leaf l0) and a parameter 'seed' -> so
"update one parameter used by only one resource" is `-P p=p1`.
(For chain the p-user is the last link so nothing depends on it.)
"""
import sys


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("flat", "chain", "fan"):
        sys.exit(__doc__)
    n = int(sys.argv[1])
    shape = sys.argv[2]
    out = ["heat_template_version: 2018-08-31",
           "description: generated %s N=%d" % (shape, n),
           "parameters:",
           "  seed: {type: string, default: s0}",
           "  p: {type: string, default: p0}",
           "resources:"]
    if shape == "flat":
        for i in range(n):
            out.append("  r%d:" % i)
            out.append("    type: OS::Heat::None")
            if i == 0:
                out.append("    properties: {tag: {get_param: p}}")
            else:
                out.append("    properties: {tag: t%d}" % i)
        outputs = ["  first: {value: {get_resource: r0}}"]
    elif shape == "chain":
        for i in range(n):
            out.append("  r%d:" % i)
            out.append("    type: OS::Heat::Value")
            if i == 0:
                out.append("    properties: {value: {get_param: seed}}")
            else:
                out.append("    depends_on: r%d" % (i - 1))
                if i == n - 1:
                    out.append("    properties: {value: {list_join: ['-', "
                               "[{get_attr: [r%d, value]}, {get_param: p}]]}}"
                               % (i - 1))
                else:
                    out.append("    properties: {value: {get_attr: [r%d, "
                               "value]}}" % (i - 1))
        outputs = ["  last: {value: {get_attr: [r%d, value]}}" % (n - 1)]
    else:  # fan
        out.append("  root:")
        out.append("    type: OS::Heat::Value")
        out.append("    properties: {value: {get_param: seed}}")
        for i in range(n):
            out.append("  l%d:" % i)
            out.append("    type: OS::Heat::Value")
            if i == 0:
                out.append("    properties: {value: {str_replace: {template: "
                           "'R-P', params: {R: {get_attr: [root, value]}, "
                           "P: {get_param: p}}}}}")
            else:
                out.append("    properties: {value: {str_replace: {template: "
                           "'R-%d', params: {R: {get_attr: [root, value]}}}}}"
                           % i)
        outputs = ["  l0: {value: {get_attr: [l0, value]}}",
                   "  last: {value: {get_attr: [l%d, value]}}" % (n - 1)]
    out.append("outputs:")
    out.extend(outputs)
    print("\n".join(out))


if __name__ == "__main__":
    main()
