using System.Text;

namespace Hearth.Cli.Tests.Baselines;

/// <summary>
/// One folder per case under <c>tests/baselines/</c>: <c>hearth template validate -t template.yaml</c> (plus the
/// arguments in <c>args.txt</c>) must print exactly <c>expected.txt</c>. Regenerate every baseline with
/// <c>HEARTH_UPDATE_BASELINES=1 dotnet test tests/Hearth.Cli.Tests --filter Baseline</c> (see tests/baselines/README.md).
/// </summary>
public sealed class BaselineTests
{
    /// <summary>Stands for the case folder's absolute path in <c>expected.txt</c>.</summary>
    public const string CaseToken = "$CASE";

    /// <summary>Stands for the repository root's absolute path (paths outside the case folder).</summary>
    public const string RepositoryToken = "$REPO";

    private const string UpdateVariable = "HEARTH_UPDATE_BASELINES";

    /// <summary>Arguments of <c>args.txt</c> that name a file or folder, resolved against the case folder.</summary>
    private static readonly HashSet<string> _pathOptions = ["-e", "--environment", "--allow-file-path"];

    public static string BaselineRoot => Path.Combine(CliRunner.RepositoryRoot, "tests", "baselines");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(BaselineRoot).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(folder));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Baseline_Case_PrintsExpectedOutput(string name)
    {
        var folder = Path.Combine(BaselineRoot, name);
        var actual = Normalize(await RunCaseAsync(folder));
        var expectedPath = Path.Combine(folder, "expected.txt");
        if (System.Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(expectedPath, actual + "\n").WaitAsync(CliRunner.Timeout);
            return;
        }

        File.Exists(expectedPath).ShouldBeTrue($"{expectedPath} is missing; create it with {UpdateVariable}=1 dotnet test tests/Hearth.Cli.Tests --filter Baseline");
        var expected = Normalize(await File.ReadAllTextAsync(expectedPath).WaitAsync(CliRunner.Timeout));
        if (expected != actual)
        {
            Assert.Fail($"baseline {name} differs (- expected, + actual); if the change is right, run {UpdateVariable}=1 dotnet test tests/Hearth.Cli.Tests --filter Baseline\n"
                + LineDiff.Unified(expected, actual));
        }
    }

    [Fact]
    public void Baseline_EveryCase_HasTemplateAndExpectedOutput()
    {
        var folders = Directory.GetDirectories(BaselineRoot);
        folders.Length.ShouldBeGreaterThanOrEqualTo(35);
        folders.Where(f => !File.Exists(Path.Combine(f, "template.yaml"))).ShouldBeEmpty();
        folders.Where(f => !File.Exists(Path.Combine(f, "expected.txt"))).ShouldBeEmpty();
    }

    /// <summary>Runs one case folder and returns its output, machine-independent (paths replaced by tokens).</summary>
    public static async Task<string> RunCaseAsync(string folder)
    {
        var args = new List<string> { "template", "validate", "-t", Path.Combine(folder, "template.yaml") };
        var argsFile = Path.Combine(folder, "args.txt");
        if (File.Exists(argsFile))
        {
            var lines = (await File.ReadAllLinesAsync(argsFile).WaitAsync(CliRunner.Timeout)).Where(l => l.Length > 0).ToList();
            for (var i = 0; i < lines.Count; i++)
            {
                var resolve = i > 0 && _pathOptions.Contains(lines[i - 1]);
                args.Add(resolve ? Path.GetFullPath(Path.Combine(folder, lines[i])) : lines[i]);
            }
        }

        var result = await CliRunner.RunAsync([.. args]);
        return Normalize(Tokenize(result.ToString(), folder)) + "\n";
    }

    private static string Tokenize(string output, string folder)
    {
        var text = output.Replace(folder, CaseToken, StringComparison.Ordinal);
        var relative = Path.GetRelativePath(System.Environment.CurrentDirectory, folder);
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            text = text.Replace(relative, CaseToken, StringComparison.Ordinal);
        }

        return text.Replace(CliRunner.RepositoryRoot, RepositoryToken, StringComparison.Ordinal).Replace('\\', '/');
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
}

/// <summary>A small line diff (longest common subsequence) printed as <c>-</c>/<c>+</c>/<c> </c> lines.</summary>
public static class LineDiff
{
    public static string Unified(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                output.Append("  ").AppendLine(a[x]);
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("+ ").AppendLine(b[y]);
                y++;
            }
            else
            {
                output.Append("- ").AppendLine(a[x]);
                x++;
            }
        }

        return output.ToString();
    }
}
