#!/usr/bin/python3
"""Heat's own yaql evaluation of the expressions in expressions.txt, on the cases' data: per evaluation, as Heat's
Yaql function does it (heat/engine/hot/functions.py: Yaql.result parses the expression, then evaluates it with
$ = {"data": data} in a child of one shared context), and evaluation alone (the expression parsed once).

    /usr/bin/python3 bench/yaql/heat_yaql.py --write-data   writes expressions.json: each expression and its data,
                                                              resolved (get_param, if, nested yaql) as Heat would
    /usr/bin/python3 bench/yaql/heat_yaql.py [--seconds S]   prints JSON: {id: {"heat_us": …, "evaluate_us": …}}

Hearth's side (bench/Hearth.Benchmarks/YaqlExpressions.cs) reads the same expressions.json.
"""
import argparse
import json
import os
import sys
import timeit

import yaql

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "..", "tests", "data", "conformance", "yaql-cases.json")


def per_call_us(func, seconds):
    number = 1
    while True:
        took = timeit.timeit(func, number=number)
        if took >= 0.2:
            break
        number *= 2
    repeats = max(3, int(seconds / max(took, 1e-9)))
    best = min(timeit.repeat(func, number=number, repeat=min(repeats, 7)))
    return best / number * 1e6


def parameter(case, name):
    value = case.get("params", {}).get(name, case.get("parameters", {}).get(name, {}).get("default"))
    kind = case.get("parameters", {}).get(name, {}).get("type")
    if kind == "boolean" and isinstance(value, str):
        return value.lower() in ("true", "1", "yes", "on", "t", "y")
    if kind == "number" and isinstance(value, str):
        return int(value)
    return value


def resolve(case, value, parser, context):
    """The HOT functions the benchmark cases' data use: get_param, if, yaql."""
    if isinstance(value, list):
        return [resolve(case, v, parser, context) for v in value]
    if not isinstance(value, dict):
        return value
    if list(value) == ["get_param"]:
        return parameter(case, value["get_param"])
    if list(value) == ["if"]:
        condition, yes, no = value["if"]
        return resolve(case, yes if resolve(case, condition, parser, context) else no, parser, context)
    if list(value) == ["yaql"]:
        args = value["yaql"]
        data = resolve(case, args.get("data", {}), parser, context)
        return parser(args["expression"]).evaluate({"data": data}, context.create_child_context())
    return {k: resolve(case, v, parser, context) for k, v in value.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--write-data", action="store_true")
    a = ap.parse_args()
    ids = [line.strip() for line in open(os.path.join(HERE, "expressions.txt")) if line.strip() and not line.startswith("#")]
    cases = {c["id"]: c for c in json.load(open(CASES))}
    # Heat's engine options ([yaql] defaults) and context, as Yaql.get_yaql_parser builds them.
    parser = yaql.YaqlFactory().create({"yaql.limitIterators": 200, "yaql.memoryQuota": 10000})
    context = yaql.create_context()
    data_path = os.path.join(HERE, "expressions.json")
    if a.write_data:
        out = {}
        for case_id in ids:
            args = cases[case_id]["snippet"]["yaql"]
            out[case_id] = {"expression": args["expression"],
                            "data": resolve(cases[case_id], args.get("data", {}), parser, context)}
        with open(data_path, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        return 0
    expressions = json.load(open(data_path))
    result = {}
    for case_id in ids:
        expression, data = expressions[case_id]["expression"], expressions[case_id]["data"]
        statement = parser(expression)

        def heat():
            return parser(expression).evaluate({"data": data}, context.create_child_context())

        def evaluate():
            return statement.evaluate({"data": data}, context.create_child_context())

        heat()
        result[case_id] = {"heat_us": per_call_us(heat, a.seconds), "evaluate_us": per_call_us(evaluate, a.seconds)}
        print(case_id, "%.1f us" % result[case_id]["heat_us"], file=sys.stderr)
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    sys.exit(main())
