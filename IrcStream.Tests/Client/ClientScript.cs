using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace IrcStream.Tests.Client;

/// <summary>
/// Plays a conversation with an <see cref="IrcClient"/>, without a socket, one step per line:
/// <list type="bullet">
/// <item><c>&lt;&lt; line</c>: the server sends the line (its message event is expected and not listed; held lines it lets go are listed with <c>==</c>);</item>
/// <item><c>&lt;~ line</c>: the server sends the line and the client records nothing for it now (a message the log already has, or one held);</item>
/// <item><c>&gt;&gt; line</c>: the gateway's next line to write is this one; it is then written;</item>
/// <item><c>user: line</c>: the user's line is written;</item>
/// <item><c>!! STATUS detail</c>: the next event is this status, its detail starting with the given text;</item>
/// <item><c>== line</c>: the next event is this message: an own message the gateway recorded, or a live line a history fill held and lets go now;</item>
/// <item><c>-- lost</c>: the socket is lost and a new one opens (its DISCONNECTED and CONNECTED are expected and not listed);</item>
/// <item><c>@@ 60</c>: 60 seconds pass (the script's clock is a <see cref="FakeTimeProvider"/> starting at <see cref="Now"/>).</item>
/// </list>
/// After the last step nothing may be left: no line not listed, no event not listed.
/// </summary>
internal sealed class ClientScript
{
    public static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly IrcClientOutput _output = new();
    private readonly Queue<string> _lines = new();
    private readonly Queue<GatewayEvent> _events = new();

    /// <param name="options">The connection's options.</param>
    /// <param name="state">A stored state to carry on from.</param>
    /// <param name="takingOver">When given, the client takes the connection over from another node with these newest messages.</param>
    public ClientScript(IrcConnectionOptions options, IrcClientState? state = null, IEnumerable<TargetMessage>? takingOver = null)
    {
        Client = new IrcClient(options, state);
        if (takingOver is not null) Client.TakingOver(takingOver);
        Client.Opened("irc.test:6667", Now, _output);
        Take();
    }

    public IrcClient Client { get; }

    public IrcClientState State => Client.State;

    /// <summary>True once the client let user lines out.</summary>
    public bool UserLinesOpen { get; private set; }

    public static IrcConnectionOptions Options(string? nick) => new() { Host = "irc.test", Port = 6667, Nick = nick };

    public ClientScript Play(params string[] steps)
    {
        foreach (var step in steps) Step(step);
        return this;
    }

    /// <summary>Asserts that every line and event the client produced was listed.</summary>
    public void End()
    {
        _lines.Should().BeEmpty("every line the client wants written is listed in the script");
        _events.Should().BeEmpty("every event the client produced is listed in the script");
    }

    private void Step(string step)
    {
        var (kind, text) = (step[..2], step.Length > 3 ? step[3..] : "");
        var now = _time.GetUtcNow();
        if (step.StartsWith("user: ", StringComparison.Ordinal))
        {
            Client.Written(step[6..], IrcMessage.Parse(step[6..]), fromUser: true, now, _output);
            Take();
            return;
        }
        switch (kind)
        {
            case "<<":
                var message = IrcMessage.Parse(text);
                Client.Receive(message, now, _output);
                // Lines a history fill held and lets go now may come before it: they stay to be listed with ==.
                var at = _output.Events.FindIndex(e => e is MessageEvent m && m.Message.Equals(message));
                at.Should().BeGreaterThanOrEqualTo(0, $"the client should record {text}");
                _output.Events.RemoveAt(at);
                Take();
                break;
            case "<~":
                Client.Receive(IrcMessage.Parse(text), now, _output);
                _output.Events.Should().BeEmpty($"the log already has {text}");
                Take();
                break;
            case ">>":
                _lines.Should().NotBeEmpty($"the client should write {text}");
                _lines.Dequeue().Should().Be(text);
                Client.Written(text, null, fromUser: false, now, _output);
                Take();
                break;
            case "!!":
                var space = text.IndexOf(' ');
                var (status, detail) = space < 0 ? (text, "") : (text[..space], text[(space + 1)..]);
                _events.Should().NotBeEmpty($"the client should report {text}");
                var statusEvent = _events.Dequeue().Should().BeOfType<StatusEvent>().Subject;
                statusEvent.Status.Should().Be(status);
                (statusEvent.Detail ?? "").Should().StartWith(detail);
                break;
            case "==":
                _events.Should().NotBeEmpty($"the client should record {text}");
                _events.Dequeue().Should().BeOfType<MessageEvent>().Which.Message.Should().Be(IrcMessage.Parse(text));
                break;
            case "--":
                Take();
                Client.Disconnected("lost", now, _output);
                Client.Opened("irc.test:6667", now, _output);
                // The two statuses of the step are taken here; anything else it produced stays to be listed.
                var statuses = _output.Events.OfType<StatusEvent>().Select(e => (e.Status, e.Detail)).ToList();
                statuses.Should().Equal((IrcStatus.Disconnected, "lost"), (IrcStatus.Connected, "irc.test:6667"));
                _output.Events.RemoveAll(e => e is StatusEvent);
                Take();
                break;
            case "@@":
                _time.Advance(TimeSpan.FromSeconds(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));
                break;
            default:
                throw new ArgumentException($"Unknown step: {step}");
        }
    }

    private void Take()
    {
        foreach (var line in _output.Lines) _lines.Enqueue(line);
        foreach (var gatewayEvent in _output.Events) _events.Enqueue(gatewayEvent);
        UserLinesOpen |= _output.OpenUserLines;
        _output.Clear();
    }
}
