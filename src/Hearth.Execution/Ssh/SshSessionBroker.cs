using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Hearth.Execution.Ssh;

/// <summary>
/// Keeps the hosts' dispatcher sessions of one state folder alive between engines, the way ssh's ControlPersist keeps
/// its connection: the <c>hearth</c> command is a short-lived process, and each new one would otherwise start an ssh
/// client, a channel and a login shell per host before its first deployment (on a 20-host DAG, ~150 ms of its first
/// level). Run by <c>hearth ssh-broker</c>, started detached by the first engine that needs it
/// (<see cref="SshBrokerConnector"/>), it serves engines on a unix socket in the state's private connection folder and
/// ends once no engine has used it for <see cref="IdleExit"/>, or when its state folder is gone.
/// </summary>
/// <remarks>
/// <para>
/// An engine connects and sends one line: the ssh command line of the session it wants (a JSON array). The broker
/// hands it an idle session started by that same command line, or starts one, and answers with the dispatcher's ready
/// frame (<c>0 0 0</c>) or, when the session could not start, an <c>end CODE LENGTH</c> frame with what ssh said. From
/// then on the session is the engine's alone: each request comes as <c>LENGTH\n</c> and its bytes and goes to the
/// dispatcher whole; the dispatcher's frames go back as they are, and an <c>end</c> frame follows if its ssh ends.
/// </para>
/// <para>
/// <c>0\n</c> hands the session back: the engine sends it only when no request of its own waits for a reply, and the
/// session then waits, idle, for the next engine (at most one idle session per command line). An engine that goes
/// away without it (killed) leaves requests in flight: that session is ended, the runs it started go on detached on
/// their hosts, and the next engine's resume finds them by their records as before. Runs name their engine in each
/// request, not the session, so a session serves one engine after another.
/// </para>
/// <para>
/// Only the owner can reach the socket: it lives in the state's connection folder (0700), where ssh's own control
/// sockets are, and the broker runs nothing but the command lines engines of this user send it. It never reads what
/// requests carry (inputs, scripts) beyond their length, and never writes them anywhere.
/// </para>
/// </remarks>
[UnsupportedOSPlatform("windows")]
public sealed class SshSessionBroker(string stateRoot, TimeProvider time)
{
    /// <summary>The longest first line: an ssh command line with the dispatcher program in it.</summary>
    private const int MaxHello = 256 * 1024;

    /// <summary>The longest request an engine may send (its script and inputs are limited well below this).</summary>
    private const int MaxRequest = 256 * 1024 * 1024;

    /// <summary>How long a new dispatcher may take to say it is ready (as the engine's own wait, <c>SshConnection.ReadyWait</c>).</summary>
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);

    private readonly SshFolder _folder = new(stateRoot);
    private readonly SshClientStarts _starts = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeptSession> _idle = new(StringComparer.Ordinal);
    private int _engines;
    private long _lastUse;

    /// <summary>How long the broker stays with no engine connected before it ends its sessions and exits.</summary>
    public TimeSpan IdleExit { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Where the broker says what went wrong, having no terminal (<c>hearth ssh-broker</c>: its log file).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The broker's socket for the state folder <paramref name="stateRoot"/>.</summary>
    public static string SocketPath(string stateRoot) => new SshFolder(stateRoot).BrokerSocket;

    /// <summary>
    /// Serves until idle for <see cref="IdleExit"/>, the socket or its folder is removed, or <paramref name="ct"/> is
    /// cancelled. False when another broker already serves this state folder (nothing to do).
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        _folder.Prepare();
        var socketPath = _folder.BrokerSocket;
        FileStream ownership;
        try
        {
            // One broker per state folder: the lock is held for the broker's life (flock, released if it is killed).
            ownership = new FileStream(socketPath + ".lock", new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException)
        {
            return false;
        }

        await using (ownership)
        {
            // Left by a broker that was killed: nobody listens on it.
            File.Delete(socketPath);
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(64);
            _lastUse = time.GetTimestamp();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var accepting = AcceptAsync(listener, stop.Token);
            try
            {
                await WatchAsync(socketPath, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop.
            }

            await stop.CancelAsync();
            listener.Close();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            List<KeptSession> idle;
            lock (_gate)
            {
                idle = [.. _idle.Values];
                _idle.Clear();
            }

            await Task.WhenAll(idle.Select(s => s.EndAsync()));
            if (File.Exists(socketPath))
            {
                File.Delete(socketPath);
            }

            return true;
        }
    }

    /// <summary>Returns when the broker should end: idle long enough, or its socket (or the state folder) removed.</summary>
    private async Task WatchAsync(string socketPath, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
            if (!File.Exists(socketPath) || !_folder.Exists)
            {
                return;
            }

            lock (_gate)
            {
                if (_engines == 0 && time.GetElapsedTime(_lastUse) >= IdleExit)
                {
                    return;
                }

                // An idle session whose ssh ended (its host went away) is not handed out again.
                foreach (var (key, session) in _idle.Where(i => i.Value.Ended).ToList())
                {
                    _idle.Remove(key);
                    _ = session.EndAsync();
                }
            }
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket engine;
            try
            {
                engine = await listener.AcceptAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(engine);
        }
    }

    /// <summary>One engine's use of one session, from its first line to its hand-back (or its going away).</summary>
    private async Task ServeAsync(Socket socket)
    {
        lock (_gate)
        {
            _engines++;
        }

        KeptSession? session = null;
        var handedBack = false;
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            // Reads go through a buffer (lines are read a byte at a time); writes go straight to the socket.
            var requests = new BufferedStream(stream, 64 * 1024);
            var hello = await DispatcherFrames.ReadLineAsync(requests, MaxHello);
            if (hello is null || JsonSerializer.Deserialize(hello, SshJson.Default.StringArray) is not { Length: > 0 } command)
            {
                return;
            }

            var key = string.Join('\0', command);
            session = TakeIdle(key);
            if (session is null)
            {
                var (started, code, said) = await KeptSession.StartAsync(command, _starts, time);
                if (started is null)
                {
                    var body = Encoding.UTF8.GetBytes(said);
                    await stream.WriteAsync((byte[])[.. DispatcherFrames.Header(DispatcherFrames.EndTag, code, body.Length), .. body]);
                    return;
                }

                session = started;
            }

            await session.AttachAsync(stream);
            handedBack = await RelayAsync(requests, session);
            await session.DetachAsync();
            if (handedBack && !session.Ended && Keep(key, session))
            {
                session = null;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException or ObjectDisposedException)
        {
            // The engine went away or spoke nonsense: its session (if any) is ended below.
        }
        catch (Exception e)
        {
            // A defect here: that engine's session ends (it tries again on a new one), the broker goes on.
            Log?.Invoke($"an engine's session ended on an unexpected error: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (session is not null)
            {
                await session.DetachAsync();
                await session.EndAsync();
            }

            lock (_gate)
            {
                _engines--;
                _lastUse = time.GetTimestamp();
            }
        }
    }

    /// <summary>Passes the engine's requests to the dispatcher until it hands the session back (true) or goes away (false).</summary>
    private static async Task<bool> RelayAsync(Stream engine, KeptSession session)
    {
        while (await DispatcherFrames.ReadLineAsync(engine, 16) is { } line)
        {
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxRequest)
            {
                return false;
            }

            if (length == 0)
            {
                return true;
            }

            var request = new byte[length];
            await engine.ReadExactlyAsync(request, CancellationToken.None);
            await session.SendAsync(request);
        }

        return false;
    }

    private KeptSession? TakeIdle(string key)
    {
        lock (_gate)
        {
            if (!_idle.Remove(key, out var session))
            {
                return null;
            }

            if (session.Ended)
            {
                _ = session.EndAsync();
                return null;
            }

            return session;
        }
    }

    /// <summary>Keeps <paramref name="session"/> for the next engine, unless one is kept for its command line already.</summary>
    private bool Keep(string key, KeptSession session)
    {
        lock (_gate)
        {
            return _idle.TryAdd(key, session);
        }
    }

    /// <summary>
    /// One dispatcher's ssh process, read all its life: its frames go to the engine that holds it, or nowhere while it
    /// waits (a late reply for an engine gone); its end goes to that engine as an <c>end</c> frame.
    /// </summary>
    private sealed class KeptSession
    {
        private readonly ProcessLink _link;
        private readonly SemaphoreSlim _forwarding = new(1);
        private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _reading;
        private Stream? _engine;
        private volatile bool _ended;
        private volatile string? _notAFrame;

        private KeptSession(ProcessLink link)
        {
            _link = link;
            _reading = Task.Run(ReadAsync);
        }

        public bool Ended => _ended;

        /// <summary>Starts ssh with <paramref name="command"/> and waits for the dispatcher's ready frame; else how it ended.</summary>
        public static async Task<(KeptSession? Session, int Code, string Said)> StartAsync(string[] command, SshClientStarts starts, TimeProvider time)
        {
            var start = new ProcessStartInfo(command[0]);
            foreach (var argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            ProcessLink link;
            try
            {
                link = await ProcessLink.StartAsync(start, s => starts.StartAsync(s, CancellationToken.None));
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (null, SshConnection.ConnectionFailed, $"could not start the ssh client '{command[0]}': {e.Message}; install openssh-client");
            }

            var session = new KeptSession(link);
            try
            {
                if (await session._ready.Task.WaitAsync(ReadyWait, time))
                {
                    return (session, 0, "");
                }
            }
            catch (TimeoutException)
            {
                await session.EndAsync();
                return (null, SshConnection.ConnectionFailed, string.Create(CultureInfo.InvariantCulture,
                    $"the login did not start Hearth's dispatcher within {ReadyWait.TotalSeconds:0} s"));
            }

            var (code, said) = await session.ExitAsync();
            await session.EndAsync();
            return (null, code, said);
        }

        /// <summary>Gives the session to <paramref name="engine"/>, telling it the dispatcher is ready.</summary>
        public async Task AttachAsync(Stream engine)
        {
            await _forwarding.WaitAsync();
            try
            {
                await engine.WriteAsync(DispatcherFrames.Header(RemoteScripts.ReadyTag.ToString(CultureInfo.InvariantCulture), 0, 0));
                _engine = engine;
                if (_ended)
                {
                    await SendEndAsync(engine);
                }
            }
            finally
            {
                _forwarding.Release();
            }
        }

        public async Task DetachAsync()
        {
            await _forwarding.WaitAsync();
            _engine = null;
            _forwarding.Release();
        }

        public async Task SendAsync(byte[] request)
        {
            try
            {
                await _link.SendAsync(request);
            }
            catch (IOException)
            {
                // The dispatcher is gone: its end reaches the engine as a frame.
            }
        }

        /// <summary>Closes the dispatcher's input (it ends once its jobs are done); kills its ssh if it lingers.</summary>
        public async Task EndAsync()
        {
            await _link.CloseAsync(idle: false);
            await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            await _link.DisposeAsync();
        }

        private async Task ReadAsync()
        {
            var output = _link.Replies;
            try
            {
                while (await DispatcherFrames.ReadHeaderAsync(output) is var (tag, code, length))
                {
                    var body = new byte[length];
                    await output.ReadExactlyAsync(body, CancellationToken.None);
                    if (!_ready.Task.IsCompleted)
                    {
                        _ready.TrySetResult(true);
                        continue;
                    }

                    await ForwardAsync(engine => engine.WriteAsync((byte[])[.. DispatcherFrames.Header(tag, code, length), .. body]).AsTask());
                }
            }
            catch (NotAFrameException e)
            {
                // Its ssh would never end by itself (the dispatcher behind waits for requests): ended, and the engine told why.
                _notAFrame = e.Message;
                await _link.CloseAsync(idle: false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Cut off mid-frame, or closed by the broker: the session is over.
            }

            _ended = true;
            _ready.TrySetResult(false);
            await ForwardAsync(SendEndAsync);
        }

        /// <summary>Writes to the engine that holds the session, if one does; an engine gone is seen by its own connection.</summary>
        private async Task ForwardAsync(Func<Stream, Task> write)
        {
            await _forwarding.WaitAsync();
            try
            {
                if (_engine is { } engine)
                {
                    await write(engine);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The engine went away; its session ends when the broker sees its connection end.
            }
            finally
            {
                _forwarding.Release();
            }
        }

        private async Task SendEndAsync(Stream engine)
        {
            var (code, said) = await ExitAsync();
            var body = Encoding.UTF8.GetBytes(said);
            await engine.WriteAsync((byte[])[.. DispatcherFrames.Header(DispatcherFrames.EndTag, code, body.Length), .. body]);
        }

        private async Task<(int Code, string Said)> ExitAsync()
        {
            var (code, said) = await _link.EndedAsync();
            return _notAFrame is { } why ? (NotAFrameException.ExitCode, why) : (code ?? SshConnection.ConnectionFailed, said);
        }
    }
}
