using System.Runtime.CompilerServices;
using FluentAssertions;
using IrcStream.Api.Streaming;
using Microsoft.AspNetCore.Http;
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
