using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hearth.Templates.Values;
using Hearth.Templates.Yaql;

namespace Hearth.Benchmarks;

/// <summary>
/// The 20 yaql expressions tripleo-heat-templates uses most (bench/yaql/expressions.txt), each on its conformance
/// case's data as the template passes it (bench/yaql/expressions.json, written by heat_yaql.py --write-data):
/// <see cref="Evaluate"/> is what a template pays per evaluation (parsed once with the template),
/// <see cref="ParseAndEvaluate"/> adds the parse. Heat's side, same file: bench/yaql/heat_yaql.py.
/// </summary>
[MemoryDiagnoser]
public class YaqlExpressions
{
    private YaqlNode _node = null!;
    private string _text = "";
    private object? _root;
    private readonly YaqlEvaluator _evaluator = new(YaqlLimits.Heat);

    [ParamsSource(nameof(Ids))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> Ids() => File.ReadLines(Path.Combine(Root(), "bench", "yaql", "expressions.txt"))
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'));

    [GlobalSetup]
    public void Setup()
    {
        using var expressions = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root(), "bench", "yaql", "expressions.json")));
        var entry = expressions.RootElement.GetProperty(Case);
        _text = entry.GetProperty("expression").GetString() ?? "";
        var root = Value.NewMap();
        root["data"] = ValueJson.Read(entry.GetProperty("data"));
        _root = root;
        _node = YaqlParser.Parse(_text);
    }

    [Benchmark]
    public object? Evaluate() => _evaluator.Evaluate(_node, _root);

    [Benchmark]
    public object? ParseAndEvaluate() => _evaluator.Evaluate(YaqlParser.Parse(_text), _root);

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Hearth.slnx not found above " + AppContext.BaseDirectory);
    }
}
