using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Domain.Client;
using IrcStream.Domain.Connections;
using StackExchange.Redis;

namespace IrcStream.Api.Cluster;

/// <summary>
/// A connection's record in Redis (<see cref="RedisKeys.Connection"/>, a hash), read back: the only place that knows
/// the hash's field names, and the mapping both ways between a connection (its options, as its creator asked, and its
/// client's state) and the record. The owner writes it whole when it opens the connection (<see cref="Opened"/>) and
/// its changing part every heartbeat (<see cref="Heartbeat"/>); any node reads it to describe the connection
/// (<see cref="Describe"/>), and a node taking the connection over rebuilds its options from it (<see cref="Options"/>).
/// Secrets (the server and SASL passwords, channel keys) are written encrypted (<see cref="ConnectionSecrets"/>).
/// </summary>
internal sealed record ConnectionRecord
{
    private const string ServerField = "server";
    private const string TlsField = "tls";
    private const string StateField = "state";
    private const string NickField = "nick";
    private const string ChannelsField = "channels";
    private const string RequestedNickField = "requested-nick";
    private const string UsernameField = "username";
    private const string RealnameField = "realname";
    private const string RequestedChannelsField = "requested-channels";
    private const string RejoinField = "rejoin";
    private const string KeysField = "keys";
    private const string WebircAddressField = "webirc-address";
    private const string WebircFlagsField = "webirc-flags";
    private const string UserTemplateField = "user-template";
    private const string PasswordField = "password";
    private const string SaslAccountField = "sasl-account";
    private const string SaslPasswordField = "sasl-password";
    private const string SessionField = "session";
    /// <summary>The record's field that names the owner node.</summary>
    public const string OwnerField = "owner";
    private const string RenewedField = "renewed";
    private const string ReceivedField = "received";
    private const string ClientAddressField = "client-address";
    private const string CreatedField = "created";

    private readonly Dictionary<string, string?> _fields;

    private ConnectionRecord(string connectionId, Dictionary<string, string?> fields)
    {
        ConnectionId = connectionId;
        _fields = fields;
    }

    public string ConnectionId { get; }

    /// <summary>The hash of the session that holds the connection; null in a record without one.</summary>
    public string? SessionHash => NullIfEmpty(Field(SessionField));

    /// <summary>The node that owned the connection last (or "?").</summary>
    public string Owner => Field(OwnerField) ?? "?";

    /// <summary>When its owner last renewed the record (the owner's wall clock); null before the first heartbeat.</summary>
    public DateTimeOffset? Renewed =>
        long.TryParse(Field(RenewedField), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The newest seq a node that handed the connection over had given an event (<see cref="Received(long)"/>); null when none did.</summary>
    public long? ReceivedUpTo =>
        long.TryParse(Field(ReceivedField), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;

    /// <summary>The address of the browser that opened the connection, for the admin API; null when not noted.</summary>
    public string? ClientAddress => NullIfEmpty(Field(ClientAddressField));

    /// <summary>When the connection was opened (the opening node's clock), for the admin API; null when not noted.</summary>
    public DateTimeOffset? Created =>
        long.TryParse(Field(CreatedField), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>What the admin API notes about a connection as it opens (<see cref="ClientAddress"/>, <see cref="Created"/>).</summary>
    public static HashEntry[] Admitted(string? clientAddress, DateTimeOffset created) =>
        [new(ClientAddressField, clientAddress ?? ""), new(CreatedField, created.ToUnixTimeMilliseconds())];

    /// <summary>The admin API's fields as this record holds them (<see cref="Admitted"/>); empty when it has none.</summary>
    public HashEntry[] Admission => Created is { } created ? Admitted(ClientAddress, created) : [];

    /// <summary>The record as read, or null when there is none (the hash was empty).</summary>
    public static ConnectionRecord? From(string connectionId, HashEntry[] entries) =>
        entries.Length == 0 ? null : new ConnectionRecord(connectionId, entries.ToDictionary(e => (string)e.Name!, e => (string?)e.Value));

    /// <summary>The whole record of a connection this node has just opened for <paramref name="sessionHash"/>.</summary>
    public static HashEntry[] Opened(IIrcConnection connection, string sessionHash, string owner, ConnectionSecrets secrets)
    {
        var options = connection.Options;
        var entries = new List<HashEntry>
        {
            new(ServerField, options.Endpoint),
            new(TlsField, options.Tls ? "1" : "0"),
            new(RequestedNickField, options.Nick ?? ""),
            new(UsernameField, options.Username ?? ""),
            new(RealnameField, options.Realname ?? ""),
            new(RequestedChannelsField, string.Join(' ', options.Channels)),
            new(KeysField, ProtectKeys(connection.ClientState.Keys, secrets)),
            new(SessionField, sessionHash),
            new(OwnerField, owner),
        };
        entries.AddRange(State(connection));
        if (options.Webirc is { } webirc)
        {
            entries.Add(new(WebircAddressField, webirc.ClientAddress));
            entries.Add(new(WebircFlagsField, webirc.Flags));
        }
        if (options.UserTemplate is { } template) entries.Add(new(UserTemplateField, JsonSerializer.Serialize(template, ClusterJson.Default.UserTemplate)));
        if (secrets.Protect(options.Password) is { } password) entries.Add(new(PasswordField, password));
        if (options.Sasl is { } sasl) entries.AddRange(Sasl(sasl, secrets));
        return [.. entries];
    }

    /// <summary>The SASL account and its password (encrypted), as the record holds them.</summary>
    public static HashEntry[] Sasl(SaslCredentials sasl, ConnectionSecrets secrets) =>
        [new(SaslAccountField, sasl.Account), new(SaslPasswordField, secrets.Protect(sasl.Password))];

    /// <summary>
    /// What the owner rewrites every heartbeat, as field, value pairs (the renew script's arguments): the state, the
    /// current nick and channels, the channels to rejoin, when it renewed; and the channel keys (encrypted) only when
    /// <paramref name="keysChanged"/>, so they are not encrypted every second.
    /// </summary>
    public static IEnumerable<RedisValue> Heartbeat(IIrcConnection connection, DateTimeOffset renewed, bool keysChanged, ConnectionSecrets secrets)
    {
        foreach (var entry in State(connection))
        {
            yield return entry.Name;
            yield return entry.Value;
        }
        yield return RenewedField;
        yield return renewed.ToUnixTimeMilliseconds();
        if (keysChanged)
        {
            yield return KeysField;
            yield return ProtectKeys(connection.ClientState.Keys, secrets);
        }
    }

    /// <summary>What a stopping node's heartbeat rewrites of a connection it is handing over: only when it renewed (<see cref="RedisConnectionDirectory.Leaving"/>).</summary>
    public static IEnumerable<RedisValue> Renewal(DateTimeOffset renewed) => [RenewedField, renewed.ToUnixTimeMilliseconds()];

    /// <summary>
    /// The field a stopping node writes as it hands the connection over: the newest seq it gave an event. Where the
    /// stream ends before it, the node could not store everything it received in time, and the next owner says so.
    /// </summary>
    public static HashEntry Received(long lastSeq) => new(ReceivedField, lastSeq);

    /// <summary>The field that says which node owns the connection now.</summary>
    public static HashEntry OwnedBy(string node) => new(OwnerField, node);

    /// <summary>The contract object of a connection whose owner is elsewhere (or nobody): <paramref name="leased"/> says whether a lease holds it.</summary>
    public ConnectionDto Describe(bool leased, long lastSeq) => new(
        ConnectionId,
        Field(ServerField) ?? "",
        Field(TlsField) == "1",
        leased ? Field(StateField) ?? "closed" : "closed",
        NullIfEmpty(Field(NickField)),
        Words(Field(ChannelsField)),
        lastSeq);

    /// <summary>
    /// The connection's options as its creator asked, with the nick it had (else the one asked for), the channels to
    /// rejoin (joined or about to be) and their keys, the creating browser's address and WEBIRC options, and the
    /// operator's user name templates as they were filled for that browser.
    /// </summary>
    /// <exception cref="FormatException">The record names no server the connection can use.</exception>
    public IrcConnectionOptions Options(ServerPolicy policy, WebircOptions webirc, ConnectionSecrets secrets)
    {
        var tls = Field(TlsField) == "1";
        if (!ServerEndpoint.TryParse(Field(ServerField), tls, out var endpoint, out var error))
            throw new FormatException($"The record of connection {ConnectionId} names no server it can connect to: {error}");
        var decision = policy.Decide(endpoint);
        var saslPassword = secrets.Unprotect(Field(SaslPasswordField));
        return new IrcConnectionOptions
        {
            ConnectionId = ConnectionId,
            Host = endpoint.Host,
            Port = endpoint.Port,
            Tls = tls,
            Nick = NullIfEmpty(Field(NickField)) ?? NullIfEmpty(Field(RequestedNickField)),
            Username = NullIfEmpty(Field(UsernameField)),
            Realname = NullIfEmpty(Field(RealnameField)),
            Password = secrets.Unprotect(Field(PasswordField)),
            Sasl = NullIfEmpty(Field(SaslAccountField)) is { } account && saslPassword is not null ? new SaslCredentials(account, saslPassword) : null,
            Channels = Words(Field(RejoinField) ?? Field(RequestedChannelsField)),
            ChannelKeys = UnprotectKeys(Field(KeysField), secrets),
            Webirc = ClientIdentity.WebircFor(webirc, Field(WebircAddressField), WebircFlags.Parse(Field(WebircFlagsField))),
            UserTemplate = NullIfEmpty(Field(UserTemplateField)) is { } template ? JsonSerializer.Deserialize(template, ClusterJson.Default.UserTemplate) : null,
            // A server no longer allowed is refused at connect time, which the log then says.
            IsAddressAllowed = decision.Allowed ? decision.IsAddressAllowed : _ => false,
        };
    }

    /// <summary>What changes while the connection lives; the heartbeat rewrites it.</summary>
    private static IEnumerable<HashEntry> State(IIrcConnection connection)
    {
        yield return new(StateField, ConnectionDto.StateName(connection.State));
        yield return new(NickField, connection.CurrentNick ?? "");
        yield return new(ChannelsField, string.Join(' ', connection.Channels));
        yield return new(RejoinField, string.Join(' ', Rejoin(connection.ClientState)));
    }

    /// <summary>Every channel the connection is in or is about to (re)join: what a node taking it over joins.</summary>
    private static IEnumerable<string> Rejoin(IrcClientState client) => client.Joined.Concat(client.Pending).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The channel keys as stored: encrypted JSON, or "" when there are none.</summary>
    private static string ProtectKeys(IReadOnlyList<ChannelKey> channelKeys, ConnectionSecrets secrets) =>
        channelKeys.Count == 0 ? "" : secrets.Protect(JsonSerializer.Serialize(channelKeys, ClusterJson.Default.IReadOnlyListChannelKey))!;

    private static IReadOnlyList<ChannelKey> UnprotectKeys(string? stored, ConnectionSecrets secrets) =>
        secrets.Unprotect(stored) is { } json ? JsonSerializer.Deserialize(json, ClusterJson.Default.IReadOnlyListChannelKey) ?? [] : [];

    private string? Field(string name) => _fields.GetValueOrDefault(name);

    private static string[] Words(string? value) => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>The JSON of what the cluster keeps in connection records, source-generated.</summary>
[JsonSerializable(typeof(IReadOnlyList<ChannelKey>))]
[JsonSerializable(typeof(UserTemplate))]
internal sealed partial class ClusterJson : JsonSerializerContext;
