using System.Text.Json;

namespace IrcStream.Tests.Web;

/// <summary>The client's pure logic (renderer, splitter, commands), loaded as ES modules in Chromium; the model is tested in node (<see cref="ClientModelNodeTests"/>).</summary>
[Collection("Web")]
public sealed class ClientModuleTests(BrowserFixture browser, StaticGatewayFixture gateway) : IClassFixture<StaticGatewayFixture>, IAsyncLifetime
{
    private ModulePage? _page;

    private ModulePage Page => _page ?? throw new InvalidOperationException("The page is not open.");

    public async ValueTask InitializeAsync() => _page = await ModulePage.OpenAsync(browser.Browser, gateway.Host.BaseAddress);

    public async ValueTask DisposeAsync()
    {
        if (_page is not null) await _page.DisposeAsync();
    }

    [Fact]
    public async Task MircFormattingCodesRenderAsStyles()
    {
        var result = await Page.RunAsync("""
            const { renderFormatted } = await import('/js/irc-format.js');
            const host = document.createElement('div');
            document.body.appendChild(host);
            host.appendChild(renderFormatted(
              'a \x02bold\x02 \x1ditalic\x1d \x1funder\x1f \x1estrike\x1e \x11mono\x11 ' +
              '\x0304,12redblue\x03 \x0399,03defaultongreen\x03 \x0352ext\x03 \x04ff8800hexorange\x04 \x16rev\x16 \x02\x0304boldred\x0fplain'));
            const span = (text) => [...host.querySelectorAll('span')].find((s) => s.textContent === text);
            const info = (text) => {
              const s = span(text);
              if (!s) return null;
              const cs = getComputedStyle(s);
              return { weight: cs.fontWeight, style: cs.fontStyle, deco: cs.textDecorationLine, font: cs.fontFamily, color: cs.color, bg: cs.backgroundColor, cls: s.className };
            };
            return {
              text: host.textContent,
              plainIsNotStyled: [...host.childNodes].some((n) => n.nodeType === 3 && n.textContent === 'plain'),
              bold: info('bold'), italic: info('italic'), under: info('under'), strike: info('strike'), mono: info('mono'),
              redblue: info('redblue'), defaultongreen: info('defaultongreen'), ext: info('ext'), hex: info('hexorange'),
              rev: info('rev'), boldred: info('boldred'),
            };
            """);

        result.GetProperty("text").GetString().Should().Be("a bold italic under strike mono redblue defaultongreen ext hexorange rev boldredplain");
        result.GetProperty("plainIsNotStyled").GetBoolean().Should().BeTrue("\\x0f resets every style");
        result.GetProperty("bold").GetProperty("weight").GetString().Should().Be("700");
        result.GetProperty("italic").GetProperty("style").GetString().Should().Be("italic");
        result.GetProperty("under").GetProperty("deco").GetString().Should().Be("underline");
        result.GetProperty("strike").GetProperty("deco").GetString().Should().Be("line-through");
        result.GetProperty("mono").GetProperty("font").GetString().Should().Contain("monospace");
        result.GetProperty("redblue").GetProperty("color").GetString().Should().Be("rgb(255, 0, 0)");
        result.GetProperty("redblue").GetProperty("bg").GetString().Should().Be("rgb(0, 0, 252)");
        result.GetProperty("defaultongreen").GetProperty("bg").GetString().Should().Be("rgb(0, 147, 0)");
        result.GetProperty("defaultongreen").GetProperty("cls").GetString().Should().BeEmpty();
        result.GetProperty("ext").GetProperty("color").GetString().Should().Be("rgb(255, 0, 0)", "colour 52 of the extended palette is #ff0000");
        result.GetProperty("hex").GetProperty("color").GetString().Should().Be("rgb(255, 136, 0)");
        result.GetProperty("rev").GetProperty("cls").GetString().Should().Contain("f-reverse");
        result.GetProperty("boldred").GetProperty("weight").GetString().Should().Be("700");
        result.GetProperty("boldred").GetProperty("color").GetString().Should().Be("rgb(255, 0, 0)");
    }

    [Fact]
    public async Task HostileIrcTextIsShownAsTextAndRunsNothing()
    {
        var result = await Page.RunAsync("""
            const { renderLine } = await import('/js/log.js');
            const payloads = [
              '<script>window.__pwned = 1</script>',
              '<img src=x onerror="window.__pwned = 2">',
              '"><svg onload="window.__pwned = 3"></svg>',
              'javascript:window.__pwned=4',
              '\x02<b onmouseover="window.__pwned = 5">bold</b>\x02 https://example.com/"><img src=x onerror="window.__pwned=6">',
            ];
            const host = document.createElement('div');
            document.body.appendChild(host);
            for (const text of payloads) {
              host.appendChild(renderLine({ id: 1, time: new Date(), kind: 'message', nick: '<img src=x onerror="window.__pwned=7">', text }));
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
            return {
              pwned: window.__pwned ?? null,
              elements: [...host.querySelectorAll('script, img, svg, b, iframe')].length,
              texts: [...host.querySelectorAll('.text')].map((n) => n.textContent),
              nicks: [...host.querySelectorAll('.nick')].map((n) => n.textContent),
              hrefs: [...host.querySelectorAll('a')].map((a) => a.getAttribute('href')),
            };
            """);

        result.GetProperty("pwned").ValueKind.Should().Be(JsonValueKind.Null);
        result.GetProperty("elements").GetInt32().Should().Be(0);
        result.GetProperty("texts").EnumerateArray().Select(t => t.GetString()).Should().Equal(
            "<script>window.__pwned = 1</script>",
            "<img src=x onerror=\"window.__pwned = 2\">",
            "\"><svg onload=\"window.__pwned = 3\"></svg>",
            "javascript:window.__pwned=4",
            "<b onmouseover=\"window.__pwned = 5\">bold</b> https://example.com/\"><img src=x onerror=\"window.__pwned=6\">");
        result.GetProperty("nicks").EnumerateArray().Should().AllSatisfy(n => n.GetString().Should().Be("<img src=x onerror=\"window.__pwned=7\">"));
        result.GetProperty("hrefs").EnumerateArray().Select(h => h.GetString()).Should().Equal("https://example.com/");
    }

    [Fact]
    public async Task UrlsBecomeLinksThatOpenInANewTab()
    {
        var result = await Page.RunAsync("""
            const { renderFormatted } = await import('/js/irc-format.js');
            const host = document.createElement('div');
            host.appendChild(renderFormatted('see https://example.com/a_(b) and www.example.org/x, then (https://example.net/p?q=1). ftp://no javascript:alert(1)'));
            return [...host.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel }));
            """);

        var links = result.EnumerateArray().ToList();
        links.Select(l => l.GetProperty("href").GetString()).Should().Equal("https://example.com/a_(b)", "https://www.example.org/x", "https://example.net/p?q=1");
        links.Select(l => l.GetProperty("text").GetString()).Should().Equal("https://example.com/a_(b)", "www.example.org/x", "https://example.net/p?q=1");
        links.Should().AllSatisfy(l =>
        {
            l.GetProperty("target").GetString().Should().Be("_blank");
            l.GetProperty("rel").GetString().Should().Contain("noopener");
        });
    }

    [Fact]
    public async Task LongTextIsSplitByUtf8BytesNeverInsideACharacter()
    {
        var result = await Page.RunAsync("""
            const { splitMessage, utf8Length, MAX_LINE_BYTES, RELAY_RESERVE_BYTES } = await import('/js/irc-split.js');
            const { interpret } = await import('/js/commands.js');
            const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
            const text = ('Grüße ' + family + ' 日本語のテキスト ').repeat(40) + 'ä'.repeat(400);
            const lines = splitMessage('PRIVMSG', '#chan', text);
            const pieces = lines.map((l) => l.slice('PRIVMSG #chan :'.length));
            const wellFormed = pieces.every((p) => { try { encodeURIComponent(p); return true; } catch { return false; } });
            const me = interpret('/me ' + 'ü'.repeat(700), { bufferName: '#chan', bufferKind: 'channel', isChannel: (n) => n.startsWith('#'), chantypes: '#' }).lines;
            return {
              count: lines.length,
              maxBytes: Math.max(...lines.map(utf8Length)),
              limit: MAX_LINE_BYTES - RELAY_RESERVE_BYTES,
              wellFormed,
              familiesWhole: pieces.join('').split(family).length - 1,
              sameText: pieces.join('').replaceAll(' ', '') === text.replaceAll(' ', ''),
              meCount: me.length,
              meWrapped: me.every((l) => l.startsWith('PRIVMSG #chan :\x01ACTION ') && l.endsWith('\x01')),
              meMaxBytes: Math.max(...me.map(utf8Length)),
              meText: me.map((l) => l.slice('PRIVMSG #chan :\x01ACTION '.length, -1)).join(''),
            };
            """);

        result.GetProperty("count").GetInt32().Should().BeGreaterThan(4);
        result.GetProperty("maxBytes").GetInt32().Should().BeLessThanOrEqualTo(result.GetProperty("limit").GetInt32());
        result.GetProperty("wellFormed").GetBoolean().Should().BeTrue("no piece may end or start inside a surrogate pair");
        result.GetProperty("familiesWhole").GetInt32().Should().Be(40, "an emoji sequence is one grapheme and is never cut");
        result.GetProperty("sameText").GetBoolean().Should().BeTrue();
        result.GetProperty("meCount").GetInt32().Should().Be(4);
        result.GetProperty("meWrapped").GetBoolean().Should().BeTrue();
        result.GetProperty("meMaxBytes").GetInt32().Should().BeLessThanOrEqualTo(result.GetProperty("limit").GetInt32());
        result.GetProperty("meText").GetString().Should().Be(new string('ü', 700));
    }

    [Theory]
    [InlineData("#chan", "hello", "PRIVMSG #chan :hello")]
    [InlineData("#chan", "//slash text", "PRIVMSG #chan :/slash text")]
    [InlineData("#chan", "/join more", "JOIN #more")]
    [InlineData("#chan", "/join #a,#b key", "JOIN #a,#b key")]
    [InlineData("#chan", "/part", "PART #chan")]
    [InlineData("#chan", "/part see you", "PART #chan :see you")]
    [InlineData("#chan", "/part #other bye", "PART #other :bye")]
    [InlineData("#chan", "/msg bob hi there", "PRIVMSG bob :hi there")]
    [InlineData("#chan", "/query bob hi", "PRIVMSG bob :hi")]
    [InlineData("#chan", "/me waves", "PRIVMSG #chan :\u0001ACTION waves\u0001")]
    [InlineData("#chan", "/notice bob psst", "NOTICE bob :psst")]
    [InlineData("#chan", "/nick newme", "NICK newme")]
    [InlineData("#chan", "/topic A new topic", "TOPIC #chan :A new topic")]
    [InlineData("#chan", "/topic", "TOPIC #chan")]
    [InlineData("#chan", "/whois bob", "WHOIS bob")]
    [InlineData("#chan", "/quit bye all", "QUIT :bye all")]
    [InlineData("#chan", "/raw MODE #chan +m", "MODE #chan +m")]
    [InlineData("#chan", "/quote PING :x", "PING :x")]
    [InlineData("bob", "hi bob", "PRIVMSG bob :hi bob")]
    public async Task TypedInputBecomesTheseIrcLines(string buffer, string input, string expected)
    {
        var kind = buffer.StartsWith('#') ? "channel" : "query";
        var result = await Page.Page.EvaluateAsync<string[]>("""
            async ([buffer, kind, input]) => {
              const { interpret } = await import('/js/commands.js');
              return interpret(input, { bufferName: buffer, bufferKind: kind, isChannel: (n) => n.startsWith('#'), chantypes: '#' }).lines;
            }
            """, new[] { buffer, kind, input });

        result.Should().Equal(expected);
    }

    [Theory]
    [InlineData("server", "hello", "server buffer")]
    [InlineData("channel", "/frobnicate", "Unknown command /frobnicate")]
    [InlineData("channel", "/msg bob", "Usage: /msg")]
    [InlineData("server", "/me waves", "/me works in a channel")]
    public async Task MistakesAreExplainedInWords(string kind, string input, string expected)
    {
        var result = await Page.Page.EvaluateAsync<string>("""
            async ([kind, input]) => {
              const { interpret, CommandError } = await import('/js/commands.js');
              try {
                interpret(input, { bufferName: kind === 'server' ? 'irc.test' : '#chan', bufferKind: kind, isChannel: (n) => n.startsWith('#'), chantypes: '#' });
                return 'no error';
              } catch (error) {
                return error instanceof CommandError ? error.message : `wrong error: ${error}`;
              }
            }
            """, new[] { kind, input });

        result.Should().Contain(expected);
    }

    [Fact]
    public async Task TabCompletesNicksAndArrowsRecallHistory()
    {
        var result = await Page.RunAsync("""
            const { completeNick, InputHistory } = await import('/js/commands.js');
            const nicks = ['Bobby', 'bob', 'alice'];
            const history = new InputHistory();
            history.push('first');
            history.push('second');
            const recalled = [history.previous('draft'), history.previous('second'), history.previous('first'), history.next(), history.next()];
            return {
              start: completeNick('bo', 2, nicks),
              middle: completeNick('hi al and more', 5, nicks),
              none: completeNick('zz', 2, nicks),
              recalled,
            };
            """);

        result.GetProperty("start").GetProperty("value").GetString().Should().Be("Bobby: ");
        result.GetProperty("middle").GetProperty("value").GetString().Should().Be("hi alice and more");
        result.GetProperty("middle").GetProperty("caret").GetInt32().Should().Be(9);
        result.GetProperty("none").ValueKind.Should().Be(JsonValueKind.Null);
        result.GetProperty("recalled").EnumerateArray().Select(r => r.GetString()).Should().Equal("second", "first", "first", "second", "draft");
    }

    [Fact]
    public async Task DaySeparatorsAndDurationsReadAsWords()
    {
        var result = await Page.RunAsync("""
            const { dayLabel, formatDuration } = await import('/js/log.js');
            const now = new Date(2026, 11, 4, 10, 30);
            return {
              today: dayLabel(new Date(2026, 11, 4, 0, 5), now),
              yesterday: dayLabel(new Date(2026, 11, 3, 23, 59), now),
              older: dayLabel(new Date(2026, 10, 28, 12, 0), now),
              durations: [1, 45, 180, 3600, 3900, 90000, 172800].map(formatDuration),
            };
            """);

        result.GetProperty("today").GetString().Should().Be("Today");
        result.GetProperty("yesterday").GetString().Should().Be("Yesterday");
        result.GetProperty("older").GetString().Should().Contain("28").And.Contain("2026");
        result.GetProperty("durations").EnumerateArray().Select(d => d.GetString()).Should().Equal(
            "1 second", "45 seconds", "3 minutes", "1 hour", "1 hour 5 minutes", "1 day 1 hour", "2 days");
    }
}
