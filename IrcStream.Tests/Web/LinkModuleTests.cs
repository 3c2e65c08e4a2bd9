using System.Text.Json;

namespace IrcStream.Tests.Web;

/// <summary>What a link to the client may carry (js/link.js), in Chromium. How the client words the replies that stop a newcomer (js/replies.js) is tested with the model in node (<see cref="ClientModelNodeTests"/>).</summary>
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
