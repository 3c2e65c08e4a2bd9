namespace IrcStream.Domain.Protocol;

/// <summary>Size limits of the IRC wire protocol.</summary>
public static class IrcLimits
{
    /// <summary>"IRC messages are always lines of characters terminated with a CR-LF pair, and these messages SHALL NOT exceed 512 characters in length, counting all characters including the trailing CR-LF." (RFC 1459 2.3)</summary>
    public const int MaxLineBytes = 512;

    /// <summary>The 512 bytes less the CR-LF: what a client may send outside its tags.</summary>
    public const int MaxLineBytesWithoutCrlf = MaxLineBytes - 2;

    /// <summary>"...the maximum size of a message including tags is 8191 bytes..." (IRCv3 message-tags: servers may send up to 8191 bytes of tags).</summary>
    public const int MaxIncomingTagBytes = 8191;

    /// <summary>"Clients MUST NOT send messages with tag data exceeding 4094 bytes, this includes tags with or without the client-only prefix." (IRCv3 message-tags)</summary>
    public const int MaxOutgoingTagBytes = 4094;

    /// <summary>The longest incoming line the framer accepts: all tags plus a full message.</summary>
    public const int MaxIncomingLineBytes = MaxIncomingTagBytes + MaxLineBytes;
}
