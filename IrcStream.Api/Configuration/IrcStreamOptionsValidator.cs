using System.Net;
using IrcStream.Api.Cluster;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.WebClient;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Configuration;

/// <summary>Checks every key at start-up, so a bad value stops the gateway with the key's name and what it accepts.</summary>
internal sealed class IrcStreamOptionsValidator : IValidateOptions<IrcStreamOptions>
{

    public ValidateOptionsResult Validate(string? name, IrcStreamOptions options)
    {
        var failures = new List<string>();

        for (var i = 0; i < options.AllowedServers.Count; i++)
        {
            if (!ServerPattern.TryParse(options.AllowedServers[i], out _, out var error))
                failures.Add($"{Key($"AllowedServers:{i}")} ('{options.AllowedServers[i]}') is not valid: {error}");
        }

        // The engine's keys are judged by the engine's own ranges.
        foreach (var problem in ConnectionsSetup.EngineSettings(options).Problems())
            failures.Add($"{Key(EngineKey(problem.Setting))} {problem.Problem}");
        Check(failures, "LiveReaderHoldTotalBytes", SettingRange.Bytes(options.LiveReaderHoldTotalBytes, 0, 1L << 40));
        Whole(failures, "PollBatchSize", options.PollBatchSize, 1, 100_000);
        Whole(failures, "MaxConnectionsPerSession", options.MaxConnectionsPerSession, 1, 1000);
        Whole(failures, "MaxSessions", options.MaxSessions, 1, 10_000_000);
        Whole(failures, "MaxSessionsPerAddress", options.MaxSessionsPerAddress, 1, 10_000_000);
        Whole(failures, "MaxStreamsPerConnection", options.MaxStreamsPerConnection, 1, 100_000);
        Whole(failures, "MaxStreamsPerSession", options.MaxStreamsPerSession, 1, 1_000_000);
        Whole(failures, "MaxStreamsPerAddress", options.MaxStreamsPerAddress, 1, 10_000_000);
        Whole(failures, "Ipv6PrefixLength", options.Ipv6PrefixLength, 16, 128);
        Whole(failures, "ConnectionRateLimit:PermitLimit", options.ConnectionRateLimit.PermitLimit, 1, 1_000_000);

        Duration(failures, "KeepAliveInterval", options.KeepAliveInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        Duration(failures, "LongPollTimeout", options.LongPollTimeout, TimeSpan.FromMilliseconds(1), Streaming.StreamingApi.MaxPollTimeout);
        Duration(failures, "SessionIdleTimeout", options.SessionIdleTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(30));
        Duration(failures, "ConnectionRateLimit:Window", options.ConnectionRateLimit.Window, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));

        if (options.Webirc.Password is { Length: > 0 } password && !IrcParameters.IsMiddle(password))
            failures.Add(Key("Webirc:Password") + " contains a space, ':' at its start, or CR/LF/NUL; it accepts one IRC parameter.");
        if (!IrcParameters.IsMiddle(options.Webirc.Gateway))
            failures.Add(Key("Webirc:Gateway") + $" ('{options.Webirc.Gateway}') is empty or contains a space, ':' at its start, or CR/LF/NUL; it accepts a name like \"ircstream\".");

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _))
                failures.Add($"{Key($"TrustedProxies:{i}")} ('{options.TrustedProxies[i]}') is not an IP address; it accepts addresses like 10.0.0.5 or ::1.");
        }
        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.TrustedNetworks[i], out _))
                failures.Add($"{Key($"TrustedNetworks:{i}")} ('{options.TrustedNetworks[i]}') is not a network; it accepts CIDR like 10.0.0.0/8 or fd00::/8.");
        }

        for (var i = 0; i < options.Metrics.AllowedAddresses.Count; i++)
        {
            if (!AddressRange.TryParse(options.Metrics.AllowedAddresses[i], out _))
                failures.Add($"{Key($"Metrics:AllowedAddresses:{i}")} ('{options.Metrics.AllowedAddresses[i]}') is not an address or network; it accepts an IP like 10.0.0.5 or CIDR like 10.0.0.0/8 (0.0.0.0/0 and ::/0 for everyone).");
        }

        RedisSettings(failures, options.Redis);
        GuardOptionsValidator.Check(failures, options);
        WebClientSettings.Check(options, (key, problem) => failures.Add($"{Key(key)} {problem}"));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Key(string key) => $"{IrcStreamOptions.SectionName}:{key}";

    /// <summary>The configuration key of an <see cref="IrcEngineSettings"/> property (see <see cref="ConnectionsSetup.EngineSettings"/>).</summary>
    private static string EngineKey(string setting) => setting switch
    {
        nameof(IrcEngineSettings.FloodBurst) => "Flood:Burst",
        nameof(IrcEngineSettings.FloodInterval) => "Flood:Interval",
        _ => setting,
    };

    private static void Check(List<string> failures, string key, string? problem)
    {
        if (problem is not null) failures.Add($"{Key(key)} {problem}");
    }

    private static void Whole(List<string> failures, string key, int value, int min, int max) =>
        Check(failures, key, SettingRange.Whole(value, min, max));

    private static void Duration(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max) =>
        Check(failures, key, SettingRange.Duration(value, min, max));

    private static void RedisSettings(List<string> failures, RedisOptions redis)
    {
        if (redis.IsConfigured && RedisSetup.ParseConfiguration(redis.Configuration!, out var error) is null)
            failures.Add(Key("Redis:Configuration") + $" is not a StackExchange.Redis configuration string ({error}); it accepts e.g. \"redis:6379\" or \"10.0.0.5:6379,password=...,ssl=true\".");
        // Braces would change which part of a key Redis Cluster hashes; ':' ends the prefix.
        if (string.IsNullOrEmpty(redis.KeyPrefix) || redis.KeyPrefix.AsSpan().IndexOfAny("{}: \r\n\t") >= 0)
            failures.Add(Key("Redis:KeyPrefix") + $" ('{redis.KeyPrefix}') is empty or contains braces, ':' or white space; it accepts a name like \"ircstream\".");
        if (redis.NodeUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var node) && node.Scheme is "http" or "https" && node.AbsolutePath == "/"))
            failures.Add(Key("Redis:NodeUrl") + $" ('{url}') is not an http or https address without a path; it accepts e.g. \"http://gateway-1:8080\".");
        Duration(failures, "Redis:ForwardTimeout", redis.ForwardTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        // The heartbeat renews every second: a lease must survive a few slow beats.
        Duration(failures, "Redis:LeaseTimeout", redis.LeaseTimeout, TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5));
    }
}
