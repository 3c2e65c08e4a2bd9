using System.Diagnostics;
using System.Text.Json;
using IrcStream.Tests.Support;

namespace IrcStream.Tests.Deployment;

/// <summary>
/// There is no Docker engine in CI, so the Dockerfile is replayed on this machine instead (once for the class,
/// it runs one restore and one publish): the build stage with the same COPY order, so restore sees only the
/// project files as in the cached layer; then the runtime stage, whose ENTRYPOINT is started and probed with
/// the image's own HEALTHCHECK command.
/// </summary>
public sealed class DockerImageFixture : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private readonly List<DockerStageReplay> _replays = [];

    public IReadOnlyList<DockerStage> Stages { get; } = Dockerfile.Parse(File.ReadAllText(RepositoryRoot.File("Dockerfile")));

    public DockerStage Runtime => Stages[^1];

    /// <summary>The runtime stage as carried out: its WORKDIR holds what the image would.</summary>
    public DockerStageReplay RuntimeReplay => _replays[^1];

    public async ValueTask InitializeAsync()
    {
        var ignore = DockerIgnore.Parse(File.ReadAllText(RepositoryRoot.File(".dockerignore")));
        var byName = new Dictionary<string, DockerStageReplay>(StringComparer.Ordinal);
        foreach (var stage in Stages)
        {
            var replay = await DockerStageReplay.RunAsync(stage, RepositoryRoot.Path, ignore, byName, RunTimeout, TestContext.Current.CancellationToken);
            _replays.Add(replay);
            if (stage.Name is not null) byName[stage.Name] = replay;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var replay in _replays) replay.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class DockerImageTests(DockerImageFixture image) : IClassFixture<DockerImageFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void BuildsOnTheSdkAndRunsOnTheAspnetRuntimeImage()
    {
        image.Stages.Select(s => s.BaseImage).Should().Equal("mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0");
    }

    [Fact]
    public void RestoresBeforeTheSourcesAreCopiedSoThatLayerIsCached()
    {
        var build = image.Stages[0].Instructions.ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var copiedBeforeRestore = build[..Math.Max(restore, 0)]
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToArray();

        restore.Should().BePositive("the build stage runs dotnet restore");
        copiedBeforeRestore.Should().Contain("IrcStream.Api/IrcStream.Api.csproj");
        copiedBeforeRestore.Should().OnlyContain(source => File.Exists(RepositoryRoot.File(source)),
            "only single files (sln, props, csproj) are copied before the restore, so source edits keep its layer cached");
    }

    [Fact]
    public void ImageHoldsThePublishedGatewayAndNothingElse()
    {
        var files = Directory.EnumerateFiles(image.RuntimeReplay.Map(image.RuntimeReplay.WorkingDirectory), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .ToArray();

        files.Should().Contain(["IrcStream.Api.dll", "IrcStream.Domain.dll", "IrcStream.Api.runtimeconfig.json"]);
        files.Should().NotContain(f => f!.Contains("Tests", StringComparison.Ordinal) || f.Contains("Benchmarks", StringComparison.Ordinal)
                                       || f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void RunsAsTheImagesUnprivilegedUserOnPort8080()
    {
        image.Runtime.ArgumentsOf("USER").Should().Equal("$APP_UID");
        image.RuntimeReplay.Environment.Should().Contain("ASPNETCORE_HTTP_PORTS", "8080");
        image.Runtime.ArgumentsOf("EXPOSE").Should().Equal("8080");
    }

    [Fact]
    public async Task HealthcheckPassesOnceTheGatewayServesAndFailsWhenNothingListens()
    {
        var ct = TestContext.Current.CancellationToken;
        var probe = HealthcheckCommand();
        var entrypoint = JsonSerializer.Deserialize<string[]>(image.Runtime.ArgumentsOf("ENTRYPOINT").Single())!;
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>(image.RuntimeReplay.Environment) { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() };
        // A developer's own settings would override the port the image sets.
        environment["ASPNETCORE_URLS"] = "";
        environment["DOTNET_URLS"] = "";

        (await ProbeAsync(probe, environment, ct)).ExitCode.Should().NotBe(0, "nothing listens on port {0} yet", port);

        using var gateway = ChildProcess.StartBackground(entrypoint[0], entrypoint[1..], image.RuntimeReplay.Map(image.RuntimeReplay.WorkingDirectory), environment);
        try
        {
            var waited = Stopwatch.StartNew();
            ChildProcess.Result result;
            while ((result = await ProbeAsync(probe, environment, ct)).ExitCode != 0)
            {
                gateway.HasExited.Should().BeFalse("the published gateway should keep running (exit code {0})", gateway.HasExited ? gateway.ExitCode : 0);
                waited.Elapsed.Should().BeLessThan(StartTimeout, "the HEALTHCHECK should pass once the gateway serves; its last output: {0}", result.Output);
                await Task.Delay(250, ct);
            }
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync(CancellationToken.None);
        }

        (await ProbeAsync(probe, environment, ct)).ExitCode.Should().NotBe(0, "the gateway is gone");
    }

    /// <summary>The HEALTHCHECK's exec form: ["bash", "-c", script] and the options before CMD.</summary>
    private string[] HealthcheckCommand()
    {
        var healthcheck = image.Runtime.ArgumentsOf("HEALTHCHECK").Single();
        var cmd = healthcheck.IndexOf("CMD [", StringComparison.Ordinal);
        cmd.Should().BePositive("the HEALTHCHECK uses the exec form, which needs no /bin/sh quoting");
        return JsonSerializer.Deserialize<string[]>(healthcheck[(cmd + 4)..])!;
    }

    private Task<ChildProcess.Result> ProbeAsync(string[] probe, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        ChildProcess.RunAsync(probe[0], probe[1..], image.RuntimeReplay.Root, environment, ProbeTimeout, ct);
}
