using System.Text;

namespace IrcStream.Api.Connections;

/// <summary>Checks a <see cref="CreateConnectionRequest"/> field by field; errors are keyed by the JSON field name.</summary>
internal static class ConnectionRequestValidator
{
    internal const int MaxNickLength = 64;
    internal const int MaxUsernameLength = 64;
    internal const int MaxRealnameBytes = 256;
    internal const int MaxPasswordBytes = 400;
    internal const int MaxChannelBytes = 200;
    internal const int MaxChannels = 50;
    private const string NickSpecials = "[]\\`_^{|}";

    public static Dictionary<string, string[]> Validate(CreateConnectionRequest request, out ServerEndpoint endpoint)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ServerEndpoint.TryParse(request.Server, request.Tls ?? false, out endpoint, out var serverError))
            errors["server"] = [serverError];

        if (request.Nick is not null && NickError(request.Nick) is { } nickError) errors["nick"] = [nickError];
        if (request.Username is not null && UsernameError(request.Username) is { } userError) errors["username"] = [userError];
        if (request.Realname is not null && TextError(request.Realname, "real name", MaxRealnameBytes, allowSpaces: true) is { } realError)
            errors["realname"] = [realError];
        if (request.Password is not null && TextError(request.Password, "server password", MaxPasswordBytes, allowSpaces: true) is { } passError)
            errors["password"] = [passError];

        if (request.Sasl is { } sasl)
        {
            if (TextError(sasl.Account, "SASL account", MaxNickLength * 4, allowSpaces: false) is { } accountError)
                errors["sasl.account"] = [accountError];
            if (TextError(sasl.Password, "SASL password", MaxPasswordBytes, allowSpaces: true) is { } saslPassError)
                errors["sasl.password"] = [saslPassError];
        }

        if (request.Channels is { } channels)
        {
            var channelErrors = new List<string>();
            if (channels.Count > MaxChannels) channelErrors.Add($"Join at most {MaxChannels} channels at connect; join the rest with JOIN lines.");
            for (var i = 0; i < channels.Count; i++)
            {
                if (ChannelError(channels[i]) is { } channelError) channelErrors.Add($"channels[{i}]: {channelError}");
            }
            if (channelErrors.Count > 0) errors["channels"] = [.. channelErrors];
        }
        return errors;
    }

    private static string? NickError(string nick)
    {
        if (nick.Length == 0) return "The nick is empty; leave it out to register yourself, or give one like alice.";
        if (nick.Length > MaxNickLength) return $"The nick is over {MaxNickLength} characters.";
        if (!char.IsAsciiLetter(nick[0]) && !NickSpecials.Contains(nick[0]))
            return "A nick starts with a letter or one of [ ] \\ ` _ ^ { | }.";
        foreach (var c in nick)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && !NickSpecials.Contains(c))
                return $"The nick contains '{c}'; use letters, digits, '-' and [ ] \\ ` _ ^ {{ | }}.";
        }
        return null;
    }

    private static string? UsernameError(string username)
    {
        if (username.Length == 0) return "The username is empty; leave it out to use the nick.";
        if (username.Length > MaxUsernameLength) return $"The username is over {MaxUsernameLength} characters.";
        if (username[0] == ':' || username.AsSpan().IndexOfAny(" @\r\n\0") >= 0 || username.Any(char.IsControl))
            return "The username cannot contain spaces, '@', control characters, or start with ':'.";
        return null;
    }

    private static string? TextError(string? value, string what, int maxBytes, bool allowSpaces)
    {
        if (string.IsNullOrEmpty(value)) return $"The {what} is empty.";
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0) return $"The {what} contains CR, LF or NUL.";
        if (!allowSpaces && value.Contains(' ')) return $"The {what} cannot contain spaces.";
        if (Encoding.UTF8.GetByteCount(value) > maxBytes) return $"The {what} is over {maxBytes} bytes.";
        return null;
    }

    private static string? ChannelError(string? channel)
    {
        if (string.IsNullOrEmpty(channel)) return "A channel name is empty.";
        if ("#&+!".IndexOf(channel[0]) < 0) return $"'{channel}' does not start with #, &, + or !, e.g. #ircstream.";
        if (channel.Length == 1) return $"'{channel}' has nothing after its prefix.";
        if (channel.AsSpan().IndexOfAny(" ,\a\r\n\0") >= 0) return $"'{channel}' contains a space, comma or control character.";
        if (Encoding.UTF8.GetByteCount(channel) > MaxChannelBytes) return $"'{channel}' is over {MaxChannelBytes} bytes.";
        return null;
    }
}
