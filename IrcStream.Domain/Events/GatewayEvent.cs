using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Events;

/// <summary>
/// One event of a connection, as a producer hands it to the <see cref="EventLog"/>. <see cref="Seq"/> is given by
/// the log on append (per connection, starting at 1, +1 per event), which then keeps only its
/// <see cref="StoredEvent"/> form: the parsed message is not retained.
/// </summary>
public abstract class GatewayEvent(DateTimeOffset time)
{
    public long Seq { get; internal set; }

    /// <summary>The IRCv3 server-time when the server sent one, otherwise when the gateway received or produced the event (UTC).</summary>
    public DateTimeOffset Time { get; } = time.ToUniversalTime();

    /// <summary>The contract's event type: <c>message</c>, <c>status</c> or <c>gap</c>.</summary>
    public abstract string Type { get; }
}

/// <summary>A parsed IRC line, received or sent by the user.</summary>
public sealed class MessageEvent(IrcMessage message, DateTimeOffset time) : GatewayEvent(time)
{
    public IrcMessage Message { get; } = message;
    public override string Type => EventTypes.Message;
}

/// <summary>A change of the connection's state, with the seed's status names (<see cref="IrcStatus"/>).</summary>
public sealed class StatusEvent(string status, string? detail, DateTimeOffset time) : GatewayEvent(time)
{
    public string Status { get; } = status;
    public string? Detail { get; } = detail;
    public override string Type => EventTypes.Status;
}

/// <summary>Events <see cref="From"/>..<see cref="To"/> were dropped before the reader got them; its seq is <see cref="To"/>.</summary>
public sealed class GapEvent : GatewayEvent
{
    public GapEvent(long from, long to, DateTimeOffset time) : base(time)
    {
        From = from;
        To = to;
        Seq = to;
    }

    public long From { get; }
    public long To { get; }
    public override string Type => EventTypes.Gap;
}

public static class EventTypes
{
    public const string Message = "message";
    public const string Status = "status";
    public const string Gap = "gap";

    /// <summary>The constant for a known type, so retained events share one string; an unknown type as given.</summary>
    public static string Intern(string type) => type switch
    {
        Message => Message,
        Status => Status,
        Gap => Gap,
        _ => type,
    };
}

/// <summary>The status names of the contract (the seed's own).</summary>
public static class IrcStatus
{
    public const string Connecting = "CONNECTING";
    public const string Connected = "CONNECTED";
    public const string Registered = "REGISTERED";
    public const string ConnectTimeout = "CONNECT_TIMEOUT";
    public const string Error = "ERROR";
    public const string Disconnected = "DISCONNECTED";
    public const string Reconnecting = "RECONNECTING";
    public const string Closed = "CLOSED";
}
