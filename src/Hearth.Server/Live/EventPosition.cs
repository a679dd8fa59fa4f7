using Hearth.State;

namespace Hearth.Server.Live;

/// <summary>
/// The sequence number of the newest event committed so far, so that a view which has just read the state can follow
/// the feed from there instead of replaying the whole history. The store only reads forwards, so this searches:
/// "is there an event after x" is true below the newest and false from it on, one indexed one-row read per step.
/// </summary>
internal static class EventPosition
{
    public static async Task<long> LatestAsync(IStateStore store, CancellationToken cancellationToken)
    {
        if (await FirstAfterAsync(store, 0, cancellationToken) is not { } first)
        {
            return 0;
        }

        // Grow past the newest, then halve: low always has an event after it, high never.
        var low = first - 1;
        var high = Math.Max(first, 1);
        while (await FirstAfterAsync(store, high, cancellationToken) is { } next)
        {
            low = next - 1;
            high = checked(next * 2);
        }

        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (await FirstAfterAsync(store, middle, cancellationToken) is { } found)
            {
                low = found - 1 > middle ? found - 1 : middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    private static async Task<long?> FirstAfterAsync(IStateStore store, long after, CancellationToken cancellationToken) =>
        (await store.ListAllEventsAsync(after, 1, cancellationToken)) is [var evt] ? evt.Sequence : null;
}
