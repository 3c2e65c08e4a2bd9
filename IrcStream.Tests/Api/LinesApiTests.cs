using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using IrcStream.Domain.Connections;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

public sealed class LinesApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();

    [Fact]
    public async Task LinesAreQueuedInOrderAnd202CountsThem()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        using var response = await browser.PostLinesAsync(id, "PRIVMSG #ircstream :hello", "JOIN #more");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await BodyAsync(response)).GetProperty("queued").GetInt32().Should().Be(2);
        host.Fakes![id].SentLines.Should().Equal("PRIVMSG #ircstream :hello", "JOIN #more");
    }

    public static TheoryData<string> BadLines => new()
    {
        "",
        "PRIVMSG #a :one\r\nQUIT :injected",
        "PRIVMSG #a :one\nQUIT",
        "PRIVMSG #a :one\rQUIT",
        "PRIVMSG #a :nul\0byte",
        "PRIVMSG #a :" + new string('x', 500),
        "PRIVMSG #a :" + new string('é', 250),
        "@" + new string('t', 4095) + " PRIVMSG #a :x",
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task ABadLineIsRefusedNamingItsIndexAndNothingOfTheRequestIsSent(string bad)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();

        using var response = await browser.PostLinesAsync(id, "PRIVMSG #a :fine", "NOTICE #a :also fine", bad, "PRIVMSG #a :after");
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("errors").TryGetProperty("lines[2]", out _).Should().BeTrue(body.ToString());
        body.GetProperty("detail").GetString().Should().StartWith("lines[2] (line 3 of the request) is refused");
        host.Fakes![id].SentLines.Should().BeEmpty();
    }

    [Fact]
    public async Task LongestLegalLineAndTagsAreAccepted()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        var line510 = "PRIVMSG #a :" + new string('x', 510 - "PRIVMSG #a :".Length);
        var tagged = "@" + new string('t', 4094) + " " + line510;

        using var response = await browser.PostLinesAsync(id, line510, tagged);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Token));
        host.Fakes![id].SentLines.Should().Equal(line510, tagged);
    }

    [Theory]
    [InlineData("""{"lines":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"lines":[null]}""")]
    [InlineData("""{"lines":"PRIVMSG #a :x"}""")]
    public async Task MissingOrMalformedLinesAre400(string json)
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        using var response = await browser.Http.PostAsync($"/api/connections/{id}/lines", new StringContent(json, Encoding.UTF8, "application/json"), Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        host.Fakes![id].SentLines.Should().BeEmpty();
    }

    [Fact]
    public async Task SocketNotOpenIs409()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        host.Fakes![id].State = ConnectionState.Reconnecting;

        using var response = await browser.PostLinesAsync(id, "PRIVMSG #a :hi");
        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await browser.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{id}", Token)).GetProperty("state").GetString().Should().Be("reconnecting");
    }

    [Fact]
    public async Task FullQueueIs429AndNothingIsQueued()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        var id = await browser.ConnectAsync();
        host.Fakes![id].QueueCapacity = 3;

        using var response = await browser.PostLinesAsync(id, "PRIVMSG #a :1", "PRIVMSG #a :2", "PRIVMSG #a :3", "PRIVMSG #a :4");
        await response.ShouldBeProblemAsync((HttpStatusCode)429);
        host.Fakes[id].SentLines.Should().BeEmpty();
    }
}
