using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;

namespace Hearth.Execution.Ssh;

/// <summary>
/// One long-lived ssh process per host running <see cref="RemoteScripts.Dispatcher"/>: requests are multiplexed over
/// its stdin and replies come back framed on its stdout, matched by tag. A deployment then costs a line and its payload
/// on an open channel instead of an ssh client, an SSH channel and a login shell of its own.
/// </summary>
/// <remarks>
/// When the process ends (the connection dropped, the dispatcher was killed) every request still waiting gets the
/// result of a failed connection (exit 255, with what ssh said), which the caller treats as any failed connection:
/// it tries again on a new session, and the run record on the host keeps a run from starting twice.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class SshSession : IAsyncDisposable
{
    private const int MaxStderr = 16 * 1024;

    private readonly Process _process;
    private readonly Stream _input;
    private readonly SemaphoreSlim _writing = new(1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<SshCommandResult>> _pending = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private readonly Task _readingErrors;
    private long _nextTag = RemoteScripts.ReadyTag;
    private volatile bool _ended;

    private SshSession(Process process)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _readingErrors = Task.Run(ReadErrorsAsync);
        _reading = Task.Run(ReadRepliesAsync);
    }

    /// <summary>Whether the process ended: a new session is needed.</summary>
    public bool Ended => _ended;

    /// <summary>
    /// Starts ssh with the dispatcher and waits for its first frame. Null and the failed connection's result when the
    /// dispatcher never became ready (the connection failed, the host key was refused, the login shell could not run it).
    /// </summary>
    /// <param name="launch">Starts the ssh process (see <see cref="SshClientStarts"/>).</param>
    public static async Task<(SshSession? Session, SshCommandResult? Failure)> StartAsync(ProcessStartInfo start, Func<ProcessStartInfo, Task<Process>> launch, CancellationToken ct)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = await launch(start);
        var session = new SshSession(process);
        try
        {
            await session._ready.Task.WaitAsync(ct);
            return (session, null);
        }
        catch (SessionEndedException e)
        {
            await session.DisposeAsync();
            return (null, e.Result);
        }
        catch (OperationCanceledException)
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends one request (<paramref name="words"/>, each already checked to hold no space or line break, then
    /// <paramref name="payload"/>) and waits for its reply: exit 0 and the reply's bytes, another code and the error in
    /// stderr, or 255 when the session ended first.
    /// </summary>
    public async Task<SshCommandResult> RequestAsync(string verb, IReadOnlyList<string> words, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var tag = Interlocked.Increment(ref _nextTag);
        var reply = new TaskCompletionSource<SshCommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[tag] = reply;
        try
        {
            if (_ended)
            {
                return Lost();
            }

            var line = Encoding.UTF8.GetBytes(string.Join(' ', [verb, tag.ToString(CultureInfo.InvariantCulture), .. words]) + "\n");
            await _writing.WaitAsync(ct);
            try
            {
                // One request's line and payload go out together: nothing else may come between them.
                await _input.WriteAsync(line, CancellationToken.None);
                await _input.WriteAsync(payload, CancellationToken.None);
                await _input.FlushAsync(CancellationToken.None);
            }
            catch (IOException)
            {
                // The dispatcher is gone; the reader completes every waiting request once the process has ended.
            }
            finally
            {
                _writing.Release();
            }

            return await reply.Task.WaitAsync(ct);
        }
        finally
        {
            _pending.TryRemove(tag, out _);
        }
    }

    /// <summary>Closes the dispatcher's input (it ends once its requests are answered) and waits a moment for ssh to end.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _input.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            Kill();
        }

        await Task.WhenAll(_reading, _readingErrors).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private async Task ReadRepliesAsync()
    {
        var output = new BufferedStream(_process.StandardOutput.BaseStream, 64 * 1024);
        try
        {
            while (await ReadHeaderAsync(output) is var (tag, code, length))
            {
                var body = new byte[length];
                await output.ReadExactlyAsync(body, CancellationToken.None);
                if (tag == RemoteScripts.ReadyTag)
                {
                    _ready.TrySetResult(true);
                }
                else if (_pending.TryGetValue(tag, out var waiting))
                {
                    waiting.TrySetResult(code == 0 ? new SshCommandResult(0, body, "") : new SshCommandResult(code, [], Encoding.UTF8.GetString(body)));
                }
            }
        }
        catch (EndOfStreamException)
        {
            // Cut off mid-frame: the session is over.
        }
        catch (IOException)
        {
            // The same.
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        await _readingErrors;
        _ended = true;
        var lost = Lost();
        _ready.TrySetException(new SessionEndedException(lost));
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetResult(lost);
        }
    }

    /// <summary>"TAG CODE LENGTH\n", or null at the end of the stream.</summary>
    private static async Task<(long Tag, int Code, int Length)?> ReadHeaderAsync(Stream output)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await output.ReadAsync(one, CancellationToken.None) == 0)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                break;
            }

            line.Append((char)one[0]);
        }

        return line.ToString().Split(' ') is [var tag, var code, var length]
            && long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? (t, c, n)
                : throw new IOException($"the dispatcher wrote '{line}' where a reply was expected");
    }

    private async Task ReadErrorsAsync()
    {
        var buffer = new char[4096];
        var errors = _process.StandardError;
        int read;
        while ((read = await errors.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            lock (_stderr)
            {
                if (_stderr.Length < MaxStderr)
                {
                    _stderr.Append(buffer, 0, Math.Min(read, MaxStderr - _stderr.Length));
                }
            }
        }
    }

    /// <summary>What a request gets when the session ended before its reply: a failed connection, with what ssh said.</summary>
    private SshCommandResult Lost()
    {
        string said;
        lock (_stderr)
        {
            said = _stderr.ToString();
        }

        // The dispatcher's own refusals (exit 3: no folder for its records) are answers; anything else is the connection.
        var code = _process.HasExited ? _process.ExitCode : SshConnection.ConnectionFailed;
        return new SshCommandResult(code == 3 ? code : SshConnection.ConnectionFailed, [],
            said.Trim().Length > 0 ? said : string.Create(CultureInfo.InvariantCulture, $"the connection ended (ssh exited with {code})"));
    }

    private void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    private sealed class SessionEndedException(SshCommandResult result) : Exception("the session ended")
    {
        public SshCommandResult Result => result;
    }
}
