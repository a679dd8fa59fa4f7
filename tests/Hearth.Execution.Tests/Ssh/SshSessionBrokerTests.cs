using Hearth.Execution.Ssh;
using Hearth.Testing.Sshd;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>
/// The state folder's session broker (<see cref="SshSessionBroker"/>) against real sshd: what one engine hands back the
/// next one uses, what an engine leaves in flight is not handed on, and the broker goes away on its own.
/// </summary>
public sealed class SshSessionBrokerTests(SshHosts hosts) : SshTransportFixture(hosts), IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private Task<bool>? _broker;

    /// <summary>A remote root of the test's own, so that the dispatchers' session files seen there are this test's.</summary>
    private string Root => $".hearth/broker-{DeploymentId}";

    private string RootFolder => Path.Combine(Hosts.UserHome, Root);

    /// <summary>An engine of this state folder: with a broker (never started by it: the test runs one, or none can start).</summary>
    private SshTransports Engine(string[]? broker = null, int retries = 3) =>
        new(Options with { RemoteRoot = Root, Broker = broker ?? ["/bin/false"], ConnectRetries = retries }, TimeProvider.System);

    private string[] Sessions() => Directory.Exists(RootFolder) ? Directory.GetFiles(RootFolder, ".s*.token") : [];

    private async Task StartBrokerAsync(TimeSpan? idleExit = null)
    {
        var broker = new SshSessionBroker(StateRoot, TimeProvider.System) { IdleExit = idleExit ?? TimeSpan.FromMinutes(1) };
        _broker = Task.Run(() => broker.RunAsync(_stop.Token));
        (await Poll.UntilAsync(() => File.Exists(SshSessionBroker.SocketPath(StateRoot)), TestTimeouts.Default)).ShouldBeTrue("the broker listens");
    }

    [Fact]
    public async Task Deploy_AfterAnotherEngineHandedItsSessionBack_RunsOnThatSessionAndNamesItsOwnEngine()
    {
        await StartBrokerAsync();
        await using (var first = Engine())
        {
            var result = await first.For(Server(0)).DeployAsync(Request("#!/bin/sh\necho first\n"), CancellationToken.None).Within();
            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        }

        var session = Sessions().ShouldHaveSingleItem();
        await using var second = Engine();
        var again = await second.For(Server(0)).DeployAsync(Request("#!/bin/sh\necho second\n", action: "UPDATE"), CancellationToken.None).Within();

        again.Status.ShouldBe(DeploymentStatus.Complete, again.StatusReason);
        again.Stdout.ShouldBe("second\n");
        Sessions().ShouldBe([session], "the second engine's deployment went through the session the first handed back");
        var record = Directory.GetDirectories(Path.Combine(RootFolder, DeploymentId, "runs"), "UPDATE.*").ShouldHaveSingleItem();
        (await File.ReadAllLinesAsync(Path.Combine(record, "pid")))[1].ShouldBe(EngineIdentity.Current, "the run names the engine that asked for it");
    }

    [Fact]
    public async Task EngineGone_WithARunInFlight_ItsSessionIsNotHandedToTheNextEngine()
    {
        await StartBrokerAsync();
        // No second try: the engine that goes away must not take a session of the broker's again.
        var first = Engine(retries: 0);
        var running = first.For(Server(0)).DeployAsync(Request("#!/bin/sh\nsleep 2\n"), CancellationToken.None);
        (await Poll.UntilAsync(() => Sessions().Length == 1 && Directory.Exists(Path.Combine(RootFolder, DeploymentId, "runs")), TestTimeouts.Default))
            .ShouldBeTrue("the run started");
        var abandoned = Sessions().Single();

        await first.DisposeAsync();

        (await running.Within()).Status.ShouldBe(DeploymentStatus.Failed, "the engine's link is gone: no reply reaches it");
        await using var second = Engine();
        var result = await second.For(Server(0)).DeployAsync(Request("#!/bin/sh\necho next\n", deploymentId: DeploymentId + "-next"), CancellationToken.None).Within();
        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        Sessions().Except([abandoned]).ShouldHaveSingleItem("a session with a reply still owed is ended, not handed on: the next engine got a new one");
        Directory.Delete(Path.Combine(RootFolder, DeploymentId + "-next"), recursive: true);
    }

    [Fact]
    public async Task Idle_ForItsIdleTime_TheBrokerEndsItsSessionsAndRemovesItsSocket()
    {
        await StartBrokerAsync(idleExit: TimeSpan.FromSeconds(1));
        await using (var engine = Engine())
        {
            var result = await engine.For(Server(0)).DeployAsync(Request("#!/bin/sh\necho ok\n"), CancellationToken.None).Within();
            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        }

        (await _broker!.Within()).ShouldBeTrue();
        File.Exists(SshSessionBroker.SocketPath(StateRoot)).ShouldBeFalse("the socket is removed");
        (await Poll.UntilAsync(() => Sessions().Length == 0, TestTimeouts.Default)).ShouldBeTrue("the kept session ended, its dispatcher removing its files");
    }

    [Fact]
    public async Task SecondBroker_ForTheSameStateFolder_LeavesAtOnce()
    {
        await StartBrokerAsync();

        var second = await new SshSessionBroker(StateRoot, TimeProvider.System).RunAsync(CancellationToken.None).Within();

        second.ShouldBeFalse("one broker serves a state folder");
        File.Exists(SshSessionBroker.SocketPath(StateRoot)).ShouldBeTrue("the first still listens");
    }

    [Fact]
    public async Task Socket_OnlyItsOwnerCanReachIt()
    {
        await StartBrokerAsync();
        var socket = SshSessionBroker.SocketPath(StateRoot);

        File.GetUnixFileMode(socket).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(socket + ".lock").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(socket)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task NoBrokerCanStart_TheEngineRunsItsOwnSessionAndTheLogSaysWhy()
    {
        await using var engine = Engine(broker: ["/nonexistent/hearth", "ssh-broker"]);

        var result = await engine.For(Server(0)).DeployAsync(Request("#!/bin/sh\necho alone\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stdout.ShouldBe("alone\n");
        File.Exists(SshSessionBroker.SocketPath(StateRoot)).ShouldBeFalse();
        (await File.ReadAllTextAsync(Path.Combine(StateRoot, "ssh", "broker.log"))).ShouldContain("/nonexistent/hearth");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_broker is not null)
        {
            await _broker.Within();
        }

        await DisposeAsync();
        if (Directory.Exists(RootFolder))
        {
            Directory.Delete(RootFolder, recursive: true);
        }
    }
}
