using System.Text.Json;

namespace IrcStream.Tests.Web;

/// <summary>What a link to the client may carry (js/link.js) and how the client words the replies that stop a newcomer (js/replies.js), in Chromium.</summary>
[Collection("Web")]
public sealed class LinkModuleTests(BrowserFixture browser, StaticGatewayFixture gateway) : IClassFixture<StaticGatewayFixture>, IAsyncLifetime
{
    private ModulePage? _page;

    private ModulePage Page => _page ?? throw new InvalidOperationException("The page is not open.");

    public async ValueTask InitializeAsync() => _page = await ModulePage.OpenAsync(browser.Browser, gateway.Host.BaseAddress);

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.DisposeAsync();
    }

    private Task<JsonElement> ParseAsync(string search, string hash) => Page.RunAsync($$"""
        const { parseLink } = await import('/js/link.js');
        let n = 0;
        const digits = () => ((n++ % 10) + 0.5) / 10;
        return parseLink({{JsonSerializer.Serialize(search)}}, {{JsonSerializer.Serialize(hash)}}, ['irc.example.net:6697', '*.example.org:6697'], digits);
        """);

    private static string[] Channels(JsonElement link) => link.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).ToArray();

    [Theory]
    [InlineData("", "#project", new[] { "#project" })]
    [InlineData("", "#a,#b", new[] { "#a", "#b" })]
    [InlineData("", "#a,b", new[] { "#a", "#b" })]
    [InlineData("", "##dev", new[] { "##dev" })]
    [InlineData("", "#%23a,%23b", new[] { "#a", "#b" })]
    [InlineData("?channels=%23a,%23b", "", new[] { "#a", "#b" })]
    [InlineData("?channels=help,%26local", "", new[] { "#help", "&local" })]
    [InlineData("?channels=%23a", "#a,#c", new[] { "#a", "#c" })]
    [InlineData("?nick=x", "", new string[0])]
    public async Task ChannelsComeFromTheQueryAndTheFragmentInEveryWrittenForm(string search, string hash, string[] expected)
    {
        Channels(await ParseAsync(search, hash)).Should().Equal(expected);
    }

    [Fact]
    public async Task EachQuestionMarkOfALinkedNickBecomesADigit()
    {
        var link = await ParseAsync("?nick=Guest???", "");
        link.GetProperty("nick").GetString().Should().Be("Guest012");
        link.GetProperty("present").GetBoolean().Should().BeTrue();
    }

    [Theory]
    [InlineData("?nick=bad%20nick%0D%0AQUIT", "", "nick")]
    [InlineData("?nick=9lives", "", "nick")]
    [InlineData("?channels=%23a%20b", "", "channel")]
    [InlineData("?channels=%23a%0D%0APRIVMSG%20x", "", "channel")]
    [InlineData("", "#a%07b", "channel")]
    [InlineData("?server=evil.example.com:6667", "", "server")]
    public async Task ALinkCannotSmuggleALineOrAServerIn(string search, string hash, string refused)
    {
        var link = await ParseAsync(search, hash);
        link.GetProperty("nick").ValueKind.Should().Be(JsonValueKind.Null);
        link.GetProperty("server").ValueKind.Should().Be(JsonValueKind.Null);
        Channels(link).Should().BeEmpty();
        link.GetProperty("problems").EnumerateArray().Should().ContainSingle().Which.GetString().Should().Contain(refused);
    }

    [Fact]
    public async Task AnAllowedServerAndALanguageAreTaken()
    {
        var link = await ParseAsync("?server=irc.example.net:6697&lang=de", "#help");
        link.GetProperty("server").GetString().Should().Be("irc.example.net:6697");
        link.GetProperty("lang").GetString().Should().Be("de");
        (await ParseAsync("?server=chat.example.org:6697", "")).GetProperty("server").GetString().Should().Be("chat.example.org:6697", "a wildcard entry allows it");
    }

    [Fact]
    public async Task ACopiedChannelLinkLeadsBackToTheSameChannel()
    {
        var result = await Page.RunAsync("""
            const { channelLink, parseLink } = await import('/js/link.js');
            const allowed = ['irc.example.net:6697', 'irc.other.net:6697'];
            const back = (url) => {
              const u = new URL(url);
              const link = parseLink(u.search, u.hash, allowed);
              return { url, channels: link.channels, server: link.server };
            };
            return [
              back(channelLink('https://chat.example.net', '#project', 'irc.example.net:6697', 'irc.example.net:6697')),
              back(channelLink('https://chat.example.net', '##dev', 'irc.example.net:6697', 'irc.example.net:6697')),
              back(channelLink('https://chat.example.net', '&local', 'irc.other.net:6697', 'irc.example.net:6697')),
            ];
            """);
        var links = result.EnumerateArray().ToArray();
        links[0].GetProperty("url").GetString().Should().Be("https://chat.example.net/#project");
        Channels(links[0]).Should().Equal(["#project"]);
        Channels(links[1]).Should().Equal(["##dev"]);
        Channels(links[2]).Should().Equal(["&local"]);
        links[2].GetProperty("server").GetString().Should().Be("irc.other.net:6697");
    }

    [Fact]
    public async Task RepliesThatStopANewcomerSayWhatHappenedAndWhatToDo()
    {
        var result = await Page.RunAsync("""
            const { Model } = await import('/js/state.js');
            const model = new Model();
            const c = model.addConnection({ id: 'c1', server: 'irc.test:6667', nick: 'me', state: 'connecting', saslAccount: 'alice' });
            let seq = 0;
            const msg = (source, command, ...params) => model.apply(c, { seq: ++seq, type: 'message', time: new Date().toISOString(), source, command, params });
            model.apply(c, { seq: ++seq, type: 'status', status: 'REGISTERED', detail: 'me', time: new Date().toISOString() });
            msg('irc.test', '904', 'me', 'SASL authentication failed');
            msg('irc.test', '477', 'me', '#members', 'You need to be identified to a registered account to join this channel');
            msg('irc.test', '474', 'me', '#banned', 'Cannot join channel (you are banned)');
            msg('irc.test', '489', 'me', '#secure', 'Cannot join channel; SSL users only (+z)');
            msg('irc.test', 'FAIL', 'NICK', 'NICKNAME_RESERVED', 'alice', 'Nickname is reserved by a different account');
            msg('irc.test', 'NOTE', '*', 'SOMETHING', 'Just so you know');
            const lines = (name) => (name ? c.buffer(name) : c.serverBuffer).lines.map((l) => ({ kind: l.kind, text: l.text }));
            return { server: lines(''), members: lines('#members'), banned: lines('#banned'), secure: lines('#secure') };
            """);
        var server = result.GetProperty("server").EnumerateArray().Select(l => (l.GetProperty("kind").GetString(), l.GetProperty("text").GetString()!)).ToArray();
        server.Should().Contain(l => l.Item1 == "error" && l.Item2.Contains("Logging in as alice failed") && l.Item2.Contains("connect again"));
        server.Should().Contain(l => l.Item1 == "error" && l.Item2.StartsWith("NICK alice: This nick belongs to a registered account", StringComparison.Ordinal));
        server.Should().Contain(l => l.Item1 == "server" && l.Item2 == "Just so you know");
        result.GetProperty("members")[0].GetProperty("text").GetString().Should().Contain("only people logged in to a registered account").And.Contain("Register your nick");
        result.GetProperty("banned")[0].GetProperty("text").GetString().Should().Contain("you are banned from it");
        result.GetProperty("secure")[0].GetProperty("text").GetString().Should().Contain("Use TLS");
    }

    [Fact]
    public async Task AServerThatWantsTlsIsNamedInPlainWords()
    {
        var result = await Page.RunAsync("""
            const { Model } = await import('/js/state.js');
            const model = new Model();
            const now = () => new Date().toISOString();
            let seq = 0;
            const status = (c, s, detail) => model.apply(c, { seq: ++seq, type: 'status', status: s, detail, time: now() });
            const lines = (c) => c.serverBuffer.lines.filter((l) => l.kind === 'error').map((l) => l.text);
            // A plain connection to 6697 dropped before the welcome, twice: said once.
            const tlsPort = model.addConnection({ id: 'a', server: 'irc.test:6697', tls: false, nick: 'me', state: 'connecting' });
            for (let i = 0; i < 2; i++) {
              status(tlsPort, 'CONNECTING', 'irc.test:6697');
              status(tlsPort, 'CONNECTED', 'irc.test:6697');
              status(tlsPort, 'DISCONNECTED', 'The server closed the connection');
              status(tlsPort, 'RECONNECTING', 'in 60 s');
            }
            // A server that says why in its ERROR.
            seq = 0;
            const says = model.addConnection({ id: 'b', server: 'irc.test:6667', tls: false, nick: 'me', state: 'connecting' });
            status(says, 'CONNECTED', 'irc.test:6667');
            model.apply(says, { seq: ++seq, type: 'message', time: now(), source: null, command: 'ERROR', params: ['Closing Link: Insecure connection. Please reconnect using SSL/TLS'] });
            // Over TLS, on 6667 and after the welcome nothing is said.
            seq = 0;
            const fine = model.addConnection({ id: 'c', server: 'irc.test:6697', tls: true, nick: 'me', state: 'connecting' });
            status(fine, 'CONNECTED', 'irc.test:6697');
            status(fine, 'DISCONNECTED', 'lost');
            return { tlsPort: lines(tlsPort), says: lines(says), fine: lines(fine) };
            """);
        var tlsPort = result.GetProperty("tlsPort").EnumerateArray().Select(l => l.GetString()!).ToArray();
        tlsPort.Where(l => l.Contains("accepts only connections over TLS")).Should().ContainSingle().Which.Should().Contain("\"Use TLS\" ticked");
        result.GetProperty("says")[0].GetString().Should().StartWith("This server accepts only connections over TLS").And.Contain("(The server says: Closing Link");
        result.GetProperty("fine").EnumerateArray().Should().NotContain(l => l.GetString()!.Contains("TLS"));
    }

    [Theory]
    [InlineData("sasl draft/account-registration=before-connect,email-required server-time", true, false)]
    [InlineData("draft/account-registration=custom-account-name", false, true)]
    [InlineData("draft/account-registration", false, false)]
    public async Task TheRegistrationOfferIsReadFromTheCapList(string caps, bool email, bool custom)
    {
        var offer = await Page.RunAsync($$"""
            const { registrationOffer } = await import('/js/register.js');
            return registrationOffer({{JsonSerializer.Serialize(caps)}});
            """);
        (offer.GetProperty("emailRequired").GetBoolean(), offer.GetProperty("customAccountName").GetBoolean()).Should().Be((email, custom));
        var none = await Page.RunAsync("""
            const { registrationOffer } = await import('/js/register.js');
            return registrationOffer('sasl server-time draft/account-registrationx');
            """);
        none.ValueKind.Should().Be(JsonValueKind.Null);
    }
}
