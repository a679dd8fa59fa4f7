using System.Text;
using System.Text.Json.Nodes;
using Hearth.Engine.Events;
using Hearth.Engine.Failures;
using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Engine.Tests.Events;

/// <summary>The feed written as Server-Sent Events to a stream, as <c>hearth server</c> sends it, and resumed with <c>Last-Event-ID</c>.</summary>
public sealed class ServerSentEventsTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("hearth-sse-test-");
    private readonly FakeTimeProvider _clock = new();
    private SqliteStateStore? _store;
    private StackRecord? _stack;

    private SqliteStateStore Store => _store ?? throw new InvalidOperationException("not open");

    private StackRecord Stack => _stack ?? throw new InvalidOperationException("no stack");

    public async Task InitializeAsync()
    {
        _store = await SqliteStateStore.OpenAsync(_folder.Combine("state"), _clock, CancellationToken.None).Within();
        _stack = new StackRecord(Guid.NewGuid().ToString(), "web", null, null, ResourceAction.Create, OperationStatus.InProgress, "",
            _clock.GetUtcNow(), null, null, null, false, null);
        await Store.CreateStackAsync(Stack, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task StreamAsync_ClientReconnectsWithLastEventId_GetsExactlyWhatItMissed()
    {
        var before = await AppendAsync("a", "b");
        var first = new EventStreamClient(Stack.Id);
        var streaming = first.ReadAsync(Store, _clock, null);
        await Poll.UntilAsync(() => first.Messages.Count == 2, "the first connection got the events so far");
        await first.DisconnectAsync(streaming);
        var missed = await AppendAsync("c", "d", "e");

        var second = new EventStreamClient(Stack.Id);
        var resumed = second.ReadAsync(Store, _clock, first.Messages[^1].Id);
        await Poll.UntilAsync(() => second.Messages.Count == 3, "the second connection got what the first missed");
        var later = await AppendAsync("f");
        await Poll.UntilAsync(() => second.Messages.Count == 4, "the second connection goes on live");
        await second.DisconnectAsync(resumed);

        first.Messages.Select(m => m.Id).ShouldBe(before.Select(s => $"{s}"));
        second.Messages.Select(m => m.Id).ShouldBe(missed.Concat(later).Select(s => $"{s}"));
        second.Messages.Select(m => (string?)m.Data["resource_name"]).ShouldBe(["c", "d", "e", "f"]);
        second.Messages.ShouldAllBe(m => (long)m.Data["sequence"]! == long.Parse(m.Id) && (string?)m.Data["stack_name"] == "web");
    }

    [Fact]
    public async Task StreamAsync_NoEventsForTheKeepAliveTime_WritesACommentLine()
    {
        var client = new EventStreamClient(Stack.Id);
        var streaming = client.ReadAsync(Store, _clock, null);
        await _clock.WhenWaitingAsync();
        client.Text.ShouldBeEmpty();

        for (var waited = TimeSpan.Zero; waited < ServerSentEvents.DefaultKeepAlive; waited += EventFeed.DefaultPollInterval)
        {
            await _clock.WhenWaitingAsync();
            _clock.Advance(EventFeed.DefaultPollInterval);
        }

        await Poll.UntilAsync(() => client.Text.Length > 0, "the stream wrote a keep-alive");
        await client.DisconnectAsync(streaming);
        client.Text.ShouldBe(": keep-alive\n\n");
        client.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void Messages_StatusReasonOnSeveralLines_EachEventIsOneDataLine()
    {
        var evt = new EventRecord(42, "e1", Stack.Id, "web", "app", "p1", "OS::Heat::SoftwareDeployment", ResourceAction.Create,
            OperationStatus.Failed, "exit 1\nerror: no\r\ndata: forged", _clock.GetUtcNow());

        var text = Encoding.UTF8.GetString(ServerSentEvents.Messages([evt]));

        var lines = text.Split('\n');
        lines[0].ShouldBe("id: 42");
        lines[1].ShouldStartWith("data: {");
        lines[2..].ShouldBe(["", ""]);
        var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
        ((string?)data["resource_status"], (string?)data["resource_status_reason"]).ShouldBe(("CREATE_FAILED", "exit 1\nerror: no\r\ndata: forged"));
    }

    [Fact]
    public void Messages_FailedStepWithItsFailure_CarriesItAsHearthFailureStillOnOneLine()
    {
        var failure = new Failure(FailureKind.ResourceFailed, "exit 3") { Resource = "app", ExitCode = 3, Stderr = "no\nway\n", Stdout = "step 1\n" };
        var evt = new EventRecord(7, "e1", Stack.Id, "web", "app", "p1", "OS::Heat::SoftwareDeployment", ResourceAction.Create,
            OperationStatus.Failed, "exit 3", _clock.GetUtcNow(), EventKind.Failed, FailureJson.Serialize(failure));
        var status = evt with { Status = OperationStatus.InProgress, Kind = EventKind.Status, Payload = null };

        var lines = Encoding.UTF8.GetString(ServerSentEvents.Messages([evt, status])).Split('\n');

        lines.Length.ShouldBe(7);
        var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
        var sent = data[ServerSentEvents.FailureMember]!;
        ((string?)sent["message"], (int?)sent["exit_code"], (string?)sent["stderr"], (string?)sent["stdout"]).ShouldBe(("exit 3", 3, "no\nway\n", "step 1\n"));
        JsonNode.Parse(lines[4]["data: ".Length..])![ServerSentEvents.FailureMember].ShouldBeNull();
    }

    [Theory]
    [InlineData(null, true, 0)]
    [InlineData("", true, 0)]
    [InlineData("17", true, 17)]
    [InlineData(" 17 ", true, 17)]
    [InlineData("-1", false, 0)]
    [InlineData("e1", false, 0)]
    public void TryGetResumePoint_LastEventIdHeader_SequenceToStartAfter(string? header, bool valid, long after)
    {
        ServerSentEvents.TryGetResumePoint(header, out var parsed).ShouldBe(valid);
        if (valid)
        {
            parsed.ShouldBe(after);
        }
    }

    private async Task<List<long>> AppendAsync(params string[] resources)
    {
        var sequences = new List<long>();
        foreach (var resource in resources)
        {
            sequences.Add(await Store.AppendEventAsync(
                new EventRecord(0, Guid.NewGuid().ToString(), Stack.Id, Stack.Name, resource, null, "OS::Heat::None",
                    ResourceAction.Create, OperationStatus.Complete, "state changed", _clock.GetUtcNow()),
                CancellationToken.None));
        }

        return sequences;
    }

    /// <summary>One EventSource connection: the bytes the stream wrote, parsed into messages as they arrive.</summary>
    private sealed class EventStreamClient(string stackId)
    {
        private readonly LockedStream _body = new();
        private readonly CancellationTokenSource _disconnect = new(TestTimeouts.Default);

        public string Text => _body.Text;

        public IReadOnlyList<(string Id, JsonNode Data)> Messages =>
        [
            .. _body.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Where(m => !m.StartsWith(':'))
                .Select(m => m.Split('\n'))
                .Select(lines => (lines[0]["id: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!)),
        ];

        public Task ReadAsync(IStateStore store, TimeProvider time, string? lastEventId)
        {
            ServerSentEvents.TryGetResumePoint(lastEventId, out var after).ShouldBeTrue();
            return ServerSentEvents.StreamAsync(_body, new EventFeed(store, time), EventScope.Stack(stackId), after, time, ServerSentEvents.DefaultKeepAlive, _disconnect.Token);
        }

        public async Task DisconnectAsync(Task streaming)
        {
            await _disconnect.CancelAsync();
            (await Should.ThrowAsync<Exception>(streaming.Within())).ShouldBeAssignableTo<OperationCanceledException>();
        }
    }

    /// <summary>A response body the test reads while the stream writes it; only whole writes are seen.</summary>
    private sealed class LockedStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public string Text
        {
            get
            {
                lock (_bytes)
                {
                    return Encoding.UTF8.GetString(_bytes.ToArray());
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer, offset, count);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer.Span);
            }

            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
