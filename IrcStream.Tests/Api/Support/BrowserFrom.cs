namespace IrcStream.Tests.Api.Support;

public static class BrowserFrom
{
    /// <summary>A new browser whose requests the gateway sees from <paramref name="address"/> (X-Forwarded-For, believed from a loopback proxy).</summary>
    public static Browser NewBrowserFrom(this GatewayHost host, string address)
    {
        var browser = host.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return browser;
    }
}
