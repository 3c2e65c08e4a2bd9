namespace IrcStream.Domain.Protocol;

/// <summary>Size limits of the IRC wire protocol, in bytes.</summary>
public static class IrcLimits
{
    /// <summary>"IRC messages are always lines of characters terminated with a CR-LF pair, and these messages SHALL NOT exceed 512 characters in length, counting all characters including the trailing CR-LF." (RFC 1459 2.3)</summary>
    public const int MaxLineBytes = 512;

    /// <summary>The 512 bytes less the CR-LF: what a line may hold outside its tags.</summary>
    public const int MaxLineBytesWithoutCrlf = MaxLineBytes - 2;

    /// <summary>"...a maximum of 8191 bytes for tags, including the leading '@' and trailing space character" (IRCv3 message-tags, what servers may send).</summary>
    public const int MaxIncomingTagBytes = 8191;

    /// <summary>"Clients MUST NOT send messages with tag data exceeding 4094 bytes, this includes tags with or without the client-only prefix." (IRCv3 message-tags)</summary>
    public const int MaxOutgoingTagBytes = 4094;

    /// <summary>
    /// The longest incoming line: 8191 bytes of tags plus the 512 of the rest, counting a CR-LF. The framer
    /// accepts a line whose bytes before its line ending number at most <c>MaxIncomingLineBytes - 2</c>.
    /// </summary>
    public const int MaxIncomingLineBytes = MaxIncomingTagBytes + MaxLineBytes;
}
