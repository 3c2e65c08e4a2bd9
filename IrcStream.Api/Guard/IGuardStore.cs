namespace IrcStream.Api.Guard;

/// <summary>
/// What the human check shares between gateway nodes: the key that signs challenges, which challenges were used,
/// and how many connections each address opened this hour. In memory for one process, in Redis for several.
/// </summary>
internal interface IGuardStore
{
    /// <summary>The key challenges are signed with: the same on every node.</summary>
    ValueTask<byte[]> ChallengeKeyAsync(CancellationToken cancellationToken);

    /// <summary>True the first time <paramref name="challengeId"/> is used, false ever after (until it has expired anyway).</summary>
    Task<bool> TryUseAsync(string challengeId, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Counts one more connection from <paramref name="address"/> in the clock hour of <paramref name="now"/>; returns the count with it.</summary>
    Task<long> CountConnectionAsync(string address, DateTimeOffset now, CancellationToken cancellationToken);
}
