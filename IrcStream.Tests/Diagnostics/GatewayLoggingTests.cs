using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IrcStream.Tests.Diagnostics;

/// <summary>The gateway's own log: one line per lifecycle step with the connection id, and no secret or message text.</summary>
public sealed class GatewayLoggingTests
{
    private static readonly TimeSpan Patience = TestConnections.Timeout;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LifecycleLinesNameTheConnectionAndNeverCarryPasswordsSecretsOrMessageText()
    {
        const string password = "srvpass-Q7x2";
        const string saslSecret = "saslpw-K9v4";
        const string outgoing = "outgoing-text-M3p8";
        const string incoming = "incoming-text-Z5w1";
        const string webircPassword = "webirc-R2t6";
        const string refused = "refused-text-J4n9";
        var logs = new CapturingLoggerProvider();
        await using var server = FakeIrcServer.Start();
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["IrcStream:Webirc:Password"] = webircPassword,
        }, realEngine: true,
            services: services => services.AddSingleton<ILoggerProvider>(logs));
        var browser = host.NewBrowser();

        using var created = await browser.Http.PostAsJsonAsync("/api/connections", new
        {
            server = $"127.0.0.1:{server.Port}",
            nick = "logme",
            password,
            sasl = new { account = "logme", password = saslSecret },
        }, Token);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Token));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetString()!;

        var peer = await server.AcceptAsync(Patience, Token);
        (await peer.WaitForAsync("WEBIRC", Patience, Token)).Params[0].Should().Be(webircPassword);
        (await peer.WaitForAsync("PASS", Patience, Token)).Params[0].Should().Be(password);
        await peer.NegotiateCapsAsync("sasl", Patience, Token);
        (await peer.ReceiveSaslPlainAsync(Patience, Token)).Should().EndWith(saslSecret);
        await peer.SendLinesAsync(Token, ":fake.server 903 logme :SASL authentication successful");
        await peer.WaitForAsync("CAP", Patience, Token, "END");
        await peer.SendLinesAsync(Token, ":fake.server 001 logme :Welcome logme");

        await using (var stream = await browser.OpenEventsAsync(id))
        {
            (await browser.PostLinesAsync(id, $"PRIVMSG #c :{outgoing}")).StatusCode.Should().Be(HttpStatusCode.Accepted);
            await peer.WaitForAsync(m => m.Command == "PRIVMSG" && m.Params[^1] == outgoing, Patience, Token);
            (await browser.PostLinesAsync(id, $"PRIVMSG #c :{refused}\r")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
            await peer.SendLinesAsync(Token, $":bob!b@h PRIVMSG logme :{incoming}");
            await stream.ReadUntilAsync(incoming, Patience);
        }
        (await browser.Http.DeleteAsync($"/api/connections/{id}", Token)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var lines = await LinesUntilAsync(logs, $"Event stream of connection {id} closed");
        var shown = lines.Where(e => e.Level >= LogLevel.Information).Select(e => $"{e.Level} {e.Category}: {e.Text}").ToArray();
        var all = string.Join(Environment.NewLine, shown);
        foreach (var secret in new[] { password, saslSecret, webircPassword, outgoing, incoming })
            shown.Should().NotContain(line => line.Contains(secret), $"'{secret}' must not be logged at Information or above:{Environment.NewLine}{all}");

        foreach (var step in new[]
        {
            $"Connection {id} created for 127.0.0.1:{server.Port}",
            $"Connection {id} connecting to 127.0.0.1:{server.Port}",
            $"Connection {id} registered on 127.0.0.1:{server.Port} as logme",
            $"Event stream of connection {id} opened",
            $"Event stream of connection {id} closed",
            $"Connection {id} to 127.0.0.1:{server.Port} closing: Closed by the user",
            $"Connection {id} to 127.0.0.1:{server.Port} closed",
        })
        {
            shown.Should().ContainSingle(line => line.Contains(step), $"the log should say '{step}' once:{Environment.NewLine}{all}");
        }
        shown.Should().Contain(line => line.Contains("Session ") && line.Contains(" started"), all);

        // Below Information too, a refused line is counted and explained, never quoted.
        lines.Should().Contain(e => e.Level == LogLevel.Debug && e.Text == $"Connection {id} refused 1 lines: invalid");
        lines.Should().NotContain(e => e.Text.Contains(refused), "a refused line's text is not logged at any level");
    }


    /// <summary>The stream's closing line is written when the server notices the client left: wait for it, bounded.</summary>
    private static async Task<IReadOnlyList<(string Category, LogLevel Level, string Text)>> LinesUntilAsync(CapturingLoggerProvider logs, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var entries = logs.Entries;
            if (entries.Any(e => e.Text.Contains(text))) return entries;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No log line '{text}' within {Patience}:{Environment.NewLine}{string.Join(Environment.NewLine, entries.Select(e => e.Text))}");
            await Task.Delay(50, Token);
        }
    }
}
