using System.Text;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Tests.Events;

public sealed class EventJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 25, 17, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void AMessageIsStoredAsTheContractsObjectWithEscapingAsTheApiWroteIt()
    {
        var log = new EventLog(10);
        var message = IrcMessage.Parse("@msgid=abc;+draft/x;time=2026-11-25T17:00:00.123Z :bob!b@host.example PRIVMSG #ircstream :héllo <b>&</b> \"x\"");

        var stored = log.Append(new MessageEvent(message, Time));

        stored.Seq.Should().Be(1);
        stored.Type.Should().Be("message");
        Encoding.UTF8.GetString(stored.Json.Span).Should().Be(
            """{"seq":1,"type":"message","time":"2026-11-25T17:00:00.123Z","tags":{"msgid":"abc","\u002Bdraft/x":"","time":"2026-11-25T17:00:00.123Z"},"source":"bob!b@host.example","command":"PRIVMSG","params":["#ircstream","h\u00E9llo \u003Cb\u003E\u0026\u003C/b\u003E \u0022x\u0022"]}""");
    }

    [Fact]
    public void StatusAndGapAreStoredAsTheContractsObjects()
    {
        var log = new EventLog(2);
        Encoding.UTF8.GetString(log.Append(new StatusEvent(IrcStatus.Connecting, "irc.example.net:6697", Time)).Json.Span)
            .Should().Be("""{"seq":1,"type":"status","time":"2026-11-25T17:00:00.123Z","status":"CONNECTING","detail":"irc.example.net:6697"}""");
        Encoding.UTF8.GetString(log.Append(new StatusEvent(IrcStatus.Connected, null, Time)).Json.Span)
            .Should().Be("""{"seq":2,"type":"status","time":"2026-11-25T17:00:00.123Z","status":"CONNECTED","detail":null}""");

        var gap = new GapEvent(181, 1200, Time);
        Encoding.UTF8.GetString(StoredEvent.From(gap).Json.Span)
            .Should().Be("""{"seq":1200,"type":"gap","time":"2026-11-25T17:00:00.123Z","from":181,"to":1200}""");
    }
}
