using System.Collections.Concurrent;
using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.State;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Operations;

/// <summary>
/// The operations the server runs: each in a task of its own that outlives the request that started it, stopped (as
/// Ctrl+C stops the CLI's: nothing new starts, running work finishes, then it rolls back) by <c>cancel_update</c> or
/// when the server stops. Reads never go through here, so they never wait for an operation.
/// </summary>
internal sealed partial class ServerOperations(ILogger<ServerOperations> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Running, bool> _running = new();

    // Only operations that hold their stack (they recorded an event): a request refused as busy never replaces the
    // operation that holds it, so cancel_update reaches the one that runs.
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _holding = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts <paramref name="run"/> for the stack <paramref name="stackName"/> and returns once it has recorded its
    /// first event (the stack is locked and in progress) with that event's stack id; or, when it ends before (a template
    /// error, a busy stack), with how it ended: its exception is thrown here.
    /// </summary>
    public async Task<string> StartAsync(string stackName, string verb, Func<IEngineObserver, CancellationToken, Task<OperationOutcome>> run)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var started = new FirstEvent(() => _holding[stackName] = cancel);
        var operation = Task.Run(() => run(started, cancel.Token), CancellationToken.None);
        var running = new Running(cancel, operation);
        _running[running] = true;
        _ = ObserveAsync(stackName, verb, running);

        var first = await Task.WhenAny(started.Event, operation);
        if (first == started.Event)
        {
            return (await started.Event).StackId;
        }

        return (await operation).Stack.Id;
    }

    /// <summary>Asks the stack's running operation to stop and roll back; false when none runs in this server.</summary>
    public bool Cancel(string stackName)
    {
        if (!_holding.TryGetValue(stackName, out var cancel))
        {
            return false;
        }

        try
        {
            cancel.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            // It ended as it was asked to stop.
            return false;
        }
    }

    /// <summary>Stops every operation and waits for them to finish (their rollbacks included).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        var operations = _running.Keys.Select(r => r.Operation).ToArray();
        await Task.WhenAll(operations.Select(o => o.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
        _stopping.Dispose();
    }

    /// <summary>Logs how the operation ended and forgets it; its failures were the engine's to record, so none escapes.</summary>
    private async Task ObserveAsync(string stackName, string verb, Running running)
    {
        try
        {
            var stack = (await running.Operation).Stack;
            var status = HeatStatus.Format(stack.Action, stack.Status);
            LogEnded(logger, verb, stackName, status, stack.StatusReason);
        }
        catch (EngineException refused)
        {
            LogRefused(logger, verb, stackName, refused.Message);
        }
        catch (Exception failed)
        {
            LogFailed(logger, failed, verb, stackName);
        }
        finally
        {
            _holding.TryRemove(new KeyValuePair<string, CancellationTokenSource>(stackName, running.Cancel));
            _running.TryRemove(running, out _);
            running.Cancel.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Verb} of stack {Stack} ended {Status}: {Reason}")]
    private static partial void LogEnded(ILogger logger, string verb, string stack, string status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Verb} of stack {Stack} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string verb, string stack, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Verb} of stack {Stack} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string verb, string stack);

    private sealed record Running(CancellationTokenSource Cancel, Task<OperationOutcome> Operation);

    /// <summary>Completes with the first event the operation records, having told <paramref name="holding"/> first.</summary>
    private sealed class FirstEvent(Action holding) : IEngineObserver
    {
        private readonly TaskCompletionSource<EventRecord> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _seen;

        public Task<EventRecord> Event => _first.Task;

        public void OnEvent(EventRecord stackEvent)
        {
            if (Interlocked.Exchange(ref _seen, 1) == 0)
            {
                holding();
                _first.TrySetResult(stackEvent);
            }
        }
    }
}
