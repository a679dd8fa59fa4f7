#!/usr/bin/python3
"""The yaql table of docs/performance.md: BenchmarkDotNet's YaqlExpressions report beside heat_yaql.py's timings.

    dotnet run -c Release --project bench/Hearth.Benchmarks -- --filter '*YaqlExpressions*' --exporters json
    /usr/bin/python3 bench/yaql/heat_yaql.py > /tmp/heat-yaql.json
    /usr/bin/python3 bench/yaql/table.py BenchmarkDotNet.Artifacts/results/Hearth.Benchmarks.YaqlExpressions-report-full-compressed.json /tmp/heat-yaql.json
"""
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(bdn_path, heat_path):
    heat = json.load(open(heat_path))
    expressions = json.load(open(os.path.join(HERE, "expressions.json")))
    hearth = {}
    for b in json.load(open(bdn_path))["Benchmarks"]:
        case = b["FullName"].split('Case: "', 1)[1].split('"', 1)[0]
        hearth[(case, b["Method"])] = b["Statistics"]["Median"] / 1000.0
    print("| expression (case) | Heat: parse + evaluate | Hearth: evaluate (parsed with the template) | Heat / Hearth "
          "| Heat: evaluate only | Hearth: parse + evaluate |")
    print("|---|---|---|---|---|---|")
    ratios = []
    for case, times in heat.items():
        text = " ".join(expressions[case]["expression"].split())
        text = text if len(text) <= 60 else text[:57] + "…"
        ours = hearth[(case, "Evaluate")]
        ratio = times["heat_us"] / ours
        ratios.append(ratio)
        print("| `%s` (%s) | %.0f µs | %.1f µs | **%.0f×** | %.0f µs | %.1f µs |" % (
            text.replace("|", "\\|"), case, times["heat_us"], ours, ratio, times["evaluate_us"],
            hearth[(case, "ParseAndEvaluate")]))
    print()
    print("Heat / Hearth per evaluation: median %.0f×, lowest %.0f×, highest %.0f×." % (
        statistics.median(ratios), min(ratios), max(ratios)))


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
