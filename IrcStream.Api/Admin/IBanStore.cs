namespace IrcStream.Api.Admin;

/// <summary>
/// Where bans are kept: in this process (<see cref="MemoryBanStore"/>) or in Redis, where every node reads the same
/// ones (<see cref="RedisBanStore"/>). Chosen once at start-up; both pass the same contract tests.
/// </summary>
internal interface IBanStore
{
    Task AddAsync(Ban ban, CancellationToken cancellationToken);

    /// <summary>The bans in force now (those that have ended are dropped), oldest first.</summary>
    Task<IReadOnlyList<Ban>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Lifts a ban; false when there is none in force with that id.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken);
}
