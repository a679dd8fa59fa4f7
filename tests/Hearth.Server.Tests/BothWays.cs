using System.Text.RegularExpressions;

namespace Hearth.Server.Tests;

/// <summary>
/// <c>hearth</c> commands run two ways: on a local state, and with <c>--server</c>/<c>--token</c> through a real
/// <c>hearth server</c> on a state of its own. Each comparison asserts the same exit code and the same stdout (times and
/// ids, which differ between any two runs, masked), and for a refusal (exit 2 and up) the same message on stderr.
/// </summary>
internal sealed partial class BothWays : IDisposable
{
    private readonly ServerProcess _server;
    private readonly string _token;

    private BothWays(ServerProcess server, string token, string localState, string clientState)
    {
        _server = server;
        _token = token;
        LocalState = localState;
        ClientState = clientState;
    }

    public string LocalState { get; }

    /// <summary>The state folder the commands sent to the server are given: a client must never make it.</summary>
    public string ClientState { get; }

    public string Url => _server.Url;

    public string Token => _token;

    /// <summary>Starts a server on <c>server-state</c> under <paramref name="folder"/> (made with a token unless it exists) with <paramref name="serverArgs"/>.</summary>
    public static async Task<BothWays> StartAsync(TempDirectory folder, params string[] serverArgs)
    {
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "cli");
        var server = await ServerProcess.StartAsync(serverState, null, serverArgs);
        return new BothWays(server, token, folder.Combine("local-state"), folder.Combine("client-state"));
    }

    public Task<(int ExitCode, string Out, string Error)> LocalAsync(params string[] args) => ServerProcess.HearthAsync(LocalState, args);

    public Task<(int ExitCode, string Out, string Error)> RemoteAsync(params string[] args) =>
        ServerProcess.HearthAsync(ClientState, ["--server", Url, "--token", _token, .. args]);

    /// <summary>Runs <paramref name="args"/> locally, then through the server, and asserts they did the same.</summary>
    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var local = await LocalAsync(args);
        var remote = await RemoteAsync(args);
        ShouldMatch(args, local, remote);
        return local;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> (commands that run side by side: an operation waiting at a hook, a follower) on the
    /// local state, then through the server, and asserts each of its steps did the same; returns the server's results.
    /// </summary>
    public async Task<IReadOnlyList<(int ExitCode, string Out, string Error)>> RunScenarioAsync(
        Func<Func<string[], RunningHearth>, Task<List<(int ExitCode, string Out, string Error)>>> scenario)
    {
        var local = await scenario(args => RunningHearth.Start(LocalState, args));
        var remote = await scenario(args => RunningHearth.Start(ClientState, ["--server", Url, "--token", _token, .. args]));
        remote.Count.ShouldBe(local.Count);
        for (var i = 0; i < local.Count; i++)
        {
            ShouldMatch([$"step {i}"], local[i], remote[i]);
        }

        return remote;
    }

    public static void ShouldMatch(string[] args, (int ExitCode, string Out, string Error) local, (int ExitCode, string Out, string Error) remote)
    {
        var what = $"hearth {string.Join(' ', args)}\n--- local\n{local}\n--- server\n{remote}";
        remote.ExitCode.ShouldBe(local.ExitCode, what);
        Masked(remote.Out).ShouldBe(Masked(local.Out), what);
        if (local.ExitCode >= 2)
        {
            Masked(remote.Error).ShouldBe(Masked(local.Error), what);
        }
    }

    /// <summary>What differs between two runs of the same command: times, ids, and the options that chose the stacks in the commands a message suggests.</summary>
    public static string Masked(string text) =>
        ChosenStacks().Replace(PhysicalId().Replace(Uuid().Replace(Timestamp().Replace(text, "TIME"), "ID"), "-PHYSICAL"), "hearth ");

    public void Dispose() => _server.Dispose();

    /// <summary>A suggested command's <c>--state DIR</c> (a local run's) or <c>--server URL</c> (a run through the server).</summary>
    [GeneratedRegex(@"hearth --(state|server) \S+ ")]
    private static partial Regex ChosenStacks();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex Timestamp();

    /// <summary>A physical id's random tail (<c>demo-greeting-z6oyf6234kmi</c>).</summary>
    [GeneratedRegex(@"-[a-z0-9]{12}\b")]
    private static partial Regex PhysicalId();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
