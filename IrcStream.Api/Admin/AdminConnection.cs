namespace IrcStream.Api.Admin;

/// <summary>
/// One IRC connection as the admin API lists it: the user's side (nick, server, channels, state), where it came from
/// (the client address that opened it, when, in which session) and which node holds it (null when the gateway runs
/// alone, or while no node holds it).
/// </summary>
public sealed record AdminConnection(
    string Id,
    string? Nick,
    string Server,
    IReadOnlyCollection<string> Channels,
    string? ClientAddress,
    DateTimeOffset? Created,
    string State,
    string? Node,
    string SessionId);

/// <summary>What the gateway notes about a connection when it opens it, for the admin API: its session (by the cookie's hash), the client's address and when.</summary>
internal sealed record ConnectionFacts(string SessionHash, string? ClientAddress, DateTimeOffset Created);

/// <summary>The admin API's optional body of a close: the reason the user reads in their log.</summary>
public sealed record CloseRequest(string? Reason);

/// <summary>A ban as the admin API asks for one.</summary>
public sealed record BanRequest(string? Address, int? Minutes, string? Reason, bool? CloseConnections);

/// <summary>A ban made: the ban, and how many open connections it closed.</summary>
public sealed record BanCreated(string Id, string Address, string Reason, DateTimeOffset Created, DateTimeOffset Ends, string By, int ClosedConnections);
