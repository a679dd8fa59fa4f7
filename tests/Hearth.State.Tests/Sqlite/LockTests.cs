namespace Hearth.State.Tests.Sqlite;

public sealed class LockTests : StoreTestBase
{
    private static readonly Func<LockOwner, bool> AllAlive = _ => true;

    [Fact]
    public async Task TryAcquireLockAsync_FreeLock_AcquiresAndRecordsOwner()
    {
        var stack = await CreateStackAsync("web");
        var owner = Build.Owner();

        var attempt = await Store.TryAcquireLockAsync(stack.Id, owner, AllAlive, Ct).Within();

        attempt.ShouldBe(new LockAttempt.Acquired(null));
        (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBe(owner);
    }

    [Fact]
    public async Task TryAcquireLockAsync_HeldByLiveOwner_ReturnsHeldWithHolder()
    {
        var stack = await CreateStackAsync("web");
        var holder = Build.Owner("create");
        await Store.TryAcquireLockAsync(stack.Id, holder, AllAlive, Ct).Within();

        var attempt = await Store.TryAcquireLockAsync(stack.Id, Build.Owner("update"), AllAlive, Ct).Within();

        attempt.ShouldBe(new LockAttempt.Held(holder));
        (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBe(holder);
    }

    [Fact]
    public async Task TryAcquireLockAsync_AlreadyOwner_AcquiresAgain()
    {
        var stack = await CreateStackAsync("web");
        var owner = Build.Owner();
        await Store.TryAcquireLockAsync(stack.Id, owner, AllAlive, Ct).Within();

        var attempt = await Store.TryAcquireLockAsync(stack.Id, owner, AllAlive, Ct).Within();

        attempt.ShouldBe(new LockAttempt.Acquired(null));
    }

    [Fact]
    public async Task TryAcquireLockAsync_HolderProcessGone_TakesOverAndReportsPreviousHolder()
    {
        var stack = await CreateStackAsync("web");
        // A pid above Linux's pid_max (2^22) never exists.
        var dead = ProcessLiveness.CreateLocalOwner("update", Clock) with { ProcessId = 99_999_999 };
        await Store.TryAcquireLockAsync(stack.Id, dead, AllAlive, Ct).Within();
        var me = ProcessLiveness.CreateLocalOwner("update", Clock);

        var attempt = await Store.TryAcquireLockAsync(stack.Id, me, ProcessLiveness.IsAlive, Ct).Within();

        attempt.ShouldBe(new LockAttempt.Acquired(dead));
        (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBe(me);
    }

    [Fact]
    public async Task TryAcquireLockAsync_HolderIsThisLiveProcess_ReturnsHeld()
    {
        var stack = await CreateStackAsync("web");
        var first = ProcessLiveness.CreateLocalOwner("update", Clock);
        await Store.TryAcquireLockAsync(stack.Id, first, ProcessLiveness.IsAlive, Ct).Within();

        var attempt = await Store.TryAcquireLockAsync(
            stack.Id,
            ProcessLiveness.CreateLocalOwner("delete", Clock),
            ProcessLiveness.IsAlive,
            Ct).Within();

        attempt.ShouldBe(new LockAttempt.Held(first));
    }

    [Fact]
    public async Task TryAcquireLockAsync_UnknownStack_ThrowsStackNotFound()
    {
        await Should.ThrowAsync<StackNotFoundException>(
            Store.TryAcquireLockAsync(Guid.NewGuid().ToString(), Build.Owner(), AllAlive, Ct).Within());
    }

    [Fact]
    public async Task ReleaseLockAsync_NotOwner_KeepsLock()
    {
        var stack = await CreateStackAsync("web");
        var owner = Build.Owner();
        await Store.TryAcquireLockAsync(stack.Id, owner, AllAlive, Ct).Within();

        (await Store.ReleaseLockAsync(stack.Id, Guid.NewGuid().ToString(), Ct).Within()).ShouldBeFalse();

        (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBe(owner);
    }

    [Fact]
    public async Task ReleaseLockAsync_Owner_FreesLockForOthers()
    {
        var stack = await CreateStackAsync("web");
        var owner = Build.Owner();
        await Store.TryAcquireLockAsync(stack.Id, owner, AllAlive, Ct).Within();

        (await Store.ReleaseLockAsync(stack.Id, owner.OwnerId, Ct).Within()).ShouldBeTrue();

        (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBeNull();
        var next = Build.Owner();
        (await Store.TryAcquireLockAsync(stack.Id, next, AllAlive, Ct).Within()).ShouldBe(new LockAttempt.Acquired(null));
        (await Store.ReleaseLockAsync(stack.Id, owner.OwnerId, Ct).Within()).ShouldBeFalse();
    }

    [Fact]
    public async Task TryAcquireLockAsync_TwoStoresRacingFiftyRounds_ExactlyOneWinsEachRound()
    {
        var stack = await CreateStackAsync("web");
        await using var a = await OpenAnotherAsync();
        await using var b = await OpenAnotherAsync();

        for (var round = 0; round < 50; round++)
        {
            var ownerA = Build.Owner() with { ProcessId = 1 };
            var ownerB = Build.Owner() with { ProcessId = 2 };

            var attempts = await RaceAsync(
                () => a.TryAcquireLockAsync(stack.Id, ownerA, AllAlive, Ct),
                () => b.TryAcquireLockAsync(stack.Id, ownerB, AllAlive, Ct));

            var winners = attempts.OfType<LockAttempt.Acquired>().Count();
            winners.ShouldBe(1, $"round {round}");
            var winner = attempts[0] is LockAttempt.Acquired ? ownerA : ownerB;
            attempts.OfType<LockAttempt.Held>().Single().Holder.ShouldBe(winner);
            (await Store.GetLockHolderAsync(stack.Id, Ct).Within()).ShouldBe(winner);
            (await Store.ReleaseLockAsync(stack.Id, winner.OwnerId, Ct).Within()).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task TryAcquireLockAsync_TwoStoresRacingToTakeOverDeadHolder_ExactlyOneWinsEachRound()
    {
        var stack = await CreateStackAsync("web");
        await using var a = await OpenAnotherAsync();
        await using var b = await OpenAnotherAsync();

        for (var round = 0; round < 50; round++)
        {
            var dead = Build.Owner() with { ProcessId = 3 };
            await Store.TryAcquireLockAsync(stack.Id, dead, AllAlive, Ct).Within();
            bool IsAlive(LockOwner holder) => holder.OwnerId != dead.OwnerId;
            var ownerA = Build.Owner() with { ProcessId = 1 };
            var ownerB = Build.Owner() with { ProcessId = 2 };

            var attempts = await RaceAsync(
                () => a.TryAcquireLockAsync(stack.Id, ownerA, IsAlive, Ct),
                () => b.TryAcquireLockAsync(stack.Id, ownerB, IsAlive, Ct));

            attempts.OfType<LockAttempt.Acquired>().Single().PreviousHolder.ShouldBe(dead, $"round {round}");
            var winner = attempts[0] is LockAttempt.Acquired ? ownerA : ownerB;
            attempts.OfType<LockAttempt.Held>().Single().Holder.ShouldBe(winner);
            (await Store.ReleaseLockAsync(stack.Id, winner.OwnerId, Ct).Within()).ShouldBeTrue();
        }
    }

    private static async Task<LockAttempt[]> RaceAsync(Func<Task<LockAttempt>> first, Func<Task<LockAttempt>> second)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var one = Task.Run(async () =>
        {
            await start.Task;
            return await first();
        });
        var two = Task.Run(async () =>
        {
            await start.Task;
            return await second();
        });
        start.SetResult();
        return await Task.WhenAll(one, two).Within();
    }
}
