namespace Hearth.Testing;

/// <summary>
/// A clock that moves only when a test advances it. Timers made from it (<c>Task.Delay(d, time)</c>,
/// <c>new CancellationTokenSource(d, time)</c>, <c>WaitAsync(d, time)</c>) fire inside <see cref="Advance"/>, on the
/// test's thread, once their time has come: a test waits until the code under test waits on the clock
/// (<see cref="Waiters"/>), then moves it, so an hour's timeout takes no real time and no test depends on how fast
/// the machine is. (Microsoft.Extensions.TimeProvider.Testing is not in this machine's NuGet copy.)
/// </summary>
public sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    /// <summary>Where a clock starts unless told: a fixed instant, so stored times are the same on every run.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly HashSet<FakeTimer> _armed = [];
    private DateTimeOffset _now = start.ToUniversalTime();

    public FakeTimeProvider()
        : this(DefaultStart)
    {
    }

    /// <summary>How many timers are waiting for the clock to reach their time: the code under test is waiting on it.</summary>
    public int Waiters
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>
    /// Moves the clock on, then fires the timers due by then, earliest first. A timer a callback makes (the next
    /// round of a polling loop) counts from the new time, so it waits for the next move: a loop that polls every
    /// 200 ms runs once per move, not once per 200 ms of the distance moved.
    /// </summary>
    public DateTimeOffset Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset now;
        lock (_gate)
        {
            _now += by;
            now = _now;
        }

        while (NextDue(now) is { } timer)
        {
            // Outside the lock: a callback may make or change timers (a Task.Delay in a loop).
            timer.Fire();
        }

        return now;
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> timers wait on the clock: the code under test has reached its wait.</summary>
    public Task WhenWaitingAsync(int count = 1) => Poll.UntilAsync(() => Waiters >= count, $"{count} timer(s) wait on the fake clock");

    /// <summary>
    /// Moves the clock on by <paramref name="step"/> each time the code under test waits on it, until
    /// <paramref name="operation"/> ends: a loop that polls on the clock (a wait condition) needs a step per round.
    /// </summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> operation, TimeSpan step, int maxSteps = 10_000)
    {
        for (var steps = 0; !operation.IsCompleted; steps++)
        {
            if (steps == maxSteps)
            {
                throw new TimeoutException($"the operation had not ended after the clock moved {maxSteps} times by {step}");
            }

            await Poll.UntilAsync(() => operation.IsCompleted || Waiters > 0, "the operation ends or waits on the fake clock");
            if (!operation.IsCompleted)
            {
                Advance(step);
            }
        }

        return await operation;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The earliest armed timer due at or before <paramref name="now"/>; a periodic one is armed again.</summary>
    private FakeTimer? NextDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            var next = _armed.Where(t => t.Due <= now).MinBy(t => t.Due);
            if (next is null)
            {
                return null;
            }

            if (next.Period > TimeSpan.Zero)
            {
                // Once per move, however many periods it spans, as a real timer that fell behind.
                next.Due = now + next.Period;
            }
            else
            {
                _armed.Remove(next);
            }

            return next;
        }
    }

    private sealed class FakeTimer(FakeTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._armed.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                Due = clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                clock._armed.Add(this);
                return true;
            }
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._armed.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
