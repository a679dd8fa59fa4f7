using System.Text.Json.Nodes;
using Hearth.Templates.Conditions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;
using Xunit.Abstractions;

namespace Hearth.Templates.Tests.Conformance;

/// <summary>
/// Every function/condition case of the shared corpus (both files), run through Hearth's parser, validation and
/// evaluation: the value must be Heat's, and an error must come in the same phase (parse, validate, resolve).
/// </summary>
public sealed class FunctionConformanceTests(ITestOutputHelper output)
{
    /// <summary>The cases Hearth does not support, with the reason. Keep this list short.</summary>
    private static readonly Dictionary<string, string> _unsupported = new(StringComparer.Ordinal);

    private static readonly string[] _modes =
    [
        "resolve", "validate", "validate_then_resolve", "condition", "condition_name", "created", "output",
        "enabled_resources", "deletion_policy", "template",
    ];

    public static TheoryData<string> SupportedCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCorpus.Load().Where(c => _modes.Contains(c.Mode) && !_unsupported.ContainsKey(c.Id)))
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedCases))]
    public void Case_RunThroughHearth_MatchesHeat(string id)
    {
        var testCase = ConformanceCorpus.Get(id);
        output.WriteLine($"{testCase.File} {testCase.Id} ({testCase.Mode}, {testCase.TemplateVersion})");
        var outcome = Run(testCase);
        output.WriteLine(outcome.Error is null ? $"value: {Value.ToPythonJson(outcome.Value)}" : $"{outcome.Phase} error: {outcome.Error}");

        if (testCase.ExpectsError)
        {
            outcome.Error.ShouldNotBeNull($"Heat raises {testCase.Raw["error_type"]} ({testCase.ErrorContains}); Hearth gave {Value.ToPythonJson(outcome.Value)}");
            output.WriteLine($"Heat's wording ({testCase.ErrorContains}) kept: {(testCase.ErrorContains is { } heat && outcome.Error.Contains(heat, StringComparison.Ordinal) ? "yes" : "no")}");
            outcome.Phase.ShouldBe(testCase.ErrorPhase, $"Hearth: {outcome.Error}");
            return;
        }

        outcome.Error.ShouldBeNull();
        if (testCase.Raw["expected_one_of"] is JsonArray choices)
        {
            choices.Any(choice => Value.DeepEquals(ConformanceCorpus.ToValue(choice), outcome.Value))
                .ShouldBeTrue($"{Value.ToPythonJson(outcome.Value)} is none of {choices.ToJsonString()}");
            return;
        }

        var expected = ConformanceCorpus.ToValue(testCase.Raw["expected"]);
        if ((string?)testCase.Raw["compare"] == "unordered" && expected is IReadOnlyList<object?> expectedItems && outcome.Value is IReadOnlyList<object?> actualItems)
        {
            actualItems.Count.ShouldBe(expectedItems.Count);
            var remaining = actualItems.ToList();
            foreach (var item in expectedItems)
            {
                var index = remaining.FindIndex(a => Value.DeepEquals(a, item));
                index.ShouldBeGreaterThanOrEqualTo(0, $"{Value.ToPythonJson(item)} missing from {Value.ToPythonJson(outcome.Value)}");
                remaining.RemoveAt(index);
            }

            return;
        }

        Value.DeepEquals(expected, outcome.Value).ShouldBeTrue($"expected {Value.ToPythonJson(expected)}, got {Value.ToPythonJson(outcome.Value)}");
        if (testCase.File == ConformanceCorpus.YaqlFile)
        {
            // DeepEquals takes 3 for 3.0 as Python's == does; yaql's results must also keep Heat's types (7 / 2 is 3, not 3.0).
            Value.ToPythonJson(outcome.Value).ShouldBe(Value.ToPythonJson(expected));
        }
    }

    [Fact]
    public void Corpus_EveryCase_IsRunOrSkippedWithReason()
    {
        var all = ConformanceCorpus.Load();
        var run = SupportedCases().Count;
        // The params and update_params cases run in ParameterConformanceTests, against the parameter resolver.
        var parameters = ParameterConformanceTests.Cases.Count;
        output.WriteLine($"{all.Count} cases: {run} run here, {parameters} in the parameter tests, {_unsupported.Count} unsupported");
        (run + parameters + _unsupported.Count).ShouldBe(all.Count);
        _unsupported.Keys.ShouldAllBe(id => all.Any(c => c.Id == id));
    }

    private sealed record Outcome(object? Value, string? Phase, string? Error);

    private static Outcome Run(ConformanceCase c)
    {
        var version = TemplateVersion.Find(c.TemplateVersion);
        if (version is null)
        {
            return new Outcome(null, "parse", $"Unknown heat_template_version \"{c.TemplateVersion}\"; valid versions are {string.Join(", ", TemplateVersion.AcceptedValues)}");
        }

        if (c.Mode == "template")
        {
            return new Outcome(null, null, null);
        }

        var diagnostics = new DiagnosticBag();
        var parser = new ExpressionParser(version, diagnostics);
        var conditions = ConditionSet.Parse(ConformanceContext.Syntax(c.Raw["conditions"], "conditions"), parser);
        var overrides = c.Mode == "update_params" ? ConformanceCorpus.ToValue(c.Raw["stack"]?["update_params"]) as IReadOnlyDictionary<string, object?> : null;
        var context = new ConformanceContext(c, version, conditions, created: c.Mode == "created", overrides);
        var snippet = ConformanceContext.Syntax(c.Snippet, "snippet");

        Expression? expression = null;
        Expression? outputCondition = null;
        switch (c.Mode)
        {
            case "condition":
                expression = parser.ParseCondition(snippet ?? throw new InvalidOperationException("no snippet"));
                break;
            case "condition_name" or "enabled_resources" or "deletion_policy":
                break;
            case "output":
                var outputNode = ConformanceContext.Syntax(c.Raw["outputs"]?[(string?)c.Snippet ?? ""], "output") as MappingNode
                    ?? throw new InvalidOperationException("no such output");
                if (outputNode["condition"] is { } conditionNode)
                {
                    outputCondition = conditions.ParseReference(conditionNode, parser);
                }

                expression = parser.Parse(outputNode["value"] ?? throw new InvalidOperationException("no output value"));
                break;
            default:
                expression = parser.Parse(snippet ?? throw new InvalidOperationException("no snippet"));
                break;
        }

        if (diagnostics.HasErrors)
        {
            return new Outcome(null, "parse", string.Join("; ", diagnostics.ToImmutable()));
        }

        if (c.Mode is "validate" or "validate_then_resolve" || c.File == ConformanceCorpus.YaqlFile)
        {
            var validation = new ValidationContext(diagnostics, context);
            conditions.Validate(validation);
            expression?.Validate(validation);
            if (diagnostics.HasErrors)
            {
                return new Outcome(null, "validate", string.Join("; ", diagnostics.ToImmutable()));
            }
        }

        try
        {
            var value = c.Mode switch
            {
                "condition" => context.Conditions.Evaluate(expression ?? throw new InvalidOperationException()),
                "condition_name" => context.Conditions.IsEnabled((string?)c.Snippet ?? "", SourceSpan.WholeFile("snippet")),
                "output" => outputCondition is not null && !context.Conditions.Evaluate(outputCondition)
                    ? null
                    : expression?.Evaluate(context),
                "enabled_resources" => EnabledResources(c, conditions, parser, context),
                "deletion_policy" => DeletionPolicy(c, version),
                _ => expression?.Evaluate(context),
            };
            return new Outcome(value is Omitted ? null : value, null, null);
        }
        catch (TemplateException e)
        {
            return new Outcome(null, "resolve", e.ToDiagnostic().ToString());
        }
    }

    private static List<object?> EnabledResources(ConformanceCase c, ConditionSet conditions, ExpressionParser parser, ConformanceContext context)
    {
        var resources = ConformanceContext.Syntax(c.Raw["resources"], "resources") as MappingNode ?? throw new InvalidOperationException("no resources");
        var enabled = new List<string>();
        foreach (var entry in resources.Entries)
        {
            var condition = (entry.Value as MappingNode)?["condition"];
            if (condition is null || context.Conditions.Evaluate(conditions.ParseReference(condition, parser)))
            {
                enabled.Add(entry.Key);
            }
        }

        return [.. enabled.Order(StringComparer.Ordinal)];
    }

    private static string DeletionPolicy(ConformanceCase c, TemplateVersion version)
    {
        var policy = (string?)c.Raw["resources"]?[(string?)c.Snippet ?? ""]?["deletion_policy"] ?? "Delete";
        if (version.AtLeast(TemplateVersion.V2016_10_14) && policy is "delete" or "retain" or "snapshot")
        {
            policy = char.ToUpperInvariant(policy[0]) + policy[1..];
        }

        return policy is "Delete" or "Retain" or "Snapshot"
            ? policy
            : throw new TemplateException(SourceSpan.WholeFile("resources"), DiagnosticCodes.InvalidDeletionPolicy, $"Invalid deletion policy \"{policy}\"");
    }
}
