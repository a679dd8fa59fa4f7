namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// Processes that deployment scripts left running (servers, or scripts a killed engine orphaned), found by their
/// working directory under a state folder's <c>deployments/</c> (<see cref="ProcessTable"/>).
/// </summary>
internal static class DeploymentProcesses
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(15);

    /// <summary>Waits (bounded: 15 s) until no process runs in the state's deployment folders.</summary>
    public static Task WaitForNoneAsync(string state) => Poll.UntilAsync(() => In(state).Count == 0, SettleLimit);

    /// <summary>Kills every process still running in the state's deployment folders (test teardown).</summary>
    public static void KillAll(string state) => ProcessTable.Kill(In(state));

    public static IReadOnlyList<int> In(string state) => ProcessTable.WorkingUnder(Path.Combine(state, "deployments"));
}
