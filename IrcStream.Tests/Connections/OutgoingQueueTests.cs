using IrcStream.Domain.Connections;
using IrcStream.Tests.Support;

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

    private static OutgoingQueue NewQueue(int capacity, bool userLinesOpen) =>
        new(capacity, new FloodLimiter(100, TimeSpan.FromSeconds(1), new ManualTimeProvider()), TimeProvider.System, userLinesOpen);

    private static OutgoingLine User(string text) => new(text, FromUser: true, Message: null);
}
