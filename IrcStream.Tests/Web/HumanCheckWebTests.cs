using System.Globalization;
using System.Text.Json;
using IrcStream.Api.Configuration;
using IrcStream.Tests.Api.Support;
using IrcStream.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IrcStream.Tests.Web;

/// <summary>
/// The human check in headless Chromium: the client meets the gateway's 403, solves the proof-of-work in a Web Worker
/// with WebCrypto (loaded under the gateway's own Content-Security-Policy) while the button shows progress, and the
/// connection opens on a real InspIRCd.
/// </summary>
[Collection("Web")]
public sealed class HumanCheckWebTests(BrowserFixture browser, InspircdFixture irc) : IAsyncLifetime
{
    private GatewayHost? _gateway;

    private GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not started.");

    private string Server => $"{irc.Server.Host}:{irc.Server.Port}";

    public ValueTask InitializeAsync()
    {
        _gateway = GatewayHost.Start(new Dictionary<string, string?>
        {
            ["IrcStream:AllowedServers:0"] = Server,
            ["IrcStream:HumanCheck:Always"] = "true",
        }, realEngine: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task TheClientSolvesTheChallengeAtTheDefaultDifficultyShowingProgressAndConnects()
    {
        await using var client = await ClientPage.OpenAsync(browser.Browser, Gateway.BaseAddress);
        var buttonTexts = new List<string>();
        client.Page.Console += (_, message) => buttonTexts.Add(message.Text);
        // Records every text the button shows, so the progress is seen however fast the solve is.
        await client.Page.EvaluateAsync("""
            () => new MutationObserver(() => console.log(document.getElementById('connect-submit').textContent))
                .observe(document.getElementById('connect-submit'), { childList: true, characterData: true, subtree: true })
            """);
        var nick = RawIrcClient.UniqueNick("pow");
        await client.ConnectAsync(Server, nick);

        client.Requests.Count(r => r.EndsWith("/api/challenge", StringComparison.Ordinal)).Should().Be(1, "the first connect was refused for the check");
        client.Requests.Should().Contain(r => r.EndsWith("/js/pow-worker.js", StringComparison.Ordinal));
        buttonTexts.Should().Contain(t => t.StartsWith("Checking that you are a person…", StringComparison.Ordinal), "the button shows the work going on");
        client.PageErrors.Should().BeEmpty("the worker runs under the gateway's Content-Security-Policy");
    }

    /// <summary>
    /// A measurement, not a timed assertion: solves challenges at the default difficulty in this Chromium and writes
    /// the times to TestResults/measurements.txt (docs/BENCHMARKS.md, "Human check"); it checks only that every answer is accepted by the gateway's
    /// own judge.
    /// </summary>
    [Fact]
    public async Task SolveTimesInChromiumAtTheDefaultDifficultyAreWrittenOut()
    {
        const int solves = 20;
        await using var page = await ModulePage.OpenAsync(browser.Browser, Gateway.BaseAddress);
        var result = await page.RunAsync($$"""
            const { solveChallenge } = await import('/js/pow.js');
            const times = [];
            const proofs = [];
            for (let i = 0; i < {{solves}}; i++) {
              const challenge = await (await fetch('/api/challenge')).json();
              const began = performance.now();
              const solved = await solveChallenge(challenge);
              times.push(performance.now() - began);
              proofs.push({ challenge: challenge.challenge, nonce: solved.nonce, difficulty: challenge.difficulty });
            }
            return { times, proofs };
            """);
        var taken = result.GetProperty("times").EnumerateArray().Select(t => t.GetDouble()).ToArray();
        var times = taken.Order().ToArray();
        // The worker tries nonces 0, 1, 2, ... so a solve's nonce + 1 is how many hashes it took; the luck of the draw
        // (2^difficulty on average, but any one solve from a few to many times that) drops out of hashes per second.
        long hashes = 0;
        foreach (var proof in result.GetProperty("proofs").EnumerateArray())
        {
            hashes += long.Parse(proof.GetProperty("nonce").GetString()!, CultureInfo.InvariantCulture) + 1;
            proof.GetProperty("difficulty").GetInt32().Should().Be(HumanCheckDefaults.Difficulty);
            IrcStream.Api.Guard.ProofOfWork.LeadingZeroBits(proof.GetProperty("challenge").GetString()!, proof.GetProperty("nonce").GetString()!)
                .Should().BeGreaterThanOrEqualTo(HumanCheckDefaults.Difficulty);
        }
        var perSecond = hashes / (taken.Sum() / 1000);
        Measurements.Record($"proof-of-work solve in Chromium, difficulty {HumanCheckDefaults.Difficulty}", string.Create(CultureInfo.InvariantCulture,
            $"{solves} solves: median {times[solves / 2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms, mean {times.Average():0} ms; {hashes} hashes, {perSecond:0} hashes/s, so {Math.Pow(2, HumanCheckDefaults.Difficulty) / perSecond * 1000:0} ms for the 2^{HumanCheckDefaults.Difficulty} hashes of an average solve; all: {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}"));
    }
}
