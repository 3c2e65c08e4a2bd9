using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace IrcStream.Tests.Cluster;

/// <summary>A connection's passwords are in its Redis record only encrypted, with a key ring every node shares.</summary>
[Collection("Redis")]
public sealed class ConnectionSecretsTests(RedisFixture redis)
{
    private const string ServerPassword = "server-pass-hunter2";
    private const string SaslPassword = "sasl-pass-correct-horse";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoKeyHoldsAPasswordInClearAndAnotherNodeCanDecryptThem()
    {
        var prefix = RedisFixture.UniquePrefix("secrets");
        await using var a = GatewayHost.StartNode(redis.Server, prefix);
        await using var b = GatewayHost.StartNode(redis.Server, prefix);
        var browser = a.NewBrowser();
        using var created = await browser.Http.PostAsJsonAsync("/api/connections",
            new { server = "127.0.0.1:6667", nick = "alice", password = ServerPassword, sasl = new { account = "alice", password = SaslPassword } }, Token);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Token));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetString()!;
        a.Fakes![id].Receive(":server NOTICE alice :welcome");

        var multiplexer = a.Services.GetRequiredService<IConnectionMultiplexer>();
        var stored = await EverythingUnderAsync(multiplexer, prefix);
        stored.Should().Contain(s => s.Contains("sasl-password", StringComparison.Ordinal), "the record holds the encrypted SASL password");
        stored.Should().NotContain(s => s.Contains(ServerPassword, StringComparison.Ordinal) || s.Contains(SaslPassword, StringComparison.Ordinal),
            "no key, field or value in Redis holds a password in clear");

        // As a node taking the connection over reads them.
        var record = ConnectionRecord.From(id, await b.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase()
            .HashGetAllAsync(b.Services.GetRequiredService<RedisKeys>().Connection(id)))!;
        var options = record.Options(b.Services.GetRequiredService<ServerPolicy>(), new WebircOptions(), b.Services.GetRequiredService<ConnectionSecrets>());
        (options.Password, options.Sasl?.Password).Should().Be((ServerPassword, SaslPassword), "another node decrypts them with the shared key ring");
    }

    [Fact]
    public async Task ALoginSetLaterIsInTheRecordEncryptedAndTheNodeTakingOverReadsIt()
    {
        var prefix = RedisFixture.UniquePrefix("secrets-later");
        await using var a = GatewayHost.StartNode(redis.Server, prefix);
        await using var b = GatewayHost.StartNode(redis.Server, prefix);
        var browser = a.NewBrowser();
        var id = await browser.ConnectAsync();

        // Through the other node: the request is carried out by the owner.
        using var onB = new Browser(b.BaseAddress, browser.Cookies);
        using var patched = await onB.Http.PatchAsJsonAsync($"/api/connections/{id}",
            new { sasl = new { account = "newacct", password = SaslPassword } }, Token);

        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync(Token));
        a.Fakes![id].Options.Sasl.Should().Be(new IrcStream.Domain.Connections.SaslCredentials("newacct", SaslPassword));
        var stored = await EverythingUnderAsync(a.Services.GetRequiredService<IConnectionMultiplexer>(), prefix);
        stored.Should().NotContain(s => s.Contains(SaslPassword, StringComparison.Ordinal), "no key, field or value in Redis holds the password in clear");
        var record = ConnectionRecord.From(id, await b.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase()
            .HashGetAllAsync(b.Services.GetRequiredService<RedisKeys>().Connection(id)))!;
        var options = record.Options(b.Services.GetRequiredService<ServerPolicy>(), new WebircOptions(), b.Services.GetRequiredService<ConnectionSecrets>());
        options.Sasl.Should().Be(new IrcStream.Domain.Connections.SaslCredentials("newacct", SaslPassword), "a node taking the connection over logs in with it");
    }

    /// <summary>Every key under the prefix (by SCAN), with every value it holds, whatever its type.</summary>
    private static async Task<List<string>> EverythingUnderAsync(IConnectionMultiplexer multiplexer, string prefix)
    {
        var db = multiplexer.GetDatabase();
        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var all = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: prefix + ":*"))
        {
            all.Add(key!);
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String: all.Add((await db.StringGetAsync(key))!); break;
                case RedisType.Hash: all.AddRange((await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")); break;
                case RedisType.List: all.AddRange((await db.ListRangeAsync(key)).Select(v => (string)v!)); break;
                case RedisType.SortedSet: all.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(v => (string)v!)); break;
                case RedisType.Stream: all.AddRange((await db.StreamRangeAsync(key)).SelectMany(e => e.Values).Select(v => $"{v.Name}={v.Value}")); break;
            }
        }
        return all;
    }
}
