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

    /// <summary>What the framer found: a message, or a line that is too long (<paramref name="tooLong"/> says so) or not a message.</summary>
    public static SocketInput Framed(FrameResult frame, string? line, string? tooLong, DateTimeOffset time) =>
        frame == FrameResult.TooLong ? Unreadable(tooLong!, time)
        : IrcMessage.TryParse(line!, out var message) ? Received(message, time)
        : Unreadable($"The server sent a line that is not an IRC message; it was skipped: {line}", time);
}
