using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;
using Hearth.Templates.Syntax;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Tests.Parameters;

public sealed class ParameterTests
{
    private static readonly StackIdentity Stack = new("web", "id-1", "proj-1");

    private static (ImmutableArray<ParameterSchema> Schemas, DiagnosticBag Diagnostics) Read(string yaml, TemplateVersion? version = null)
    {
        var (root, load) = YamlLoader.Load("t.yaml", yaml);
        load.ShouldBeEmpty();
        var bag = new DiagnosticBag();
        return (ParameterSchemaReader.Read(root.ShouldBeOfType<MappingNode>(), version ?? TemplateVersion.V2018_08_31, bag), bag);
    }

    private static ResolvedParameters Resolve(ImmutableArray<ParameterSchema> schemas, DiagnosticBag bag, params (string Name, object? Value)[] user) =>
        ParameterResolver.Resolve(schemas, user.Select((u, i) => new ParameterInput(u.Name, u.Value, CommandLineParameters.SpanOf(i))), [], Stack, bag);

    [Fact]
    public void Read_SeveralSchemaErrors_ReportsEachWithPosition()
    {
        var (schemas, bag) = Read("""
            a:
              type: string
              foo: 1
            b:
              description: no type
            c:
              type: number
              constraints:
                - length: {min: 1}
                - range: {min: 1, max: 2}
                  allowed_values: [1]
            d:
              type: number
              constraints:
                - modulo: {step: 2, offset: 3}
            """);
        schemas.Length.ShouldBe(4);
        var lines = bag.ToImmutable().Select(d => d.ToString()).ToList();
        lines.ShouldBe(
        [
            "t.yaml:3:3: error HT300: Invalid key 'foo' for parameter (a) (valid keys: type, description, default, constraints, hidden, label, immutable, tags)",
            "t.yaml:4:1: error HT300: Missing parameter type for parameter: b",
            "t.yaml:9:7: error HT300: Length constraint invalid for number (parameter c: 'length' does not apply to number parameters)",
            "t.yaml:11:7: error HT300: A constraint entry expresses one constraint; this one has range and allowed_values. Write one list entry each",
            "t.yaml:15:15: error HT300: offset must be smaller (by absolute value) than step.",
        ]);
        schemas.Single(s => s.Name == "a").IsValid.ShouldBeFalse();
    }

    [Fact]
    public void Read_ModuloBeforeOcataAndTagsBeforeQueens_AreRejected()
    {
        var (_, bag) = Read("""
            n:
              type: number
              tags: [x]
              constraints:
                - modulo: {step: 2, offset: 1}
            """, TemplateVersion.V2016_10_14);
        var messages = bag.ToImmutable().Select(d => d.Message).ToList();
        messages.ShouldContain(m => m.Contains("'tags' needs heat_template_version 2018-03-02"));
        messages.ShouldContain(m => m.Contains("'modulo' needs heat_template_version 2017-02-24"));
    }

    [Fact]
    public void Read_DefaultNullAndMissingDefault_AreDistinguished()
    {
        var (schemas, bag) = Read("""
            a: {type: string, default: null}
            b: {type: string}
            """);
        bag.HasErrors.ShouldBeFalse();
        schemas[0].Default.ShouldNotBeNull().Value.ShouldBeNull();
        schemas[0].HasDefault.ShouldBeFalse();
        schemas[1].Default.ShouldBeNull();
    }

    [Fact]
    public void Read_InvalidDefault_ReportsAtTheDefault()
    {
        var (_, bag) = Read("""
            port:
              type: number
              default: 15
              constraints:
                - range: {min: 30000}
            """);
        var d = bag.ToImmutable().ShouldHaveSingleItem();
        d.Code.ShouldBe(DiagnosticCodes.ParameterDefaultInvalid);
        d.Span.Line.ShouldBe(3);
        d.Message.ShouldBe("Parameter 'port' is invalid: Invalid default 15 (15 is out of range (min: 30000, max: None))");
    }

    [Theory]
    [InlineData("number", "3", 3L)]
    [InlineData("number", "3.5", 3.5)]
    [InlineData("number", " 1_000 ", 1000L)]
    [InlineData("boolean", "Yes", true)]
    [InlineData("boolean", "off", false)]
    [InlineData("string", "x", "x")]
    public void Resolve_StringFromCommandLine_ConvertsToType(string type, string given, object expected)
    {
        var (schemas, bag) = Read($"p: {{type: {type}}}");
        var resolved = Resolve(schemas, bag, ("p", given));
        bag.HasErrors.ShouldBeFalse();
        resolved.TryGetValue("p", out var value).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Fact]
    public void Resolve_CommaDelimitedList_SplitsWithoutTrimming()
    {
        var (schemas, bag) = Read("p: {type: comma_delimited_list}\nq: {type: comma_delimited_list}");
        var resolved = Resolve(schemas, bag, ("p", "one, two"), ("q", ""));
        resolved.Parameters["p"].Value.ShouldBe(new List<object?> { "one", " two" });
        resolved.Parameters["q"].Value.ShouldBe(new List<object?>());
        resolved.Display("p").ShouldBe("one, two");
    }

    [Fact]
    public void Resolve_Json_ParsesStringAndReportsBadJson()
    {
        var (schemas, bag) = Read("p: {type: json}\nq: {type: json}");
        var resolved = Resolve(schemas, bag, ("p", "{\"a\": [1, 2]}"), ("q", "{bad"));
        resolved.Parameters["p"].Display.ShouldBe("{\"a\": [1, 2]}");
        var d = bag.ToImmutable().ShouldHaveSingleItem();
        d.Code.ShouldBe(DiagnosticCodes.ParameterValueInvalid);
        d.Message.ShouldStartWith("Parameter 'q' is invalid: Value must be valid JSON");
        d.Span.ShouldBe(CommandLineParameters.SpanOf(1));
    }

    [Fact]
    public void Resolve_Precedence_UserOverParameterDefaultsOverDefault()
    {
        var (schemas, bag) = Read("a: {type: number, default: 1}\nb: {type: number, default: 1}\nc: {type: number, default: 1}");
        var defaults = new[] { new ParameterInput("a", 2L, SourceSpan.WholeFile("env.yaml")), new ParameterInput("b", 2L, SourceSpan.WholeFile("env.yaml")), new ParameterInput("undeclared", 1L, SourceSpan.WholeFile("env.yaml")) };
        var resolved = ParameterResolver.Resolve(schemas, [new ParameterInput("a", "3", CommandLineParameters.SpanOf(0))], defaults, Stack, bag);
        bag.HasErrors.ShouldBeFalse();
        resolved.Parameters["a"].Value.ShouldBe(3L);
        resolved.Parameters["a"].Source.ShouldBe(ParameterValueSource.User);
        resolved.Parameters["b"].Value.ShouldBe(2L);
        resolved.Parameters["b"].Source.ShouldBe(ParameterValueSource.ParameterDefaults);
        resolved.Parameters["c"].Source.ShouldBe(ParameterValueSource.TemplateDefault);
    }

    [Fact]
    public void Resolve_MissingAndUnknown_ReportHowToFix()
    {
        var (schemas, bag) = Read("db_name: {type: string}");
        Resolve(schemas, bag, ("DB_NAME", "x"));
        var messages = bag.ToImmutable().Select(d => $"{d.Code} {d.Message}").ToList();
        messages.ShouldContain("HT302 The Parameter (DB_NAME) was not defined in template. Did you mean 'db_name'?");
        messages.ShouldContain(m => m.StartsWith("HT301 The Parameter (db_name) was not provided. Pass it with --parameter db_name=VALUE"));
    }

    [Fact]
    public void Resolve_UnknownNameOneTypoFromADeclaredOne_SuggestsIt()
    {
        var (schemas, bag) = Read("name: {type: string, default: x}\ntoken: {type: string, default: y}");
        Resolve(schemas, bag, ("nmae", "a"), ("tokn", "b"), ("zzz", "c"));
        var messages = bag.ToImmutable().Select(d => $"{d.Code} {d.Message}").ToList();
        messages.ShouldContain("HT302 The Parameter (nmae) was not defined in template. Did you mean 'name'?");
        messages.ShouldContain("HT302 The Parameter (tokn) was not defined in template. Did you mean 'token'?");
        messages.ShouldContain("HT302 The Parameter (zzz) was not defined in template.");
    }

    [Fact]
    public void Resolve_PseudoParameters_ComeFromStackIdentity()
    {
        var (schemas, bag) = Read("p: {type: string, default: x}");
        var resolved = Resolve(schemas, bag);
        resolved.Parameters["OS::stack_name"].Value.ShouldBe("web");
        resolved.Parameters["OS::stack_id"].Value.ShouldBe("id-1");
        resolved.Parameters["OS::project_id"].Value.ShouldBe("proj-1");
        resolved.IsDeclared("OS::region").ShouldBeTrue();
        resolved.TryGetValue("OS::region", out _).ShouldBeFalse();
    }

    [Fact]
    public void Masked_HiddenParameter_ShowsStarsAndKeepsValueOutOfErrors()
    {
        var (schemas, bag) = Read("""
            password: {type: string, hidden: true, constraints: [{length: {min: 8}}]}
            user: {type: string}
            """);
        var ok = Resolve(schemas, bag, ("password", "s3cretvalue"), ("user", "admin"));
        ok.Masked().ShouldBe(new Dictionary<string, string>
        {
            ["OS::project_id"] = "proj-1", ["OS::stack_id"] = "id-1", ["OS::stack_name"] = "web", ["password"] = "******", ["user"] = "admin",
        });
        ok.TryGetValue("password", out var value).ShouldBeTrue();
        value.ShouldBe("s3cretvalue");

        var bad = new DiagnosticBag();
        Resolve(schemas, bad, ("password", "short"), ("user", "admin"));
        var d = bad.ToImmutable().ShouldHaveSingleItem();
        d.Message.ShouldNotContain("short");
        d.Message.ShouldBe("Parameter 'password' is invalid: the value does not satisfy its length constraint");
    }

    [Theory]
    [InlineData("[a-z]+", "abc", true)]
    [InlineData("[a-z]+", "abc1", false)]
    [InlineData("a|ab", "ab", false)]
    [InlineData("(?P<x>a)(?P=x)", "aa", true)]
    [InlineData("a{,2}", "aa", true)]
    [InlineData(@"\d+\Z", "12", true)]
    public void AllowedPattern_PythonSemantics_MatchesLikeReMatchToTheEnd(string pattern, string value, bool ok)
    {
        var (schemas, bag) = Read($"p: {{type: string, constraints: [{{allowed_pattern: '{pattern}'}}]}}");
        bag.HasErrors.ShouldBeFalse();
        Resolve(schemas, bag, ("p", value));
        bag.HasErrors.ShouldBe(!ok);
    }

    [Fact]
    public void CheckImmutable_ChangedValue_NamesTheParameter()
    {
        var (schemas, bag) = Read("size: {type: number, immutable: true, default: 1}\nfree: {type: string, default: a}");
        var before = Resolve(schemas, bag);
        var after = Resolve(schemas, bag, ("size", "2"), ("free", "b"));
        var same = Resolve(schemas, bag, ("size", "1"));
        ParameterResolver.FindImmutableChanges(before, after).ShouldBe(["size"]);
        ParameterResolver.FindImmutableChanges(before, same).ShouldBeEmpty();
        ParameterResolver.CheckImmutable(before, after, bag).ShouldBeFalse();
        var d = bag.ToImmutable().ShouldHaveSingleItem();
        d.Code.ShouldBe(DiagnosticCodes.ParameterImmutable);
        d.Span.ShouldBe(CommandLineParameters.SpanOf(0));
    }

    [Fact]
    public void CommandLineParse_SplitsOnFirstEquals_AndRejectsMissingEquals()
    {
        var bag = new DiagnosticBag();
        var inputs = CommandLineParameters.Parse(["a=b=c", "empty=", "novalue", "=x"], bag);
        inputs.Select(i => (i.Name, i.Value)).ShouldBe([("a", (object?)"b=c"), ("empty", "")]);
        var errors = bag.ToImmutable();
        errors.Length.ShouldBe(2);
        errors.ShouldAllBe(d => d.Code == DiagnosticCodes.ParameterArgumentSyntax);
        errors[0].ToString().ShouldBe("--parameter:1:3: error HT307: --parameter 'novalue' has no '='; the expected form is --parameter NAME=VALUE (for example --parameter db_port=5432)");
    }

    [Fact]
    public void DiagnosticCodes_AreUnique()
    {
        var codes = typeof(DiagnosticCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        codes.Distinct().Count().ShouldBe(codes.Count);
        codes.ShouldAllBe(c => c.Length == 5 && c.StartsWith("HT") && c.Skip(2).All(char.IsAsciiDigit));
    }
}
