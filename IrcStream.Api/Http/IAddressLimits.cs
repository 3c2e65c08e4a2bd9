namespace IrcStream.Api.Http;

/// <summary>
/// The per-address counts that bound one client however many nodes it is spread over: new connections per rate window
/// (<c>IrcStream:ConnectionRateLimit</c>) and open event streams plus waiting polls (<c>IrcStream:MaxStreamsPerAddress</c>).
/// Kept where the gateway's state is (<see cref="State.StateSetup.AddGatewayState"/>): in this process's memory for a
/// gateway that runs alone (<c>State/MemoryAddressLimits</c>), in Redis for several nodes (<c>Cluster/Limits/RedisAddressLimits</c>).
/// </summary>
internal interface IAddressLimits
{
    /// <summary>Counts a new connection from <paramref name="address"/>: allowed, or refused with how long until its window ends.</summary>
    ValueTask<RateDecision> TryConnectAsync(string address);

    /// <summary>A stream slot of <paramref name="address"/>, counted until disposed; null when the address holds <c>MaxStreamsPerAddress</c> already.</summary>
    ValueTask<IDisposable?> TryTakeStreamAsync(string address);
}

/// <summary>Whether a new connection is allowed, and when refused, how long until the address may try again (when known).</summary>
internal readonly record struct RateDecision(bool Allowed, TimeSpan? RetryAfter)
{
    public static readonly RateDecision Allow = new(true, null);

    public static RateDecision Refuse(TimeSpan? retryAfter) => new(false, retryAfter);
}
