using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IrcStream.Api.Guard;
using IrcStream.Benchmarks.Load;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Guard;

/// <summary>The create route behind the block lists and the human check: each refusal is a problem and nothing reaches IRC.</summary>
public sealed class AdmissionApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> CreateAsync(Browser browser, object? proof = null) =>
        browser.Http.PostAsJsonAsync("/api/connections", new { server = "127.0.0.1:6667", nick = "alice", proof }, Token);

    /// <summary>Finds a nonce the way the web client's worker does, for a test difficulty.</summary>
    internal static string Solve(string challenge, int difficulty)
    {
        for (var nonce = 0L; ; nonce++)
        {
            var text = nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (ProofOfWork.LeadingZeroBits(challenge, text) >= difficulty) return text;
        }
    }

    private static async Task<ChallengeDto> ChallengeAsync(Browser browser)
    {
        using var response = await browser.Http.GetAsync("/api/challenge", Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        return (await response.Content.ReadFromJsonAsync<ChallengeDto>(Token))!;
    }

    [Fact]
    public async Task AnAddressListedInADenyZoneIsRefusedWithTheListsNameAndNothingReachesIrc()
    {
        await using var dns = LoopbackDnsServer.Start();
        dns.Add("7.100.51.198.deny.test", "127.0.0.2");
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Dnsbl:Deny:0"] = "deny.test",
            ["IrcStream:Dnsbl:Servers:0"] = dns.Endpoint,
        });
        var listed = host.NewBrowser();
        listed.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        using var refused = await CreateAsync(listed);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        problem.GetProperty("detail").GetString().Should().Contain("198.51.100.7").And.Contain("deny.test");
        host.Fakes!.Created.Should().BeEmpty("nothing of a refused request reaches IRC");

        var clean = host.NewBrowser();
        clean.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.8");
        using var created = await CreateAsync(clean);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        dns.Queries.Should().Contain("8.100.51.198.deny.test");
    }

    [Fact]
    public async Task ABlockListThatNeverAnswersFailsClosedWhenTheOperatorSaysSo()
    {
        await using var dns = LoopbackDnsServer.StartSilent();
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Dnsbl:Deny:0"] = "deny.test",
            ["IrcStream:Dnsbl:Servers:0"] = dns.Endpoint,
            ["IrcStream:Dnsbl:Timeout"] = "00:00:00.200",
            ["IrcStream:Dnsbl:OnFailure"] = "deny",
        });
        using var refused = await CreateAsync(host.NewBrowser());
        (await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString().Should().Contain("Try again");
        host.Fakes!.Created.Should().BeEmpty();
    }

    [Fact]
    public async Task ABlockListThatNeverAnswersFailsOpenByDefault()
    {
        await using var dns = LoopbackDnsServer.StartSilent();
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Dnsbl:Deny:0"] = "deny.test",
            ["IrcStream:Dnsbl:Servers:0"] = dns.Endpoint,
            ["IrcStream:Dnsbl:Timeout"] = "00:00:00.200",
        });
        using var created = await CreateAsync(host.NewBrowser());
        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AVerifyListingAsksForTheHumanCheckAndASolvedChallengeOpensTheConnection()
    {
        await using var dns = LoopbackDnsServer.Start();
        dns.Add("7.100.51.198.verify.test", "127.0.0.3");
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:Dnsbl:Verify:0"] = "verify.test",
            ["IrcStream:Dnsbl:Servers:0"] = dns.Endpoint,
            ["IrcStream:HumanCheck:Difficulty"] = "8",
        });
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");

        using (var asked = await CreateAsync(browser))
        {
            var problem = await asked.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            problem.GetProperty("humanCheck").GetString().Should().Be("proof-of-work");
            problem.GetProperty("detail").GetString().Should().Contain("verify.test");
        }
        host.Fakes!.Created.Should().BeEmpty();

        var challenge = await ChallengeAsync(browser);
        challenge.Difficulty.Should().Be(8);
        using (var wrong = await CreateAsync(browser, new { challenge = challenge.Challenge, nonce = Unsolved(challenge) }))
            (await wrong.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString().Should().Contain("does not solve");
        var proof = new { challenge = challenge.Challenge, nonce = Solve(challenge.Challenge, challenge.Difficulty) };
        using (var created = await CreateAsync(browser, proof))
            created.StatusCode.Should().Be(HttpStatusCode.Created);
        host.Fakes.Created.Should().HaveCount(1);

        // Another browser from the same address replays the same answer: each challenge opens one connection.
        var replay = host.NewBrowser();
        replay.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        using (var reused = await CreateAsync(replay, proof))
            (await reused.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString().Should().Contain("already used");
        host.Fakes.Created.Should().HaveCount(1);
    }

    [Fact]
    public async Task AnAddressPastItsConnectionsPerHourSolvesAChallengeForEachMore()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:HumanCheck:AfterConnectionsPerHour"] = "2",
            ["IrcStream:HumanCheck:Difficulty"] = "8",
        });
        for (var i = 0; i < 2; i++)
        {
            using var free = await CreateAsync(host.NewBrowser());
            free.StatusCode.Should().Be(HttpStatusCode.Created);
        }
        var third = host.NewBrowser();
        using (var asked = await CreateAsync(third))
            (await asked.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString().Should().Contain("more than 2 connections this hour");
        var challenge = await ChallengeAsync(third);
        using var created = await CreateAsync(third, new { challenge = challenge.Challenge, nonce = Solve(challenge.Challenge, challenge.Difficulty) });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task WithNothingConfiguredThereIsNoCheckAndNoChallenge()
    {
        await using var host = GatewayHost.Start();
        var browser = host.NewBrowser();
        using var response = await browser.Http.GetAsync("/api/challenge", Token);
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var created = await CreateAsync(browser);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AlwaysAsksEverySessionsFirstConnectionOnly()
    {
        await using var host = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:HumanCheck:Always"] = "true",
            ["IrcStream:HumanCheck:Difficulty"] = "8",
        });
        var browser = host.NewBrowser();
        using (var asked = await CreateAsync(browser))
            await asked.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var challenge = await ChallengeAsync(browser);
        using (var first = await CreateAsync(browser, new { challenge = challenge.Challenge, nonce = Solve(challenge.Challenge, challenge.Difficulty) }))
            first.StatusCode.Should().Be(HttpStatusCode.Created);
        using var second = await CreateAsync(browser);
        second.StatusCode.Should().Be(HttpStatusCode.Created, "the session showed it is a person with its first connection");
    }

    /// <summary>A nonce that does not meet the difficulty.</summary>
    private static string Unsolved(ChallengeDto challenge)
    {
        for (var nonce = 0L; ; nonce++)
        {
            var text = nonce.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (ProofOfWork.LeadingZeroBits(challenge.Challenge, text) < challenge.Difficulty) return text;
        }
    }
}
