using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Support;

/// <summary>Moving a <see cref="FakeTimeProvider"/> towards something the code under test does on that clock.</summary>
public static class FakeClock
{
    /// <summary>
    /// Moves <paramref name="time"/> on by <paramref name="step"/> until <paramref name="task"/> completes, and says how
    /// far it moved. The code arms its timer a moment after the test may move the clock, so the clock moves in steps;
    /// what the result proves is that nothing happened before its time (the clock moved at least that far). Fails
    /// after 20 s of real time.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(this FakeTimeProvider time, Task task, TimeSpan step)
    {
        var moved = TimeSpan.Zero;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(20));
        while (!task.IsCompleted)
        {
            if (patience.IsCancellationRequested) throw new TimeoutException($"Nothing happened after moving the clock {moved} in steps of {step}.");
            time.Advance(step);
            moved += step;
            // Waits for the task, not for time: a moment for the code to act on the clock it was given.
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None));
        }
        await task;
        return moved;
    }

    /// <summary>
    /// Moves <paramref name="time"/> on by <paramref name="by"/> in one step, then waits for <paramref name="task"/>
    /// with the clock standing still, so that what follows it (an answer before a timeout) happens at a known time
    /// however slow the machine. Only if nothing happened within a few seconds (the code armed its timer after the
    /// move) does the clock move on in steps of <paramref name="step"/>, as in <see cref="AdvanceUntilAsync"/>.
    /// </summary>
    public static async Task AdvanceThenAwaitAsync(this FakeTimeProvider time, TimeSpan by, Task task, TimeSpan step)
    {
        time.Advance(by);
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        await time.AdvanceUntilAsync(task, step);
    }
}
