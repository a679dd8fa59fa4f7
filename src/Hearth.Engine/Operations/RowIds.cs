using Hearth.State;

namespace Hearth.Engine.Operations;

/// <summary>
/// Ids for an operation's new resource rows, reserved in the store a block at a time: a new row's id is known before
/// the row is committed, so a step need not wait for its commit to go on (<see cref="StepRecorder"/>).
/// </summary>
internal sealed class RowIds(IStateStore store)
{
    /// <summary>Ids reserved at once: one store write per this many new rows; at most this many left unused.</summary>
    private const int BlockSize = 256;

    private readonly Lock _lock = new();
    private long _next;
    private long _end;

    public async ValueTask<long> NextAsync()
    {
        lock (_lock)
        {
            if (_next < _end)
            {
                return _next++;
            }
        }

        // Two callers may both find the block used up; each reserves one, and the ids the other leaves are skipped.
        var first = await store.ReserveResourceIdsAsync(BlockSize, CancellationToken.None);
        lock (_lock)
        {
            _next = first + 1;
            _end = first + BlockSize;
        }

        return first;
    }
}
