using System.Globalization;

namespace IrcStream.Processes;

/// <summary>How to run the Debian packages' servers in the foreground, and what their consoles say when they are ready.</summary>
public static class ServerLaunches
{
    public const string RedisPath = "/usr/bin/redis-server";
    public const string InspircdPath = "/usr/sbin/inspircd";

    /// <summary>redis-server on 127.0.0.1:<paramref name="port"/>, its files in <paramref name="directory"/>; with <paramref name="persistent"/>, every write in an fsynced append-only file.</summary>
    public static ServerLaunch Redis(string directory, int port, bool persistent = false) => new(
        "redis-server",
        RedisPath,
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", persistent ? "yes" : "no",
            "--appendfsync", "always",
            "--dir", directory,
            "--daemonize", "no",
            "--logfile", "",
        ],
        line => line.Contains("Address already in use", StringComparison.Ordinal)
            ? StartupSignal.PortInUse
            : line.Contains("Ready to accept connections", StringComparison.Ordinal)
                ? StartupSignal.Ready
                : StartupSignal.None);

    /// <summary>InspIRCd with the configuration at <paramref name="configPath"/>.</summary>
    public static ServerLaunch Inspircd(string configPath) => new(
        "InspIRCd",
        InspircdPath,
        ["--runasroot", "--nofork", $"--config={configPath}"],
        line => line.Contains("failed to bind", StringComparison.OrdinalIgnoreCase)
                || line.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
            ? StartupSignal.PortInUse
            : line.Contains("InspIRCd is now running", StringComparison.Ordinal)
                ? StartupSignal.Ready
                : StartupSignal.None);
}
