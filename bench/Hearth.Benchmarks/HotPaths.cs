using System.Text;
using BenchmarkDotNet.Attributes;
using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.Engine.ResourceTypes;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;
using Hearth.Templates.Validation;

namespace Hearth.Benchmarks;

/// <summary>
/// What every operation on a big stack pays before any resource is touched: reading and validating the template,
/// building its dependency graph, and diffing it against the stored rows (the plan of an update that changes one
/// resource). The stack is the generator's shapes (bench/scenarios/gen.py): <c>flat</c> OS::Heat::None and a
/// <c>chain</c> of OS::Heat::Value, each using the previous one's attribute.
/// </summary>
[MemoryDiagnoser]
public class HotPaths
{
    /// <summary>Set by <see cref="Program"/> before the run (in-process toolchain, so it is seen by the benchmarks).</summary>
    public static int ResourceCount { get; set; } = 10_000;

    private static readonly StackIdentity Identity = new("bench", Guid.Empty.ToString(), Definitions.ProjectId);

    private string _folder = "";
    private StackSources _sources = null!;
    private StackSources _changed = null!;
    private InMemoryFileReader _reader = null!;
    private ResourceHandlerRegistry _handlers = null!;
    private StackDefinition _previous = null!;
    private StackDefinition _target = null!;
    private IReadOnlyList<ResourceRecord> _rows = [];

    // What a host keeps between the reads of one operation: LoadAgain reads through it, the cold benchmarks do not.
    private readonly TemplateCache _templates = new();

    [Params("flat", "chain")]
    public string Shape { get; set; } = "flat";

    public int N => ResourceCount;

    /// <summary>Synchronous: the in-process toolchain does not wait for an asynchronous global setup.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("hearth-bench-").FullName;
        var path = Path.Combine(_folder, "template.yaml");
        var text = Template(ResourceCount, Shape);
        await File.WriteAllTextAsync(path, text);
        _reader = new InMemoryFileReader([new(path, text)]);
        _sources = new StackSources(path, [], [], []);
        _changed = _sources with { Parameters = ["p=p1"] };
        _handlers = BuiltinHandlers.Create(TimeProvider.System);

        // The stored rows of the created stack, as the engine wrote them.
        await using var store = await SqliteStateStore.OpenAsync(Path.Combine(_folder, "state"), TimeProvider.System, CancellationToken.None);
        var engine = new StackEngine(store, _handlers, TimeProvider.System, new EngineOptions(EngineOptions.DefaultMaxParallel));
        var outcome = await engine.CreateAsync("bench", Definitions.Capture(_sources, DiskFileReader.Instance), disableRollback: true, observer: null, CancellationToken.None);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException("setup: create failed: " + string.Join("; ", outcome.Failures));
        }

        _rows = await store.ListResourcesAsync(outcome.Stack.Id, CancellationToken.None);
        _previous = Load(_sources, _templates);
        _target = Load(_changed, _templates);
        _ = _previous.EnabledResources.Sum(r => _previous.DependenciesOf(r).Count);
        _ = _target.EnabledResources.Sum(r => _target.DependenciesOf(r).Count);
        var plan = Planner.Preview(_target, _previous, _rows, _handlers);
        if (plan.Count(c => c.Kind != ChangeKind.Unchanged) != 1)
        {
            throw new InvalidOperationException($"setup: the plan changes {plan.Count(c => c.Kind != ChangeKind.Unchanged)} resources, not 1");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>YAML → syntax → model, parameters, every function, property schemas, references and the cycle check.</summary>
    [Benchmark]
    public int ParseAndValidate()
    {
        var report = TemplateValidator.Validate(_sources, _reader, BuiltinResourceTypes.Instance);
        return report.Resources.Length;
    }

    /// <summary>The same text a second time in one process: the template read last is reused (an update reads it up to three times).</summary>
    [Benchmark]
    public int LoadAgain() => Load(_sources, _templates).Template.Resources.Length;

    /// <summary>Loading the definition alone (what the graph benchmark includes).</summary>
    [Benchmark]
    public int Load() => Load(_sources, new TemplateCache()).Template.Resources.Length;

    /// <summary>Loading, then the enabled resources and each one's dependencies (the graph the runner walks).</summary>
    [Benchmark]
    public int LoadAndBuildGraph()
    {
        var definition = Load(_sources, new TemplateCache());
        var edges = 0;
        foreach (var resource in definition.EnabledResources)
        {
            edges += definition.DependenciesOf(resource).Count;
        }

        return edges;
    }

    /// <summary>The plan of an update that changes one parameter used by one resource, against the stored rows.</summary>
    [Benchmark]
    public int PlanOneChange() => Planner.Preview(_target, _previous, _rows, _handlers).Count(c => c.Kind != ChangeKind.Unchanged);

    private StackDefinition Load(StackSources sources, TemplateCache templates)
    {
        var diagnostics = new DiagnosticBag();
        return StackDefinitionLoader.Load(sources, Identity, _reader, diagnostics, templates: templates)
            ?? throw new InvalidOperationException("the template did not load");
    }

    /// <summary>The same text as bench/scenarios/gen.py N flat|chain.</summary>
    internal static string Template(int count, string shape)
    {
        var text = new StringBuilder()
            .Append("heat_template_version: 2018-08-31\n")
            .Append("description: generated ").Append(shape).Append(" N=").Append(count).Append('\n')
            .Append("parameters:\n  seed: {type: string, default: s0}\n  p: {type: string, default: p0}\nresources:\n");
        for (var i = 0; i < count; i++)
        {
            text.Append("  r").Append(i).Append(":\n");
            if (shape == "flat")
            {
                text.Append("    type: OS::Heat::None\n")
                    .Append(i == 0 ? "    properties: {tag: {get_param: p}}\n" : $"    properties: {{tag: t{i}}}\n");
            }
            else
            {
                text.Append("    type: OS::Heat::Value\n");
                if (i == 0)
                {
                    text.Append("    properties: {value: {get_param: seed}}\n");
                    continue;
                }

                text.Append("    depends_on: r").Append(i - 1).Append('\n');
                text.Append(i == count - 1
                    ? $"    properties: {{value: {{list_join: ['-', [{{get_attr: [r{i - 1}, value]}}, {{get_param: p}}]]}}}}\n"
                    : $"    properties: {{value: {{get_attr: [r{i - 1}, value]}}}}\n");
            }
        }

        text.Append("outputs:\n").Append(shape == "flat"
            ? "  first: {value: {get_resource: r0}}\n"
            : $"  last: {{value: {{get_attr: [r{count - 1}, value]}}}}\n");
        return text.ToString();
    }
}
