namespace IrcStream.Api.Cluster;

/// <summary>
/// Every Lua script Redis mode runs, one <c>.lua</c> file each beside this one (embedded in the assembly), each opening
/// with its KEYS/ARGV contract. What must happen together in Redis (a fenced append, a claim, a renewal) is one script,
/// not a read and then a write. Each is run against a real redis-server by <c>RedisScriptsTests</c>.
/// </summary>
internal static class RedisScripts
{
    public static readonly string EventAppend = Load("event-append");
    public static readonly string LeaseClaim = Load("lease-claim");
    public static readonly string LeaseHandOver = Load("lease-hand-over");
    public static readonly string LeaseDelete = Load("lease-delete");
    public static readonly string ConnectionRenew = Load("connection-renew");
    public static readonly string TakeoverScan = Load("takeover-scan");
    public static readonly string OwnerFind = Load("owner-find");
    public static readonly string LinesAdd = Load("lines-add");
    public static readonly string LinesWritten = Load("lines-written");
    public static readonly string LinesTake = Load("lines-take");
    public static readonly string SessionCreate = Load("session-create");
    public static readonly string SessionTouch = Load("session-touch");
    public static readonly string SessionAddConnection = Load("session-add-connection");
    public static readonly string SessionRemoveConnection = Load("session-remove-connection");
    public static readonly string SessionEnd = Load("session-end");
    public static readonly string AddressRate = Load("address-rate");
    public static readonly string AddressStreamsTake = Load("address-streams-take");
    public static readonly string AddressStreamsRenew = Load("address-streams-renew");
    public static readonly string GenerationCheck = Load("generation-check");
    public static readonly string ConnectionRebuild = Load("connection-rebuild");
    public static readonly string SessionRebuild = Load("session-rebuild");
    public static readonly string KeyRingRestore = Load("key-ring-restore");
    public static readonly string BansRestore = Load("bans-restore");

    private static string Load(string name)
    {
        var resource = $"IrcStream.Api.Cluster.Scripts.{name}.lua";
        using var stream = typeof(RedisScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Lua script {resource} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
