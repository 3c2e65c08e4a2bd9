using System.Net;
using IrcStream.Tests.Api.Support;

namespace IrcStream.Tests.Api;

public sealed class HealthTests
{
    [Fact]
    public async Task HealthzAnswersOk()
    {
        await using var host = GatewayHost.Start();
        using var response = await host.NewBrowser().Http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
