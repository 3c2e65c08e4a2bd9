using IrcStream.Api.Admin;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Guard;
using IrcStream.Api.Http;
using IrcStream.Api.State;
using IrcStream.Api.Streaming;
using IrcStream.Api.WebClient;

var builder = WebApplication.CreateBuilder(args);
// "Server: Kestrel" on every response tells a visitor nothing they need (and costs a phone's first load 16 bytes a file).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

builder.Services.AddIrcStreamOptions(builder.Configuration);
builder.Services.AddGatewayState(builder.Configuration);
builder.Services.AddGatewayErrors();
builder.Services.AddForwardedHeadersFromOptions();
builder.Services.AddRateLimiter(limiter => limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
builder.Services.AddIrcConnections();
builder.Services.AddStreaming();
builder.Services.AddGatewayMetrics();
builder.Services.AddGatewayHealth();
builder.Services.AddAdmin(builder.Configuration);
builder.Services.AddGuard();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseGatewayErrors();
app.UseRequestBodyLimit();
app.UseWebClient();
app.UseRateLimiter();

app.MapHealth();
app.MapConnectionsApi();
app.MapStreamingApi();
app.MapGatewayMetrics();
app.MapAdmin();
app.MapGuardApi();
app.MapGatewayState();

app.Run();

public partial class Program;
