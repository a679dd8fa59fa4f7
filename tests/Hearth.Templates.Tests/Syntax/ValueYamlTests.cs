using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Tests.Syntax;

public sealed class ValueYamlTests
{
    /// <summary>Strings that plain YAML would read as something else, or that start with a YAML indicator.</summary>
    public static TheoryData<string> Strings() =>
    [
        "true", "False", "yes", "no", "on", "OFF", "y", "N", "null", "Null", "~", "", " ", "  padded  ",
        "123", "-7", "+3", "0x1F", "0o17", "017", "0b101", "1_000", "1e3", "1.5", ".5", "-.inf", ".NaN", "1:30",
        "-", "- item", "a: b", "#hash", "key:", "*star", "&anchor", "!tag", "%percent", "@at", "`tick", "{x}", "[y]",
        "'single'", "\"double\"", "two\nlines", "trailing newline\n", "\n", "tab\tinside", "crlf\r\nline",
        "\u001b[31mred", "ünïcödé", "plain words",
    ];

    [Theory]
    [MemberData(nameof(Strings))]
    public void Serialize_AString_ReadsBackAsTheSameString(string text)
    {
        var value = Value.NewMap();
        value["k"] = text;
        value[text] = "as a key";

        ReadBack(ValueYaml.Serialize(value)).ShouldBe(ValueJson.Serialize(value));
    }

    [Fact]
    public void Serialize_ValuesOfEachType_ReadBackWithTheirTypes()
    {
        var nested = Value.NewMap();
        nested["empty_map"] = Value.NewMap();
        nested["empty_list"] = new List<object?>();
        nested["list"] = new List<object?> { 1L, "2", 3.0, null, true, new List<object?> { "x" } };
        var value = Value.NewMap();
        value["int"] = 42L;
        value["negative"] = -1L;
        value["float"] = 1.0;
        value["small"] = 1e-7;
        value["bool"] = false;
        value["null"] = null;
        value["nested"] = nested;

        var yaml = ValueYaml.Serialize(value);

        ReadBack(yaml).ShouldBe(ValueJson.Serialize(value));
        yaml.ShouldContain("float: 1.0\n");
    }

    [Fact]
    public void Serialize_SeveralLines_IsALiteralBlock()
    {
        var value = Value.NewMap();
        value["script"] = "#!/bin/sh\necho \"$x\"\n";

        ValueYaml.Serialize(value).ShouldBe("script: |\n  #!/bin/sh\n  echo \"$x\"\n");
    }

    [Fact]
    public void Serialize_AStringTheCallerWantsEscaped_IsDoubleQuotedWithEscapes()
    {
        var value = Value.NewMap();
        value["colour"] = "\u001b[31mred\nline";

        var yaml = ValueYaml.Serialize(value, text => text.Contains('\u001b', StringComparison.Ordinal));

        yaml.ShouldBe("colour: \"\\e[31mred\\nline\"\n");
        ReadBack(yaml).ShouldBe(ValueJson.Serialize(value));
    }

    private static string ReadBack(string yaml)
    {
        var (root, diagnostics) = YamlLoader.Load("value.yaml", yaml);
        diagnostics.ShouldBeEmpty(yaml);
        return ValueJson.Serialize(root.ShouldNotBeNull(yaml).ToValue());
    }
}
