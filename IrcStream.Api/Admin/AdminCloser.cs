using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.State;
using IrcStream.Domain.Events;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Admin;

/// <summary>
/// Closes a connection this node holds on an operator's word: the user's log gets an <c>ERROR</c> status with the
/// operator's reason, the IRC server gets QUIT with <c>IrcStream:Admin:QuitReason</c> (the operator's reason is for the
/// user, not for the channels), then the log ends with CLOSED and the connection is forgotten.
/// </summary>
internal sealed class AdminCloser(OwnedConnections owned, IGatewayState state, IOptions<IrcStreamOptions> options, TimeProvider time)
{
    public static string Told(string reason) => $"An operator of this gateway closed this connection: {reason}";

    /// <summary>Closes the connection if this node holds it; false when it does not.</summary>
    public async Task<bool> CloseHereAsync(string connectionId, string reason)
    {
        if (owned.Find(connectionId) is not { } connection) return false;
        connection.Events.Append(new StatusEvent(IrcStatus.Error, Told(reason), time.GetUtcNow()));
        // QUIT and CLOSED, and nothing of it is kept (in Redis mode its record goes after its last events are there).
        await state.CloseAsync(connectionId, options.Value.Admin.QuitReason).ConfigureAwait(false);
        return true;
    }
}
