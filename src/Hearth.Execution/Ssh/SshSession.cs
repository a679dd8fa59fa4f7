using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;

namespace Hearth.Execution.Ssh;

/// <summary>
/// One long-lived dispatcher per host (<see cref="RemoteScripts.Dispatcher"/>, reached through an
/// <see cref="IDispatcherLink"/>): requests are multiplexed over its input and replies come back framed, matched by
/// tag. A deployment then costs a line and its payload on an open channel instead of an ssh client, an SSH channel and
/// a login shell of its own.
/// </summary>
/// <remarks>
/// When the dispatcher ends (the connection dropped, it was killed) every request still waiting gets the result of a
/// failed connection (exit 255, with what ssh said), which the caller treats as any failed connection: it tries again
/// on a new session, and the run record on the host keeps a run from starting twice. Tags start at a random number:
/// a session a broker kept may still carry a late reply for the engine before, which must not pass for one of ours.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class SshSession : IAsyncDisposable
{
    private readonly IDispatcherLink _link;
    private readonly SemaphoreSlim _writing = new(1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<SshCommandResult>> _pending = new();
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private long _nextTag = Random.Shared.NextInt64(1, long.MaxValue / 2);
    private volatile SshCommandResult? _lost;

    private SshSession(IDispatcherLink link)
    {
        _link = link;
        _reading = Task.Run(ReadRepliesAsync);
    }

    /// <summary>Whether the dispatcher ended: a new session is needed.</summary>
    public bool Ended => _lost is not null;

    /// <summary>
    /// Waits for the dispatcher on <paramref name="link"/> to say it is ready. Null and the failed connection's result
    /// when it never became ready (the connection failed, the host key was refused, the login shell could not run it).
    /// </summary>
    public static async Task<(SshSession? Session, SshCommandResult? Failure)> StartAsync(IDispatcherLink link, CancellationToken ct)
    {
        var session = new SshSession(link);
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
            if (_lost is { } lost)
            {
                return lost;
            }

            var line = Encoding.UTF8.GetBytes(string.Join(' ', [verb, tag.ToString(CultureInfo.InvariantCulture), .. words]) + "\n");
            await _writing.WaitAsync(ct);
            try
            {
                // One request's line and payload go out together: nothing else may come between them.
                await _link.SendAsync((byte[])[.. line, .. payload.Span]);
            }
            catch (IOException)
            {
                // The dispatcher is gone; the reader completes every waiting request once it has ended.
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

    /// <summary>
    /// Ends this engine's use of the dispatcher: a kept session with no request waiting goes back to its broker for the
    /// next engine; otherwise the dispatcher ends once its requests are answered.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _link.CloseAsync(idle: _pending.IsEmpty && !Ended);
        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await _link.DisposeAsync();
    }

    private async Task ReadRepliesAsync()
    {
        var replies = _link.Replies;
        (int? Code, string Said)? ended = null;
        try
        {
            while (await DispatcherFrames.ReadHeaderAsync(replies) is var (tag, code, length))
            {
                var body = new byte[length];
                await replies.ReadExactlyAsync(body, CancellationToken.None);
                if (tag == DispatcherFrames.EndTag)
                {
                    ended = (code, Encoding.UTF8.GetString(body));
                    break;
                }

                if (!long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw new IOException($"the dispatcher wrote the tag '{tag}' where a number was expected");
                }

                if (number == RemoteScripts.ReadyTag)
                {
                    _ready.TrySetResult(true);
                }
                else if (_pending.TryGetValue(number, out var waiting))
                {
                    waiting.TrySetResult(code == 0 ? new SshCommandResult(0, body, "") : new SshCommandResult(code, [], Encoding.UTF8.GetString(body)));
                }
            }
        }
        catch (NotAFrameException e)
        {
            // Its ssh would never end by itself: the dispatcher behind what was written waits for requests.
            ended = (NotAFrameException.ExitCode, e.Message);
            await _link.CloseAsync(idle: false);
        }
        catch (IOException)
        {
            // Cut off mid-frame (EndOfStreamException is one): the session is over.
        }
        catch (ObjectDisposedException)
        {
            // Closed by this side.
        }

        var lost = Lost(ended ?? await _link.EndedAsync());
        _lost = lost;
        _ready.TrySetException(new SessionEndedException(lost));
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetResult(lost);
        }
    }

    /// <summary>What a request gets when the session ended before its reply: a failed connection, with what ssh said.</summary>
    private static SshCommandResult Lost((int? Code, string Said) end)
    {
        // The dispatcher's own refusals (exit 3: no folder for its records) are answers; anything else is the connection.
        var (code, said) = end;
        return new SshCommandResult(code == 3 ? 3 : SshConnection.ConnectionFailed, [],
            said.Trim().Length > 0 ? said
            : code is { } exited ? string.Create(CultureInfo.InvariantCulture, $"the connection ended (ssh exited with {exited})")
            : "the connection ended");
    }

    private sealed class SessionEndedException(SshCommandResult result) : Exception("the session ended")
    {
        public SshCommandResult Result => result;
    }
}
