using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Hearth.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Hearth.Benchmarks</c>: the hot paths at 10,000 resources and validation at
/// 10,000, 40,000 and 100,000, a short job. <c>-- --quick</c>: 1,000 resources, one iteration (a smoke run for CI).
/// <c>-- --commit-loop N</c>: <see cref="GroupCommitBatch"/> N times in a plain loop (docs/performance.md). Other arguments
/// go to BenchmarkDotNet.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--commit-loop", var count])
        {
            return GroupCommitBatch.RunLoop(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
        }

        var quick = args.Contains("--quick");
        var rest = args.Where(a => a != "--quick").ToArray();
        HotPaths.ResourceCount = quick ? 1_000 : 10_000;
        ValidationScale.Sizes = quick ? [1_000] : [10_000, 40_000, 100_000];
        // In-process: no generated project to build (faster, and the repository's analyzers never see one).
        var job = (quick ? Job.Dry : Job.ShortRun)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId(quick ? "Dry" : "ShortRun");
        var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
