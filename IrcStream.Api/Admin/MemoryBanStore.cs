namespace IrcStream.Api.Admin;

/// <summary>The bans of a gateway that runs alone, in its memory; an ended ban is dropped when the list is next read.</summary>
internal sealed class MemoryBanStore(TimeProvider time) : IBanStore
{
    private readonly Lock _gate = new();
    private readonly List<Ban> _bans = [];

    public Task AddAsync(Ban ban, CancellationToken cancellationToken)
    {
        lock (_gate) _bans.Add(ban);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Ban>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _bans.RemoveAll(b => b.Ends <= now);
            return Task.FromResult<IReadOnlyList<Ban>>(_bans.ToArray());
        }
    }

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _bans.RemoveAll(b => b.Ends <= now);
            return Task.FromResult(_bans.RemoveAll(b => b.Id == id) > 0);
        }
    }
}
