using System.Diagnostics;
using System.Globalization;
using Hearth.Execution.Hosts;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Hearth.Execution.Ssh;

/// <summary>
/// Runs commands on one host with the OpenSSH client over one shared connection (ControlMaster, kept open by
/// ControlPersist for the next command and the next engine). The first ssh process to the host opens it (usually the
/// dispatcher's session: nothing runs before it to prove the connection, since a refused key or login refuses it the
/// same way and runs nothing), under a bound shared by every host; commands then take a channel each, at most
/// <see cref="SshOptions.MaxChannelsPerHost"/> at once.
/// </summary>
/// <remarks>
/// Host keys are checked strictly against the target's <c>known_host_key</c> or Hearth's own known_hosts file; no
/// user or system ssh configuration is read, so what the transport does depends on the template and the state folder
/// alone.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class SshConnection(SshTarget target, SshOptions options, SshFolder folder, SemaphoreSlim opening, SshClientStarts starts, SshBrokerConnector? broker, TimeProvider time)
{
    /// <summary>What ssh exits with when the connection (not the command) failed.</summary>
    public const int ConnectionFailed = 255;

    /// <summary>How long a new dispatcher may take to say it is ready once ssh has started: a login that hangs is a failed connection.</summary>
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _channels = new(options.MaxChannelsPerHost);
    private readonly SemaphoreSlim _opening = new(1);
    private readonly Lock _sessionGate = new();
    private volatile bool _open;
    private volatile bool _remembered;
    private SshSession? _session;
    private Task<(SshSession? Session, SshCommandResult? Failure)>? _sessionStart;
    private volatile Exception? _unreachable;

    public SshTarget Target => target;

    /// <summary>
    /// Why this engine could not connect to the host, when its last try failed and none succeeded since: undoing what
    /// could not run there need not wait for the same failure again.
    /// </summary>
    public Exception? Unreachable => _unreachable;

    /// <summary>Whether the host's dispatcher session runs: no request is sent before it does.</summary>
    public bool HasSession => _session is { Ended: false };

    /// <summary>
    /// Runs <paramref name="command"/> (shell text for the login shell) with <paramref name="stdin"/>, trying again with
    /// a jittered backoff while the connection fails. Only for commands that are safe to repeat: each remote script of
    /// the transport is (a run is keyed by its attempt and never started twice).
    /// </summary>
    /// <exception cref="HostKeyRejectedException">The host's key is unknown or not the expected one (nothing ran).</exception>
    /// <exception cref="HostUnreachableException">Every try failed to connect.</exception>
    /// <param name="connectionFailed">
    /// Whether a result means the connection failed and nothing ran; default: exit 255 (the transport's own programs
    /// never exit 255).
    /// </param>
    public async Task<SshCommandResult> RunAsync(string command, ReadOnlyMemory<byte> stdin, CancellationToken ct, Func<SshCommandResult, bool>? connectionFailed = null)
    {
        await _channels.WaitAsync(ct);
        try
        {
            var failed = connectionFailed ?? (r => r.ExitCode == ConnectionFailed);
            return await WithRetriesAsync(() => OpeningAsync(() => RunOnceAsync(command, stdin, ct), r => !failed(r), ct), failed, ct);
        }
        finally
        {
            _channels.Release();
        }
    }

    /// <summary>
    /// Sends one request to the host's dispatcher (<see cref="RemoteScripts.Dispatcher"/>), starting it (or a new one,
    /// when the last ended) first, and tries again with a jittered backoff while the connection fails. Requests are
    /// safe to repeat: a run is keyed by its attempt and never started twice.
    /// </summary>
    /// <param name="words">The request's words after its tag, each free of spaces and line breaks.</param>
    /// <exception cref="HostKeyRejectedException">The host's key is unknown or not the expected one (nothing ran).</exception>
    /// <exception cref="HostUnreachableException">Every try failed to connect.</exception>
    public async Task<SshCommandResult> RequestAsync(string verb, IReadOnlyList<string> words, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        foreach (var word in words)
        {
            if (word.Length == 0 || word.Any(c => c is ' ' or '\n' or '\r' or '\0'))
            {
                throw new ArgumentException($"'{word}' cannot be a word of a request", nameof(words));
            }
        }

        return await WithRetriesAsync(async () =>
        {
            var (session, failure) = await SessionAsync().WaitAsync(ct);
            return session is null ? failure ?? throw new InvalidOperationException("no session and no failure") : await session.RequestAsync(verb, words, payload, ct);
        }, r => r.ExitCode == ConnectionFailed, ct);
    }

    /// <summary>
    /// Starts the host's dispatcher session in the background unless it runs or is starting, so that the first request
    /// finds it ready. A start that fails is what the next request meets first (and retries, as for its own).
    /// </summary>
    public void Prepare()
    {
        if (_session is not { Ended: false })
        {
            // Its failure is for the requests that join or follow it to meet; nobody here waits for it.
            _ = SessionAsync().ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The host's dispatcher session: the running one, the one starting (every caller shares one start, a preparation's
    /// included), or a new one when there is none or the last ended.
    /// </summary>
    private Task<(SshSession? Session, SshCommandResult? Failure)> SessionAsync()
    {
        lock (_sessionGate)
        {
            if (_session is { Ended: false } running)
            {
                return Task.FromResult<(SshSession?, SshCommandResult?)>((running, null));
            }

            if (_sessionStart is { IsCompleted: false } starting)
            {
                return starting;
            }

            return _sessionStart = Task.Run(StartSessionAsync);
        }
    }

    private async Task<(SshSession? Session, SshCommandResult? Failure)> StartSessionAsync()
    {
        if (_session is { } ended)
        {
            _session = null;
            await ended.DisposeAsync();
        }

        var command = RemoteScripts.Command(RemoteScripts.Dispatcher, options.RemoteRoot, options.MaxCapturedBytes.ToString(CultureInfo.InvariantCulture));
        using var ready = new CancellationTokenSource(ReadyWait, time);
        var result = await OpeningAsync(async () =>
        {
            try
            {
                return await SshSession.StartAsync(await LinkAsync(Arguments(command), ready.Token), ready.Token);
            }
            catch (OperationCanceledException) when (ready.IsCancellationRequested)
            {
                return (null, new SshCommandResult(ConnectionFailed, [],
                    string.Create(CultureInfo.InvariantCulture, $"the login on {target.Description} did not start Hearth's dispatcher within {ReadyWait.TotalSeconds:0} s")));
            }
        }, r => r.Session is not null, CancellationToken.None);
        _session = result.Session;
        return result;
    }

    /// <summary>
    /// The way to a dispatcher started by ssh with <paramref name="arguments"/>: a session the state folder's broker keeps
    /// (idle from an engine before, or started for this one), or, without a broker, an ssh process of this engine's own.
    /// </summary>
    private async Task<IDispatcherLink> LinkAsync(List<string> arguments, CancellationToken ct)
    {
        if (broker is not null && await broker.ConnectAsync(ct) is { } stream)
        {
            try
            {
                var hello = JsonSerializer.Serialize([options.Client, .. arguments], SshJson.Default.StringArray);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(hello + "\n"), ct);
                return new BrokerLink(stream);
            }
            catch
            {
                await stream.DisposeAsync();
                throw;
            }
        }

        var start = new ProcessStartInfo(options.Client);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return await ProcessLink.StartAsync(start, s => StartClientAsync(s, ct));
    }

    /// <summary>
    /// Starts an ssh process (a command or the dispatcher's session). Its connection becomes the host's shared one when
    /// there is none: while no connection to the host is known (no command ran through one yet, and no socket from an
    /// earlier engine is there), that start waits its turn under the bound on connections being opened across hosts.
    /// A start that connected has the state folder remember the host (<see cref="SshFolder.Remember"/>) before its
    /// result is used, and so before the first request goes to a session.
    /// </summary>
    private async Task<T> OpeningAsync<T>(Func<Task<T>> start, Func<T, bool> connected, CancellationToken ct)
    {
        var result = await OpenAsync(start, connected, ct);
        if (connected(result))
        {
            _unreachable = null;
            if (!_remembered)
            {
                folder.Remember(target);
                _remembered = true;
            }
        }

        return result;
    }

    private async Task<T> OpenAsync<T>(Func<Task<T>> start, Func<T, bool> connected, CancellationToken ct)
    {
        if (_open || File.Exists(folder.ControlSocket(target)))
        {
            var direct = await start();
            _open |= connected(direct);
            return direct;
        }

        await _opening.WaitAsync(ct);
        try
        {
            if (_open)
            {
                return await start();
            }

            await opening.WaitAsync(ct);
            try
            {
                var result = await start();
                _open = connected(result);
                return result;
            }
            finally
            {
                opening.Release();
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task<SshCommandResult> RunOnceAsync(string command, ReadOnlyMemory<byte> stdin, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.Client)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(command))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = await StartClientAsync(start, ct);

        using var kill = ct.Register(() => Kill(process));
        // Kept as on this machine (LocalCommandHost): the last MaxCapturedBytes of each, a marker line before them when cut.
        var stdout = Scripts.OutputTail.ReadAsync(process.StandardOutput.BaseStream, options.MaxCapturedBytes);
        var stderr = Scripts.OutputTail.ReadAsync(process.StandardError.BaseStream, options.MaxCapturedBytes);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, CancellationToken.None);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ssh ended before it read its input (it could not connect): its exit status says why.
        }

        await process.WaitForExitAsync(CancellationToken.None);
        var result = new SshCommandResult(process.ExitCode, Encoding.UTF8.GetBytes(await stdout), await stderr);
        ct.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>Starts the ssh client (one at a time: see <see cref="SshClientStarts"/>), or says that it is not installed.</summary>
    private async Task<Process> StartClientAsync(ProcessStartInfo start, CancellationToken ct)
    {
        try
        {
            return await starts.StartAsync(start, ct);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new HostUnreachableException($"could not start the ssh client '{options.Client}': {e.Message}; install openssh-client", e);
        }
    }

    /// <summary>
    /// Ends this engine's use of the host's dispatcher session: handed back to the broker for the next engine when
    /// nothing waits on it, else ended. The shared connection stays open for ControlPersist.
    /// </summary>
    public async Task ReleaseAsync()
    {
        SshSession? session;
        lock (_sessionGate)
        {
            session = _session;
            _session = null;
        }

        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>Ends the session and closes the shared connection (ssh -O exit); the next command opens a new one.</summary>
    public async Task CloseAsync()
    {
        await ReleaseAsync();
        if (!_open)
        {
            return;
        }

        _open = false;
        var start = new ProcessStartInfo(options.Client) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in Arguments(command: null, control: "exit"))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is not null)
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(options.ConnectTimeout, time, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            // The connection then ends on its own when ControlPersist runs out.
        }
    }

    private async Task<SshCommandResult> WithRetriesAsync(Func<Task<SshCommandResult>> run, Func<SshCommandResult, bool> connectionFailed, CancellationToken ct)
    {
        var backoff = options.RetryBackoff;
        long? firstFailure = null;
        for (var attempt = 0; ; attempt++)
        {
            var result = await run();
            if (!connectionFailed(result))
            {
                return result;
            }

            firstFailure ??= time.GetTimestamp();

            if (HostKeys.IsRejection(result.Stderr))
            {
                throw NoteUnreachable(new HostKeyRejectedException(HostKeys.Explain(target, folder.KnownHosts, options.AcceptNewHostKeys)));
            }

            // A refused login is an answer, not a dropped connection: trying again only delays the same refusal.
            if (result.Stderr.Contains("Permission denied (", StringComparison.Ordinal))
            {
                _open = false;
                if (target.KeyFile is { } keyFile && SshTarget.KeyFileProblem(keyFile, result.Stderr) is { } problem)
                {
                    throw NoteUnreachable(new HostUnreachableException($"could not log in to {target.Description}: {problem}"));
                }

                throw NoteUnreachable(new HostUnreachableException(
                    $"could not log in to {target.Description}: the host refused the key ({LastLine(result.Stderr)}); " +
                    "check ssh.user and ssh.key_file, and that the key's public half is in that user's ~/.ssh/authorized_keys on the host"));
            }

            var jittered = backoff * (0.5 + Random.Shared.NextDouble());
            if (attempt >= options.ConnectRetries || time.GetElapsedTime(firstFailure.Value) + jittered > options.RetryWindow)
            {
                _open = false;
                throw NoteUnreachable(new HostUnreachableException(string.Create(CultureInfo.InvariantCulture,
                    $"could not reach {target.Description} ({attempt + 1} tries): {LastLine(result.Stderr)}")));
            }

            await Task.Delay(jittered, time, ct);
            backoff *= 2;
        }
    }

    private Exception NoteUnreachable(Exception failure) => _unreachable = failure;

    private List<string> Arguments(string? command, string? control = null)
    {
        List<string> arguments =
        [
            // No user or system configuration: the template and the state folder alone say how to connect.
            "-F", "none",
            "-o", "BatchMode=yes",
            // A pinned key (known_host_key) is never replaced; Hearth's own known_hosts learns new hosts only when asked to.
            "-o", options.AcceptNewHostKeys && target.KnownHostKey is null ? "StrictHostKeyChecking=accept-new" : "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile=\"{Literal(folder.KnownHostsFor(target))}\"",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "UpdateHostKeys=no",
            "-o", "ControlMaster=auto",
            "-o", $"ControlPath=\"{Literal(folder.ControlSocket(target))}\"",
            "-o", Seconds("ControlPersist", options.ControlPersist),
            "-o", Seconds("ConnectTimeout", options.ConnectTimeout),
            "-o", Seconds("ServerAliveInterval", options.AliveInterval),
            "-o", string.Create(CultureInfo.InvariantCulture, $"ServerAliveCountMax={options.AliveCountMax}"),
            "-o", "LogLevel=ERROR",
            "-p", target.Port.ToString(CultureInfo.InvariantCulture),
        ];
        if (target.KeyFile is { } key)
        {
            arguments.AddRange(["-i", key, "-o", "IdentitiesOnly=yes"]);
        }

        if (target.User is { } user)
        {
            arguments.AddRange(["-l", user]);
        }

        if (control is not null)
        {
            arguments.AddRange(["-O", control]);
        }

        arguments.AddRange(["--", target.Host]);
        if (command is not null)
        {
            arguments.Add(command);
        }

        return arguments;
    }

    /// <summary>A path for an ssh option that expands % tokens (ControlPath, UserKnownHostsFile): a '%' in it stays one.</summary>
    private static string Literal(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    private static string Seconds(string option, TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{option}={Math.Max(1, (long)Math.Ceiling(span.TotalSeconds))}");

    private static string LastLine(string stderr) =>
        stderr.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() is { Length: > 0 } line ? line : "ssh exited with 255";

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }
}

/// <summary>How one ssh command ended: its exit status (255: the connection failed), its stdout bytes, its stderr text.</summary>
internal sealed record SshCommandResult(int ExitCode, byte[] Stdout, string Stderr);

/// <summary>The server's host key is unknown or not the one expected: nothing was run on it.</summary>
public sealed class HostKeyRejectedException(string message) : Exception(message);
