namespace IrcStream.Tests.Deployment;

/// <summary>The compose demo as the repository defines it: docker-compose.yml and the InspIRCd config it mounts.</summary>
internal static class ComposeDemo
{
    private const string IrcConfigName = "inspircd.conf";

    public static IReadOnlyList<ComposeService> Services { get; } = ComposeFile.Load(RepositoryRoot.File("docker-compose.yml"));

    /// <summary>The service built from this repository.</summary>
    public static ComposeService Gateway => Services.Single(s => s.Build == ".");

    /// <summary>The service that mounts an InspIRCd config from the repository.</summary>
    public static ComposeService IrcServer => Services.Single(s => s.Volumes.Any(IsIrcConfigMount));

    /// <summary>The IRC server's config mount: [path in the repository, path in the container, options...].</summary>
    public static string[] IrcConfigMount => IrcServer.Volumes.Single(IsIrcConfigMount).Split(':');

    public static string IrcConfigPath => RepositoryRoot.File(IrcConfigMount[0]);

    public static IReadOnlyList<InspircdConfigTag> IrcConfig => InspircdConfigFile.Parse(File.ReadAllText(IrcConfigPath));

    public static string GatewayWebircPassword => Gateway.Environment["IrcStream__Webirc__Password"];

    public static string GatewayWebircName => Gateway.Environment.GetValueOrDefault("IrcStream__Webirc__Gateway", "ircstream");

    private static bool IsIrcConfigMount(string volume) => volume.Split(':')[0].EndsWith(IrcConfigName, StringComparison.Ordinal);
}
