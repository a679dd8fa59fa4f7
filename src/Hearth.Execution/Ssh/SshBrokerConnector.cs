using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Hearth.Execution.Ssh;

/// <summary>
/// Reaches the state folder's <see cref="SshSessionBroker"/>, starting it (detached, in a session of its own, its output
/// in <c>ssh/broker.log</c>) when none listens. When no broker can be had, the engine runs its own sessions, as it does
/// without one: the broker makes an engine start faster, never decides whether it works.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SshBrokerConnector(string socketPath, IReadOnlyList<string> command, string log, TimeProvider time)
{
    /// <summary>How long a broker just started may take to listen.</summary>
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<bool>? _starting;
    private volatile bool _unavailable;

    /// <summary>A connection to the broker, or null when there is none and none could be started.</summary>
    public async Task<NetworkStream?> ConnectAsync(CancellationToken ct)
    {
        if (_unavailable)
        {
            return null;
        }

        if (await TryConnectAsync(ct) is { } running)
        {
            return running;
        }

        Task<bool> starting;
        lock (_gate)
        {
            starting = _starting ??= Task.Run(StartAsync, CancellationToken.None);
        }

        if (await starting)
        {
            var waited = time.GetTimestamp();
            while (time.GetElapsedTime(waited) < StartWait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), time, ct);
                if (await TryConnectAsync(ct) is { } started)
                {
                    return started;
                }
            }
        }

        _unavailable = true;
        return null;
    }

    private async Task<NetworkStream?> TryConnectAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Starts the broker detached: sh only redirects (the command's words reach it through "$@", never spliced into shell
    /// text) and <c>setsid -f</c> puts it in a session of its own, so neither this engine's end nor a Ctrl+C here ends it.
    /// </summary>
    private async Task<bool> StartAsync()
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("umask 077; exec setsid -f \"$@\" </dev/null >>\"$HEARTH_BROKER_LOG\" 2>&1");
        start.ArgumentList.Add("hearth");
        foreach (var word in command)
        {
            start.ArgumentList.Add(word);
        }

        start.Environment["HEARTH_BROKER_LOG"] = log;
        try
        {
            using var launcher = Process.Start(start);
            if (launcher is null)
            {
                return false;
            }

            await launcher.WaitForExitAsync(CancellationToken.None);
            return launcher.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
