namespace IrcStream.Domain.Protocol;

/// <summary>Thrown when a line is not an IRC message.</summary>
public sealed class IrcParseException(string message) : FormatException(message);
