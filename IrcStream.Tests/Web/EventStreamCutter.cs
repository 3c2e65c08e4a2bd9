using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IrcStream.Tests.Web;

/// <summary>
/// Lets a test cut the gateway's open event streams the way a dropped network does (the TCP connection is
/// aborted under the browser), while the gateway and its IRC connections carry on.
/// </summary>
public sealed class EventStreamCutter : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, byte> _open = new();

    public int OpenStreams => _open.Count;

    /// <summary>Puts the cutter in front of a gateway's pipeline (<c>GatewayHost.Start(services: cutter.AddTo)</c>).</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) != true)
            {
                await nextMiddleware(context);
                return;
            }
            _open.TryAdd(context, 0);
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                _open.TryRemove(context, out _);
            }
        });
        next(app);
    };

    /// <summary>Aborts every open event stream; returns how many there were.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var context in _open.Keys)
        {
            context.Abort();
            cut++;
        }
        return cut;
    }
}
