var builder = WebApplication.CreateBuilder(args);
builder.Services.AddWebClient();

var app = builder.Build();
app.UseWebClient();

app.MapGet("/healthz", () => TypedResults.Ok("ok"));

app.Run();

public partial class Program;
