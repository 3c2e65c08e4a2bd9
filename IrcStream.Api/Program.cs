using IrcStream.Api.Admin;
using IrcStream.Api.Cluster;
using IrcStream.Api.Configuration;
using IrcStream.Api.Connections;
using IrcStream.Api.Diagnostics;
using IrcStream.Api.Http;
using IrcStream.Api.Sessions;
using IrcStream.Api.Streaming;
using IrcStream.Api.WebClient;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddIrcStreamOptions(builder.Configuration);
builder.Services.AddRedis(builder.Configuration);
builder.Services.AddRedisNodes(builder.Configuration);
builder.Services.AddGatewayErrors();
builder.Services.AddForwardedHeadersFromOptions();
builder.Services.AddConnectionRateLimit();
builder.Services.AddSessions();
builder.Services.AddIrcConnections();
builder.Services.AddStreaming();
builder.Services.AddGatewayMetrics();
builder.Services.AddGatewayHealth();
builder.Services.AddAdmin(builder.Configuration);

var app = builder.Build();

app.UseForwardedHeaders();
app.UseGatewayErrors();
app.UseRequestBodyLimit();
app.UseRateLimiter();
app.UseWebClient();

app.MapHealth();
app.MapConnectionsApi();
app.MapStreamingApi();
app.MapGatewayMetrics();
app.MapAdmin();

app.Run();

public partial class Program;
