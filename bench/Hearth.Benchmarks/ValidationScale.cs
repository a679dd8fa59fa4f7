using BenchmarkDotNet.Attributes;
using Hearth.Engine.ResourceTypes;
using Hearth.Templates.Files;
using Hearth.Templates.Stacks;
using Hearth.Templates.Validation;

namespace Hearth.Benchmarks;

/// <summary>
/// <c>template validate</c> of gen.py's chain at 10,000, 40,000 and 100,000 resources: the time must grow with the
/// resources, not their square (the cycle check once scanned every resource for every edge, and 100,000 took minutes).
/// </summary>
[MemoryDiagnoser]
public class ValidationScale
{
    /// <summary>Set by <see cref="Program"/> before the run (smaller for the quick run).</summary>
    public static IReadOnlyList<int> Sizes { get; set; } = [10_000, 40_000, 100_000];

    private const string TemplatePath = "/bench/template.yaml";

    private StackSources _sources = null!;
    private InMemoryFileReader _reader = null!;

    public static IEnumerable<int> SizeValues => Sizes;

    [ParamsSource(nameof(SizeValues))]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _reader = new InMemoryFileReader([new(TemplatePath, HotPaths.Template(N, "chain"))]);
        _sources = new StackSources(TemplatePath, [], [], []);
    }

    [Benchmark]
    public int Validate()
    {
        var report = TemplateValidator.Validate(_sources, _reader, BuiltinResourceTypes.Instance);
        return report.IsValid ? report.Resources.Length : throw new InvalidOperationException("the generated template is not valid");
    }
}
