using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

internal enum SocketInputKind
{
    Received,
    Unreadable,
    Written,
}

/// <summary>One thing that happened on the socket, for the client loop: a message received, a line that was not one, a line written.</summary>
internal readonly record struct SocketInput(SocketInputKind Kind, IrcMessage? Message, string? Text, bool FromUser, DateTimeOffset Time)
{
    public static SocketInput Received(IrcMessage message, DateTimeOffset time) => new(SocketInputKind.Received, message, null, false, time);
    public static SocketInput Unreadable(string detail, DateTimeOffset time) => new(SocketInputKind.Unreadable, null, detail, false, time);
    public static SocketInput Written(OutgoingLine line, DateTimeOffset time) => new(SocketInputKind.Written, line.Message, line.Text, line.FromUser, time);
}
