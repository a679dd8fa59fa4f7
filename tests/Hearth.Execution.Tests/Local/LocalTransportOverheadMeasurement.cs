using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Hearth.Execution.Tests.Local;

/// <summary>
/// Not a test: the per-deployment overhead of the local transport, printed when HEARTH_MEASURE=1
/// (<c>HEARTH_MEASURE=1 dotnet test tests/Hearth.Execution.Tests --filter LocalTransportOverheadMeasurement --logger "console;verbosity=detailed"</c>).
/// It asserts nothing about time.
/// </summary>
public class LocalTransportOverheadMeasurement(ITestOutputHelper output) : LocalTransportFixture
{
    private const int Runs = 50;
    private const int Warmup = 10;

    [Fact]
    public async Task Measure_TrivialScript_OverheadOverProcessStart()
    {
        if (Environment.GetEnvironmentVariable("HEARTH_MEASURE") != "1")
        {
            return;
        }

        var shell = await MeasureAsync(() => RunProcessAsync("/bin/sh", "-c", "true"));
        var setsidShell = await MeasureAsync(() => RunProcessAsync("/usr/bin/setsid", "--wait", "/bin/sh", "-c", "true"));
        var scriptFile = Path.Combine(StateRoot, "trivial");
        await File.WriteAllTextAsync(scriptFile, "#!/bin/sh\ntrue");
        File.SetUnixFileMode(scriptFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var setsidScript = await MeasureAsync(() => RunProcessAsync("/usr/bin/setsid", "--wait", scriptFile));
        var transport = await MeasureAsync(async () =>
        {
            var result = await DeployAsync(Request("#!/bin/sh\ntrue"));
            result.Status.ShouldBe(DeploymentStatus.Complete);
        });

        output.WriteLine(Line("baseline: Process.Start /bin/sh -c true", shell));
        output.WriteLine(Line("baseline: Process.Start setsid --wait /bin/sh -c true", setsidShell));
        output.WriteLine(Line("baseline: Process.Start setsid --wait <#!/bin/sh true file>", setsidScript));
        output.WriteLine(Line("LocalTransport.DeployAsync #!/bin/sh true", transport));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"overhead over /bin/sh start: mean {transport.Mean - shell.Mean:F3} ms, median {transport.Median - shell.Median:F3} ms"));
    }

    private async Task<(double Mean, double Median, double Min, double Max, double StdDev)> MeasureAsync(Func<Task> run)
    {
        for (var i = 0; i < Warmup; i++)
        {
            await run().WaitAsync(TestTimeout);
        }

        var samples = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await run().WaitAsync(TestTimeout);
            samples[i] = stopwatch.Elapsed.TotalMilliseconds;
        }

        var mean = samples.Average();
        var stdDev = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / (Runs - 1));
        var sorted = samples.Order().ToArray();
        return (mean, (sorted[(Runs - 1) / 2] + sorted[Runs / 2]) / 2, sorted[0], sorted[^1], stdDev);
    }

    private static async Task RunProcessAsync(string file, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(file, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("not started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
    }

    private static string Line(string what, (double Mean, double Median, double Min, double Max, double StdDev) m) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}: mean {m.Mean:F3} ms ± {m.StdDev:F3}, median {m.Median:F3} (min {m.Min:F3}, max {m.Max:F3}, n={Runs})");
}
