using System.Runtime.CompilerServices;
using FluentAssertions;
using IrcStream.Api.Streaming;
using IrcStream.Domain.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using Xunit;

namespace IrcStream.Tests.Api;

public sealed class EventStreamResultTests
{
    [Fact]
    public async Task AClientThatLeavesWhileTheStreamWaitsForItsNextEventEndsTheStreamWithoutAnError()
    {
        using var aborted = new CancellationTokenSource();
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = new DefaultHttpContext { RequestAborted = aborted.Token };
        context.Response.Body = new LeavingClientStream(aborted, left);

        var streaming = new EventStreamResult(OneItemThenWait(nextEvent.Task, TestContext.Current.CancellationToken)).ExecuteAsync(context);
        await left.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        // The reader's wait ends only after the request was aborted, on another thread, as a Redis reader woken by
        // pub/sub does: the stream must let that wait finish before it lets the items go.
        nextEvent.SetResult();

        await streaming.Invoking(s => s.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
            .Should().NotThrowAsync();
    }

    /// <summary>
    /// Redis goes away under a stream that has sent events: the answer is under way, so no 503 can be sent; the stream
    /// ends (the browser resumes from its last event) and that is logged once, not as two unhandled-exception errors.
    /// </summary>
    [Fact]
    public async Task AStreamWhoseEventsCannotBeReadOnAfterItStartedEndsAndSaysSoOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var (context, body, logs) = Context();
        var redisGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var streaming = new EventStreamResult(OneEventThen(redisGone.Task)).ExecuteAsync(context);
        await body.Written.WaitAsync(TimeSpan.FromSeconds(10), ct);
        redisGone.SetException(new RedisConnectionException(ConnectionFailureType.SocketClosed, CommandFlags.None, "Redis went away", null, CommandStatus.Sent));
        await streaming.WaitAsync(TimeSpan.FromSeconds(10), ct);

        System.Text.Encoding.UTF8.GetString(body.ToArray()).Should().Contain("id: 1");
        logs.GetSnapshot().Should().ContainSingle().Which.Level.Should().Be(LogLevel.Warning);
        logs.LatestRecord.Message.Should().Contain("ended early").And.Contain("resumes from its last event");
    }

    /// <summary>Before anything was sent the failure goes on to the exception handler, which answers 503 problem+json.</summary>
    [Fact]
    public async Task AStreamWhoseFirstReadFailsLeavesTheAnswerToTheErrorHandler()
    {
        var (context, _, logs) = Context();

        await new EventStreamResult(RedisGone()).Invoking(r => r.ExecuteAsync(context)).Should().ThrowAsync<RedisConnectionException>();
        context.Response.HasStarted.Should().BeFalse();
        logs.GetSnapshot().Should().BeEmpty();
    }

    /// <summary>
    /// A store that timed out while the stream waited for events (Redis's timeout is a <see cref="TimeoutException"/>
    /// too) ends the stream; taken for the idle keepalive timer, the failed wait was awaited again at once, forever,
    /// and the stream sent keepalives in a busy loop once reads worked again.
    /// </summary>
    [Fact]
    public async Task AWaitThatTimedOutInTheStoreEndsTheStreamInsteadOfSpinningOnKeepalives()
    {
        var ct = TestContext.Current.CancellationToken;
        var items = EventStream.ReadAsync(new StoreTimingOut(), after: 0, TimeSpan.FromSeconds(15), TimeProvider.System, ct);
        var keepalives = 0;

        var reading = async () =>
        {
            await foreach (var item in items)
            {
                if (item.Event is null && ++keepalives > 10) break;
            }
        };

        await reading.Should().ThrowAsync<RedisTimeoutException>();
        keepalives.Should().Be(1, "the first keepalive says the stream is open; the failed wait ends it");
    }

    private sealed class StoreTimingOut : IEventSource
    {
        public IEventCursor OpenCursor(long after) => new Empty();

        public ValueTask<EventBatch> PollAsync(long after, int max) => ValueTask.FromResult(new EventBatch([], false));

        public ValueTask<bool> WaitForEventsAfterAsync(long after, CancellationToken cancellationToken) =>
            ValueTask.FromException<bool>(new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Sent));

        private sealed class Empty : IEventCursor
        {
            public ValueTask<EventBatch> ReadAsync(int max) => ValueTask.FromResult(new EventBatch([], false));

            public void Dispose()
            {
            }
        }
    }

    /// <summary>A context whose response counts as started once a byte of it is flushed, as Kestrel's does.</summary>
    private static (DefaultHttpContext Context, SignallingStream Body, FakeLogCollector Logs) Context()
    {
        var services = new ServiceCollection().AddLogging(b => b.AddFakeLogging()).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        var body = new SignallingStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        context.Features.Set<IHttpResponseFeature>(new StartedOnceWritten(body));
        return (context, body, services.GetFakeLogCollector());
    }

    private static async IAsyncEnumerable<StreamItem> OneEventThen(Task failure)
    {
        yield return new StreamItem(new StoredEvent(1, EventTypes.Status, "{}"u8.ToArray()), null);
        await failure;
    }

    /// <summary>A response body that says when the first bytes reached it.</summary>
    private sealed class SignallingStream : MemoryStream
    {
        private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Written => _written.Task;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await base.WriteAsync(buffer, cancellationToken);
            _written.TrySetResult();
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await base.WriteAsync(buffer, offset, count, cancellationToken);
            _written.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<StreamItem> RedisGone()
    {
        await Task.Yield();
        throw new RedisConnectionException(ConnectionFailureType.SocketClosed, CommandFlags.None, "Redis went away", null, CommandStatus.Sent);
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }

    private sealed class StartedOnceWritten(MemoryStream body) : HttpResponseFeature
    {
        public override bool HasStarted => body.Length > 0;
    }

    private static async IAsyncEnumerable<StreamItem> OneItemThenWait(Task nextEvent, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new StreamItem(null, null);
        await nextEvent;
        cancellationToken.ThrowIfCancellationRequested();
        yield return new StreamItem(null, null);
    }

    /// <summary>A response body whose client goes away at the first write that reaches it (a closed tab).</summary>
    private sealed class LeavingClientStream(CancellationTokenSource aborted, TaskCompletionSource left) : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Leave();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Leave());

        private Task Leave()
        {
            aborted.Cancel();
            left.TrySetResult();
            return Task.FromCanceled(aborted.Token);
        }
    }
}
