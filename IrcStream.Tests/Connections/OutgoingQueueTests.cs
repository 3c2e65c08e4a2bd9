using IrcStream.Domain.Connections;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Connections;

public sealed class OutgoingQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PriorityLinesGoFirstAndUserLinesWaitUntilOpened()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = NewQueue(capacity: 10, userLinesOpen: false);
        queue.TryEnqueueUser([User("PRIVMSG #a :1"), User("PRIVMSG #a :2")]).Should().BeTrue();
        queue.EnqueuePriority("NICK me");

        (await queue.TakeAsync(ct)).Text.Should().Be("NICK me");
        var held = queue.TakeAsync(ct).AsTask();
        queue.TryTakeNow(out _).Should().BeFalse();
        held.IsCompleted.Should().BeFalse("user lines wait for the welcome");

        queue.OpenUserLines();
        (await held.WaitAsync(Timeout, ct)).Text.Should().Be("PRIVMSG #a :1");
        queue.EnqueuePriority("PONG x");
        (await queue.TakeAsync(ct)).Text.Should().Be("PONG x");
        (await queue.TakeAsync(ct)).Text.Should().Be("PRIVMSG #a :2");
    }

    [Fact]
    public void ABatchIsQueuedWholeOrNotAtAll()
    {
        var queue = NewQueue(capacity: 3, userLinesOpen: false);

        queue.TryEnqueueUser([User("A"), User("B")]).Should().BeTrue();
        queue.TryEnqueueUser([User("C"), User("D")]).Should().BeFalse();
        queue.TryEnqueueUser([User("C")]).Should().BeTrue();

        queue.OpenUserLines();
        var taken = new List<string>();
        while (queue.TryTakeNow(out var line)) taken.Add(line.Text);
        taken.Should().Equal("A", "B", "C");
    }

    [Fact]
    public async Task CompleteDropsWhatIsQueuedAndRefusesMore()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = NewQueue(capacity: 3, userLinesOpen: true);
        queue.TryEnqueueUser([User("A")]);
        using var cancel = new CancellationTokenSource();

        queue.Complete();

        queue.TryTakeNow(out _).Should().BeFalse();
        queue.TryEnqueueUser([User("B")]).Should().BeFalse();
        var waiting = queue.TakeAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await waiting.Invoking(t => t.WaitAsync(Timeout, ct)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task AWaitingTakeEndsWhenItsTokenIsCancelledAndTheNextTakeStillGetsALine()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = NewQueue(capacity: 3, userLinesOpen: true);
        using (var cancel = new CancellationTokenSource())
        {
            var waiting = queue.TakeAsync(cancel.Token).AsTask();
            waiting.IsCompleted.Should().BeFalse();
            await cancel.CancelAsync();
            await waiting.Invoking(t => t.WaitAsync(Timeout, ct)).Should().ThrowAsync<OperationCanceledException>();
        }

        var next = queue.TakeAsync(ct).AsTask();
        queue.TryEnqueueUser([User("A")]).Should().BeTrue();
        (await next.WaitAsync(Timeout, ct)).Text.Should().Be("A");
    }

    [Fact]
    public async Task UserLinesBeyondTheBurstWaitForTheirSlotOnTheClockWhilePriorityLinesDoNot()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(2);
        var queue = new OutgoingQueue(10, new FloodLimiter(3, interval, time), time, userLinesOpen: true);
        queue.TryEnqueueUser([.. Enumerable.Range(1, 5).Select(i => User($"PRIVMSG #c :{i}"))]).Should().BeTrue();

        for (var i = 1; i <= 3; i++) (await queue.TakeAsync(ct)).Text.Should().Be($"PRIVMSG #c :{i}", "the burst goes at once");
        var fourth = queue.TakeAsync(ct).AsTask();
        fourth.IsCompleted.Should().BeFalse();

        queue.EnqueuePriority("PONG :now");
        (await fourth.WaitAsync(Timeout, ct)).Text.Should().Be("PONG :now", "a gateway line does not wait for flood control");

        var paced = queue.TakeAsync(ct).AsTask();
        time.Advance(interval - TimeSpan.FromMilliseconds(1));
        paced.IsCompleted.Should().BeFalse("the fourth line's slot is one interval after the burst");
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await paced.WaitAsync(Timeout, ct)).Text.Should().Be("PRIVMSG #c :4");

        var fifth = queue.TakeAsync(ct).AsTask();
        fifth.IsCompleted.Should().BeFalse();
        time.Advance(interval);
        (await fifth.WaitAsync(Timeout, ct)).Text.Should().Be("PRIVMSG #c :5");
    }

    private static OutgoingQueue NewQueue(int capacity, bool userLinesOpen)
    {
        var time = new FakeTimeProvider();
        return new(capacity, new FloodLimiter(100, TimeSpan.FromSeconds(1), time), time, userLinesOpen);
    }

    private static OutgoingLine User(string text) => new(text, FromUser: true, Message: null);
}
