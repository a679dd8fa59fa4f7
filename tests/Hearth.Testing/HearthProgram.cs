namespace Hearth.Testing;

/// <summary>
/// The hearth program that tests start in processes of their own. By default <c>hearth.dll</c> beside the tests: the
/// test projects reference Hearth.Cli, so every build of the tests (a fresh clone's <c>dotnet test</c> included) puts it
/// there, and what runs is what this commit builds. With <c>HEARTH_TEST_PROGRAM</c> set, that program instead:
/// <c>.ci/run</c> names the published, natively compiled <c>hearth</c> that users run and runs the end-to-end tests
/// again with it, since code that works under the JIT can still fail compiled ahead of time (reflection, trimming).
/// </summary>
public static class HearthProgram
{
    public const string Variable = "HEARTH_TEST_PROGRAM";

    /// <summary>The words that start hearth, before its own arguments: the program, and the host that runs it if it is hearth.dll.</summary>
    public static IReadOnlyList<string> Command()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } published)
        {
            return File.Exists(published)
                ? [Path.GetFullPath(published)]
                : throw new FileNotFoundException($"{Variable} names no file: {published}", published);
        }

        var program = Path.Combine(AppContext.BaseDirectory, "hearth.dll");
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"the hearth program is not beside the tests ({program}): the test project must reference src/Hearth.Cli", program);
        }

        // The dotnet host that runs the tests when the SDK says which one (DOTNET_HOST_PATH), else the apphost beside it.
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host)
            ? [host, program]
            : [Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "hearth.exe" : "hearth")];
    }
}
