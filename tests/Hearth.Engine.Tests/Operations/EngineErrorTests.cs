using Hearth.Engine.Operations;
using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// The engine's refusals say what is wrong and carry what the user can do as data: their messages name no command of
/// the CLI (or of any host), since each host renders the suggestion in its own terms.
/// </summary>
public sealed class EngineErrorTests
{
    [Fact]
    public async Task CreateAsync_NameTaken_SuggestsUpdatingTheStackWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("taken", TestTemplates.Chain)).Succeeded.ShouldBeTrue();

        var error = await Should.ThrowAsync<EngineException>(() => harness.CreateAsync("taken", TestTemplates.Chain));

        ShouldBeRefusal(error, EngineErrorKind.Conflict, "a stack named 'taken' exists already", new SuggestedAction(SuggestedActionKind.UpdateStack, "taken"));
    }

    [Fact]
    public async Task GetStackAsync_NoSuchStack_SuggestsListingStacksWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var error = await Should.ThrowAsync<EngineException>(() => harness.StackAsync("missing"));

        ShouldBeRefusal(error, EngineErrorKind.NotFound, "stack 'missing' not found", new SuggestedAction(SuggestedActionKind.ListStacks, "missing"));
    }

    [Fact]
    public async Task ClearHookAsync_ResourceNotPaused_SuggestsListingHooksWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("s", TestTemplates.Chain)).Succeeded.ShouldBeTrue();

        var error = await Should.ThrowAsync<EngineException>(() => harness.Engine.ClearHookAsync("s", "base", CancellationToken.None).WaitAsync(EngineHarness.Timeout));

        ShouldBeRefusal(error, EngineErrorKind.Conflict, "resource 'base' of stack 's' is not waiting at a hook", new SuggestedAction(SuggestedActionKind.ListHooks, "s"));
    }

    [Fact]
    public async Task UpdateAsync_StackInterrupted_SuggestsResumeOrCancelWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("s", TestTemplates.Chain)).Succeeded.ShouldBeTrue();
        // What a process that died mid-update leaves: the stack in progress, nobody holding its lock.
        var stack = await harness.StackAsync("s");
        await harness.Store.UpdateStackAsync(stack with { Action = ResourceAction.Update, Status = OperationStatus.InProgress }, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        var error = await Should.ThrowAsync<EngineException>(() => harness.UpdateAsync("s", TestTemplates.Chain));

        ShouldBeRefusal(error, EngineErrorKind.Busy, "stack 's' was interrupted during UPDATE (the process running it died)", new SuggestedAction(SuggestedActionKind.ResumeOrCancel, "s"));
    }

    [Fact]
    public async Task UpdateAsync_LockHeldByALiveProcess_IsBusySuggestingToWaitOrStopItWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        var (stack, _) = await CreatedAndLockedByAnotherAsync(harness, "update");
        // The holder's update is under way: the stack reads in progress.
        await harness.Store.UpdateStackAsync(stack with { Action = ResourceAction.Update, Status = OperationStatus.InProgress }, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        var error = await Should.ThrowAsync<EngineException>(() => harness.UpdateAsync("s", TestTemplates.Chain));

        error.Kind.ShouldBe(EngineErrorKind.Busy);
        error.Message.ShouldStartWith("stack 's' is busy: 'update' is running in process");
        error.Suggestion.ShouldBe(new SuggestedAction(SuggestedActionKind.WaitOrStop, "s"));
        NamesNoCommand(error);
    }

    [Fact]
    public async Task UpdateAsync_LockOfAnOperationLettingGoOfASettledStack_WaitsForItAndRuns()
    {
        await using var harness = await EngineHarness.CreateAsync();
        var (stack, holder) = await CreatedAndLockedByAnotherAsync(harness, "create");

        // As an operation does between writing its final status (the stack reads CREATE_COMPLETE, and a client may act
        // on it at once) and letting go of the lock.
        var letGo = Task.Run(async () =>
        {
            await Task.Delay(300);
            await harness.Store.ReleaseLockAsync(stack.Id, holder.OwnerId, CancellationToken.None);
        });
        var outcome = await harness.UpdateAsync("s", TestTemplates.Chain).WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue("the update waited for the settling holder instead of calling the stack busy");
        letGo.IsCompletedSuccessfully.ShouldBeTrue();
        (await harness.StackAsync("s")).Action.ShouldBe(ResourceAction.Update);
    }

    /// <summary>Stack "s" created, then its lock taken by another owner (a live one: this process) running <paramref name="operation"/>.</summary>
    private static async Task<(StackRecord Stack, LockOwner Holder)> CreatedAndLockedByAnotherAsync(EngineHarness harness, string operation)
    {
        (await harness.CreateAsync("s", TestTemplates.Chain)).Succeeded.ShouldBeTrue();
        var stack = await harness.StackAsync("s");
        var holder = ProcessLiveness.CreateLocalOwner(operation, TimeProvider.System);
        (await harness.Store.TryAcquireLockAsync(stack.Id, holder, ProcessLiveness.IsAlive, CancellationToken.None).WaitAsync(EngineHarness.Timeout)).ShouldBeOfType<LockAttempt.Acquired>();
        return (stack, holder);
    }

    [Fact]
    public async Task ResumeAsync_NothingInterrupted_IsConflictWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("s", TestTemplates.Chain)).Succeeded.ShouldBeTrue();

        var error = await Should.ThrowAsync<EngineException>(() => harness.Engine.ResumeAsync("s", observer: null, CancellationToken.None).WaitAsync(EngineHarness.Timeout));

        error.Kind.ShouldBe(EngineErrorKind.Conflict);
        error.Message.ShouldBe("stack 's' is CREATE_COMPLETE: there is no interrupted operation to resume or cancel");
        NamesNoCommand(error);
    }

    [Fact]
    public async Task SignalAsync_NoSuchResource_IsNotFoundWithoutNamingACommand()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("s", TestTemplates.Chain)).Succeeded.ShouldBeTrue();

        var error = await Should.ThrowAsync<EngineException>(() => harness.Engine.SignalAsync("s", "nope", data: null, CancellationToken.None).WaitAsync(EngineHarness.Timeout));

        error.Kind.ShouldBe(EngineErrorKind.NotFound);
        error.Message.ShouldBe("stack 's' has no resource 'nope'");
        NamesNoCommand(error);
    }

    private static void ShouldBeRefusal(EngineException error, EngineErrorKind kind, string message, SuggestedAction suggestion)
    {
        error.Kind.ShouldBe(kind);
        error.Message.ShouldBe(message);
        error.Suggestion.ShouldBe(suggestion);
        NamesNoCommand(error);
    }

    private static void NamesNoCommand(EngineException error) => error.Message.ShouldNotContain("hearth", Case.Insensitive);
}
