using Hearth.Templates.Conditions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;
using Hearth.Templates.Yaql;

namespace Hearth.Templates.Tests.Functions;

/// <summary>What the conformance corpus does not cover: unknown values, URL and JSON edge cases, digests, spans.</summary>
public sealed class FunctionTests
{
    private static (Expression Expression, DiagnosticBag Diagnostics) Parse(string yaml, TemplateVersion? version = null)
    {
        var (root, loadDiagnostics) = YamlLoader.Load("t.yaml", "value: " + yaml);
        loadDiagnostics.ShouldBeEmpty();
        var diagnostics = new DiagnosticBag();
        var parser = new ExpressionParser(version ?? TemplateVersion.V2021_04_16, diagnostics);
        var node = (root as MappingNode)?["value"] ?? throw new InvalidOperationException("no value");
        return (parser.Parse(node), diagnostics);
    }

    private static object? Evaluate(string yaml, TemplateVersion? version = null, Dictionary<string, object?>? parameters = null)
    {
        var (expression, diagnostics) = Parse(yaml, version);
        diagnostics.HasErrors.ShouldBeFalse(string.Join("; ", diagnostics.ToImmutable()));
        return expression.Evaluate(new PreviewContext(version ?? TemplateVersion.V2021_04_16, parameters ?? []));
    }

    private static TemplateException EvaluateError(string yaml, TemplateVersion? version = null) =>
        Should.Throw<TemplateException>(() => Evaluate(yaml, version));

    [Theory]
    [InlineData("{list_join: [',', [a, {get_attr: [server, first_address]}]]}")]
    [InlineData("{str_replace: {template: 'http://HOST/', params: {HOST: {get_attr: [server, first_address]}}}}")]
    [InlineData("{digest: [sha256, {get_attr: [server, name]}]}")]
    [InlineData("{map_merge: [{a: 1}, {get_attr: [server, meta]}]}")]
    [InlineData("{str_split: [',', {get_attr: [server, csv]}, 0]}")]
    [InlineData("{make_url: {scheme: http, host: {get_attr: [server, first_address]}}}")]
    [InlineData("{repeat: {template: x_%i%, for_each: {'%i%': {get_attr: [server, ids]}}}}")]
    [InlineData("{if: [{equals: [{get_param: env}, prod]}, {get_attr: [server, name]}, b]}")]
    [InlineData("{filter: [[1], {get_attr: [server, ids]}]}")]
    [InlineData("{contains: [a, {get_attr: [server, ids]}]}")]
    [InlineData("{list_concat: [[a], {get_attr: [server, ids]}]}")]
    [InlineData("{map_replace: [{get_attr: [server, meta]}, {keys: {a: b}}]}")]
    [InlineData("{get_param: [env_map, {get_attr: [server, name]}]}")]
    public void Evaluate_ArgumentKnownAfterApply_IsUnknown(string yaml)
    {
        var value = Evaluate(yaml, parameters: new() { ["env"] = "prod", ["env_map"] = Value.NewMap() });

        value.ShouldBeSameAs(Unknown.Value);
    }

    [Fact]
    public void Evaluate_UnknownInsideAList_StaysAnItem()
    {
        var value = Evaluate("[a, {get_attr: [server, name]}]").ShouldBeAssignableTo<IReadOnlyList<object?>>();

        value.ShouldNotBeNull();
        value[0].ShouldBe("a");
        value[1].ShouldBeSameAs(Unknown.Value);
    }

    [Theory]
    [InlineData("{scheme: https, username: 'us er', password: 'p@ss:w/rd', host: example.com, port: 8443, path: /a b/c?d, fragment: 'f g'}",
        "https://us%20er:p%40ss%3Aw%2Frd@example.com:8443/a%20b/c%3Fd#f%20g")]
    [InlineData("{scheme: file, path: /foo/bar}", "file:///foo/bar")]
    [InlineData("{scheme: http, host: 'fe80::1%eth0', path: x}", "http://[fe80::1%25eth0]/x")]
    [InlineData("{host: example.com, path: relative}", "//example.com/relative")]
    [InlineData("{scheme: mailto, path: 'a@b.c'}", "mailto:a%40b.c")]
    [InlineData("{scheme: http, host: h, query: {a: 'x y', 'b/c': '1/2', e: 'é'}}", "http://h?a=x+y&b/c=1/2&e=%C3%A9")]
    [InlineData("{scheme: http, host: h, password: secret}", "http://:secret@h")]
    [InlineData("{scheme: http, host: h, path: '/~user/_a.b-c'}", "http://h/~user/_a.b-c")]
    public void MakeUrl_Components_QuotedAsPython(string arguments, string expected)
    {
        Evaluate($"{{make_url: {arguments}}}").ShouldBe(expected);
    }

    [Theory]
    [InlineData("{scheme: 'ht:tp', host: h}", "should not contain ':'")]
    [InlineData("{host: h, port: 65536}", "must be in range 1-65535")]
    [InlineData("{host: h, query: a=b}", "\"query\" argument to \"make_url\" must be a map")]
    [InlineData("{host: 5}", "\"host\" argument to \"make_url\" must be a string")]
    public void MakeUrl_BadArguments_Throw(string arguments, string message)
    {
        EvaluateError($"{{make_url: {arguments}}}").Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("{k: \"quote\\\" back\\\\slash\"}", "{\"k\": \"quote\\\" back\\\\slash\"}")]
    [InlineData("{b: [1, 2.5, true, null], a: {z: 1, y: \"tab\\t\"}}", "{\"a\": {\"y\": \"tab\\t\", \"z\": 1}, \"b\": [1, 2.5, true, null]}")]
    [InlineData("[\"caf\\u00e9\", \"\\U0001F600\"]", "[\"caf\\u00e9\", \"\\ud83d\\ude00\"]")]
    [InlineData("[]", "[]")]
    public void StrReplace_MapOrListParam_IsPythonJson(string param, string expected)
    {
        Evaluate($"{{str_replace: {{template: X, params: {{X: {param}}}}}}}").ShouldBe(expected);
    }

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("true", "True")]
    [InlineData("1.0e+20", "1e+20")]
    [InlineData("1e20", "1e20")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("-7", "-7")]
    public void StrReplace_ScalarParam_IsPythonStr(string param, string expected)
    {
        Evaluate($"{{str_replace: {{template: X, params: {{X: {param}}}}}}}").ShouldBe(expected);
    }

    [Theory]
    [InlineData("md5", "", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("sha224", "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")]
    [InlineData("sha224", "", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")]
    [InlineData("SHA256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha384", "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
    [InlineData("sha512", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    [InlineData("md5", "café", "961f50f6282239d09e48f812c1ca7276")]
    public void Digest_Algorithm_MatchesHashlib(string algorithm, string value, string expected)
    {
        Evaluate($"{{digest: [{algorithm}, '{value}']}}").ShouldBe(expected);
    }

    [Fact]
    public void Digest_Sha224LongInput_SpansSeveralBlocks()
    {
        // hashlib.sha224(b"a" * 1000).hexdigest()
        Evaluate($"{{digest: [sha224, {new string('a', 1000)}]}}").ShouldBe("4e8f0ce90b64661a2b5e84be6d93a7d9b76871062f1814433d04a03d");
    }

    [Theory]
    [InlineData("{digest: [whirlpool, x]}", "Algorithm must be one of")]
    [InlineData("{digest: [md5, '♥']}", "latin-1")]
    public void Digest_BadInput_Throws(string yaml, string message)
    {
        EvaluateError(yaml).Message.ShouldContain(message);
    }

    [Fact]
    public void Parse_BadArguments_SpanPointsAtFunctionKey()
    {
        var (_, diagnostics) = Parse("{list_join: bad}");

        var diagnostic = diagnostics.ToImmutable().ShouldHaveSingleItem();
        diagnostic.Code.ShouldBe(DiagnosticCodes.FunctionArguments);
        diagnostic.Span.Line.ShouldBe(1);
        diagnostic.Span.Column.ShouldBe(9);
    }

    [Fact]
    public void Evaluate_ResolveError_SpanPointsAtFunctionKey()
    {
        var (expression, _) = Parse("\n  nested:\n    - {str_replace: {template: 5, params: {}}}");

        var error = Should.Throw<TemplateException>(() => expression.Evaluate(new PreviewContext(TemplateVersion.V2021_04_16, [])));
        error.Span.Line.ShouldBe(3);
        error.Span.Column.ShouldBe(8);
    }

    [Fact]
    public void Validate_YaqlSyntaxError_ReportedAtTheColumnInsideTheExpression()
    {
        var (expression, diagnostics) = Parse("{yaql: {expression: 'list(1,,)', data: {}}}");
        diagnostics.HasErrors.ShouldBeFalse();

        var bag = new DiagnosticBag();
        expression.Validate(new ValidationContext(bag, new PreviewContext(TemplateVersion.V2021_04_16, [])));

        var diagnostic = bag.ToImmutable().ShouldHaveSingleItem();
        diagnostic.Code.ShouldBe(DiagnosticCodes.YaqlSyntax);
        // "value: {yaql: {expression: 'list(1,,)'": the quote is column 28, the closing parenthesis (offset 8) column 37.
        (diagnostic.Span.Line, diagnostic.Span.Column).ShouldBe((1, 37));
        diagnostic.Message.ShouldBe("yaql syntax error in 'list(1,,)': unexpected ')' at position 9");
    }

    [Fact]
    public void Evaluate_YaqlBefore20161014_PlainData()
    {
        var value = Evaluate("{yaql: {expression: '$.data', data: 1}}", TemplateVersion.V2016_04_08);

        Value.ToPythonJson(value).ShouldBe("{\"yaql\": {\"data\": 1, \"expression\": \"$.data\"}}");
    }

    [Fact]
    public void Evaluate_YaqlQuery_ReturnsTemplateValues()
    {
        var value = Evaluate("{yaql: {expression: '$.data.items().orderBy($[0]).select([$[0], $[1] * 2])', data: {b: 2, a: 1}}}");

        Value.ToPythonJson(value).ShouldBe("[[\"a\", 2], [\"b\", 4]]");
    }

    [Fact]
    public void Evaluate_YaqlMissingKey_ErrorNamesTheKeyAndTheFix()
    {
        var error = EvaluateError("{yaql: {expression: '$.data.b', data: {a: 1}}}");

        error.Code.ShouldBe(DiagnosticCodes.YaqlEvaluation);
        error.Message.ShouldBe("yaql expression '$.data.b' failed: the map has no key 'b' (use $.get('b') for an optional key)");
    }

    [Fact]
    public void Evaluate_YaqlLimitsRaisedByTheOperator_LongerCollectionsAllowed()
    {
        var (expression, _) = Parse("{yaql: {expression: 'range(300).select($)', data: {}}}");

        Should.Throw<TemplateException>(() => expression.Evaluate(new PreviewContext(TemplateVersion.V2021_04_16, [])))
            .Message.ShouldContain("iteration limit of 200 items ([yaql] limit_iterators)");
        var raised = new PreviewContext(TemplateVersion.V2021_04_16, [], yaqlLimits: new YaqlLimits(LimitIterators: 10000));
        (expression.Evaluate(raised) as IReadOnlyList<object?>).ShouldNotBeNull().Count.ShouldBe(300);
    }

    [Fact]
    public void Evaluate_YaqlDataKnownAfterApply_Unknown()
    {
        var (expression, _) = Parse("{yaql: {expression: '$.data.len()', data: {get_attr: [server, networks]}}}");

        expression.Evaluate(new PreviewContext(TemplateVersion.V2021_04_16, [])).ShouldBe(Unknown.Value);
    }

    [Fact]
    public void Parse_RemovedFunction_ReportedAtValidation()
    {
        var (expression, diagnostics) = Parse("{Ref: foo}", TemplateVersion.V2016_10_14);
        diagnostics.HasErrors.ShouldBeFalse();

        var bag = new DiagnosticBag();
        expression.Validate(new ValidationContext(bag, new PreviewContext(TemplateVersion.V2016_10_14, [])));

        bag.ToImmutable().ShouldHaveSingleItem().Code.ShouldBe(DiagnosticCodes.FunctionRemoved);
    }

    [Fact]
    public void If_UntakenBranch_ParseErrorNotReported()
    {
        var (expression, diagnostics) = Parse("{if: [false, {get_attr: bad}, ok]}");

        diagnostics.HasErrors.ShouldBeFalse();
        var bag = new DiagnosticBag();
        expression.Validate(new ValidationContext(bag, new PreviewContext(TemplateVersion.V2021_04_16, [])));
        bag.HasErrors.ShouldBeFalse();
        expression.Evaluate(new PreviewContext(TemplateVersion.V2021_04_16, [])).ShouldBe("ok");
    }

    [Fact]
    public void If_ActiveChildren_OnlyChosenBranchReferences()
    {
        var (expression, _) = Parse("{if: [true, {get_resource: a}, {get_resource: b}]}");
        var context = new PreviewContext(TemplateVersion.V2021_04_16, []);

        var references = expression.ActiveChildren(context).SelectMany(c => c.DescendantsAndSelf()).OfType<IResourceReference>().ToList();

        references.ShouldHaveSingleItem().ResourceName.ShouldBe("a");
        expression.DescendantsAndSelf().OfType<IResourceReference>().Select(r => r.ResourceName).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void GetAttr_LiteralNames_ExposedAsResourceReference()
    {
        var (expression, _) = Parse("{get_attr: [server, networks, private, 0]}");

        var reference = expression.ShouldBeAssignableTo<IResourceReference>();
        reference.ShouldNotBeNull();
        reference.ResourceName.ShouldBe("server");
        reference.AttributeName.ShouldBe("networks");
        reference.IsAttributeReference.ShouldBeTrue();
    }

    [Fact]
    public void FunctionCatalog_ConditionOnlyNames_AreDataOutsideConditions()
    {
        Evaluate("{not: true}").ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>();
        TemplateVersion.V2018_08_31.Functions.Find("contains").ShouldNotBeNull();
        TemplateVersion.V2016_10_14.ConditionFunctions.Find("contains")?.Kind.ShouldBe(FunctionKind.InvalidInContext);
        TemplateVersion.V2017_09_01.ConditionFunctions.Find("contains")?.Kind.ShouldBe(FunctionKind.Available);
        TemplateVersion.V2016_10_14.ConditionFunctions.Find("Ref")?.Kind.ShouldBe(FunctionKind.Removed);
        TemplateVersion.V2015_04_30.Functions.Find("str_split").ShouldBeNull();
        TemplateVersion.V2015_10_15.Functions.Find("Fn::Select")?.Kind.ShouldBe(FunctionKind.Removed);
    }

    [Fact]
    public void ConditionSet_NameReferencesAndMemoisation_Work()
    {
        var (root, _) = YamlLoader.Load("t.yaml", "conditions:\n  a: true\n  b: a\n  c: {and: [a, b, {not: false}]}\n  d: {get_param: n}\n");
        var diagnostics = new DiagnosticBag();
        var set = ConditionSet.Parse((root as MappingNode)?["conditions"], new ExpressionParser(TemplateVersion.V2016_10_14, diagnostics));
        var context = new PreviewContext(TemplateVersion.V2016_10_14, new() { ["n"] = 5L }, set);

        diagnostics.HasErrors.ShouldBeFalse();
        set.Names.ShouldBe(["a", "b", "c", "d"]);
        context.GetCondition("c", SourceSpan.WholeFile("t.yaml")).ShouldBeTrue();
        Should.Throw<TemplateException>(() => context.GetCondition("d", SourceSpan.WholeFile("t.yaml"))).Code.ShouldBe(DiagnosticCodes.ConditionInvalid);
    }

    /// <summary>A context as during preview: parameters known, attributes known only after apply.</summary>
    private sealed class PreviewContext : EvaluationContext
    {
        private readonly Dictionary<string, object?> _parameters;
        private readonly ConditionResolver _conditions;

        public PreviewContext(TemplateVersion version, Dictionary<string, object?> parameters, ConditionSet? conditions = null, YaqlLimits? yaqlLimits = null)
        {
            Version = version;
            YaqlLimits = yaqlLimits ?? YaqlLimits.Heat;
            _parameters = parameters;
            _conditions = (conditions ?? ConditionSet.Empty).CreateResolver(this);
        }

        public override TemplateVersion Version { get; }

        public override YaqlLimits YaqlLimits { get; }

        public override object? GetParameter(string name, SourceSpan span) =>
            _parameters.TryGetValue(name, out var value) ? value : throw new TemplateException(span, DiagnosticCodes.UnknownParameterReference, name);

        public override object? GetResourceReference(string resourceName, SourceSpan span) => Unknown.Value;

        public override object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span) => Unknown.Value;

        public override object? GetAllAttributes(string resourceName, SourceSpan span) => Unknown.Value;

        public override string GetFile(string key, SourceSpan span) => throw new TemplateException(span, DiagnosticCodes.FileNotInFiles, key);

        public override bool GetCondition(string name, SourceSpan span) => _conditions.IsEnabled(name, span);
    }
}
