using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Hearth.Engine.ResourceTypes;
using Hearth.Templates.Files;
using Hearth.Templates.Stacks;
using Hearth.Templates.Validation;

namespace Hearth.Cli.Tests.Templates;

/// <summary>
/// Property tests over mutations of the valid templates (tests/data/templates, examples/): dropped, duplicated and
/// retyped keys, random scalars, truncation, stray '[' '{' ':' and tabs, deep nesting, huge strings, self-references
/// and cycles. Through <see cref="TemplateValidator.Validate"/> and through the CLI (<c>template validate</c> and
/// <c>stack create --dry-run</c>): never an exception, every diagnostic at a real line and column with a code HT###.
/// 1,000 cases in CI; <c>HEARTH_FUZZ_CASES=10000</c> runs more (docs/performance.md).
/// </summary>
public sealed partial class TemplateMutationTests
{
    /// <summary>One change to a template's text; the integers pick lines, columns and payloads.</summary>
    public sealed record Mutation(MutationKind Kind, int Line, int Column, int Pick)
    {
        public override string ToString() => $"{Kind}@{Line}:{Column}/{Pick}";
    }

    public enum MutationKind
    {
        DropLine,
        DuplicateLine,
        RetypeValue,
        RandomScalar,
        Truncate,
        InsertCharacter,
        DeepNesting,
        HugeString,
        SelfReference,
        Cycle,
        RenameKey,
    }

    public sealed record Case(string Path, ImmutableArray<Mutation> Mutations)
    {
        public override string ToString() => $"{System.IO.Path.GetFileName(Path)} [{string.Join(", ", Mutations)}]";
    }

    private static readonly string[] _scalars =
        ["", "~", "null", "true", "0", "-1", "1.5e308", "'quoted'", "\"a\\u0000b\"", "[]", "{}", "[a, b]", "{a: 1}", "é✓", "2021-04-16",
         "OS::Heat::None", "OS::Nova::Server", "{get_param: nope}", "{get_attr: [nope, x]}", "{get_resource: nope}", "{get_file: ../../x}",
         "{yaql: {expression: $, data: 1}}", "{if: [nope, 1, 2]}", "{Fn::Join: [a, [b]]}", "{str_replace: {template: 1}}", "{repeat: 1}",
         "{list_join: [1]}", "*undefined", "&anchor x", "!!binary AA==", "{get_param: [p, 1, 2]}", "{digest: [md5]}", "{filter: [[1], [1]]}"];

    private static readonly string[] _characters = ["[", "]", "{", "}", ":", ": ", "\t", "'", "\"", "- ", "#", "&", "*", "!", "|", ">", "%", "@", "`", "\n", "\r"];

    private static readonly string[] _retypes = ["[]", "{}", "1", "true", "~", "[[[]]]", "{a: {b: {c: d}}}"];

    private static readonly string[] _renames = ["Type", "propertys", "depends-on", "heat_template_versio", "x", "get_attr", "resources"];

    private static readonly Lazy<ImmutableDictionary<string, string>> _files = new(LoadFiles);

    private static readonly Lazy<ImmutableArray<string>> _templates = new(() =>
        [.. _files.Value.Keys.Where(IsMutationSource).Order(StringComparer.Ordinal)]);

    private static ImmutableDictionary<string, string> LoadFiles()
    {
        var root = CliRunner.RepositoryRoot;
        return Directory.GetFiles(Path.Combine(root, "tests", "data", "templates"), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "examples"), "*.yaml", SearchOption.AllDirectories))
            .ToImmutableDictionary(f => f, File.ReadAllText);
    }

    /// <summary>The templates that validate cleanly (the others are covered by <see cref="RealTemplateTests"/>).</summary>
    private static bool IsMutationSource(string path) =>
        !_files.Value[path].Contains("OS::Nova::", StringComparison.Ordinal)
        && !_files.Value[path].Contains("OS::Neutron::", StringComparison.Ordinal)
        && !path.Contains("cephadm", StringComparison.Ordinal);

    public static Gen<Case> Cases =>
        from template in Gen.Elements(_templates.Value.AsEnumerable())
        from count in Gen.Choose(1, 4)
        from mutations in Gen.ArrayOf(MutationGen, count)
        select new Case(template, [.. mutations]);

    private static Gen<Mutation> MutationGen =>
        from kind in Gen.Elements(Enum.GetValues<MutationKind>())
        from line in Gen.Choose(0, 10_000)
        from column in Gen.Choose(0, 10_000)
        from pick in Gen.Choose(0, 10_000)
        select new Mutation(kind, line, column, pick);

    [Fact]
    public void Mutations_Sources_IncludeTheValidRealTemplatesAndExamples()
    {
        _templates.Value.Length.ShouldBeGreaterThanOrEqualTo(14);
        _templates.Value.ShouldContain(p => p.EndsWith("hello.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MutatedTemplate_NeverThrowsAndReportsWellFormedDiagnostics()
    {
        var runs = 0;
        var invalid = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(CliCases), Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            runs++;
            var report = Validate(c);
            invalid += report.IsValid ? 0 : 1;
            return AllWellFormed(report.Diagnostics.Select(d => (d.Code, d.Span.Line, d.Span.Column, d.Span.File, d.Message)), c);
        }));
        runs.ShouldBe(CliCases);
        invalid.ShouldBeGreaterThan(100, "the mutations should break most templates");
    }

    /// <summary>How many mutated templates the CLI tests run: 1,000 in CI, <c>HEARTH_FUZZ_CASES=10000</c> on demand.</summary>
    private static int CliCases =>
        int.TryParse(System.Environment.GetEnvironmentVariable("HEARTH_FUZZ_CASES"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1000;

    /// <summary>
    /// Each mutated template through <c>template validate -f json</c> and <c>stack create --dry-run</c>, in-process:
    /// exit code 0 or 2, no exception or stack trace on stderr, every diagnostic positioned
    /// (<c>file:line:col: error HT###: message</c>), and an exit code 2 always explained by at least one of them.
    /// </summary>
    [Fact]
    public async Task Cli_MutatedTemplate_ValidateAndDryRunExitZeroOrTwoWithPositionedDiagnostics()
    {
        var cases = Cases.Sample(CliCases);
        using var temp = new TempDirectory();
        var state = Path.Combine(temp.Path, "state");
        var dryRunFailures = 0;
        foreach (var (c, i) in cases.Select((c, i) => (c, i)))
        {
            // The mutated template beside the files it uses (nested templates of the same folder).
            var folder = Path.Combine(temp.Path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (path, text) in _files.Value.Where(f => Path.GetDirectoryName(f.Key) == Path.GetDirectoryName(c.Path)))
            {
                temp.File(Path.Combine(folder, Path.GetFileName(path)), path == c.Path ? Apply(c) : text);
            }

            var template = Path.Combine(folder, Path.GetFileName(c.Path));
            var result = await CliRunner.RunAsync("template", "validate", "-t", template, "-f", "json");

            ShouldNotHaveCrashed(result, c);
            using (var json = JsonDocument.Parse(result.Out))
            {
                json.RootElement.GetProperty("valid").GetBoolean().ShouldBe(result.ExitCode == 0, c.ToString());
                AllWellFormed(json.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => (
                    d.GetProperty("code").GetString()!, d.GetProperty("line").GetInt32(), d.GetProperty("column").GetInt32(),
                    d.GetProperty("file").GetString()!, d.GetProperty("message").GetString()!)), c);
            }

            var dryRun = await CliRunner.RunAsync("--state", state, "stack", "create", "fuzz", "-t", template, "--dry-run");

            ShouldNotHaveCrashed(dryRun, c);
            dryRunFailures += dryRun.ExitCode == 2 ? 1 : 0;
            var lines = dryRun.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var positioned = lines.Count(line => PositionedDiagnostic().IsMatch(line));
            lines.Where(line => line.Contains(" error ", StringComparison.Ordinal) || line.StartsWith("hearth: ", StringComparison.Ordinal))
                .Where(line => !PositionedDiagnostic().IsMatch(line) && !ErrorCount().IsMatch(line))
                .ShouldBeEmpty($"every error is positioned: {c}\n{dryRun}");
            if (dryRun.ExitCode == 2)
            {
                positioned.ShouldBeGreaterThan(0, $"{c}\n{dryRun}");
            }
        }

        dryRunFailures.ShouldBeGreaterThan(CliCases / 5, "the mutations should break most templates");
        System.IO.Directory.Exists(Path.Combine(state, "deployments")).ShouldBeFalse("a dry run deploys nothing");
    }

    private static void ShouldNotHaveCrashed(CliResult result, Case c)
    {
        result.ExitCode.ShouldBeOneOf([0, 2], $"{c}\n{result}");
        result.Error.ShouldNotContain("Exception", Shouldly.Case.Sensitive, $"{c}\n{result}");
        result.Error.ShouldNotContain("   at ", Shouldly.Case.Sensitive, $"{c}\n{result}");
    }

    [GeneratedRegex(@"^.+:\d+:\d+: (error|warning) HT\d{3}: .+")]
    private static partial Regex PositionedDiagnostic();

    [GeneratedRegex(@"^hearth: the template has \d+ errors?$")]
    private static partial Regex ErrorCount();

    [Theory]
    [InlineData(MutationKind.SelfReference)]
    [InlineData(MutationKind.Cycle)]
    public void Validate_ReferenceMutationOfHello_ReportsTheCycle(MutationKind kind)
    {
        var hello = _templates.Value.Single(p => p.EndsWith("hello.yaml", StringComparison.Ordinal));

        var report = Validate(new Case(hello, [new Mutation(kind, 0, 0, 1)]));

        report.IsValid.ShouldBeFalse();
        var cycle = report.Diagnostics.ShouldHaveSingleItem();
        cycle.Code.ShouldBe("HT105");
        cycle.Message.ShouldStartWith("dependency cycle: ");
        cycle.Span.Line.ShouldBeGreaterThan(1);
    }

    private static ValidationReport Validate(Case c)
    {
        var files = _files.Value.SetItem(c.Path, Apply(c));
        return TemplateValidator.Validate(new StackSources(c.Path, [], [], []), new InMemoryFileReader(files), BuiltinResourceTypes.Instance);
    }

    private static bool AllWellFormed(IEnumerable<(string Code, int Line, int Column, string File, string Message)> diagnostics, Case c)
    {
        foreach (var d in diagnostics)
        {
            if (d.Line < 1 || d.Column < 1 || !CodePattern().IsMatch(d.Code) || string.IsNullOrWhiteSpace(d.Message) || d.File.Length == 0)
            {
                throw new InvalidOperationException($"malformed diagnostic {d} for {c}");
            }
        }

        return true;
    }

    [GeneratedRegex(@"^HT\d{3}$")]
    private static partial Regex CodePattern();

    internal static string Apply(Case c) => c.Mutations.Aggregate(_files.Value[c.Path], Apply);

    /// <summary>Applies one mutation to the text of a template.</summary>
    internal static string Apply(string text, Mutation m)
    {
        var lines = text.Split('\n').ToList();
        var at = m.Line % lines.Count;
        var line = lines[at];
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var indent = line.Length - line.TrimStart().Length;
        var resources = ResourceNames(lines);
        switch (m.Kind)
        {
            case MutationKind.DropLine:
                lines.RemoveAt(at);
                break;
            case MutationKind.DuplicateLine:
                lines.Insert(at, line);
                break;
            case MutationKind.RetypeValue when colon > 0:
                lines[at] = line[..(colon + 1)] + " " + _retypes[m.Pick % _retypes.Length];
                break;
            case MutationKind.RandomScalar when colon > 0:
                lines[at] = line[..(colon + 1)] + " " + _scalars[m.Pick % _scalars.Length];
                break;
            case MutationKind.Truncate:
                return text[..(int)((long)m.Pick * text.Length / 10_001)];
            case MutationKind.InsertCharacter:
            {
                var column = line.Length == 0 ? 0 : m.Column % (line.Length + 1);
                lines[at] = line.Insert(column, _characters[m.Pick % _characters.Length]);
                break;
            }

            case MutationKind.DeepNesting when colon > 0:
            {
                var depth = 250 + (m.Pick % 100);
                var (open, close) = m.Column % 2 == 0 ? ("[", "]") : ("{k: ", "}");
                lines[at] = line[..(colon + 1)] + " " + string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));
                break;
            }

            case MutationKind.HugeString when colon > 0:
                lines[at] = line[..(colon + 1)] + " " + new string((char)('a' + (m.Pick % 26)), 100_000 + m.Column);
                break;
            case MutationKind.SelfReference when resources.Count > 0:
            {
                var (name, index) = resources[m.Pick % resources.Count];
                lines.Insert(index + 1, $"    depends_on: [{name}]");
                break;
            }

            case MutationKind.Cycle when resources.Count > 0:
            {
                // Every resource depends on the one before it, the first on the last: one cycle through all of them.
                for (var i = resources.Count - 1; i >= 0; i--)
                {
                    var (_, index) = resources[i];
                    var previous = resources[(i + resources.Count - 1) % resources.Count].Name;
                    lines.Insert(index + 1, $"    depends_on: [{previous}]");
                }

                break;
            }

            case MutationKind.RenameKey when colon > indent:
                lines[at] = new string(' ', indent) + _renames[m.Pick % _renames.Length]
                    + line[colon..];
                break;
        }

        return string.Join('\n', lines);
    }

    /// <summary>The resources of a template as written: a two-space-indented key under a top-level <c>resources:</c>.</summary>
    private static List<(string Name, int Line)> ResourceNames(List<string> lines)
    {
        var names = new List<(string, int)>();
        var inResources = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith('#'))
            {
                inResources = line.StartsWith("resources:", StringComparison.Ordinal);
            }
            else if (inResources && line.Length > 3 && line.StartsWith("  ", StringComparison.Ordinal) && line[2] != ' ' && line[2] != '#' && line.EndsWith(':'))
            {
                names.Add((line.Trim().TrimEnd(':'), i));
            }
        }

        return names;
    }
}
