using IrcStream.Domain.Protocol;

namespace IrcStream.Api.Connections;

/// <summary>
/// Checks a <see cref="CreateConnectionRequest"/> field by field; errors are keyed by the JSON field name. The IRC
/// rules (nicks, user and channel names, parameters) are the protocol's (<see cref="IrcNames"/>,
/// <see cref="IrcParameters"/>); what is the gateway's own is the sizes below.
/// </summary>
internal static class ConnectionRequestValidator
{
    internal const int MaxRealnameBytes = 256;
    internal const int MaxPasswordBytes = 400;
    internal const int MaxChannels = 50;

    public static Dictionary<string, string[]> Validate(CreateConnectionRequest request, out ServerEndpoint endpoint)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ServerEndpoint.TryParse(request.Server, request.Tls ?? false, out endpoint, out var serverError))
            errors["server"] = [serverError];

        if (request.Nick is not null && IrcNames.NickProblem(request.Nick) is { } nickError) errors["nick"] = [nickError];
        if (request.Username is not null && IrcNames.UsernameProblem(request.Username) is { } userError) errors["username"] = [userError];
        if (request.Realname is not null && IrcParameters.TextProblem(request.Realname, "real name", MaxRealnameBytes, allowSpaces: true) is { } realError)
            errors["realname"] = [realError];
        if (request.Password is not null && IrcParameters.TextProblem(request.Password, "server password", MaxPasswordBytes, allowSpaces: true) is { } passError)
            errors["password"] = [passError];

        if (request.Sasl is { } sasl) AddSaslErrors(sasl, errors);

        if (request.Channels is { } channels)
        {
            var channelErrors = new List<string>();
            if (channels.Count > MaxChannels) channelErrors.Add($"Join at most {MaxChannels} channels at connect; join the rest with JOIN lines.");
            for (var i = 0; i < channels.Count; i++)
            {
                if (IrcNames.ChannelProblem(channels[i]) is { } channelError) channelErrors.Add($"channels[{i}]: {channelError}");
            }
            if (channelErrors.Count > 0) errors["channels"] = [.. channelErrors];
        }
        return errors;
    }

    /// <summary>The account and password of a SASL login, as connecting and <c>PATCH</c> take them, keyed <c>sasl.account</c> and <c>sasl.password</c>.</summary>
    public static void AddSaslErrors(SaslRequest sasl, Dictionary<string, string[]> errors)
    {
        if (IrcParameters.TextProblem(sasl.Account, "SASL account", IrcNames.MaxNickLength * 4, allowSpaces: false) is { } accountError)
            errors["sasl.account"] = [accountError];
        if (IrcParameters.TextProblem(sasl.Password, "SASL password", MaxPasswordBytes, allowSpaces: true) is { } saslPassError)
            errors["sasl.password"] = [saslPassError];
    }
}
