using System.Text;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>A command that runs out of memory, in a process of its own: a clear message and exit 71, never a stack trace.</summary>
public sealed class OutOfMemoryTests
{
    private const int OutOfMemory = 71;

    [Fact]
    public async Task StackCreate_HeapLimitTooSmallForTheTemplate_Exits71WithAMessageAndTheStateStillReadable()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var template = new StringBuilder("heat_template_version: 2021-04-16\nresources:\n");
        for (var i = 0; i < 10_000; i++)
        {
            template.Append(System.Globalization.CultureInfo.InvariantCulture, $"  r{i}: {{type: OS::Heat::Value, properties: {{value: v{i}}}}}\n");
        }

        var path = folder.File("big.yaml", template.ToString());
        // 32 MB of managed heap (hexadecimal, without "0x": the natively compiled runtime reads no prefix): enough to start,
        // not to read and run 10,000 resources (which take ~100 MB).
        var limited = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "2000000" };

        var create = await HearthProcess.RunAsync(limited, "--state", state, "stack", "create", "big", "-t", path);
        var list = await CliRunner.RunAsync("--state", state, "stack", "list", "-f", "json");

        create.ExitCode.ShouldBe(OutOfMemory, create.ToString());
        create.Error.ShouldContain("hearth: out of memory: the command stopped.");
        create.Error.ShouldContain($"an operation this stopped is interrupted: 'hearth --state {state} stack resume big' finishes it, 'hearth --state {state} stack cancel big' rolls it back.");
        create.Error.ShouldNotContain("   at ");
        create.Error.ShouldNotContain("internal error");
        list.ExitCode.ShouldBe(0, list.ToString());
    }
}
