namespace IrcStream.Tests.Support;

/// <summary>A real IRC server a test started on a loopback port (InspIRCd, ngIRCd, Ergo, ircd-hybrid).</summary>
public interface ITestIrcServer : IAsyncDisposable
{
    string Host { get; }

    int Port { get; }

    /// <summary>The server's process while it runs; null once stopped.</summary>
    int? ProcessId { get; }

    /// <summary>The temporary folder with its configuration, deleted when the server is disposed.</summary>
    string Directory { get; }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    Task RestartAsync(CancellationToken cancellationToken = default);
}
