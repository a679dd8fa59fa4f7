using System.Runtime.CompilerServices;
using Hearth.State;

namespace Hearth.Engine.Events;

/// <summary>
/// <c>event list --follow</c>: a stack's events (nested ones included) from the feed, until the stack's operation ends —
/// the one running when following starts or, on an idle stack, the next one to start — or the stack is deleted. A follow
/// resumed after a sequence number (<c>--after</c>) that finds events it missed on an idle stack has missed the end of the
/// operation it followed: it prints them and ends, rather than waiting for another operation.
/// </summary>
internal sealed class StackEventFollower(IStateStore store, EventFeed feed, StackQueries queries)
{
    public async IAsyncEnumerable<EventRecord> FollowAsync(
        string name,
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        bool operationStarted = false)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        var scope = EventScope.Stack(stack.Id);
        var firstOperation = stack.OperationId;
        // A client that started the operation itself (operationStarted) follows it even when it has already ended.
        var sawOperation = operationStarted || await IsRunningAsync(stack, cancellationToken);
        var after = afterSequence;
        await foreach (var page in feed.ReadAsync(scope, afterSequence, cancellationToken))
        {
            foreach (var evt in page.Events)
            {
                after = evt.Sequence;
                yield return evt;
            }

            // Resumed (afterSequence given) and something was missed: the operation being followed was under way.
            sawOperation |= afterSequence > 0 && after > afterSequence;

            if (!page.CaughtUp)
            {
                continue;
            }

            var now = await store.GetStackAsync(stack.Id, cancellationToken);
            sawOperation |= now is not null && now.OperationId != firstOperation;
            if (now is not null && (!sawOperation || await IsRunningAsync(now, cancellationToken)))
            {
                continue;
            }

            // The operation ended after the page was read: what it committed since comes before the end.
            IReadOnlyList<EventRecord> rest;
            do
            {
                rest = await store.ListEventsAsync(stack.Id, after, EventFeed.PageSize, includeNested: true, cancellationToken);
                foreach (var evt in rest)
                {
                    after = evt.Sequence;
                    yield return evt;
                }
            }
            while (rest.Count == EventFeed.PageSize);

            yield break;
        }
    }

    /// <summary>
    /// An operation runs, and its process lives (one killed mid-operation is over for a follower): its lock is held, which
    /// it is for the whole run, a failed create's or update's rollback included (between the two the stack is FAILED).
    /// </summary>
    private async Task<bool> IsRunningAsync(StackRecord stack, CancellationToken cancellationToken) =>
        await store.GetLockHolderAsync(stack.Id, cancellationToken) is { } holder && ProcessLiveness.IsAlive(holder);
}
