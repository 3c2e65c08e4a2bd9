using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IrcStream.Benchmarks.Load;

/// <summary>
/// Redis mode: how soon an operator's action asked of node B holds on node A (issue 20's aim: within 1 s). Two gateway
/// children sharing a redis-server, the pump as IRC server; after <see cref="WarmupRounds"/> rounds, one round at a time:
/// <list type="bullet">
/// <item><b>close</b>: a browser's connection held by node A and registered on the pump is closed with
/// <c>DELETE /admin/connections/{id}</c> asked of node B, which forwards it to A; A has closed it (QUIT sent) before
/// either answers, so the answer's time is when the close holds.</item>
/// <item><b>ban</b>: <c>POST /admin/bans</c> asked of node B (the ban is in Redis when B answers), then a browser at
/// that address asking node A for a session: refused. The time is the two together.</item>
/// <item><b>ban+close</b>: a browser at an address holds a connection on node A; <c>POST /admin/bans</c> with
/// <c>closeConnections</c> asked of node B lists the connections and has A close that one before it answers.</item>
/// </list>
/// Each browser comes from its own address (<c>X-Forwarded-For</c> from loopback, which the gateway trusts), and each ban
/// is lifted afterwards, untimed, so the bans in force stay few.
/// </summary>
public static class AdminScenario
{
    public const string Name = "admin";
    public const int Rounds = 300;
    private const int WarmupRounds = 30;

    public static async Task<string> RunAsync(string jsonPath, CancellationToken cancellationToken)
    {
        await using var redis = await RedisProcess.StartAsync(cancellationToken);
        await using var pump = IrcPumpServer.Start();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = HarnessGateway.HarnessSettings(1000);
        settings["IrcStream:Redis:Configuration"] = redis.Configuration;
        settings["IrcStream:Admin:Keys:0:Name"] = "bench";
        settings["IrcStream:Admin:Keys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        settings["IrcStream:Admin:RateLimit:PermitLimit"] = "1000000";
        await using var nodeA = await HarnessGateway.StartAsync(settings, cancellationToken);
        await using var nodeB = await HarnessGateway.StartAsync(settings, cancellationToken);
        // No cookies: every create is a new browser's session.
        using var browsers = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = nodeA.BaseAddress };
        using var adminA = Admin(nodeA.BaseAddress, key);
        using var adminB = Admin(nodeB.BaseAddress, key);

        var close = new List<double>();
        var ban = new List<double>();
        var banAndClose = new List<double>();
        for (var round = -WarmupRounds; round < Rounds; round++)
        {
            var measured = round >= 0;
            var index = round + WarmupRounds;

            var id = await ConnectAsync(browsers, pump, Address(index, 1), $"adc{index}", cancellationToken);
            var start = Stopwatch.GetTimestamp();
            using (var closed = await adminB.DeleteAsync($"/admin/connections/{id}", cancellationToken)) Expect(closed, HttpStatusCode.NoContent);
            if (measured) close.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            var banned = Address(index, 2);
            start = Stopwatch.GetTimestamp();
            var banId = await BanAsync(adminB, banned, closeConnections: false, expectClosed: 0, cancellationToken);
            using (var refused = await browsers.SendAsync(Create(pump, banned, $"adr{index}"), cancellationToken)) Expect(refused, HttpStatusCode.Forbidden);
            if (measured) ban.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await LiftAsync(adminA, banId, cancellationToken);

            var held = Address(index, 3);
            await ConnectAsync(browsers, pump, held, $"adb{index}", cancellationToken);
            start = Stopwatch.GetTimestamp();
            banId = await BanAsync(adminB, held, closeConnections: true, expectClosed: 1, cancellationToken);
            if (measured) banAndClose.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await LiftAsync(adminA, banId, cancellationToken);
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"admin: {Rounds} rounds after {WarmupRounds} warm-up rounds, one at a time; each asked of node B, holding on node A (ms)");
        table.AppendLine("action | p50 | p99 | max");
        var rows = new Dictionary<string, object>();
        foreach (var (name, times) in new[] { ("close", close), ("ban", ban), ("ban+close", banAndClose) })
        {
            var sorted = times.Order().ToArray();
            table.AppendLine(CultureInfo.InvariantCulture, $"{name} | {Percentiles.Of(sorted, 50):0.000} | {Percentiles.Of(sorted, 99):0.000} | {sorted[^1]:0.000}");
            rows[name] = new { p50 = Percentiles.Of(sorted, 50), p99 = Percentiles.Of(sorted, 99), max = sorted[^1] };
        }
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new { scenario = Name, rounds = Rounds, warmupRounds = WarmupRounds, actions = rows }), cancellationToken);
        return table.ToString();
    }

    /// <summary>A browser address of round <paramref name="index"/> (198.18.0.0/15, the benchmarking range), one per use.</summary>
    private static string Address(int index, int use) => string.Create(CultureInfo.InvariantCulture, $"198.{18 + index / 16_000}.{index / 64 % 250}.{index % 64 * 4 + use}");

    private static HttpClient Admin(Uri node, string key)
    {
        var admin = new HttpClient { BaseAddress = node };
        admin.DefaultRequestHeaders.Add("Authorization", $"Bearer {key}");
        return admin;
    }

    private static HttpRequestMessage Create(IrcPumpServer pump, string address, string nick)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { server = pump.Server, nick }) };
        request.Headers.Add("X-Forwarded-For", address);
        return request;
    }

    /// <summary>A new session at <paramref name="address"/> on node A whose connection the pump has welcomed; its id.</summary>
    private static async Task<string> ConnectAsync(HttpClient browsers, IrcPumpServer pump, string address, string nick, CancellationToken cancellationToken)
    {
        using var created = await browsers.SendAsync(Create(pump, address, nick), cancellationToken);
        Expect(created, HttpStatusCode.Created);
        await pump.WaitForClientAsync(nick, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<string> BanAsync(HttpClient admin, string address, bool closeConnections, int expectClosed, CancellationToken cancellationToken)
    {
        using var banned = await admin.PostAsJsonAsync("/admin/bans", new { address, minutes = 60, reason = "benchmark", closeConnections }, cancellationToken);
        Expect(banned, HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await banned.Content.ReadAsStringAsync(cancellationToken));
        var closed = body.RootElement.GetProperty("closedConnections").GetInt32();
        if (closed != expectClosed) throw new InvalidOperationException($"The ban of {address} closed {closed} connections, not {expectClosed}.");
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task LiftAsync(HttpClient admin, string banId, CancellationToken cancellationToken)
    {
        using var lifted = await admin.DeleteAsync($"/admin/bans/{banId}", cancellationToken);
        Expect(lifted, HttpStatusCode.NoContent);
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)status}.");
    }
}
