using System.Text;

namespace Hearth.State.Tests;

/// <summary>The sealed format: a version byte, AES-GCM under the state key, the column authenticated; the key made on first need.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SealedValuesTests : IDisposable
{
    private readonly TempDirectory _folder = new("hearth-sealed-test-");

    private string KeyPath => _folder.Combine(StateKey.FileName);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Seal_FirstValue_MakesPrivateKeyAndVersionedValueThatOpens()
    {
        var values = new SealedValues(KeyPath, "hearth.db");
        File.Exists(KeyPath).ShouldBeFalse("the key is made when first needed");

        var sealedValue = values.Seal("resources.properties_json", """{"password":"hunter2-hidden"}""") .ShouldBeOfType<byte[]>();

        sealedValue[0].ShouldBe(SealedValues.Version1);
        sealedValue.AsSpan().IndexOf(Encoding.UTF8.GetBytes("hunter2-hidden")).ShouldBe(-1);
        File.GetUnixFileMode(KeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        new SealedValues(KeyPath, "hearth.db").Open("resources.properties_json", sealedValue).ShouldBe("""{"password":"hunter2-hidden"}""");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void Seal_EmptyValue_KeptAsTextWithoutAKey(string empty)
    {
        new SealedValues(KeyPath, "hearth.db").Seal("resources.data_json", empty).ShouldBe(empty);
        File.Exists(KeyPath).ShouldBeFalse();
    }

    [Fact]
    public void Open_ValueOfAnotherColumn_Refused()
    {
        var values = new SealedValues(KeyPath, "hearth.db");
        var sealedValue = values.Seal("stacks.current_parameters", """{"a":"b"}""") .ShouldBeOfType<byte[]>();

        Should.Throw<StateKeyException>(() => values.Open("resources.status_reason", sealedValue));
    }

    [Fact]
    public void Open_UnknownFormatVersion_RefusedNamingIt()
    {
        var values = new SealedValues(KeyPath, "hearth.db");
        var sealedValue = values.Seal("stacks.current_parameters", """{"a":"b"}""") .ShouldBeOfType<byte[]>();
        sealedValue[0] = 9;

        Should.Throw<StateKeyException>(() => values.Open("stacks.current_parameters", sealedValue)).Message.ShouldContain("version 9");
    }

    [Fact]
    public void Open_KeyFileNotAKey_RefusedNamingTheFile()
    {
        var sealedValue = new SealedValues(KeyPath, "hearth.db").Seal("stacks.current_parameters", """{"a":"b"}""") .ShouldBeOfType<byte[]>();
        File.WriteAllText(KeyPath, "not a key");

        Should.Throw<StateKeyException>(() => new SealedValues(KeyPath, "hearth.db").Open("stacks.current_parameters", sealedValue))
            .Message.ShouldContain($"'{KeyPath}' is not a Hearth key (9 bytes, not 32)");
    }
}
